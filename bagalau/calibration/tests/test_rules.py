"""The pure rules of calibration sessions (002 p13-14, p38-43), without a database."""

from datetime import date
from decimal import Decimal

import pytest

from bagalau.calibration import rules
from bagalau.core.errors import Conflict, DomainError, PermissionDenied
from bagalau.core.tests.errors import domain_error
from bagalau.evaluations.rules.workflow import HR, available, check_transition
from bagalau.workdays.rules import WEEKDAYS_ONLY, Calendar, add_working_days


def add(day: date, n: int) -> date:
    return add_working_days(day, n, WEEKDAYS_ONLY)


D = Decimal


def test_it_accepts_an_application_on_the_5th_working_day_after_acquaintance():
    # 002 p13: within 5 working days of acquaintance. Acquainted Wed 1 July 2026: the 5th
    # working day is Wed 8 July.
    assert rules.check_application(date(2026, 7, 1), date(2026, 7, 8), add) == date(2026, 7, 8)


def test_it_refuses_an_application_on_the_6th_working_day_naming_the_last_day():
    # 002 p13: on the 6th working day (Thu 9 July) the application is refused.
    with pytest.raises(DomainError) as caught:
        rules.check_application(date(2026, 7, 1), date(2026, 7, 9), add)
    assert caught.value.code == "late"
    assert "2026-07-08" in caught.value.text()


def test_it_counts_the_body_calendar_days_off():
    # 002 p13 with working days of the body's calendar (a holiday is not counted).
    cal = Calendar(days_off=frozenset({date(2026, 7, 6)}))
    assert rules.application_due(date(2026, 7, 1), lambda d, n: add_working_days(d, n, cal)) == (
        date(2026, 7, 9)
    )


def test_it_refuses_an_application_before_acquaintance():
    # 002 p13: the term runs from acquaintance.
    with pytest.raises(DomainError) as caught:
        rules.check_application(None, date(2026, 7, 1), add)
    assert caught.value.code == "not_acquainted"


def test_it_computes_the_decision_session_and_protocol_dates():
    applied = date(2026, 7, 8)  # a Wednesday
    assert rules.decision_due(applied, add) == date(2026, 7, 13)  # 002 p39: 3 working days
    assert rules.session_due(applied, add) == date(2026, 7, 22)  # 002 p40: 10 working days
    assert rules.protocol_due(date(2026, 7, 22), add) == date(2026, 7, 27)  # 002 p42: 3 wd


def test_it_refuses_a_session_date_after_the_10th_working_day():
    # 002 p40.
    rules.check_session_date(date(2026, 7, 22), date(2026, 7, 8), add)
    with pytest.raises(DomainError) as caught:
        rules.check_session_date(date(2026, 7, 23), date(2026, 7, 8), add)
    assert caught.value.code == "session_late" and "2026-07-22" in caught.value.text()
    with pytest.raises(DomainError):
        rules.check_session_date(date(2026, 7, 7), date(2026, 7, 8), add)


def test_a_majority_of_participants_moves_the_score_down():
    # 002 p42: the final score by majority vote of the participants: 3 of 5 propose 3.00.
    t = rules.tally(D("4.50"), [D("3.00"), D("3.00"), None, D("3.00"), D("4.00")], participants=5)
    assert (t.final, t.by, t.support, t.moved) == (D("3.00"), "majority", 1, True)
    assert t.proposals == ((D("3.00"), 3), (D("4.00"), 1))


def test_a_majority_supporting_the_score_keeps_it():
    # 002 p42.
    t = rules.tally(D("4.00"), [None, None, D("5.00")], participants=3)
    assert (t.final, t.by, t.moved) == (D("4.00"), "majority", False)


def test_a_tie_keeps_the_score_by_default():
    # 002 p42 says "majority"; without one the version's tie rule decides (default: the score
    # stands). 2 for 3.00, 2 support 4.00: no majority of 4.
    t = rules.tally(D("4.00"), [D("3.00"), D("3.00"), None, None], participants=4)
    assert (t.final, t.by, t.moved) == (D("4.00"), rules.TIE_SCORE_STANDS, False)


def test_the_most_votes_tie_rule_takes_a_unique_leader_only():
    # A version setting: with "most_votes" a unique plurality wins, a true tie keeps the score.
    t = rules.tally(D("4.00"), [D("3.00"), D("3.00"), None, D("5.00")], participants=4,
                    tie_rule=rules.TIE_MOST_VOTES)  # fmt: skip
    assert (t.final, t.by) == (D("3.00"), rules.TIE_MOST_VOTES)
    t = rules.tally(D("4.00"), [D("3.00"), None], participants=2, tie_rule=rules.TIE_MOST_VOTES)
    assert (t.final, t.by) == (D("4.00"), rules.TIE_SCORE_STANDS)


def test_a_position_proposes_a_score_within_the_scale_with_arguments():
    # 002 p42: up or down, with arguments; within the version's scale (002 p8: 0-5).
    kwargs = {"current": D("4"), "score_min": D("0"), "score_max": D("5")}
    rules.check_position(None, "", **kwargs)
    rules.check_position(D("3"), "the deadlines were missed", **kwargs)
    for score, text, code in (
        (D("5.5"), "x", "score_range"),
        (D("-1"), "x", "score_range"),
        (D("4"), "x", "score_same"),
        (D("3"), "  ", "arguments"),
    ):
        with pytest.raises(DomainError) as caught:
            rules.check_position(score, text, **kwargs)
        assert caught.value.code == code


def test_the_session_is_held_once_everyone_has_a_position():
    rules.check_all_voted(3, 3)
    with pytest.raises(DomainError) as caught:
        rules.check_all_voted(3, 2)
    assert caught.value.code == "not_all_voted"


def test_the_case_machine_legal_and_illegal_moves():
    # 002 p39: only the authorized person decides to hold a session; a decline needs a reason.
    m = rules.CASE
    assert check_transition("accept", rules.APPLIED, {rules.AUTHORIZED}, machine=m).target == (
        rules.ACCEPTED
    )
    with pytest.raises(PermissionDenied):
        check_transition("accept", rules.APPLIED, {HR}, machine=m)
    with pytest.raises(DomainError):
        check_transition("decline", rules.APPLIED, {rules.AUTHORIZED}, machine=m)
    with pytest.raises(Conflict):
        check_transition("vote", rules.HELD, {rules.PARTICIPANT}, machine=m)
    assert available(m, rules.ACCEPTED, {rules.PARTICIPANT}) == ["vote"]
    assert available(m, rules.DECIDED, {HR}) == ["upload_protocol", "appeal"]


def test_an_appeal_record_has_an_outcome_and_follows_the_decision():
    # 002 p14: appealed under the Administrative Procedural Code.
    rules.check_appeal(date(2026, 8, 1), date(2026, 7, 22), rules.APPEAL_UPHELD)
    with pytest.raises(DomainError):
        rules.check_appeal(date(2026, 7, 1), date(2026, 7, 22), rules.APPEAL_UPHELD)
    with pytest.raises(DomainError):
        rules.check_appeal(date(2026, 8, 1), date(2026, 7, 22), "won")


def test_the_feedback_meeting_covers_its_three_topics():
    # 002 p43.
    rules.check_feedback({"achievements": "a", "development": "b", "career": "c"})
    with pytest.raises(DomainError) as caught:
        rules.check_feedback({"achievements": "a", "development": "b"})
    assert caught.value.field == "career"


# --- Issue 18 item 2: every branch and every refusal's code, field and params ------------------
# Dates worked on the calendar of July 2026 (weekdays only): Wed 1, Thu 2, Fri 3, Mon 6 ... .


def test_the_application_refusals_name_their_code_field_and_params():
    # 002 p13: from acquaintance, within 5 working days (Wed 1 July → Wed 8 July).
    err = domain_error(rules.check_application, None, date(2026, 7, 1), add)
    assert (err.code, err.field, err.params) == ("not_acquainted", "result", {})
    assert err.message is rules.MSG_NOT_ACQUAINTED
    err = domain_error(rules.check_application, date(2026, 7, 1), date(2026, 7, 9), add)
    assert (err.code, err.field, err.params) == ("late", "text", {"days": 5, "last": "2026-07-08"})
    assert err.message is rules.MSG_LATE


def test_the_version_may_set_another_number_of_days():
    # A version's Deadline row replaces the law's number: 2 working days from Wed 1 July are
    # Fri 3 July; 1 from Fri 3 July is Mon 6 July.
    assert rules.application_due(date(2026, 7, 1), add, 2) == date(2026, 7, 3)
    assert rules.check_application(date(2026, 7, 1), date(2026, 7, 3), add, days=2) == (
        date(2026, 7, 3)
    )
    err = domain_error(rules.check_application, date(2026, 7, 1), date(2026, 7, 6), add, days=2)
    assert err.params == {"days": 2, "last": "2026-07-03"}
    assert rules.decision_due(date(2026, 7, 3), add, 1) == date(2026, 7, 6)
    assert rules.session_due(date(2026, 7, 3), add, 1) == date(2026, 7, 6)
    assert rules.protocol_due(date(2026, 7, 3), add, 1) == date(2026, 7, 6)
    # Defaults: 5 from Fri 3 July is Fri 10 July; 3 is Wed 8 July; 10 is Fri 17 July.
    assert rules.application_due(date(2026, 7, 3), add) == date(2026, 7, 10)
    assert rules.decision_due(date(2026, 7, 3), add) == date(2026, 7, 8)
    assert rules.session_due(date(2026, 7, 3), add) == date(2026, 7, 17)
    assert rules.protocol_due(date(2026, 7, 3), add) == date(2026, 7, 8)


def test_the_session_date_refusals_name_their_code_field_and_params():
    # 002 p40: on or after the application (Wed 8 July), by its 10th working day (Wed 22).
    rules.check_session_date(date(2026, 7, 8), date(2026, 7, 8), add)
    err = domain_error(rules.check_session_date, date(2026, 7, 7), date(2026, 7, 8), add)
    assert (err.code, err.field, err.params) == (
        "session_early",
        "session_date",
        {"day": "2026-07-08"},
    )
    assert err.message is rules.MSG_SESSION_EARLY
    err = domain_error(rules.check_session_date, date(2026, 7, 23), date(2026, 7, 8), add)
    assert (err.code, err.field) == ("session_late", "session_date")
    assert err.params == {"days": 10, "last": "2026-07-22"}
    assert err.message is rules.MSG_SESSION_LATE
    # A version's 2 days: Fri 10 July is the last.
    rules.check_session_date(date(2026, 7, 10), date(2026, 7, 8), add, days=2)
    err = domain_error(rules.check_session_date, date(2026, 7, 13), date(2026, 7, 8), add, days=2)
    assert err.params == {"days": 2, "last": "2026-07-10"}


def test_a_session_has_at_least_one_participant():
    # 002 p39: the authorized person approves the participants.
    rules.check_participants(1)
    for count in (0, -1):
        err = domain_error(rules.check_participants, count)
        assert (err.code, err.field, err.params) == ("participants", "participants", {})
        assert err.message is rules.MSG_PARTICIPANTS


def test_a_position_refusal_names_the_scale_and_the_score():
    # 002 p42 within the version's scale (002 p8: 0-5); the ends of the scale are allowed.
    kwargs = {"current": D("4"), "score_min": D("0"), "score_max": D("5")}
    rules.check_position(D("0"), "x", **kwargs)
    rules.check_position(D("5"), "x", **kwargs)
    err = domain_error(rules.check_position, D("5.01"), "x", **kwargs)
    assert (err.code, err.field, err.params) == (
        "score_range",
        "score",
        {"min": D("0"), "max": D("5")},
    )
    assert err.message is rules.MSG_SCORE_RANGE
    err = domain_error(rules.check_position, D("-0.01"), "x", **kwargs)
    assert err.code == "score_range"
    err = domain_error(rules.check_position, D("4.00"), "x", **kwargs)
    assert (err.code, err.field, err.params) == ("score_same", "score", {"score": D("4")})
    assert err.message is rules.MSG_SCORE_SAME
    err = domain_error(rules.check_position, D("3"), "\t\n", **kwargs)
    assert (err.code, err.field, err.params) == ("arguments", "arguments", {})
    assert err.message is rules.MSG_ARGUMENTS
    rules.check_position(None, "   ", **kwargs)  # support needs no arguments


def test_the_majority_is_of_the_participants_not_of_the_votes_cast():
    # 002 p42: "by majority vote of the participants". 5 approved, 3 gave a position, 2 of
    # them propose 3.00: 2 of 5 is no majority, though 2 of 3 votes.
    t = rules.tally(D("4.00"), [D("3.00"), D("3.00"), None], participants=5)
    assert (t.final, t.by, t.support, t.participants, t.current) == (
        D("4.00"), rules.TIE_SCORE_STANDS, 1, 5, D("4.00"),
    )  # fmt: skip
    assert t.proposals == ((D("3.00"), 2),)
    assert not t.moved
    # Exactly half (2 of 4) is no majority; 3 of 5 is.
    assert rules.tally(D("4"), [D("3"), D("3"), None, None], participants=4).by == "score_stands"
    t = rules.tally(D("4"), [D("5"), D("3"), D("3"), D("3"), None], participants=5)
    assert (t.final, t.by, t.support, t.moved) == (D("3"), "majority", 1, True)
    assert t.proposals == ((D("3"), 3), (D("5"), 1))


def test_without_a_majority_the_default_rule_keeps_the_score_even_with_a_leader():
    # The default tie rule: the score stands, whoever leads.
    t = rules.tally(D("4"), [D("3"), D("3"), D("5"), None], participants=4)
    assert (t.final, t.by) == (D("4"), rules.TIE_SCORE_STANDS)
    assert rules.tally(D("4"), [], participants=3).by == rules.TIE_SCORE_STANDS


def test_most_votes_may_name_the_current_score_and_needs_positions():
    # "most_votes": the supporters lead (2 of 5, against 1 and 1): the score stays by that rule.
    t = rules.tally(D("4"), [None, None, D("3"), D("5")], participants=5,
                    tie_rule=rules.TIE_MOST_VOTES)  # fmt: skip
    assert (t.final, t.by, t.support) == (D("4"), rules.TIE_MOST_VOTES, 2)
    t = rules.tally(D("4"), [], participants=3, tie_rule=rules.TIE_MOST_VOTES)
    assert (t.final, t.by, t.support, t.proposals) == (D("4"), rules.TIE_SCORE_STANDS, 0, ())


def test_every_approved_participant_gives_a_position():
    assert rules.missing_positions(5, 2) == 3
    assert rules.missing_positions(2, 5) == 0
    rules.check_all_voted(2, 3)
    err = domain_error(rules.check_all_voted, 5, 3)
    assert (err.code, err.field, err.params) == ("not_all_voted", "positions", {"missing": 2})
    assert err.message is rules.MSG_NOT_ALL_VOTED


def test_the_appeal_refusals_name_their_code_field_and_params():
    # 002 p14: filed on or after the decision, with one of the outcomes.
    for outcome in rules.APPEAL_OUTCOMES:
        rules.check_appeal(date(2026, 7, 22), date(2026, 7, 22), outcome)
    err = domain_error(rules.check_appeal, date(2026, 7, 22), date(2026, 7, 22), "won")
    assert (err.code, err.field, err.params) == ("outcome", "outcome", {})
    assert err.message is rules.MSG_APPEAL_OUTCOME
    err = domain_error(
        rules.check_appeal, date(2026, 7, 21), date(2026, 7, 22), rules.APPEAL_PENDING
    )
    assert (err.code, err.field, err.params) == ("appeal_date", "filed_on", {"day": "2026-07-22"})
    assert err.message is rules.MSG_APPEAL_DATE


def test_each_feedback_topic_is_named_when_left_blank():
    # 002 p43: achievements, development, career, in that order.
    full = {"achievements": "a", "development": "b", "career": "c"}
    for code, label in rules.FEEDBACK_TOPICS:
        for blank in ("", "  \n", None):
            err = domain_error(rules.check_feedback, {**full, code: blank})
            assert (err.code, err.field, err.params) == ("topic", code, {"topic": label})
            assert err.message is rules.MSG_TOPIC
    err = domain_error(rules.check_feedback, {})
    assert err.field == "achievements"


def test_the_tally_keeps_the_count_of_the_session_whatever_rule_decides():
    # 002 p42: the protocol shows the supporters, each proposal with its votes, the
    # participants and the score before the session, by majority as by the tie rule.
    t = rules.tally(D("4"), [D("5"), D("3"), D("3"), D("3"), None], participants=5)
    assert t == rules.Tally(1, ((D("3"), 3), (D("5"), 1)), D("3"), "majority", 5, D("4"))
    t = rules.tally(D("4"), [D("2"), D("2"), D("5"), None], participants=6,
                    tie_rule=rules.TIE_MOST_VOTES)  # fmt: skip
    assert t == rules.Tally(1, ((D("2"), 2), (D("5"), 1)), D("2"), rules.TIE_MOST_VOTES, 6, D("4"))
    assert t.moved
