"""A 2018-model body with sheets "for commission" and six voting members plus a secretary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from bagalau.core.tests.factories import UserFactory
from bagalau.evaluations.models import Result, Schedule, SheetLine, Task, TaskState
from bagalau.plans.tests.conftest import body2018

__all__ = ["body2018", "commission"]


def at(moment: str):
    return time_machine.travel(f"{moment} +05:00", tick=False)


@dataclass
class Commission:
    w: Any
    chair: Any
    members: list[Any]
    secretary: Any
    tasks: list[Task]
    results: list[Result]

    @property
    def voting(self) -> list[Any]:
        return [self.chair, *self.members]


def _sheet(w: Any, schedule: Schedule, servant: Any, kind: str, score: int, lines: int) -> Task:
    task = Task.objects.create(
        schedule=schedule, body=w.body, version=schedule.version, servant=servant, kind=kind,
        participation="evaluated", evaluator=w.head_a, evaluator_source="structure",
        evaluator_user=w.head_a.user, state=TaskState.FOR_COMMISSION, score=Decimal(score),
    )  # fmt: skip
    SheetLine.objects.bulk_create(
        SheetLine(task=task, code=f"L{i}", order=i, name_kk=f"L{i}") for i in range(1, lines + 1)
    )
    return task


@pytest.fixture
def commission(body2018) -> Commission:
    from bagalau.methodology import selectors

    w = body2018
    version = selectors.version_for(w.body.pk, date(2026, 12, 31))
    schedule = Schedule.objects.create(
        body=w.body, version=version, period_kind="year", year=2026, start=date(2026, 1, 1),
        end=date(2026, 12, 31), status="approved",
    )  # fmt: skip
    tasks, found = [], []
    for servant, score in ((w.servant, 4), (w.colleague_a, 3)):
        kpi = _sheet(w, schedule, servant, "kpi_annual", score, 5)
        comp = _sheet(w, schedule, servant, "competency", 9, 11)
        for task in (kpi, comp):
            tasks.append(task)
            found.append(Result.objects.create(
                body=w.body, servant=servant, version=version, kind=task.kind, year=2026,
                task=task, original_score=task.score, score=task.score,
                provisional=task.kind == "kpi_annual",
            ))  # fmt: skip
    chair = UserFactory(username="chair")
    members = [UserFactory(username=f"member{i}") for i in range(1, 6)]
    for u in (chair, *members):
        w.users[u.username] = u
    return Commission(w, chair, members, w.users["hrofficer"], tasks, found)


def form(c: Commission, *, members: int = 5, day: date = date(2026, 11, 2)) -> Any:
    from bagalau.commission import services

    return services.composition_form(
        actor=c.w.users["authorized"], body_id=c.w.body.pk, order_number="12-к", order_date=day,
        chair_id=c.chair.pk, member_ids=[m.pk for m in c.members[:members]],
        secretary_id=c.secretary.pk, working_body="Кадр бөлімі",
    )  # fmt: skip
