"""The 360 report and feedback the demo's head of HR may print (documents' tests)."""

from __future__ import annotations

from collections.abc import Callable

from bagalau.surveys.models import CampaignState, Subject


def survey_report() -> int | None:
    """A subject of the closed campaign whose feedback conversation is recorded."""
    closed = Subject.objects.filter(campaign__state=CampaignState.CLOSED).order_by("pk")
    with_feedback = closed.filter(feedback__isnull=False).values_list("pk", flat=True).first()
    return with_feedback or closed.values_list("pk", flat=True).first()


PICKERS: dict[str, Callable[[], int | None]] = {
    "survey_report": survey_report,
    "survey_feedback": survey_report,
}
PRINTER: dict[str, str] = {"survey_report": "hrhead", "survey_feedback": "hrhead"}
