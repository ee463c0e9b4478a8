"""The staff search finds people whatever the case, in Kazakh letters, on every database.

SQLite's LIKE and lower() fold ASCII only: the search matches a key folded in Python
(rules.search_fold) and kept on the servant by save() and by every bulk path. Run on
PostgreSQL too: DATABASE_URL=postgres://… pytest --create-db bagalau/org/tests -k search.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from bagalau.core.tests.factories import ServantFactory, make_iin
from bagalau.org import selectors, services
from bagalau.org.models import Servant

pytestmark = pytest.mark.django_db


def names(qs):
    return {s.first_name_kk for s in qs}


@pytest.fixture
def ermek(world):
    return ServantFactory(
        body=world.body, last_name_kk="Жұмабеков", first_name_kk="Ермек",
        middle_name_kk="Әлиұлы", last_name_ru="Жумабеков", first_name_ru="Ермек",
    )  # fmt: skip


@pytest.mark.parametrize("typed", ["ермек", "ЕРМЕК", "Ермек", "ерМЕК"])
def test_the_staff_search_finds_ermek_whatever_the_case(world, ermek, typed):
    access = selectors.access_body(world.users["hrofficer"], world.body.pk)
    assert list(selectors.servant_list(access, search=typed)) == [ermek]


@pytest.mark.parametrize("typed", ["ЖҰМАБЕКОВ", "жұмабеков", "ӘЛИҰЛЫ", "әлиұлы", "ұмаб"])
def test_the_staff_search_folds_kazakh_letters(world, ermek, typed):
    access = selectors.access_body(world.users["hrofficer"], world.body.pk)
    assert list(selectors.servant_list(access, search=typed)) == [ermek]


def test_the_staff_search_finds_by_iin_any_part_of_the_name_and_several_words(world, ermek):
    access = selectors.access_body(world.users["hrofficer"], world.body.pk)
    assert list(selectors.servant_list(access, search=ermek.iin)) == [ermek]
    assert ermek in selectors.servant_list(access, search=ermek.iin[:6])  # a part of the IIN
    assert list(selectors.servant_list(access, search="мек")) == [ermek]  # inside a word
    assert list(selectors.servant_list(access, search="ермек жұмабеков")) == [ermek]
    assert list(selectors.servant_list(access, search="Жумабеков Ермек")) == [ermek]  # Russian
    assert list(selectors.servant_list(access, search="ермек жұмабекова")) == []
    assert list(selectors.servant_list(access, search="100%_")) == []  # LIKE signs are text


def test_the_staff_search_page_and_the_api_use_the_folded_key(world, ermek):
    hr = world.client("hrofficer")
    page = hr.get(reverse("org:staff", args=[world.body.pk]), {"q": "ЕРМЕК"})
    assert page.status_code == 200
    assert [s.pk for s in page.context["page"].object_list] == [ermek.pk]
    api = hr.get(f"/api/v1/bodies/{world.body.pk}/servants", {"q": "ЕРМЕК"})
    assert api.status_code == 200, api.content
    assert [row["id"] for row in api.json()["items"]] == [ermek.pk]


def test_the_search_key_follows_every_write(world):
    # save() (the services), bulk_create and bulk_update (Excel import, generate), update().
    hr = world.users["hrofficer"]
    servant = services.servant_save(
        actor=hr, body=world.body, iin=make_iin(), last_name_kk="ӘБІЛҚАЙЫР", first_name_kk="Ғалым"
    )
    assert servant.search_key == f"{servant.iin} әбілқайыр ғалым"
    servant.last_name_kk = "Өмірзақ"
    servant.save(update_fields=["last_name_kk"])
    assert Servant.objects.get(pk=servant.pk).search_key == f"{servant.iin} өмірзақ ғалым"
    [bulk] = Servant.objects.bulk_create(
        [Servant(body=world.body, iin=make_iin(), last_name_kk="ҮСЕНОВ", first_name_kk="Һәді")]
    )
    assert Servant.objects.get(iin=bulk.iin).search_key == f"{bulk.iin} үсенов һәді"
    bulk.first_name_kk = "Ұлан"
    Servant.objects.bulk_update([bulk], ["first_name_kk"])
    assert Servant.objects.get(iin=bulk.iin).search_key == f"{bulk.iin} үсенов ұлан"
    Servant.objects.filter(pk=bulk.pk).update(last_name_kk="Қаңтарбаев")
    assert Servant.objects.get(pk=bulk.pk).search_key == f"{bulk.iin} қаңтарбаев ұлан"
    Servant.objects.filter(pk=bulk.pk).update(email="u@example.kz")  # not a name: kept
    assert Servant.objects.get(pk=bulk.pk).search_key == f"{bulk.iin} қаңтарбаев ұлан"


def test_the_generate_command_gives_its_servants_search_keys(db):
    call_command("generate", "--bodies", "1", "--servants", "5", "--no-progress", verbosity=0)
    rows = list(Servant.objects.values_list("iin", "last_name_kk", "search_key"))
    assert rows and all(key.startswith(f"{iin} {last.casefold()}") for iin, last, key in rows)


def test_the_migration_fills_existing_rows(world, ermek):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("bagalau.org.migrations.0007_servant_search_key")
    Servant.objects.filter(pk=ermek.pk).update(search_key="")  # as before the migration
    migration.fill_search_keys(apps, None)
    assert Servant.objects.get(pk=ermek.pk).search_key.startswith(f"{ermek.iin} жұмабеков ермек")
