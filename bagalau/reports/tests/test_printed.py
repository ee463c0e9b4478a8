"""The service record's Layout (the documents app renders it)."""

from __future__ import annotations

import pytest
from django.utils import translation

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.documents import registry
from bagalau.documents.layout import Fields, Layout, Table

from .conftest import change, result

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind():
    found = registry.get("service_record")
    assert found is not None
    return found


def test_it_builds_one_table_with_the_rows(world, kind):
    r = result(world, world.servant, 2025, 1, score="4.25")
    change(r, "3.75", "commission")
    record = kind.authorize(world.users["hrhead"], world.servant.pk)
    for language in ("kk", "ru"):
        with translation.override(language):
            layout = kind.build(record)
        assert layout.form == "service_record" and layout.language == language
        assert layout.body_name == world.body.name_kk or layout.body_name
        tables = [b for b in layout.blocks if isinstance(b, Table)]
        assert len(tables) == 1
        assert len(tables[0].rows) == 1
        assert len(tables[0].columns) == len(tables[0].rows[0]) == 6
        assert "3,75" in tables[0].rows[0][2]
        assert "4,25 → 3,75" in tables[0].rows[0][5]
        assert any(isinstance(b, Fields) for b in layout.blocks)
        assert Layout.from_dict(layout.to_dict()) == layout
    assert kind.body_id(record) == world.body.pk
    assert kind.servant_id(record) == world.servant.pk


def test_it_authorizes_as_the_page_does(world, kind):
    result(world, world.servant, 2025, 1)
    assert kind.authorize(world.users["servant"], world.servant.pk)
    with pytest.raises(PermissionDenied):
        kind.authorize(world.users["hrofficer"], world.servant.pk)
    with pytest.raises(NotFound):
        kind.authorize(world.users["otherhr"], world.servant.pk)
    with pytest.raises(NotFound):
        kind.authorize(world.users["colleague"], world.servant.pk)


def test_the_demo_picker_names_a_servant_the_printer_may_print(world, kind):
    from .demo_pickers import PICKERS, PRINTER

    result(world, world.servant, 2025, 1)
    servant_id = PICKERS["service_record"]()
    printer = world.users[PRINTER["service_record"]]
    assert kind.authorize(printer, servant_id).rows
