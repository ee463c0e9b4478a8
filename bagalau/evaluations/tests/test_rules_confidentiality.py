"""Who may know a result (rules/confidentiality.py): the circle of 002 p21, role by role."""

from __future__ import annotations

import pytest

from bagalau.evaluations.rules import confidentiality as c

STATES = ["pending", "draft", "returned", "submitted", "acquainted", "agreed", "for_commission"]
# 002 p21 (and the 2018 reviewer, 001 p19-21): they know the sheet whatever its state.
KNOWERS = ["evaluator", "hr_head", "panel", "reviewer"]
# They run the process or plan the KPIs and never see a score (002 p21, p23).
PROCESS = ["hr", "strategic_planning"]


@pytest.mark.parametrize("state", STATES)
def test_the_circle_of_002_p21_reads_the_sheet_in_every_state(state):
    for role in KNOWERS:
        assert c.may_read_sheet([role], state) is True, role
        assert c.may_read_sheet({"hr", role}, state) is True, role


@pytest.mark.parametrize("state", STATES)
def test_hr_officers_and_planners_never_read_the_sheet(state):
    # 002 p21: HR officers who are not the head run the process without seeing a score.
    for role in PROCESS:
        assert c.may_read_sheet([role], state) is False, role
    assert c.may_read_sheet(PROCESS, state) is False
    assert c.may_read_sheet([], state) is False


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        ("pending", False),
        ("draft", False),  # the evaluator's draft is not shown (issue 11 item 1)
        ("returned", False),
        ("submitted", True),
        ("acquainted", True),
        ("agreed", True),
        ("for_commission", True),
    ],
)
def test_the_evaluated_person_reads_the_sheet_once_it_is_submitted(state, shown):
    # 002 p21: the evaluated person knows their result; issue 11 item 1: not the draft.
    assert c.may_read_sheet(["evaluated"], state) is shown
    assert c.may_read_sheet(["evaluated", "hr"], state) is shown


def test_the_planned_and_actual_values_are_read_by_those_who_compute_them():
    # 002 p23: HR with the strategic planning unit pre-compute the actual values.
    for role in [*PROCESS, *KNOWERS]:
        assert c.may_read_actuals([role]) is True, role
    assert c.may_read_actuals(["evaluated"]) is False
    assert c.may_read_actuals([]) is False
    assert c.may_read_actuals(["hr", "evaluated"]) is True


def test_a_formed_result_is_read_by_the_circle_and_the_evaluated_person_only():
    # 002 p21: the four who know a result; an HR officer who is not the head does not.
    for role in [*KNOWERS, "evaluated"]:
        assert c.may_read_result([role]) is True, role
    for role in PROCESS:
        assert c.may_read_result([role]) is False, role
    assert c.may_read_result([]) is False
    assert c.may_read_result(PROCESS) is False
