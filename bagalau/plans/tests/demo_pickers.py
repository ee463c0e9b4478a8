"""Demo objects whose official forms the documents tests and tools/render_forms.py print: a
form key → an object id on the built demo that the body's head of HR may print."""

from __future__ import annotations

from bagalau.plans.models import PlanState, WorkPlan


def approved_plan(model: str) -> int | None:
    return (
        WorkPlan.objects.filter(
            state=PlanState.APPROVED, version__model=model, approver__isnull=False
        )
        .order_by("-year", "pk")
        .values_list("pk", flat=True)
        .first()
    )


PICKERS = {"work_plan": lambda: approved_plan("2023")}
PRINTER = {"work_plan": "hrhead"}
