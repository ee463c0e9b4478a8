"""Demo objects whose official forms the documents tests and tools/render_forms.py print: a
form key → an object id on the built demo that the body's head of HR may print."""

from __future__ import annotations

from collections.abc import Callable

from bagalau.evaluations.models import DONE_TASK_STATES, Result, Task


def kpi_task(kind: str) -> int | None:
    return (
        Result.objects.filter(task__kind=kind, task__state__in=["acquainted", "agreed",
                                                                "for_commission", "submitted"])
        .order_by("-year", "-quarter", "task_id")
        .values_list("task_id", flat=True)
        .first()
    )  # fmt: skip


def refused_task() -> int | None:
    return (
        Result.objects.filter(refused_at__isnull=False, task__isnull=False)
        .order_by("task_id")
        .values_list("task_id", flat=True)
        .first()
    )


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
    "kpi_sheet": lambda: kpi_task("kpi_quarterly"),
    "refusal_act": refused_task,
    "competency_sheet": competency_sheet,
    "differentiation_sheet": differentiation_sheet,
}
PRINTER: dict[str, str] = {
    "kpi_sheet": HR_2023,
    "refusal_act": HR_2023,
    "competency_sheet": HR_2018,
    "differentiation_sheet": HR_2023,
}
