"""The sheet's transition table and its runner (rules/workflow.py), each case by hand."""

from __future__ import annotations

import pytest

from bagalau.core.errors import Conflict, DomainError, PermissionDenied
from bagalau.evaluations.rules import workflow as wf

ALL_SOURCES_OF_SUBMIT = [wf.PENDING, wf.DRAFT, wf.RETURNED]


def test_next_state_is_the_target_or_the_same_state():
    # Issue 3: a transition names its next state; SAME (an edit) keeps the current one.
    assert wf.next_state(wf.TRANSITIONS["submit"], wf.DRAFT) == wf.SUBMITTED
    save_actuals = wf.KPI_QUARTERLY_TRANSITIONS["save_actuals"]
    assert wf.next_state(save_actuals, wf.DRAFT) == wf.DRAFT
    assert wf.next_state(save_actuals, wf.ACTUALS_DUE) == wf.ACTUALS_DUE


def test_each_kind_runs_its_own_table():
    # 002 p23 (quarterly KPIs: HR enters the actuals first); 001 p17-24 (annual KPIs);
    # 001 p25-28 (competencies); the other kinds run the sheet's table.
    assert wf.machine_for("kpi_quarterly") is wf.KPI_QUARTERLY_SHEET
    assert wf.machine_for("kpi_annual") is wf.KPI_ANNUAL_SHEET
    assert wf.machine_for("competency") is wf.COMPETENCY_SHEET
    assert wf.machine_for("differentiation") is wf.SHEET
    assert wf.initial_state("kpi_quarterly") == "actuals_due"
    assert wf.initial_state("differentiation") == "pending"
    assert wf.initial_state("kpi_annual") == "pending"


@pytest.mark.parametrize("state", ALL_SOURCES_OF_SUBMIT)
def test_the_evaluator_submits_from_every_open_state(state):
    # 002 p12: the evaluator fills and submits the sheet.
    transition = wf.check_transition("submit", state, [wf.EVALUATOR])
    assert transition is wf.TRANSITIONS["submit"]


def test_an_unknown_action_is_refused_on_the_action_field():
    with pytest.raises(DomainError) as err:
        wf.check_transition("delete", wf.DRAFT, {wf.HR})
    assert type(err.value) is DomainError and err.value.status == 400
    assert (err.value.code, err.value.field, err.value.params) == ("unknown_action", "action", {})
    assert err.value.message is wf.MSG_UNKNOWN_ACTION


def test_a_wrong_role_is_refused_before_the_state_is_revealed():
    # 002 p21: an outsider learns nothing of the sheet, its state included.
    with pytest.raises(PermissionDenied) as err:
        wf.check_transition("submit", wf.ACQUAINTED, [wf.EVALUATED, wf.HR])
    assert (err.value.code, err.value.field, err.value.params) == ("forbidden", None, {})
    assert err.value.message is wf.MSG_ROLE and err.value.status == 403
    with pytest.raises(PermissionDenied):
        wf.check_transition("submit", wf.DRAFT, [])


def test_a_wrong_state_names_the_state():
    # 002 p12: a submitted sheet is not submitted again.
    with pytest.raises(Conflict) as err:
        wf.check_transition("submit", wf.SUBMITTED, [wf.EVALUATOR])
    assert (err.value.code, err.value.field) == ("invalid_state", "state")
    assert err.value.params == {"state": "submitted"}
    assert err.value.message is wf.MSG_STATE and err.value.status == 409
    with pytest.raises(Conflict) as err:
        wf.check_transition("submit", wf.SUBMITTED, [wf.EVALUATOR], state_label="Жіберілген")
    assert err.value.params == {"state": "Жіберілген"}


def test_the_machine_gives_its_own_messages():
    machine = wf.Machine("other", wf.TRANSITIONS, "state %(state)s", "role")
    with pytest.raises(PermissionDenied) as err:
        wf.check_transition("submit", wf.DRAFT, [wf.HR], machine=machine)
    assert err.value.message == "role"
    with pytest.raises(Conflict) as err:
        wf.check_transition("submit", wf.SUBMITTED, [wf.EVALUATOR], machine=machine)
    assert err.value.text() == "state submitted"


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_return_or_reopen_needs_a_reason(reason):
    # 001 p23; 002 p12: the sheet goes back with the reason written.
    for action in ("return", "reopen"):
        with pytest.raises(DomainError) as err:
            wf.check_transition(action, wf.SUBMITTED, [wf.HR], reason=reason)
        assert (err.value.code, err.value.field, err.value.params) == (
            "reason_required", "reason", {},
        )  # fmt: skip
        assert err.value.message is wf.MSG_REASON and err.value.status == 400


def test_a_reason_lets_the_return_through():
    # 001 p23: returned for correction with a reason.
    transition = wf.check_transition("return", wf.SUBMITTED, [wf.HR], reason="Дәлел жоқ")
    assert transition.target == wf.RETURNED
    # An action that needs no reason passes without one.
    assert wf.check_transition("acknowledge", wf.SUBMITTED, [wf.EVALUATED]).target == (
        wf.ACQUAINTED
    )


def test_the_buttons_come_from_the_table():
    # Issue 3: the actions offered are those the roles may take from the state.
    assert wf.available(wf.SHEET, wf.DRAFT, [wf.EVALUATOR]) == ["save_draft", "submit"]
    assert wf.available(wf.SHEET, wf.SUBMITTED, [wf.HR]) == ["return", "reopen", "record_refusal"]
    assert wf.available(wf.SHEET, wf.SUBMITTED, [wf.EVALUATED]) == ["acknowledge"]
    assert wf.available(wf.SHEET, wf.SUBMITTED, [wf.EVALUATOR]) == []
    assert wf.available(wf.SHEET, wf.DRAFT, []) == []
    assert wf.available(wf.KPI_QUARTERLY_SHEET, wf.ACTUALS_DUE, [wf.PLANNING]) == [
        "save_actuals", "send_actuals",
    ]  # fmt: skip


def test_a_write_names_the_revision_it_read():
    # Issue 11 item 10: a write without a revision would overwrite a concurrent one.
    with pytest.raises(DomainError) as err:
        wf.check_revision(None, 3)
    assert type(err.value) is DomainError and err.value.status == 400
    assert (err.value.code, err.value.field, err.value.params) == (
        "revision_required", "revision", {},
    )  # fmt: skip
    assert err.value.message is wf.MSG_REVISION_REQUIRED
    assert wf.check_revision(None, 3, required=False) is None  # acknowledging names none
    assert wf.check_revision(3, 3) is None


@pytest.mark.parametrize("expected", [2, 4])
def test_an_old_revision_is_a_conflict(expected):
    # Issue 11 item 10: two tabs or two evaluators.
    with pytest.raises(Conflict) as err:
        wf.check_revision(expected, 3)
    assert (err.value.code, err.value.field, err.value.params) == ("stale", "revision", {})
    assert err.value.message is wf.MSG_STALE
    with pytest.raises(Conflict):
        wf.check_revision(expected, 3, required=False)
