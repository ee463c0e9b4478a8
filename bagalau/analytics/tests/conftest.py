"""A body with hand-counted figures for the analytics tests (the world's personas, plus).

body: LEAD ── A (head heada; staff servant, colleague, a3, a4) ── A1 (staff a1x)
          ├── B (head headb; staff servantb)
          └── HR (hrhead, hrofficer)
Results on the national 2023 version (bands effective 4-5, proper 3-3.99, satisfactory
2-2.99, unsatisfactory 0-1.99), each from a sheet of the quarter's schedule:

            servant colleague  a3    a4    a1x   servantb headb(kpi)
  Q2 2025                                          1.80
  Q3 2025   4.00    3.00       3.00  1.00  3.00    2.00
  Q4 2025   4.50    4.00       3.50  1.50  3.20    2.50     4.20

Q4 2025 sheets besides: heada's own (pending, due 2026-01-10, evaluated by firsthead),
firsthead's (draft, due 2026-01-10, by the authorized person), hrofficer's (not evaluated,
under three months), hrhead's (deferred, absent); colleague's Q4 sheet was submitted late.
Calibration on Q4: a3 3.50 → 4.00 (up), a4 1.50 → 1.50 (kept), servantb declined.
Commission (year 2025): servant approved (kept), colleague revised 4.00 → 3.00 (down),
servantb revised 2.50 → 3.00 (up). Competency sheets 2025: "does not meet" integrity
(servant, colleague) and initiative (servant).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from bagalau.core.tests.factories import UserFactory
from bagalau.core.tests.personas import _person
from bagalau.evaluations.models import (
    Participation,
    Result,
    Schedule,
    ScheduleStatus,
    SheetLine,
    Task,
    TaskState,
)
from bagalau.methodology.models import MethodologyVersion
from bagalau.org.models import Unit

TODAY = "2026-02-02 10:00 +05:00"
QUARTER_ENDS = {1: date(2025, 3, 31), 2: date(2025, 6, 30), 3: date(2025, 9, 30),
                4: date(2025, 12, 31)}  # fmt: skip

SCORES = {
    2: {"servantb": "1.80"},
    3: {"servant": "4.00", "colleague": "3.00", "a3": "3.00", "a4": "1.00", "a1x": "3.00",
        "servantb": "2.00"},
    4: {"servant": "4.50", "colleague": "4.00", "a3": "3.50", "a4": "1.50", "a1x": "3.20",
        "servantb": "2.50", "headb": "4.20"},
}  # fmt: skip


def band_of(score: Decimal) -> str:
    if score >= 4:
        return "effective"
    if score >= 3:
        return "proper"
    if score >= 2:
        return "satisfactory"
    return "unsatisfactory"


@dataclass
class Fig:
    w: Any
    version: MethodologyVersion
    schedules: dict[int, Schedule]
    servants: dict[str, Any]
    results: dict[tuple[str, int], Result]
    tasks: dict[tuple[str, int], Task]
    unit_a1: Unit
    clients: dict[str, Any] = field(default_factory=dict)


def _appointment(servant: Any) -> Any:
    return servant.appointments.get()


@pytest.fixture
def today() -> Any:
    """The day the figures are read: Q4 2025's sheets were due on 2026-01-10."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def fig(world: Any, today: Any) -> Fig:
    w = world
    version = MethodologyVersion.objects.get(body__isnull=True, model="2023")
    unit_a = w.head_a.appointments.get().position.unit
    a1 = Unit.objects.create(body=w.body, code="A1", parent=unit_a, name_kk="А1 секторы")
    from bagalau.core.tests.factories import PositionFactory

    def staff(unit: Unit, name: str) -> Any:
        return _person(w.body, PositionFactory(unit=unit, body=w.body, category="D-5"), name)

    servants = {
        "servant": w.servant, "colleague": w.colleague_a, "a3": staff(unit_a, "a3"),
        "a4": staff(unit_a, "a4"), "a1x": staff(a1, "a1x"), "servantb": w.servant_b,
        "headb": w.head_b, "heada": w.head_a, "firsthead": w.first_head,
        "hrofficer": w.hr_officer, "hrhead": w.hr_head,
    }  # fmt: skip
    evaluator = {"servant": w.head_a, "colleague": w.head_a, "a3": w.head_a, "a4": w.head_a,
                 "a1x": w.head_a, "servantb": w.head_b, "headb": w.first_head,
                 "heada": w.first_head, "hrofficer": w.hr_head, "hrhead": w.first_head}  # fmt: skip
    schedules = {
        q: Schedule.objects.create(
            body=w.body, version=version, period_kind="quarter", year=2025, quarter=q,
            start=date(2025, 3 * q - 2, 1), end=QUARTER_ENDS[q], status=ScheduleStatus.APPROVED,
        )
        for q in (1, 2, 3, 4)
    }  # fmt: skip
    year = Schedule.objects.create(
        body=w.body, version=version, period_kind="year", year=2025, quarter=0,
        start=date(2025, 1, 1), end=date(2025, 12, 31), status=ScheduleStatus.APPROVED,
    )  # fmt: skip

    def task(name: str, q: int, **kw: Any) -> Task:
        s = servants[name]
        ev = kw.pop("evaluator", evaluator.get(name))
        fields: dict[str, Any] = {
            "schedule": schedules[q] if q else year, "body": w.body, "version": version,
            "servant": s, "appointment": _appointment(s),
            "kind": "kpi_quarterly" if name in ("headb", "heada", "firsthead") else "differentiation",
            "participation": Participation.EVALUATED, "evaluator": ev,
            "evaluator_user": ev.user if ev is not None else None,
            "evaluator_source": "structure", "state": TaskState.ACQUAINTED,
            "due_date": date(2026, 1, 10) if q == 4 else QUARTER_ENDS[q or 4],
        }  # fmt: skip
        fields.update(kw)
        return Task.objects.create(**fields)

    tasks: dict[tuple[str, int], Task] = {}
    results: dict[tuple[str, int], Result] = {}
    for q, row in SCORES.items():
        for name, raw in row.items():
            score = Decimal(raw)
            t = task(name, q, score=score, late=(name == "colleague" and q == 4))
            tasks[name, q] = t
            results[name, q] = Result.objects.create(
                body=w.body, servant=servants[name], version=version, kind=t.kind, year=2025,
                quarter=q, task=t, original_score=score, score=score, band=band_of(score),
            )  # fmt: skip
    authorized = w.users["authorized"]
    tasks["heada", 4] = task("heada", 4, state=TaskState.PENDING)
    tasks["firsthead", 4] = task(
        "firsthead", 4, state=TaskState.DRAFT, evaluator=None, evaluator_user=authorized,
        evaluator_source="authorized_person",
    )  # fmt: skip
    tasks["hrofficer", 4] = task(
        "hrofficer", 4, participation=Participation.NOT_EVALUATED, reason="under_min_months",
        state=TaskState.EXCLUDED, due_date=None,
    )  # fmt: skip
    tasks["hrhead", 4] = task(
        "hrhead", 4, participation=Participation.DEFERRED, reason="absent",
        state=TaskState.PENDING, due_date=date(2026, 3, 1),
    )  # fmt: skip
    _calibration(w, version, servants, results, a1, unit_a)
    _commission(w, servants, results, tasks)
    # 2018-style competency sheets of the year: "does not meet expectations" lines.
    for name, codes in (("servant", ("integrity", "initiative")), ("colleague", ("integrity",))):
        t = task(name, 0, kind="competency", state=TaskState.SUBMITTED)
        SheetLine.objects.bulk_create([
            SheetLine(task=t, code=code, order=i, name_kk=f"{code} kk", name_ru=f"{code} ru",
                      name_en=code, achieved=False)
            for i, code in enumerate(codes)
        ] + [SheetLine(task=t, code="responsibility", order=9, name_kk="resp", achieved=True)])  # fmt: skip
    return Fig(w, version, schedules, servants, results, tasks, a1)


def _calibration(w: Any, version: Any, servants: Any, results: Any, a1: Any, unit_a: Any) -> None:
    from bagalau.calibration.models import CalibrationCase, CaseState

    def case(name: str, state: str, unit: Any, final: str | None, held: bool) -> None:
        r = results[name, 4]
        CalibrationCase.objects.create(
            body=w.body, result=r, task=r.task, servant=servants[name], unit=unit,
            version=version, state=state, text="…", applied_on=date(2026, 1, 15),
            acquainted_on=date(2026, 1, 12), apply_due=date(2026, 1, 19),
            decide_due=date(2026, 1, 20), session_due=date(2026, 1, 29),
            score_before=r.score, final_score=Decimal(final) if final else None,
            held_on=date(2026, 1, 25) if held else None,
        )  # fmt: skip

    case("a3", CaseState.DECIDED, unit_a, "4.00", True)
    case("a4", CaseState.DECIDED, unit_a, "1.50", True)
    unit_b = w.servant_b.appointments.get().position.unit
    case("servantb", CaseState.DECLINED, unit_b, None, False)


def _commission(w: Any, servants: Any, results: Any, tasks: Any) -> None:
    from bagalau.commission.models import Case, Composition, Decision, Meeting

    composition = Composition.objects.create(
        body=w.body, order_number="1", order_date=date(2025, 1, 10)
    )
    meeting = Meeting.objects.create(
        body=w.body, composition=composition, year=2025, date=date(2026, 1, 20)
    )
    for order, (name, choice, corrected) in enumerate(
        (("servant", "approve", None), ("colleague", "revise", "3.00"),
         ("servantb", "revise", "3.00")), start=1,
    ):  # fmt: skip
        case = Case.objects.create(
            meeting=meeting, order=order, servant=servants[name], task=tasks[name, 4],
            result=results[name, 4],
        )  # fmt: skip
        Decision.objects.create(
            case=case, choice=choice, corrected=Decimal(corrected) if corrected else None,
            votes_for=4, cast=5,
        )  # fmt: skip


@pytest.fixture
def heads(fig: Fig) -> dict[str, Any]:
    """Extra users: a plain member with no figure to see."""
    return {"plain": UserFactory(username="plainuser")}
