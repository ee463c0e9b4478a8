"""The work plan rules (plans/rules.py), each with its source."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bagalau.core.errors import Conflict, DomainError, PermissionDenied
from bagalau.evaluations.rules.workflow import available, check_transition
from bagalau.plans import rules


def weekdays(day: date, n: int) -> date:
    """Working days without holidays, for the pure tests."""
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        day += timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


def test_the_kpi_count_is_the_versions():  # 001 p14: exactly 5; 002 p24: 3 to 5
    rules.check_kpi_count(5, 5, 5)
    rules.check_kpi_count(3, 3, 5)
    with pytest.raises(DomainError) as err:
        rules.check_kpi_count(4, 5, 5)
    assert err.value.field == "kpis" and "5" in err.value.text() and "4" in err.value.text()
    with pytest.raises(DomainError):
        rules.check_kpi_count(6, 3, 5)


def test_review_steps_per_model():  # 001 p10-11; 002 p23
    assert rules.review_steps("superior", planning_agrees=False, body_has_planning=True) == [
        "approver"
    ]
    assert rules.review_steps("agreement", planning_agrees=True, body_has_planning=True) == [
        "strategic_planning", "hr",
    ]  # fmt: skip
    # 002 p23: "where the body has one".
    assert rules.review_steps("agreement", planning_agrees=True, body_has_planning=False) == ["hr"]


def test_who_draws_up_and_approves():  # 001 p9-11
    chain = {3: 2, 2: 1, 1: None}  # servant 3 → head 2 → first head 1
    up = chain.get
    assert rules.plan_holders(3, up, use_superior=False) == rules.Holders(2, 1)
    # 001 p11: the direct supervisor is the first head: he approves himself.
    assert rules.plan_holders(2, up, use_superior=False) == rules.Holders(1, 1)
    # The first head's own plan goes to the authorized person.
    own = rules.plan_holders(1, up, use_superior=False)
    assert own.drafter_id == 1 and own.approver_is_authorized
    # 002 p2(3): evaluated by the superior: the superior draws it up.
    assert rules.plan_holders(3, up, use_superior=True) == rules.Holders(1, 1)


def test_the_plan_is_due_ten_working_days_after_the_later_start():  # 001 p9; 002 p23
    opening = rules.plan_opening(
        year_start=date(2026, 1, 1), year_end=date(2026, 12, 31), appointed=date(2020, 5, 1),
        drafting_days=10, min_months=3, add_working_days=weekdays,
    )  # fmt: skip
    assert opening.required and opening.due == date(2026, 1, 15)
    mid = rules.plan_opening(
        year_start=date(2026, 1, 1), year_end=date(2026, 12, 31), appointed=date(2026, 9, 30),
        drafting_days=10, min_months=3, add_working_days=weekdays,
    )  # fmt: skip
    assert mid.required and mid.due == date(2026, 10, 14)
    # 002 p23: less than three months left (1 October → 31 December is exactly three).
    assert rules.plan_opening(
        year_start=date(2026, 1, 1), year_end=date(2026, 12, 31), appointed=date(2026, 10, 2),
        drafting_days=10, min_months=3, add_working_days=weekdays,
    ).required is False  # fmt: skip


def test_the_plan_machine():  # 001 p12-13; 002 p26
    assert available(rules.PLAN, "draft", {"drafter"}) == ["save", "submit"]
    assert set(available(rules.PLAN, "in_review", {"approver"})) == {"approve", "return"}
    with pytest.raises(PermissionDenied):
        check_transition("approve", "in_review", {"drafter"}, machine=rules.PLAN)
    with pytest.raises(Conflict):
        check_transition("submit", "approved", {"drafter"}, machine=rules.PLAN)
    with pytest.raises(DomainError) as err:
        check_transition("amend", "approved", {"drafter"}, machine=rules.PLAN)
    assert err.value.code == "reason_required"


def test_the_checklist_needs_every_item():  # 001 p12-13
    rules.check_checklist({code: True for code, _label in rules.CHECKLIST})
    with pytest.raises(DomainError):
        rules.check_checklist({"specific": True})
