"""Which indicator group a position falls in (003 App 4; 004 App 4), and the erratum of 003."""

import pytest
from django.test import Client

from bagalau.core.errors import DomainError
from bagalau.methodology import selectors
from bagalau.methodology.models import Category, Indicator
from bagalau.org import services as org_services
from bagalau.org.rules import CategoryGroups, GroupOverride, category_group

SJC = "Қазақстан Республикасы Жоғары Сот Кеңесінің аппараты"
GROUPS = {
    "B-2": CategoryGroups(2, 2, overrides=(GroupOverride("004", SJC, 1, 1),)),
    "C-2": CategoryGroups(2, 3, deputy_group=2),
    "C-3": CategoryGroups(2, 3, deputy_group=2),
    "D-3": CategoryGroups(2, 3),
    "C-4": CategoryGroups(3, 3),
}


# --- the pure rule -------------------------------------------------------------------------


def test_a_deputy_director_of_a_department_is_group_2():
    # 003 App 4, group 2: "C-2 (департамент директорының орынбасары)".
    assert category_group("C-2", False, GROUPS, is_deputy=True) == 2
    assert category_group("C-2", False, GROUPS) == 3


def test_a_deputy_head_of_a_division_is_group_2():
    # 003 App 4, group 2: "C-3 (басқарма басшысы, басқарма басшысының орынбасары)".
    assert category_group("C-3", False, GROUPS, is_deputy=True) == 2
    assert category_group("C-3", True, GROUPS) == 2
    assert category_group("C-3", False, GROUPS) == 3


def test_a_deputy_elsewhere_is_other_staff():
    # 003 App 4 names deputies only for C-2 and C-3: a deputy D-3 is group 3 (D-3 is group 2
    # only as "құрылымдық бөлімшенің басшысы").
    assert category_group("D-3", False, GROUPS, is_deputy=True) == 3
    assert category_group("C-4", False, GROUPS, is_deputy=True) == 3


def test_b2_of_the_supreme_judicial_council_apparatus_is_group_1():
    # 004 App 4 (and 003 group 1): "B-2 (Қазақстан Республикасының Жоғары Сот Кеңесі
    # аппаратының құрылымдық бөлімше басшысы)"; every other B-2 is group 2 ("B-2;*").
    assert category_group("B-2", True, GROUPS, catalog="004") == 1
    assert category_group("B-2", True, GROUPS, body_name=f"  {SJC.upper()} ") == 1
    assert category_group("B-2", True, GROUPS) == 2
    assert category_group("B-2", True, GROUPS, catalog="003", body_name="Басқа орган") == 2


def test_an_unknown_code_is_refused():
    with pytest.raises(DomainError) as caught:
        category_group("Z-9", False, GROUPS)
    assert caught.value.field == "category"


# --- loaded data ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_loader_reads_deputies_and_the_override_from_the_seed_extract():
    # 003 App 4: the qualifiers of C-2 and C-3 name deputies ("орынбасары"); 004: B-2 of the
    # Supreme Judicial Council apparatus, whose own table is seed 004.
    deputies = dict(
        Category.objects.filter(deputy_group__isnull=False).values_list("code", "deputy_group")
    )
    assert deputies == {"C-2": 2, "C-3": 2}
    b2 = Category.objects.get(code="B-2")
    assert [(o["catalog"], o["head_group"]) for o in b2.group_overrides] == [("004", 1)]


@pytest.mark.django_db
def test_b2_head_under_the_004_table_gets_group_1_indicators():
    # 004 App 4: B-1/B-2 rows are group 1 (first heads).
    result = selectors.indicators_for("B-2", True, catalog_code="004")
    assert (result.group, result.catalog.code) == (1, "004")
    assert selectors.indicators_for("B-2", True).group == 2


@pytest.mark.django_db
def test_the_api_takes_the_deputy_flag():
    # 003 App 4: C-2 deputy director of a department → group 2.
    client = Client()
    deputy = client.get("/api/v1/catalog/indicators?category=C-2&deputy_head=true").json()
    staff = client.get("/api/v1/catalog/indicators?category=C-2").json()
    assert (deputy["group"], deputy["deputy_head"], staff["group"]) == (2, True, 3)
    b2 = client.get("/api/v1/catalog/indicators?category=B-2&head_of_unit=true&source=004").json()
    assert (b2["group"], b2["source"]) == (1, "004")


@pytest.mark.django_db
def test_the_categories_endpoint_shows_deputies_and_overrides():
    rows = {c["code"]: c for c in Client().get("/api/v1/catalog/categories").json()}
    assert rows["C-3"]["deputy_group"] == 2
    assert rows["D-3"]["deputy_group"] is None
    assert rows["B-2"]["overrides"][0]["catalog"] == "004"


@pytest.mark.django_db
def test_a_deputy_position_gets_group_2_on_the_servant_page(world):
    # 003 App 4: a C-3 deputy head of a division.
    position = world.servant.appointments.get().position
    position.category, position.is_deputy_head = "C-3", True
    position.save()
    response = world.client("hrhead").get(f"/bodies/servants/{world.servant.pk}/")
    assert response.status_code == 200
    assert response.context["indicators"].group == 2


@pytest.mark.django_db
def test_a_position_is_not_both_head_and_deputy(world):
    unit = world.servant.appointments.get().position.unit
    with pytest.raises(DomainError) as caught:
        org_services.position_save(
            actor=None, body=world.body, code="NEW-1", title_kk="Орынбасар", unit=unit,
            category="C-3", is_head=True, is_deputy_head=True,
        )  # fmt: skip
    assert caught.value.field == "is_deputy_head"
    deputy = org_services.position_save(
        actor=None, body=world.body, code="NEW-2", title_kk="Орынбасар", unit=unit,
        category="C-3", is_deputy_head=True,
    )  # fmt: skip
    assert deputy.is_deputy_head


# --- the erratum of 003 (decision making, group 2) -----------------------------------------

PUBLISHED = "мүмкін болатын қауіптерді талдамайды және болжамдайды"


@pytest.mark.django_db
def test_the_003_text_is_kept_as_published_with_an_erratum():
    # 003 App 4, decision making, group 2, ineffective 4: "...талдамайды және болжамдайды";
    # 000 and 002 read "болжамайды". The text stays as published; the note sits beside it.
    indicator = Indicator.objects.get(
        indicator_set__catalog__code="003",
        indicator_set__group=2,
        indicator_set__competency__code="decision_making",
        effective=False,
        order=4,
    )
    assert indicator.text_kk.endswith(PUBLISHED)
    assert indicator.erratum == {
        "published": "болжамдайды",
        "reading": "болжамайды",
        "sources": ["000", "002"],
    }
    assert Indicator.objects.exclude(erratum={}).count() == 1


@pytest.mark.django_db
def test_the_api_lists_the_erratum_beside_the_indicator(settings):
    # 003 App 4 (group 2: C-3 deputy head of a division reaches it).
    body = (
        Client().get("/api/v1/catalog/indicators?category=C-3&deputy_head=true&source=003").json()
    )
    decision = next(c for c in body["competencies"] if c["code"] == "decision_making")
    assert decision["ineffective"][3].endswith(PUBLISHED)
    [erratum] = decision["errata"]
    assert (erratum["side"], erratum["order"], erratum["reading"]) == (
        "ineffective",
        4,
        "болжамайды",
    )
    assert erratum["sources"] == ["000", "002"]
    assert "болжамайды" in erratum["note"] and "000, 002" in erratum["note"]
    others = [c["errata"] for c in body["competencies"] if c["code"] != "decision_making"]
    assert others == [[]] * len(others)


@pytest.mark.django_db
def test_the_catalog_page_shows_the_erratum_note(world):
    response = world.client("servant").get("/methodology/?category=C-3&deputy=1&source=003")
    html = response.content.decode()
    assert response.context["result"].group == 2
    assert PUBLISHED in html
    assert 'data-erratum="болжамайды"' in html


@pytest.mark.django_db
def test_the_position_form_refuses_head_and_deputy_next_to_the_field(world):
    unit = world.servant.appointments.get().position.unit
    response = world.client("hrhead").post(
        f"/bodies/{world.body.pk}/positions/new/",
        {
            "code": "NEW-3", "title_kk": "Орынбасар", "unit": unit.pk, "category": "C-3",
            "is_head": "on", "is_deputy_head": "on",
        },
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert "is_deputy_head" in form.errors
    ok = world.client("hrhead").post(
        f"/bodies/{world.body.pk}/positions/new/",
        {"code": "NEW-4", "title_kk": "Орынбасар", "unit": unit.pk, "category": "C-3",
         "is_deputy_head": "on"},
    )  # fmt: skip
    assert ok.status_code == 302
