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


# --- Edges (issue 18 item 2), each expected value worked out by hand --------------------


def test_the_kpi_count_errors_name_the_versions_numbers():
    # 001 p14: exactly 5.
    with pytest.raises(DomainError) as err:
        rules.check_kpi_count(4, 5, 5)
    assert (err.value.code, err.value.field, err.value.params) == (
        "kpi_count", "kpis", {"count": 4, "min": 5, "max": 5},
    )  # fmt: skip
    assert err.value.message is rules.MSG_COUNT_EXACT
    # 002 p24: from 3 to 5.
    for count in (2, 6):
        with pytest.raises(DomainError) as err:
            rules.check_kpi_count(count, 3, 5)
        assert (err.value.code, err.value.field, err.value.params) == (
            "kpi_count", "kpis", {"count": count, "min": 3, "max": 5},
        )  # fmt: skip
        assert err.value.message is rules.MSG_COUNT_RANGE
    rules.check_kpi_count(5, 3, 5)


def test_a_version_without_kpi_numbers_asks_for_exactly_one_or_its_minimum():
    # No maximum: exactly the minimum; no minimum either: one.
    rules.check_kpi_count(1, None, None)
    for count in (0, 2):
        with pytest.raises(DomainError) as err:
            rules.check_kpi_count(count, None, None)
        assert err.value.params == {"count": count, "min": 1, "max": 1}
        assert err.value.message is rules.MSG_COUNT_EXACT
    rules.check_kpi_count(4, 4, None)
    with pytest.raises(DomainError) as err:
        rules.check_kpi_count(5, 4, None)
    assert err.value.params == {"count": 5, "min": 4, "max": 4}
    rules.check_kpi_count(2, None, 3)  # from one to three
    with pytest.raises(DomainError) as err:
        rules.check_kpi_count(0, None, 3)
    assert err.value.params == {"count": 0, "min": 1, "max": 3}


def test_every_checklist_item_must_be_ticked():
    # 001 p12-13; 002 p25: specific, measurable, achievable, time-bound, strategic.
    codes = [code for code, _label in rules.CHECKLIST]
    assert codes == ["specific", "measurable", "achievable", "time_bound", "strategic"]
    for missing in codes:
        ticked = {code: code != missing for code in codes}
        with pytest.raises(DomainError) as err:
            rules.check_checklist(ticked)
        assert (err.value.code, err.value.field, err.value.params) == (
            "checklist", "checklist", {},
        )  # fmt: skip
        assert err.value.message is rules.MSG_CHECKLIST
    assert rules.check_checklist(dict.fromkeys(codes, True)) is None


def test_agreement_without_planning_is_hr_only():
    # 002 p23: the strategic planning unit agrees only where the version asks and it exists.
    assert rules.review_steps("agreement", planning_agrees=False, body_has_planning=True) == ["hr"]
    assert rules.review_steps("agreement", planning_agrees=False, body_has_planning=False) == ["hr"]
    assert rules.review_steps("superior", planning_agrees=True, body_has_planning=True) == [
        "approver"
    ]


def test_the_opening_says_why_none_is_required():
    # 002 p23: less than three months left from the appointment: no plan, no due date.
    assert rules.plan_opening(
        year_start=date(2026, 1, 1), year_end=date(2026, 12, 31), appointed=date(2026, 10, 2),
        drafting_days=10, min_months=3, add_working_days=weekdays,
    ) == rules.Opening(False, None, "under_min_months_left")  # fmt: skip
    # Appointed before the year: due ten working days after 1 January 2026 (a Thursday):
    # 2, 5, 6, 7, 8, 9, 12, 13, 14, 15 January.
    assert rules.plan_opening(
        year_start=date(2026, 1, 1), year_end=date(2026, 12, 31), appointed=date(2025, 3, 1),
        drafting_days=10, min_months=3, add_working_days=weekdays,
    ) == rules.Opening(True, date(2026, 1, 15), "")  # fmt: skip
    # With a version asking six months, 1 July to 31 December is exactly six.
    assert rules.plan_opening(
        year_start=date(2026, 1, 1), year_end=date(2026, 12, 31), appointed=date(2026, 7, 1),
        drafting_days=5, min_months=6, add_working_days=weekdays,
    ) == rules.Opening(True, date(2026, 7, 8), "")  # fmt: skip


def test_a_returned_plan_comes_back_within_the_working_days():
    # 001 p13: returned on Friday 10 April 2026, two working days: Monday 13, Tuesday 14.
    assert rules.correction_due(date(2026, 4, 10), 2, weekdays) == date(2026, 4, 14)


def test_a_kpi_deadline_outside_the_plans_year_names_the_kpi():
    # 001 p12: each KPI has its achievement date within the period.
    rules.check_deadline(2, date(2026, 12, 31), 2026)
    rules.check_deadline(2, date(2026, 1, 1), 2026)
    with pytest.raises(DomainError) as err:
        rules.check_deadline(2, date(2027, 1, 1), 2026)
    assert (err.value.code, err.value.field, err.value.params) == (
        "deadline_outside", "kpi-2-deadline", {"order": 2, "year": 2026},
    )  # fmt: skip
    assert err.value.message is rules.MSG_DEADLINE_OUTSIDE


def test_who_draws_up_and_approves_further_down_a_chain():
    # 001 p9-11: servant 4 → 3 → 2 → first head 1.
    chain = {4: 3, 3: 2, 2: 1, 1: None}
    up = chain.get
    assert rules.plan_holders(4, up, use_superior=False) == rules.Holders(3, 2, False, False)
    assert rules.plan_holders(4, up, use_superior=True) == rules.Holders(2, 1, False, False)
    # 002 p2(3): under the first head there is no superior above him: he draws it up.
    assert rules.plan_holders(2, up, use_superior=True) == rules.Holders(1, 1, False, False)
    assert rules.plan_holders(1, up, use_superior=True) == rules.Holders(1, None, True, True)


def test_a_chain_that_loops_back_to_the_servant_never_names_the_servant():
    # 001 p11: nobody approves his own plan; a loop in the data falls back on the drafter.
    loop = {1: 2, 2: 1}
    assert rules.plan_holders(1, loop.get, use_superior=True) == rules.Holders(2, 2)
    assert rules.plan_holders(1, loop.get, use_superior=False) == rules.Holders(2, 2)
