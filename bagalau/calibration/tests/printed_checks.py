"""The protocol of a calibration session as an official form (002 p39-42), on the built demo:
the 2023 body's case decided by its session, its protocol uploaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bagalau.calibration.models import CalibrationCase
from bagalau.calibration.tests import demo_pickers
from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.demo.tests.shared import at, built
from bagalau.evaluations.tests import printing

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"
KEY = "calibration_protocol"
COLUMNS = {
    "kk": ["№", "Қатысушы", "Лауазымы", "Бағаны қолдайды немесе ұсынады", "Дәлелдер"],
    "ru": ["№", "Участник", "Должность", "Поддерживает оценку или предлагает", "Доводы"],
}
SUPPORTS = {"kk": "бағаны қолдайды", "ru": "поддерживает оценку"}
FIELDS = {
    "kk": ("Сессияға дейінгі баға", "Қорытынды баға"),
    "ru": ("Оценка до сессии", "Итоговая оценка"),
}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY):
        yield DAY


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_protocol_has_the_scores_every_position_and_the_signatures(
    demo, language, django_assert_max_num_queries
):
    case = CalibrationCase.objects.get(pk=demo_pickers.calibration_protocol())
    with at(demo):
        found = printing.authorize(KEY, demo_pickers.PRINTER[KEY], case.pk)
        with django_assert_max_num_queries(10):
            layout = printing.build(KEY, found, language)
    assert layout.body_name == (case.body.name_kk if language == "kk" else case.body.name_ru)
    assert (
        case.version.name_kk in layout.version_label or case.version.name_ru in layout.version_label
    )
    fields = printing.fields(layout)
    before, final = FIELDS[language]
    assert fields[before] == f"{case.score_before}".replace(".", ",")
    assert fields[final] == f"{case.final_score}".replace(".", ",")
    servant = case.servant
    name = (
        f"{servant.last_name_ru} {servant.first_name_ru}"
        if language == "ru" and servant.last_name_ru
        else f"{servant.last_name_kk} {servant.first_name_kk}"
    )
    assert any(v.startswith(name) for v in fields.values())
    [table] = printing.tables(layout)
    assert table.columns == COLUMNS[language]
    positions = list(case.positions.select_related("user"))
    assert len(table.rows) == len(positions) > 0
    for row, position in zip(table.rows, positions, strict=True):
        assert row[1] == printing.person(position.user, case.body_id, language)
        if position.proposed is None:
            assert row[3] == SUPPORTS[language]
        else:
            assert row[3] == f"{position.proposed}".replace(".", ",")
        assert row[4] == position.arguments
    participants = [
        printing.person(p.user, case.body_id, language)
        for p in case.participants.select_related("user")
    ]
    assert [s.name for s in layout.signatures] == participants
    assert all(s.date for s in layout.signatures)  # the day the session was held


def test_a_stranger_gets_404_and_an_hr_officer_403(demo):
    case = CalibrationCase.objects.get(pk=demo_pickers.calibration_protocol())
    kind = printing.kind(KEY)
    with at(demo):
        with pytest.raises(NotFound):
            kind.authorize(printing.stranger(), case.pk)
        with pytest.raises(PermissionDenied):  # uploads the signed copy without reading it
            kind.authorize(printing.hr_officer(case.body_id), case.pk)
        with pytest.raises(PermissionDenied):  # the authorized person decides, knows no score
            printing.authorize(KEY, "authorized", case.pk)
    assert kind.body_id(case) == case.body_id and kind.servant_id(case) == case.servant_id
