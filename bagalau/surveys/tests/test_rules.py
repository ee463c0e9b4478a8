"""The pure rules of the 360 survey, each citing its source."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bagalau.core.errors import Conflict, DomainError, PermissionDenied
from bagalau.evaluations.rules.workflow import available, check_transition
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
