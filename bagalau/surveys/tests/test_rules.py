"""The pure rules of the 360 survey, each citing its source."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bagalau.core.errors import Conflict, DomainError, PermissionDenied
from bagalau.core.tests.errors import domain_error
from bagalau.evaluations.rules.workflow import available, check_transition
from bagalau.methodology.rules import Problem
from bagalau.surveys import rules
from bagalau.surveys.rules import Person, Rating

# A body: the first head (1) over two unit heads (2, 3) and the HR head (4); unit A: head 2
# with staff 5, 6, 7; unit B: head 3 alone with staff 8; unit HR: head 4 with nobody.
PEOPLE = {
    1: Person(1, 100, True, None, "D-1"),
    2: Person(2, 101, True, 1, "D-3"),
    3: Person(3, 102, True, 1, "D-3"),
    4: Person(4, 103, True, 1, "D-3"),
    5: Person(5, 101, False, 2, "D-4"),
    6: Person(6, 101, False, 2, "D-4"),
    7: Person(7, 101, False, 2, "D-5"),
    8: Person(8, 102, False, 3, "D-5"),
}


def test_it_proposes_the_supervisor_subordinates_and_peers_of_a_head():
    # 002 p36: the direct supervisor, the direct subordinates, peers of the same level.
    proposal = rules.propose_respondents(2, PEOPLE, fewest=3, most=7)
    assert proposal.respondents == (
        (1, "supervisor"), (5, "subordinate"), (3, "peer"), (6, "subordinate"), (4, "peer"),
        (7, "subordinate"),
    )  # fmt: skip
    assert not proposal.short


def test_it_caps_the_proposal_at_the_most():
    # 002 p36: at most 7 respondents (the version's number).
    proposal = rules.propose_respondents(2, PEOPLE, fewest=3, most=3)
    assert [r for r, _ in proposal.respondents] == [1, 5, 3]


def test_a_servant_without_subordinates_gets_the_supervisor_and_the_peers_of_the_unit():
    # 002 p36: peers of the same level who work closely: the same unit; same category first.
    proposal = rules.propose_respondents(7, PEOPLE, fewest=3, most=7)
    assert proposal.respondents == ((2, "supervisor"), (5, "peer"), (6, "peer"))
    assert not proposal.short


def test_a_one_person_unit_is_short_and_hr_is_told():
    # 002 p36: fewer than 3 possible respondents: HR must add people from elsewhere.
    proposal = rules.propose_respondents(8, PEOPLE, fewest=3, most=7)
    assert proposal.respondents == ((3, "supervisor"),)
    assert proposal.short


def test_the_first_head_has_no_supervisor_and_no_peers():
    # 002 p36; 002 p2(3): the structure gives the first head no supervisor.
    proposal = rules.propose_respondents(1, PEOPLE, fewest=3, most=7)
    assert [rel for _, rel in proposal.respondents] == ["subordinate"] * 3


def test_absent_servants_are_not_asked():
    # 002 p6: the 360 runs without those on leave, sick or on a business trip.
    proposal = rules.propose_respondents(7, PEOPLE, fewest=3, most=7, absent={5})
    assert proposal.respondents == ((2, "supervisor"), (6, "peer"))
    assert proposal.short


ITEMS = {"ethics": [10, 11], "results": [20, 21]}


def _ratings(competency, items, values, is_self=False):
    return [Rating(competency, item, v, is_self) for v in values for item in items]


def test_aggregation_is_the_mean_of_the_others_and_excludes_the_self():
    # 002 p36: the self-assessment is collected but not counted.
    ratings = _ratings("ethics", [10, 11], [5, 4, 4]) + _ratings("ethics", [10, 11], [1], True)
    ethics = rules.aggregate(ratings, ITEMS)[0]
    assert ethics.score == Decimal("4.33")  # (5+5+4+4+4+4)/6 = 4.333… half-up to 2 places
    assert ethics.respondents == 3
    assert ethics.self_score == Decimal("1.00")


def test_aggregation_rounds_half_up_in_exact_arithmetic():
    # 002 p8 (two decimals kept, half-up): 4.125 → 4.13, never 4.12 (binary float).
    ratings = [Rating("ethics", 10, v) for v in (4, 4, 4, 5, 4, 4, 4, 4)]
    ratings += [Rating("ethics", 11, v) for v in (4, 4, 4, 4, 4, 4, 4, 5)]
    score = rules.aggregate(ratings, {"ethics": [10, 11]})[0].score
    assert score == Decimal("4.13")


@pytest.mark.parametrize(("answers", "shown"), [(0, False), (1, False), (2, False), (3, True)])
def test_a_competency_is_shown_only_from_three_answers_of_others(answers, shown):
    # issue 15 and 002 p36 (the fewest respondents): below three, who said what shows.
    ratings = _ratings("results", [20, 21], [3] * answers) + _ratings(
        "results", [20, 21], [5], True
    )
    result = rules.aggregate(ratings, ITEMS)[1]
    assert result.shown is shown
    assert result.self_score == Decimal("5.00")  # the self is shown beside it all the same


def test_self_answers_do_not_make_up_the_three():
    # 002 p36: two others and the self are two answers, not three.
    ratings = _ratings("ethics", [10, 11], [4, 4]) + _ratings("ethics", [10, 11], [4], True)
    assert rules.aggregate(ratings, ITEMS)[0].score is None


def test_strongest_and_weakest_among_the_shown():
    # 002 p37: the weakest competencies choose the training topics.
    results = [
        rules.Result("ethics", Decimal("4.50"), 3, None),
        rules.Result("results", Decimal("3.00"), 3, None),
        rules.Result("team", Decimal("4.50"), 3, None),
        rules.Result("change", None, 2, Decimal("5")),
    ]
    assert rules.extremes(results) == (["ethics", "team"], ["results"])
    assert rules.extremes(results[:1]) == ([], [])


def test_training_topics_are_the_bodys_weakest_competencies():
    # 002 p37: HR uses the weakest competencies when choosing training topics.
    def person(ethics, results):
        return [
            rules.Result("ethics", Decimal(ethics), 3, None),
            rules.Result("results", Decimal(results), 3, None),
        ]

    reports = [person("4", "3"), person("4.5", "2"), person("3", "4")]
    topics = rules.training_topics(reports)
    assert [(t.competency, t.people) for t in topics] == [("results", 2), ("ethics", 1)]
    assert topics[0].mean == Decimal("3.00")
    # Fewer than three people: one person's weakest competency would be shown to HR.
    assert rules.training_topics(reports[:2]) == []


def test_the_due_date_is_no_later_than_the_tenth_of_january():
    # 002 p5: the 360 is yearly, no later than the 10th day of the month after the year.
    assert rules.default_due_date(2026) == date(2027, 1, 10)
    rules.check_due_date(2026, date(2027, 1, 10))
    rules.check_due_date(2026, date(2026, 12, 20))
    with pytest.raises(DomainError) as late:
        rules.check_due_date(2026, date(2027, 1, 11))
    assert late.value.field == "due_date"
    with pytest.raises(DomainError):
        rules.check_due_date(2026, date(2025, 12, 31))


def test_the_campaign_machine():
    # The one workflow runner: role before state; the buttons come from the table.
    assert available(rules.CAMPAIGN, "draft", {"hr"}) == ["propose", "change_respondents", "open"]
    assert available(rules.CAMPAIGN, "open", {"hr"}) == ["close"]
    assert available(rules.CAMPAIGN, "open", {"evaluated"}) == []
    with pytest.raises(PermissionDenied):
        check_transition("open", "draft", {"evaluator"}, machine=rules.CAMPAIGN)
    with pytest.raises(Conflict):
        check_transition("open", "closed", {"hr"}, machine=rules.CAMPAIGN)
    with pytest.raises(DomainError):
        check_transition("change_respondents", "draft", {"hr"}, machine=rules.CAMPAIGN)


def test_answers_cover_every_item_within_the_scale():
    items = {10: "A", 11: "B"}
    assert rules.check_answers({10: "5", 11: 1}, items, 1, 5) == {10: 5, 11: 1}
    for bad in ({10: "5"}, {10: "6", 11: "1"}, {10: "0", 11: "1"}, {10: True, 11: 1},
                {10: "٥", 11: 1}, {10: 1, 11: 1, 99: 1}, {10: "1e3", 11: 1}):  # fmt: skip
        with pytest.raises(DomainError):
            rules.check_answers(bad, items, 1, 5)


# --- Issue 18 item 2: every branch and every refusal's code, field and params ------------------


def test_the_due_date_window_runs_from_the_first_of_january_to_the_tenth_after():
    # 002 p5: within the year, no later than 10 January of the next.
    rules.check_due_date(2026, date(2026, 1, 1))
    late = domain_error(rules.check_due_date, 2026, date(2027, 1, 11))
    assert (late.code, late.field, late.message) == ("due_late", "due_date", rules.MSG_DUE_LATE)
    assert late.params == {"year": 2026, "limit": date(2027, 1, 10)}
    early = domain_error(rules.check_due_date, 2026, date(2025, 12, 31))
    assert (early.code, early.field, early.message) == (
        "due_early",
        "due_date",
        rules.MSG_DUE_EARLY,
    )
    assert early.params == {"year": 2026, "start": date(2026, 1, 1)}
    assert rules.default_due_date(2030) == date(2031, 1, 10)


# A second body for the respondents' edge cases: the first head 1; unit heads 2 and 3 under 1;
# head 9 whose supervisor 50 is not in the structure; unit 101: staff 5 (D-4), 6 (D-5), 7 (D-4),
# 8 (D-5) under 2, and 11 of unit 101 reporting to 3 (another supervisor); unit 102: staff 10
# under 2 (same supervisor, another unit); 12 a record naming itself as its supervisor.
EDGE = {
    1: Person(1, 100, True, None, "D-1"),
    2: Person(2, 101, True, 1, "D-3"),
    3: Person(3, 102, True, 1, "D-2"),
    9: Person(9, 103, True, 50, "D-3"),
    5: Person(5, 101, False, 2, "D-4"),
    6: Person(6, 101, False, 2, "D-5"),
    7: Person(7, 101, False, 2, "D-4"),
    8: Person(8, 101, False, 2, "D-5"),
    10: Person(10, 102, False, 2, "D-4"),
    11: Person(11, 101, False, 3, "D-4"),
    12: Person(12, 104, False, 12, "D-4"),
}


def test_peers_share_the_level_the_supervisor_and_for_staff_the_unit_same_category_first():
    # 002 p36: colleagues of the same level; a servant's peers work in the same unit.
    proposal = rules.propose_respondents(8, EDGE, fewest=3, most=7)
    assert proposal.respondents == ((2, "supervisor"), (6, "peer"), (5, "peer"), (7, "peer"))
    # Heads: the heads under the same supervisor, whatever their unit; the same category first.
    assert rules.propose_respondents(3, EDGE, fewest=1, most=7).respondents == (
        (1, "supervisor"), (11, "subordinate"), (2, "peer"),
    )  # fmt: skip


def test_a_supervisor_outside_the_structure_or_absent_is_not_asked():
    # 002 p36 (the direct supervisor) and p6 (the absent are not asked); nobody has peers
    # under a supervisor who is not in the structure but the other heads under them.
    assert rules.propose_respondents(9, EDGE, fewest=3, most=7).respondents == ()
    assert rules.propose_respondents(7, EDGE, fewest=3, most=7, absent=[2, 6]).respondents == (
        (5, "peer"), (8, "peer"),
    )  # fmt: skip


def test_the_first_heads_peers_are_not_every_unsupervised_head():
    # Two heads without a supervisor (two top units) are not each other's peers.
    people = {1: Person(1, 100, True, None), 2: Person(2, 200, True, None)}
    assert rules.propose_respondents(1, people, fewest=3, most=7).respondents == ()


def test_a_self_supervising_record_is_not_its_own_respondent():
    # 002 p36: the self-assessment is collected apart, never as another's answer; a record
    # naming the servant as their own supervisor (an acting head's two posts) asks nobody.
    assert rules.propose_respondents(12, EDGE, fewest=1, most=7) == rules.Proposal((), True)


def test_the_subordinates_are_in_order_and_the_absent_left_out():
    # 002 p36 and p6: 2's subordinates are 5, 6, 7, 8, 10; 6 is on leave.
    proposal = rules.propose_respondents(2, EDGE, fewest=3, most=7, absent={6})
    assert proposal.respondents == (
        (1, "supervisor"), (5, "subordinate"), (3, "peer"), (7, "subordinate"),
        (8, "subordinate"), (10, "subordinate"),
    )  # fmt: skip


def test_exactly_the_fewest_is_not_short_and_a_cap_of_zero_asks_nobody():
    # 002 p36: from 3 respondents.
    proposal = rules.propose_respondents(7, PEOPLE, fewest=3, most=3)
    assert len(proposal.respondents) == 3 and not proposal.short
    assert rules.propose_respondents(7, PEOPLE, fewest=4, most=7).short
    assert rules.propose_respondents(7, PEOPLE, fewest=3, most=0) == rules.Proposal((), True)
    assert rules.propose_respondents(7, PEOPLE, fewest=0, most=-1) == rules.Proposal((), False)


def test_a_count_is_checked_inclusively():
    # 002 p36: 3 to 7.
    assert [rules.check_count(n, 3, 7) for n in (2, 3, 7, 8)] == [False, True, True, False]


def test_a_competency_needs_three_others_on_every_item_and_one_without_items_is_hidden():
    # Issue 15: the fewest answers over the competency's items decides; a competency of no
    # items has nobody's answers.
    ratings = _ratings("ethics", [10], [4, 4, 4]) + _ratings("ethics", [11], [5, 5])
    ratings += _ratings("team", [30], [2, 3, 4]) + _ratings("team", [30], [1], True)
    results = rules.aggregate(ratings, {"ethics": [10, 11], "team": [30], "empty": []})
    assert [(r.competency, r.score, r.respondents, r.self_score) for r in results] == [
        ("ethics", None, 2, None),
        ("team", Decimal("3.00"), 3, Decimal("1.00")),
        ("empty", None, 0, None),
    ]
    assert [r.shown for r in results] == [False, True, False]


def test_the_threshold_is_a_setting_and_the_self_mean_rounds_half_up():
    # 002 p36 (the version's fewest); 002 p8: two decimals, half-up: 10/8 = 1.25, 11/8 = 1.375.
    ratings = [Rating("ethics", 10, 2), Rating("ethics", 10, 4)]
    ratings += [Rating("ethics", 10, v, True) for v in (1, 1, 1, 1, 1, 1, 2, 3)]
    (result,) = rules.aggregate(ratings, {"ethics": [10]}, min_shown=2)
    assert (result.score, result.respondents, result.self_score) == (
        Decimal("3.00"), 2, Decimal("1.38"),
    )  # fmt: skip
    assert rules.aggregate(ratings, {"ethics": [10]})[0].score is None


def test_answers_to_items_of_no_competency_listed_are_not_counted_elsewhere():
    # An answer counts for the item it answers: item 12 answers do not make up item 11's.
    ratings = _ratings("ethics", [10, 12], [4, 4, 4]) + _ratings("ethics", [11], [4, 4])
    assert rules.aggregate(ratings, {"ethics": [10, 11]})[0].respondents == 2


def _result(code, score):
    return rules.Result(code, None if score is None else Decimal(score), 3, None)


def test_extremes_need_two_shown_scores_that_differ():
    # 002 p37.
    assert rules.extremes([_result("a", "4"), _result("b", "4")]) == ([], [])
    assert rules.extremes([_result("a", "4"), _result("b", None)]) == ([], [])
    assert rules.extremes([_result("a", "4"), _result("b", "3"), _result("c", None)]) == (
        ["a"], ["b"],
    )  # fmt: skip
    assert rules.extremes([]) == ([], [])


def test_training_topics_order_and_means_by_hand():
    # 002 p37: most often weakest first, then the lowest mean, then the code. Four people:
    # weakest a, b, b, c (a person with nothing shown is not counted: d has no shown score).
    reports = [
        [_result("a", "1"), _result("b", "2"), _result("c", "3")],
        [_result("a", "4"), _result("b", "2.5"), _result("c", "4")],
        [_result("a", "5"), _result("b", "2"), _result("c", "5")],
        [_result("a", "4"), _result("b", "4"), _result("c", "2")],
        [_result("a", None), _result("d", None)],
    ]
    topics = rules.training_topics(reports)
    # b: weakest twice, mean (2 + 2.5 + 2 + 4) / 4 = 2.625 → 2.63 (half-up);
    # a: once, (1 + 4 + 5 + 4) / 4 = 3.50; c: once, (3 + 4 + 5 + 2) / 4 = 3.50 → code order.
    assert topics == [
        rules.Topic("b", 2, Decimal("2.63")),
        rules.Topic("a", 1, Decimal("3.50")),
        rules.Topic("c", 1, Decimal("3.50")),
    ]
    assert rules.training_topics(reports[:3], min_people=3) != []
    assert rules.training_topics(reports[:3], min_people=4) == []
    # The fifth report (nothing shown) does not count as a person, wherever it comes.
    assert rules.training_topics(reports[:2] + reports[4:]) == []
    assert rules.training_topics(reports[4:] + reports[:4]) == topics


def test_a_topic_no_one_has_weakest_is_listed_with_nobody():
    # Three people whose scores are all equal have no weakest: every topic has 0 people.
    reports = [[_result("a", "3"), _result("b", "3")]] * 3
    assert rules.training_topics(reports) == [
        rules.Topic("a", 0, Decimal("3.00")), rules.Topic("b", 0, Decimal("3.00")),
    ]  # fmt: skip


def test_each_answer_refusal_names_its_item():
    items = {10: "A", 11: "B"}
    unknown = domain_error(rules.check_answers, {10: 1, 11: 1, 99: 1}, items, 1, 5)
    assert (unknown.code, unknown.field, unknown.params) == ("unknown_item", "answers", {})
    assert unknown.message is rules.MSG_UNKNOWN_ITEM
    for missing in ({10: 1}, {10: 1, 11: None}, {10: 1, 11: ""}):
        err = domain_error(rules.check_answers, missing, items, 1, 5)
        assert (err.code, err.field, err.params) == ("required", "item-11", {"item": "B"})
        assert err.message is rules.MSG_MISSING
    for bad in (True, False, "x", "1.5", "0005", "٣", 0, 6, "-1", " 9 "):
        err = domain_error(rules.check_answers, {10: bad, 11: 1}, items, 1, 5)
        assert (err.code, err.field) == ("range", "item-10"), bad
        assert err.params == {"item": "A", "low": 1, "high": 5}
        assert err.message is rules.MSG_RANGE


def test_answers_are_whole_ratings_as_typed():
    items = {10: "A", 11: "B"}
    assert rules.check_answers({10: " 5 ", 11: "001"}, items, 1, 5) == {10: 5, 11: 1}
    assert rules.check_answers({10: 0, 11: "10"}, items, 0, 10) == {10: 0, 11: 10}
    assert rules.check_answers({10: 999, 11: 998}, items, 0, 999) == {10: 999, 11: 998}


def test_the_questionnaire_keeps_an_item_per_competency_of_the_version():
    # 002 p35: each competency is rated, so each keeps at least one item.
    lines = [rules.ItemLine(1, 7), rules.ItemLine(2, 99), rules.ItemLine(3, None)]
    problems = rules.questionnaire_problems(lines, {7: "Ethics", 8: "Results"})
    assert problems == [
        Problem(rules.MSG_OTHER_VERSION, "competency", ((2, "competency"),)),
        Problem(rules.MSG_OTHER_VERSION, "competency", ((3, "competency"),)),
        Problem(rules.MSG_NO_ITEMS, "no_items", (), {"competency": "Results"}),
    ]
    assert rules.questionnaire_problems([rules.ItemLine(1, 7)], {7: "Ethics"}) == []


def test_an_item_nobody_answered_hides_its_competency_and_counts_nobody():
    # Issue 15: three answered item 10, nobody item 13: the competency has 0 full answers.
    ratings = _ratings("ethics", [10], [4, 4, 4])
    (result,) = rules.aggregate(ratings, {"ethics": [10, 13]}, min_shown=1)
    assert (result.score, result.respondents, result.self_score) == (None, 0, None)
