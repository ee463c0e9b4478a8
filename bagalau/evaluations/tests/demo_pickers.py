"""Demo objects whose official forms the documents tests and tools/render_forms.py print: a
form key → an object id on the built demo that the body's head of HR may print."""

from __future__ import annotations

from bagalau.evaluations.models import Result


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


PICKERS = {"kpi_sheet": lambda: kpi_task("kpi_quarterly"), "refusal_act": refused_task}
PRINTER = {"kpi_sheet": "hrhead", "refusal_act": "hrhead"}
