"""The 360 individual report and the feedback form as official forms (002 p34-37), on the
built demo: the 2023 body's closed campaign of the previous year."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bagalau.core.errors import Conflict, NotFound
from bagalau.demo.tests.shared import at, built
from bagalau.evaluations.tests import printing
from bagalau.surveys import rules, selectors
from bagalau.surveys.models import CampaignState, Invitation, Subject
from bagalau.surveys.tests import demo_pickers

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"
COLUMNS = {
    "kk": [
        "№",
        "Құзырет",
        "Баға (респонденттер бағаларының орташа мәні)",
        "Өзін-өзі бағалау (есептелмейді)",
        "Респонденттердің пікірлері",
    ],
    "ru": [
        "№",
        "Компетенция",
        "Оценка (среднее оценок респондентов)",
        "Самооценка (не учитывается)",
        "Комментарии респондентов",
    ],
}
FEWER = {"kk": "3 жауаптан аз", "ru": "меньше 3 ответов"}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY):
        yield DAY


def _score(value: Any) -> str:
    return "" if value is None else f"{value}".replace(".", ",")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_report_has_each_competency_score_from_three_answers_and_no_respondent(
    demo, language, django_assert_max_num_queries
):
    subject_id = demo_pickers.survey_report()
    assert subject_id is not None
    with at(demo):
        subject = printing.authorize("survey_report", "hrhead", subject_id)
        with django_assert_max_num_queries(16):
            layout = printing.build("survey_report", subject, language)
    body = subject.campaign.body
    assert layout.body_name == (body.name_kk if language == "kk" else body.name_ru)
    [table] = printing.tables(layout)
    assert table.columns == COLUMNS[language]
    data = selectors.report(subject)
    assert len(table.rows) == len(data["lines"]) > 0
    for row, line in zip(table.rows, data["lines"], strict=True):
        name = line.competency.name_kk if language == "kk" else line.competency.name_ru
        assert row[1].startswith(name)
        # 002 p36: a score only from three answers; the self-assessment beside it.
        assert row[2] == (_score(line.score) if line.score is not None else FEWER[language])
        assert row[3] == _score(line.self_score)
    servant = subject.servant
    last = (
        servant.last_name_ru if language == "ru" and servant.last_name_ru else servant.last_name_kk
    )
    assert any(v.startswith(last) for v in printing.fields(layout).values())
    # Nothing leads to a respondent: no respondent's name anywhere in the document.
    text = printing.text_of(layout)
    own = f"{servant.last_name_kk} {servant.first_name_kk}"
    invited = Invitation.objects.filter(subject=subject).select_related("respondent")
    names = {f"{i.respondent.last_name_kk} {i.respondent.first_name_kk}" for i in invited}
    assert len(names) >= rules.MIN_SHOWN
    assert not [n for n in names - {own} if n in text]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_feedback_form_has_the_conversation_and_both_signatures(demo, language):
    subject = Subject.objects.get(pk=demo_pickers.survey_report())
    with at(demo):
        found = printing.authorize("survey_feedback", "hrhead", subject.pk)
        layout = printing.build("survey_feedback", found, language)
    feedback = getattr(subject, "feedback", None)
    values = printing.fields(layout).values()
    if feedback is not None:
        assert feedback.strengths in values and feedback.actions in values
        assert all(s.date for s in layout.signatures)
    assert len(layout.signatures) == 2
    assert layout.signatures[0].name.startswith(
        subject.servant.last_name_ru
        if language == "ru" and subject.servant.last_name_ru
        else subject.servant.last_name_kk
    )


@pytest.mark.parametrize("key", ["survey_report", "survey_feedback"])
def test_a_stranger_and_an_hr_officer_get_404_as_on_the_report_page(demo, key):
    """access_report: HR officers run the campaign without its content; the page answers
    them 404 like anyone outside the circle of 002 p21, and so does the form."""
    subject = Subject.objects.get(pk=demo_pickers.survey_report())
    kind = printing.kind(key)
    with at(demo):
        with pytest.raises(NotFound):
            kind.authorize(printing.stranger(), subject.pk)
        with pytest.raises(NotFound):
            kind.authorize(printing.hr_officer(subject.campaign.body_id), subject.pk)
    assert kind.body_id(subject) == subject.campaign.body_id


def test_no_report_before_the_campaign_closes(demo):
    subject = Subject.objects.exclude(campaign__state=CampaignState.CLOSED).first()
    if subject is None:
        pytest.skip("every campaign of the demo is closed")
    with at(demo), pytest.raises(Conflict):
        printing.authorize("survey_report", "hrhead", subject.pk)
    assert rules.MIN_SHOWN == 3
