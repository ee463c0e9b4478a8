"""Records to report on: schedules, sheets and results of the personas' body."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bagalau.evaluations.models import Result, ResultChange, Schedule, Task, TaskState
from bagalau.reports import rules


def version_of(body: Any, day: date) -> Any:
    from bagalau.methodology import selectors

    version = selectors.version_for(body.pk, day)
    if version is None:  # before the first national version in the fixture: the earliest one
        from bagalau.methodology.models import MethodologyVersion

        version = MethodologyVersion.objects.order_by("effective_from").first()
    return version


def schedule(body: Any, year: int, quarter: int = 0) -> Schedule:
    end = rules.period_end(year, quarter)
    start = date(year, 1, 1) if quarter == 0 else date(year, quarter * 3 - 2, 1)
    found = Schedule.objects.filter(
        body=body, year=year, quarter=quarter, period_kind="year" if quarter == 0 else "quarter"
    ).first()
    if found is not None:
        return found
    return Schedule.objects.create(
        body=body, version=version_of(body, end), period_kind="year" if quarter == 0 else "quarter",
        year=year, quarter=quarter, start=start, end=end, status="approved",
    )  # fmt: skip


def sheet(
    w: Any, servant: Any, year: int, quarter: int, *, evaluator: Any = None,
    kind: str = "differentiation", state: str = TaskState.ACQUAINTED, score: str = "4.00",
) -> Task:  # fmt: skip
    evaluator = evaluator or w.head_a
    s = schedule(w.body, year, quarter)
    return Task.objects.create(
        schedule=s, body=w.body, version=s.version, servant=servant, kind=kind,
        participation="evaluated", evaluator=evaluator, evaluator_source="structure",
        evaluator_user=evaluator.user, state=state, score=Decimal(score),
        due_date=s.end,
    )  # fmt: skip


def result(
    w: Any, servant: Any, year: int, quarter: int = 0, *, evaluator: Any = None,
    kind: str = "differentiation", score: str = "4.00", band: str = "effective",
    acknowledged: bool = True, task: bool = True,
) -> Result:  # fmt: skip
    from django.utils import timezone

    t = (
        sheet(w, servant, year, quarter, evaluator=evaluator, kind=kind, score=score)
        if task
        else None
    )
    s = schedule(w.body, year, quarter)
    return Result.objects.create(
        body=w.body, servant=servant, version=s.version, kind=kind, year=year, quarter=quarter,
        task=t, original_score=Decimal(score), score=Decimal(score), band=band,
        acknowledged_at=timezone.now() if acknowledged else None,
    )  # fmt: skip


def change(r: Result, to: str, source: str = "calibration") -> ResultChange:
    c = ResultChange.objects.create(
        result=r, score_from=r.score, score_to=Decimal(to), source=source
    )
    r.score = Decimal(to)
    r.save(update_fields=["score"])
    return c


def many_results(w: Any, servant: Any, count: int) -> list[Result]:
    """`count` quarter results from 2021 on, each with a calibration change."""
    found = []
    for i in range(count):
        r = result(w, servant, 2021 + i // 4, i % 4 + 1)
        change(r, "3.50")
        found.append(r)
    return found
