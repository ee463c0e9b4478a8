"""The commission's pure rules, each with the paragraph it checks (seed 001)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from bagalau.commission import rules
from bagalau.commission.rules import APPROVE, CHAIR, MEMBER, REVISE, SECRETARY, Ballot, Seat
from bagalau.core.errors import Conflict, DomainError, PermissionDenied
from bagalau.core.tests.errors import domain_error
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


# --- Issue 18 item 2: every branch and every refusal's code, field and params ------------------


def test_each_composition_refusal_names_its_code_field_and_params():
    # 001 p5 (five members), p31-34 (one chair, one non-voting secretary), checked in that
    # order: a person twice, the chair, the secretary, the number.
    err = domain_error(rules.check_composition, [*seats(5), Seat(10, SECRETARY)])
    assert (err.code, err.field, err.params, err.message) == (
        "twice",
        "members",
        {},
        rules.MSG_TWICE,
    )
    err = domain_error(rules.check_composition, [*seats(5), Seat(2, CHAIR)])
    assert (err.code, err.field, err.params) == ("no_chair", "chair", {})
    assert err.message is rules.MSG_NO_CHAIR
    err = domain_error(rules.check_composition, [*seats(5), Seat(98, SECRETARY)])
    assert (err.code, err.field, err.params) == ("no_secretary", "secretary", {})
    assert err.message is rules.MSG_NO_SECRETARY
    err = domain_error(rules.check_composition, seats(4))
    assert (err.code, err.field, err.params) == (
        "too_few_members",
        "members",
        {"count": 4, "min": 5},
    )
    assert err.message is rules.MSG_TOO_FEW
    # A chair missing and too few: the chair is named first.
    assert domain_error(rules.check_composition, seats(4)[1:]).code == "no_chair"


def test_a_version_may_require_another_number_of_members():
    # 004 and the version's own row: the minimum is data; exactly the minimum is enough.
    rules.check_composition(seats(3), minimum=3)
    err = domain_error(rules.check_composition, seats(3), minimum=4)
    assert err.params == {"count": 3, "min": 4}
    rules.check_composition(seats(7))
    assert rules.voting_count(seats(7)) == 7
    assert rules.voting_count([Seat(1, SECRETARY), Seat(2, "observer")]) == 0


def test_the_secretary_refusal_names_its_field():
    err = domain_error(rules.check_secretary, False)
    assert (err.code, err.field, err.params) == ("secretary_not_hr", "secretary", {})
    assert err.message is rules.MSG_SECRETARY_HR


@pytest.mark.parametrize(
    ("voting", "needed"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (9, 6), (10, 7)]
)
def test_two_thirds_rounded_up(voting, needed):
    # 001 p30: ceil(2 × voting / 3), by hand: 2·4/3 = 2.67 → 3; 2·9/3 = 6; 2·10/3 = 6.67 → 7.
    assert rules.quorum_needed(voting) == needed
    if voting:
        assert rules.has_quorum(needed, voting)
        assert not rules.has_quorum(needed - 1, voting)


def test_no_members_is_no_quorum_and_the_refusal_says_how_many():
    # 001 p30.
    assert not rules.has_quorum(0, 0)
    assert not rules.has_quorum(1, 0)
    assert rules.has_quorum(6, 5)
    err = domain_error(rules.check_quorum, 3, 5)
    assert (err.code, err.field) == ("no_quorum", "attendance")
    assert err.params == {"present": 3, "voting": 5, "needed": 4}
    assert err.message is rules.MSG_QUORUM
    rules.check_quorum(4, 5)


def test_each_vote_refusal_names_its_code_and_field():
    # 001 p32-34, p38.
    base = {"present": True, "corrected": None, "low": D(0), "high": D(5)}
    for role, present, choice, code, field, message in (
        (SECRETARY, True, APPROVE, "not_voting", "voter", rules.MSG_NOT_VOTING),
        ("observer", True, APPROVE, "not_voting", "voter", rules.MSG_NOT_VOTING),
        (CHAIR, False, APPROVE, "not_present", "voter", rules.MSG_NOT_PRESENT),
        (MEMBER, True, "abstain", "choice", "choice", rules.MSG_CHOICE),
        (MEMBER, True, REVISE, "corrected_required", "corrected", rules.MSG_CORRECTED),
    ):
        err = domain_error(
            rules.check_vote, **{**base, "role": role, "present": present, "choice": choice}
        )
        assert (err.code, err.field, err.params) == (code, field, {}), code
        assert err.message is message


def test_a_corrected_result_lies_within_the_scale_ends_included():
    # 001 p38: the corrected result on the version's scale.
    for corrected in (D(0), D(5)):
        rules.check_vote(role=MEMBER, present=True, choice=REVISE, corrected=corrected,
                         low=D(0), high=D(5))  # fmt: skip
    for corrected in (D("-0.5"), D("5.5")):
        err = domain_error(rules.check_vote, role=MEMBER, present=True, choice=REVISE,
                     corrected=corrected, low=D(0), high=D(5))  # fmt: skip
        assert (err.code, err.field) == ("corrected_range", "corrected")
        assert err.params == {"low": D(0), "high": D(5)}
        assert err.message is rules.MSG_CORRECTED_RANGE
    # An approval keeps no corrected result: whatever is sent is not checked nor counted.
    rules.check_vote(role=MEMBER, present=True, choice=APPROVE, corrected=D(9), low=D(0), high=D(5))
    assert Ballot(1, APPROVE, D(9)).option == (APPROVE, None)
    assert Ballot(1, REVISE, D(3)).option == (REVISE, D(3))


def test_no_votes_and_no_majority_name_the_case():
    # 001 p32-33: the case's order number tells the secretary which case to vote again.
    err = domain_error(rules.decide, [], chair_id=1, order=3)
    assert (err.code, err.field, err.params) == ("no_votes", "votes", {"order": 3})
    assert err.message is rules.MSG_NO_VOTES
    assert domain_error(rules.decide, [], chair_id=1).params == {"order": 0}
    ballots = [Ballot(2, REVISE, D(3)), Ballot(3, APPROVE)]
    err = domain_error(rules.decide, ballots, chair_id=1, order=4)
    assert (err.code, err.field, err.params) == ("no_majority", "votes", {"order": 4})
    assert err.message is rules.MSG_NO_MAJORITY
    assert domain_error(rules.decide, ballots, chair_id=None).code == "no_majority"
    assert domain_error(rules.decide, ballots, chair_id=1).params == {"order": 0}


def test_revisions_to_different_results_are_different_options():
    # 001 p32: two revise-to-3 and one revise-to-2 against two approvals: 2 against 2 at the
    # top; the chair (voter 1) revised to 3, so revise to 3 wins, decided by the chair.
    ballots = [Ballot(1, REVISE, D(3)), Ballot(2, REVISE, D(3)), Ballot(3, REVISE, D(2)),
               Ballot(4, APPROVE), Ballot(5, APPROVE)]  # fmt: skip
    outcome = rules.decide(ballots, chair_id=1)
    assert outcome == rules.Outcome(REVISE, D(3), 2, 5, True)
    # The chair voted for the option outside the tie: nothing is decided.
    err = domain_error(rules.decide, ballots, chair_id=3)
    assert err.code == "no_majority"


def test_a_single_leader_wins_whatever_the_chair_voted():
    # 001 p32: 2 approvals against 1 revision; the chair revised.
    ballots = [Ballot(1, REVISE, D(3)), Ballot(2, APPROVE), Ballot(3, APPROVE)]
    assert rules.decide(ballots, chair_id=1) == rules.Outcome(APPROVE, None, 2, 3, False)
    assert rules.decide(ballots[:1], chair_id=None) == rules.Outcome(REVISE, D(3), 1, 1, False)


def test_the_meeting_date_refusal_and_a_versions_notice():
    # 001 p29 with the version's days: 3 working days after Thu 10 Dec 2026 (16-17 off):
    # Fri 11, Mon 14, Tue 15 → Tue 15 Dec.
    notified = date(2026, 12, 10)
    assert rules.earliest_meeting(notified, add, 3) == date(2026, 12, 15)
    assert rules.earliest_meeting(notified, add) == date(2026, 12, 23)
    rules.check_meeting_date(date(2026, 12, 15), notified, add, 3)
    err = domain_error(rules.check_meeting_date, date(2026, 12, 14), notified, add, 3)
    assert (err.code, err.field) == ("too_early", "date")
    assert err.params == {"days": 3, "earliest": "2026-12-15"}
    assert err.message is rules.MSG_TOO_EARLY
    assert domain_error(rules.check_meeting_date, date(2026, 12, 22), notified, add).params == {
        "days": 7, "earliest": "2026-12-23",
    }  # fmt: skip


def test_the_appeal_term_and_a_versions_term():
    # 001 p42: 2 working days after Thu 10 Dec 2026 are Fri 11, Mon 14 → Mon 14 Dec.
    assert rules.appeal_due(date(2026, 12, 10), add, 2) == date(2026, 12, 14)
    assert rules.appeal_late(date(2026, 12, 15), date(2026, 12, 14))
    assert not rules.appeal_late(date(2026, 12, 13), date(2026, 12, 14))
