"""The behaviour indicators of a category group as an official form (001 App 4; the table of
002 Appendix 4), on the built demo: the 2023 body prints its version's catalog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.core.models import User
from bagalau.demo.tests.shared import at, built
from bagalau.evaluations.tests import printing
from bagalau.methodology.models import IndicatorSet, MethodologyVersion
from bagalau.methodology.tests import demo_pickers
from bagalau.org.models import Servant

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"
KEY = "indicator_table"
COLUMNS = {
    "kk": [
        "Құзыреттер атауы",
        "Мемлекеттік әкімшілік лауазымдар санаты",
        "Тиімді мінез-құлық индикаторлары",
        "Тиімсіз мінез-құлық индикаторлары",
    ],
    "ru": [
        "Наименование компетенций",
        "Категория административных государственных должностей",
        "Эффективные поведенческие индикаторы",
        "Неэффективные поведенческие индикаторы",
    ],
}
TITLE = {
    "kk": "Құзыреттердің мінез-құлық индикаторлары",
    "ru": "Поведенческие индикаторы компетенций",
}


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY):
        yield DAY


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_table_lists_each_competency_of_the_group_with_its_indicators(
    demo, language, django_assert_max_num_queries
):
    set_id = demo_pickers.indicator_table()
    assert set_id is not None
    found = IndicatorSet.objects.get(pk=set_id)
    version = MethodologyVersion.objects.get(body__name_kk__contains="Маңғыстау")
    with at(demo):
        table = printing.authorize(KEY, demo_pickers.PRINTER[KEY], set_id)
        with django_assert_max_num_queries(6):
            layout = printing.build(KEY, table, language)
    assert table.version == version  # the body's own version in force, with its catalog
    assert layout.title == TITLE[language]
    body = version.body
    assert layout.body_name == (body.name_kk if language == "kk" else body.name_ru)
    assert version.name_kk in layout.version_label
    [block] = printing.tables(layout)
    assert block.columns == COLUMNS[language]  # 002 Appendix 4, in its order
    sets = list(
        IndicatorSet.objects.filter(catalog_id=found.catalog_id, group=found.group)
        .select_related("competency")
        .order_by("competency__order", "pk")
    )
    assert len(block.rows) == len(sets) > 0
    for row, s in zip(block.rows, sets, strict=True):
        name = s.competency.name_kk if language == "kk" else s.competency.name_ru
        assert row[0] == name
        for indicator in s.indicators.all():
            text = (
                indicator.text_ru if language == "ru" and indicator.text_ru else indicator.text_kk
            )
            column = row[2] if indicator.effective else row[3]
            assert text.strip().rstrip(";") in column


def test_hr_and_evaluators_print_it_others_of_the_body_403_strangers_404(demo):
    set_id = demo_pickers.indicator_table()
    kind = printing.kind(KEY)
    with at(demo):
        with pytest.raises(NotFound):
            kind.authorize(printing.stranger(), set_id)
        with pytest.raises(NotFound):
            kind.authorize(User.objects.get(username="hrhead"), 10**6)
        printing.authorize(KEY, "hr", set_id)  # an HR officer: the table holds no result
        printing.authorize(KEY, "head", set_id)  # an evaluator of the body
        # A servant who evaluates nobody is of the body: 403.
        servant = Servant.objects.get(user__username="servant")
        with pytest.raises(PermissionDenied):
            kind.authorize(servant.user, set_id)
        table = printing.authorize(KEY, "hrhead", set_id)
    assert kind.body_id(table) == table.body.pk
