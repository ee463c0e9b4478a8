"""The evaluation sheets the demo's head of HR may print (documents' tests render them)."""

from __future__ import annotations

from collections.abc import Callable

from bagalau.evaluations.models import DONE_TASK_STATES, Task

# The 2023 body's head of HR and the 2018 body's (who is also its HR officer).
HR_2023 = "hrhead"
HR_2018 = "hr2018"


def competency_sheet() -> int | None:
    """A submitted 2018 competency sheet of the Beskaragai body, marks and all."""
    return (
        Task.objects.filter(
            kind="competency", state__in=DONE_TASK_STATES, body__name_kk__contains="Бесқарағай"
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def differentiation_sheet() -> int | None:
    """A submitted differentiation sheet of the Mangystau body, with its result."""
    return (
        Task.objects.filter(
            kind="differentiation",
            state__in=DONE_TASK_STATES,
            result__isnull=False,
            body__name_kk__contains="Маңғыстау",
        )  # fmt: skip
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


PICKERS: dict[str, Callable[[], int | None]] = {
    "competency_sheet": competency_sheet,
    "differentiation_sheet": differentiation_sheet,
}
PRINTER: dict[str, str] = {"competency_sheet": HR_2018, "differentiation_sheet": HR_2023}
