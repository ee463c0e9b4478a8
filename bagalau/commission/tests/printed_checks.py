"""The protocol of the commission's meeting as an official form (001 App 5; 002 Appendix 5),
on the built demo: the 2018 body's approved meeting with a revision and a tie (001 p32-39)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bagalau.commission.models import Meeting, Vote
from bagalau.commission.tests import demo_pickers
from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.demo.tests.shared import at, built
from bagalau.documents.text import long_date
from bagalau.evaluations.tests import printing

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"
KEY = "commission_protocol"
COLUMNS = {
    "kk": [
        "№",
        "Қызметшілердің тегі, аты, әкесінің аты (болған жағдайда)",
        "Бағалау нәтижелері туралы мәлімет",
        "Бағалау нәтижелері комиссиямен түзетілуі (бар болған жағдайда)",
        "Комиссияның ұсыныстары",
    ],
    "ru": [
        "№",
        "Фамилия, имя, отчество (при его наличии) служащих",
        "Сведения о результатах оценки",
        "Корректировка комиссией результатов оценки (в случае наличия)",
        "Рекомендации комиссии",
    ],
}
APPROVED = {"kk": "БЕКІТЕМІН", "ru": "УТВЕРЖДАЮ"}
ROLES = {
    "kk": ("Комиссияның хатшысы", "Комиссияның төрағасы", "Комиссияның мүшесі"),
    "ru": ("Секретарь комиссии", "Председатель комиссии", "Член комиссии"),
}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY):
        yield DAY


def _score(value: Any) -> str:
    return f"{value}".replace(".", ",")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_protocol_has_the_seed_columns_every_case_vote_and_signature(
    demo, language, django_assert_max_num_queries
):
    meeting = Meeting.objects.get(pk=demo_pickers.commission_protocol())
    with at(demo):
        protocol = printing.authorize(KEY, demo_pickers.PRINTER[KEY], meeting.pk)
        with django_assert_max_num_queries(12):
            layout = printing.build(KEY, protocol, language)
    assert layout.body_name == (meeting.body.name_kk if language == "kk" else meeting.body.name_ru)
    results, votes = printing.tables(layout)
    assert results.columns == COLUMNS[language]  # 002 Appendix 5, in its order
    cases = list(meeting.cases.select_related("servant", "task", "result", "decision"))
    assert len(results.rows) == len(cases) > 0
    revised = 0
    for number, (row, case) in enumerate(zip(results.rows, cases, strict=True), start=1):
        servant = case.servant
        name = " ".join(
            p for p in (
                (servant.last_name_ru, servant.first_name_ru, servant.middle_name_ru)
                if language == "ru" and servant.last_name_ru
                else (servant.last_name_kk, servant.first_name_kk, servant.middle_name_kk)
            ) if p
        )  # fmt: skip
        original = case.result.original_score if case.result else case.task.score
        assert row[0] == str(number) and row[1] == name
        assert _score(original) in row[2]
        if case.decision.choice == "revise":  # 001 p38: the corrected result in its column
            revised += 1
            assert row[3] == _score(case.decision.corrected)
        else:
            assert row[3] == ""
    assert revised == 2  # the demo's revision and its tie decided by the chair (001 p33)
    # The open vote by name (001 p32): every vote with its member.
    cast = list(Vote.objects.filter(case__meeting=meeting).select_related("voter"))
    assert len(votes.rows) == len(cast)
    voters = {printing.person(v.voter, meeting.body_id, language) for v in cast}
    assert {row[2] for row in votes.rows} == voters
    # Signatures: the secretary, the chair and the members by name; the approval (001 p39).
    secretary, chair, member = ROLES[language]
    roles = [s.role for s in layout.signatures]
    assert roles[0] == secretary and roles[1] == chair and set(roles[2:]) == {member}
    seats = {
        printing.person(s.user, meeting.body_id, language)
        for s in meeting.composition.seats.select_related("user")
    }
    assert {s.name for s in layout.signatures} == seats
    assert layout.approval is not None and layout.approval.heading == APPROVED[language]
    assert printing.person(meeting.approved_by, meeting.body_id, language) in layout.approval.lines
    assert long_date(meeting.approved_on, language) in layout.approval.lines


def test_a_stranger_gets_404_and_an_hr_officer_403(demo):
    meeting = Meeting.objects.get(pk=demo_pickers.commission_protocol())
    kind = printing.kind(KEY)
    with at(demo):
        with pytest.raises(NotFound):
            kind.authorize(printing.stranger(), meeting.pk)
        with pytest.raises(PermissionDenied):  # runs the meeting, never reads a result (002 p21)
            kind.authorize(printing.hr_officer(meeting.body_id), meeting.pk)
        protocol = printing.authorize(KEY, "chair2018", meeting.pk)  # the chair while serving
    assert kind.body_id(protocol) == meeting.body_id


@pytest.mark.parametrize("username", ["servant2018", "hrhead"])
def test_a_servant_of_the_body_and_another_body_get_404(demo, username):
    meeting = Meeting.objects.get(pk=demo_pickers.commission_protocol())
    with at(demo), pytest.raises(NotFound):
        printing.authorize(KEY, username, meeting.pk)
