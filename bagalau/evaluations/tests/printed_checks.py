"""The evaluation sheets as official forms, on the built demo (issue 17): the 2018 competency
sheet (001 App 3; 002 Appendix 3) and the 2023 differentiation sheet (002 p30-33)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.demo.tests.shared import at, built
from bagalau.evaluations.models import Result, Task
from bagalau.evaluations.tests import demo_pickers, printing

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"

COMPETENCY_COLUMNS = {
    "kk": [
        "№",
        "Құзыреттер атауы",
        "Бағалау нәтижелері (күтілетін нәтижеге сәйкес/күтілетін нәтижеге сәйкес емес)",
        "Қызметшіде байқамаған мінез-құлық индикатор атауы (күтілетін нәтижеге сәйкес емес "
        "бағасын алған жағдайда)",
    ],
    "ru": [
        "№",
        "Наименование компетенций",
        "Результаты оценки (соответствует ожидаемому результату/не соответствует ожидаемому "
        "результату)",
        "Наименование поведенческих индикаторов, не проявленных служащим (в случае получения "
        "оценки «не соответствует ожидаемому результату»)",
    ],
}
OUTCOME = {
    "kk": {True: "күтілген нәтижеге сәйкес", False: "күтілген нәтижеге сәйкес емес"},
    "ru": {True: "соответствует ожиданиям", False: "не соответствует ожиданиям"},
}
DIFFERENTIATION_COLUMNS = {
    "kk": [
        "№",
        "Бағалау параметрлері",
        "Баға (0-ден 5-ке дейін)",
        "Бағалаушы адамның түсініктемесі",
    ],
    "ru": ["№", "Параметры оценки", "Оценка (от 0 до 5)", "Комментарий оценивающего лица"],
}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY):
        yield DAY


def _names(servant: Any, language: str) -> str:
    if language == "ru" and servant.last_name_ru:
        parts = (servant.last_name_ru, servant.first_name_ru, servant.middle_name_ru)
    else:
        parts = (servant.last_name_kk, servant.first_name_kk, servant.middle_name_kk)
    return " ".join(p for p in parts if p)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_competency_sheet_has_the_seed_columns_and_each_competency_outcome(
    demo, language, django_assert_max_num_queries
):
    task_id = demo_pickers.competency_sheet()
    assert task_id is not None
    with at(demo):
        task = printing.authorize(
            "competency_sheet", demo_pickers.PRINTER["competency_sheet"], task_id
        )
        with django_assert_max_num_queries(12):
            layout = printing.build("competency_sheet", task, language)
    body = task.body
    assert layout.body_name == (body.name_kk if language == "kk" else body.name_ru)
    assert layout.appendix and layout.version_label.startswith(
        task.version.name_kk if language == "kk" else (task.version.name_ru or task.version.name_kk)
    )
    [table] = printing.tables(layout)
    assert table.columns == COMPETENCY_COLUMNS[language]  # 002 Appendix 3, in its order
    servant = _names(task.servant, language)
    assert servant in printing.fields(layout).values()
    assert layout.signatures[0].name == servant
    assert layout.signatures[1].name == _names(task.evaluator, language)
    lines = list(task.lines.order_by("order").prefetch_related("marks__indicator"))
    assert len(table.rows) == len(lines) > 0
    for number, (row, line) in enumerate(zip(table.rows, lines, strict=True), start=1):
        marks = list(line.marks.all())
        observed = sum(1 for m in marks if m.observed)
        meets = 4 * observed >= 3 * len(marks)  # 001 p27: at least 3/4 observed
        name = line.name_kk if language == "kk" else (line.name_ru or line.name_kk)
        assert row[:3] == [str(number), name, OUTCOME[language][meets]]
        missing = [
            (
                m.indicator.text_ru
                if language == "ru" and m.indicator.text_ru
                else m.indicator.text_kk
            )
            for m in marks
            if m.observed is False
        ]
        assert row[3] == ("" if meets else "; ".join(missing))


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_differentiation_sheet_has_each_parameter_score_and_the_band(demo, language):
    task_id = demo_pickers.differentiation_sheet()
    assert task_id is not None
    with at(demo):
        task = printing.authorize(
            "differentiation_sheet", demo_pickers.PRINTER["differentiation_sheet"], task_id
        )
        layout = printing.build("differentiation_sheet", task, language)
    assert layout.body_name == (task.body.name_kk if language == "kk" else task.body.name_ru)
    [table] = printing.tables(layout)
    assert table.columns == DIFFERENTIATION_COLUMNS[language]
    lines = list(task.lines.order_by("order"))
    # The parameters of the sheet's own version, in their order (002 p33).
    codes = list(
        task.version.differentiation_parameters.order_by("order").values_list("code", flat=True)
    )
    assert [line.code for line in lines] == codes
    for row, line in zip(table.rows, lines, strict=True):
        name = line.name_kk if language == "kk" else (line.name_ru or line.name_kk)
        assert row[1:3] == [name, f"{line.score}".replace(".", ",")]
    found = printing.fields(layout)
    result = Result.objects.get(task=task)
    band = task.version.bands.get(scale="score", code=result.band)
    assert (band.name_kk if language == "kk" else band.name_ru) in found.values()
    assert f"{task.score}".replace(".", ",") in found.values()
    assert _names(task.servant, language) in found.values()


@pytest.mark.parametrize("key", ["competency_sheet", "differentiation_sheet"])
def test_a_stranger_gets_404_and_an_hr_officer_403(demo, key):
    task = Task.objects.get(pk=demo_pickers.PICKERS[key]())
    kind = printing.kind(key)
    with at(demo):
        with pytest.raises(NotFound):
            kind.authorize(printing.stranger(), task.pk)
        with pytest.raises(PermissionDenied):  # 002 p21: HR officers run it without results
            kind.authorize(printing.hr_officer(task.body_id), task.pk)
    assert kind.body_id(task) == task.body_id and kind.servant_id(task) == task.servant_id


def test_a_sheet_of_another_kind_is_not_found_under_the_form(demo):
    task_id = demo_pickers.differentiation_sheet()
    with at(demo), pytest.raises(NotFound):
        printing.authorize("competency_sheet", "hrhead", task_id)


def test_the_evaluated_person_prints_the_sheet_only_once_submitted(demo):
    """The evaluator's draft is not shown to the evaluated person (issue 11 item 1): 403."""
    draft = (
        Task.objects.filter(kind="competency", state="draft", servant__user__isnull=False)
        .select_related("servant__user")
        .first()
    )
    done = (
        Task.objects.filter(kind="competency", state="for_commission", servant__user__isnull=False)
        .select_related("servant__user")
        .first()
    )
    if draft is None or done is None:
        pytest.skip("the demo has no such sheet of a servant with a login")
    kind = printing.kind("competency_sheet")
    with at(demo):
        with pytest.raises(PermissionDenied):
            kind.authorize(draft.servant.user, draft.pk)
        assert kind.authorize(done.servant.user, done.pk) == done
