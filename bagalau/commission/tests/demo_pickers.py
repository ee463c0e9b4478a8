"""The commission protocol the demo's 2018 head of HR may print (documents' tests)."""

from __future__ import annotations

from collections.abc import Callable

from bagalau.commission.models import Meeting, MeetingState


def commission_protocol() -> int | None:
    """The Beskaragai body's approved meeting (001 p39)."""
    return (
        Meeting.objects.filter(state=MeetingState.APPROVED, body__name_kk__contains="Бесқарағай")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


PICKERS: dict[str, Callable[[], int | None]] = {"commission_protocol": commission_protocol}
PRINTER: dict[str, str] = {"commission_protocol": "hr2018"}
