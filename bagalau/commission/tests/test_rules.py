"""The commission's pure rules, each with the paragraph it checks (seed 001)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from bagalau.commission import rules
from bagalau.commission.rules import APPROVE, CHAIR, MEMBER, REVISE, SECRETARY, Ballot, Seat
from bagalau.core.errors import Conflict, DomainError, PermissionDenied
from bagalau.evaluations.rules.workflow import HR, available, check_transition
from bagalau.workdays import rules as wd

CAL = wd.Calendar(days_off=frozenset({date(2026, 12, 16), date(2026, 12, 17)}))


def add(day: date, n: int) -> date:
    return wd.add_working_days(day, n, CAL)


def seats(voting: int) -> list[Seat]:
    return [Seat(1, CHAIR), *(Seat(10 + i, MEMBER) for i in range(voting - 1)), Seat(99, SECRETARY)]


def test_a_commission_of_four_voting_members_is_refused_and_says_why():
    # 001 p5: at least five members; the secretary does not vote (001 p34), so a chair, three
    # members and a secretary are four voting members.
    with pytest.raises(DomainError) as err:
        rules.check_composition(seats(4))
    assert err.value.code == "too_few_members"
    with translation.override("en"):
        text = err.value.text()
    assert "4" in text and "5" in text and "secretary" in text
    rules.check_composition(seats(5))


def test_a_composition_has_one_chair_one_secretary_and_nobody_twice():
    # 001 p31-34: a chair, members and a non-voting secretary.
    with pytest.raises(DomainError) as err:
        rules.check_composition([Seat(1, MEMBER), *seats(5)[1:]])
    assert err.value.code == "no_chair"
    with pytest.raises(DomainError) as err:
        rules.check_composition(seats(5)[:-1])
    assert err.value.code == "no_secretary"
    with pytest.raises(DomainError) as err:
        rules.check_composition([*seats(5)[:-1], Seat(1, SECRETARY)])
    assert err.value.code == "twice"


def test_of_six_members_four_present_is_a_quorum_and_three_is_not():
    # 001 p30: at least two thirds present: 3 × present ≥ 2 × members.
    assert rules.has_quorum(4, 6)
    assert not rules.has_quorum(3, 6)
    assert (
        rules.quorum_needed(6) == 4 and rules.quorum_needed(5) == 4 and rules.quorum_needed(7) == 5
    )
    with pytest.raises(DomainError) as err:
        rules.check_quorum(3, 6)
    assert err.value.code == "no_quorum" and err.value.params["needed"] == 4
    rules.check_quorum(4, 6)


def test_the_majority_of_votes_cast_decides():
    # 001 p32: open vote, simple majority.
    ballots = [Ballot(1, APPROVE), Ballot(2, APPROVE), Ballot(3, REVISE, D(3)), Ballot(4, APPROVE)]
    outcome = rules.decide(ballots, chair_id=1)
    assert (outcome.choice, outcome.votes_for, outcome.cast, outcome.tie_broken) == (
        APPROVE, 3, 4, False,
    )  # fmt: skip


def test_a_three_three_tie_is_decided_by_the_chair():
    # 001 p33: on a tie the chair's vote decides.
    ballots = [
        Ballot(1, REVISE, D(3)), Ballot(2, REVISE, D(3)), Ballot(3, REVISE, D(3)),
        Ballot(4, APPROVE), Ballot(5, APPROVE), Ballot(6, APPROVE),
    ]  # fmt: skip
    outcome = rules.decide(ballots, chair_id=1)
    assert (outcome.choice, outcome.corrected, outcome.tie_broken) == (REVISE, D(3), True)
    outcome = rules.decide(ballots, chair_id=4)
    assert (outcome.choice, outcome.corrected, outcome.tie_broken) == (APPROVE, None, True)


def test_a_tie_the_chair_is_not_in_is_voted_again():
    # 001 p33 gives the chair the casting vote only: a tie between options the chair did not
    # vote for decides nothing (documented choice).
    ballots = [Ballot(2, REVISE, D(3)), Ballot(3, APPROVE), Ballot(1, REVISE, D(2))]
    with pytest.raises(DomainError) as err:
        rules.decide(ballots[:2], chair_id=1)
    assert err.value.code == "no_majority"
    with pytest.raises(DomainError):
        rules.decide([], chair_id=1)


def test_the_secretary_does_not_vote():
    # 001 p34: the secretary (an HR employee) does not vote.
    with pytest.raises(DomainError) as err:
        rules.check_vote(role=SECRETARY, present=True, choice=APPROVE, corrected=None,
                         low=D(0), high=D(5))  # fmt: skip
    assert err.value.code == "not_voting"
    with pytest.raises(DomainError) as err:
        rules.check_vote(role=MEMBER, present=False, choice=APPROVE, corrected=None,
                         low=D(0), high=D(5))  # fmt: skip
    assert err.value.code == "not_present"


def test_a_revision_without_a_corrected_result_is_refused():
    # 001 p38: the revision is written in the column "corrected by the commission".
    with pytest.raises(DomainError) as err:
        rules.check_vote(role=MEMBER, present=True, choice=REVISE, corrected=None,
                         low=D(0), high=D(5))  # fmt: skip
    assert err.value.code == "corrected_required"
    with pytest.raises(DomainError) as err:
        rules.check_vote(role=MEMBER, present=True, choice=REVISE, corrected=D(6),
                         low=D(0), high=D(5))  # fmt: skip
    assert err.value.code == "corrected_range"
    rules.check_vote(role=CHAIR, present=True, choice=REVISE, corrected=D(4), low=D(0), high=D(5))


def test_a_meeting_six_working_days_away_is_refused_and_seven_accepted():
    # 001 p29: evaluators notified at least 7 working days before; 16-17 Dec are days off.
    notified = date(2026, 12, 10)  # a Thursday
    assert add(notified, 7) == date(2026, 12, 23)
    with pytest.raises(DomainError) as err:
        rules.check_meeting_date(date(2026, 12, 22), notified, add)
    assert err.value.code == "too_early" and err.value.params["earliest"] == "2026-12-23"
    rules.check_meeting_date(date(2026, 12, 23), notified, add)


def test_an_appeal_on_the_tenth_working_day_is_on_time_and_on_the_eleventh_late():
    # 001 p42: within 10 working days of the decision; a late one is flagged, not refused.
    decided = date(2026, 12, 10)
    due = rules.appeal_due(decided, add)
    assert due == date(2026, 12, 28)
    assert not rules.appeal_late(due, due)
    assert rules.appeal_late(add(decided, 11), due)


def test_the_meeting_table_gives_each_role_its_steps():
    # 001 p29 (chair's consent), p34 (the secretary does not vote), p39 (the authorized person).
    assert available(rules.MEETING, rules.DRAFT, {CHAIR}) == ["consent"]
    assert "vote" not in available(rules.MEETING, rules.HELD, {SECRETARY, HR})
    assert available(rules.MEETING, rules.CLOSED, {rules.AUTHORIZED}) == ["approve"]
    with pytest.raises(PermissionDenied):
        check_transition("vote", rules.HELD, {SECRETARY}, machine=rules.MEETING)
    with pytest.raises(Conflict):
        check_transition("vote", rules.SCHEDULED, {MEMBER}, machine=rules.MEETING)
    with pytest.raises(DomainError):
        check_transition("reevaluate", rules.FILED, {HR}, machine=rules.APPEAL)  # needs reason
    assert check_transition("unchanged", rules.FILED, {HR}, machine=rules.APPEAL).target == (
        rules.UNCHANGED
    )


def test_the_secretary_comes_from_the_working_body():
    # 001 p34: the secretary is an HR employee; 001 p5 and 004: HR is the working body.
    with pytest.raises(DomainError) as err:
        rules.check_secretary(False)
    assert err.value.code == "secretary_not_hr"
    rules.check_secretary(True)
