"""A version edited through its screens: whole tables, locked versions, the workflow,
the comparison, access (issue 13 items 1-2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import strip_tags

from bagalau.core.errors import Conflict, DomainError
from bagalau.core.models import AuditEvent
from bagalau.evaluations import services as evaluation_services
from bagalau.methodology import forms, rules, selectors, services, tables
from bagalau.methodology.models import Band, MethodologyVersion, Scale

pytestmark = pytest.mark.django_db


def adopt(world: Any, model: str = "2023", day: date = date(2023, 4, 24)) -> MethodologyVersion:
    template = MethodologyVersion.objects.get(body__isnull=True, model=model)
    return services.version_adopt(
        actor=None, body=world.body, template=template, effective_from=day
    )


def table_data(version: MethodologyVersion, table: str, **changes: dict[str, str]) -> dict:
    """The POST of a table as the page sends it, with some rows' fields changed.

    `changes`: row number (as "r1", from 1) → field → value.
    """
    spec = tables.TABLES[table]
    rows = list(getattr(version, spec.related).all())
    data: dict[str, Any] = {
        "revision": version.revision,
        f"{table}-TOTAL_FORMS": str(len(rows)),
        f"{table}-INITIAL_FORMS": str(len(rows)),
    }
    for i, row in enumerate(rows):
        data[f"{table}-{i}-id"] = row.pk
        for name in spec.fields:
            value = getattr(row, name)
            data[f"{table}-{i}-{name}"] = "" if value is None else str(value)
        for name, value in changes.get(f"r{i + 1}", {}).items():
            data[f"{table}-{i}-{name}"] = value
    return data


def kk(message: Any, **params: Any) -> str:
    with translation.override("kk"):
        return str(message) % params if params else str(message)


def approve_schedule(world: Any, year: int = 2026, quarter: int = 1) -> Any:
    schedule = evaluation_services.schedule_create(
        actor=world.users["hrofficer"], body=world.body, year=year, quarter=quarter
    )
    evaluation_services.schedule_approve(actor=world.users["authorized"], schedule_id=schedule.pk)
    return schedule


class TestWholeTables:
    def test_bands_with_a_gap_are_refused_naming_the_rows_and_nothing_is_saved(self, world):
        version = adopt(world)
        before = list(version.bands.values_list("code", "lower", "upper"))
        rows = [b.code for b in version.bands.all()]  # 4.00-5.00, 3.00-3.99, 2.00-2.99, ...
        assert rows[:2] == ["effective", "proper"]
        data = table_data(version, "bands", r2={"lower": "3.50"})
        response = world.client("hrofficer").post(
            f"/methodology/versions/{version.pk}/bands/", data
        )
        assert response.status_code == 200
        formset = response.context["formset"]
        message = kk(
            rules.MSG_GAP_BETWEEN,
            scale=kk(Scale.SCORE.label), start="3.00", end="3.49", a=3, b=2,
        )  # fmt: skip
        assert formset.non_form_errors() == [message]
        assert formset.forms[1].errors["lower"] == [message]  # next to the field, row 2
        assert formset.forms[2].errors["upper"] == [message]  # and row 3
        assert message in response.content.decode()
        assert list(version.bands.values_list("code", "lower", "upper")) == before
        assert not AuditEvent.objects.filter(action="methodology.table_edited").exists()

    def test_bands_that_overlap_are_refused(self, world):
        version = adopt(world)
        data = table_data(version, "bands", r1={"lower": "3.90"})
        response = world.client("hrhead").post(f"/methodology/versions/{version.pk}/bands/", data)
        message = kk(
            rules.MSG_OVERLAP, scale=kk(Scale.SCORE.label), start="3.90", end="3.99", a=2, b=1
        )
        assert response.context["formset"].non_form_errors() == [message]
        assert version.bands.get(code="effective").lower == 4

    def test_a_whole_table_is_saved_at_once_and_audited(self, world):
        version = adopt(world)
        # 3.50 moves from "proper" to "effective": both rows change together.
        data = table_data(version, "bands", r1={"lower": "3.50"}, r2={"upper": "3.49"})
        response = world.client("hrofficer").post(
            f"/methodology/versions/{version.pk}/bands/", data
        )
        assert response.status_code == 302
        assert version.bands.get(code="effective").lower == Decimal("3.50")
        assert version.bands.get(code="proper").upper == Decimal("3.49")
        version.refresh_from_db()
        assert version.revision == 2  # published (1), then the table (2)
        assert AuditEvent.objects.filter(action="methodology.table_edited").count() == 1

    def test_the_service_checks_the_table_again_under_the_lock(self, world):
        version = adopt(world)
        edit = tables.TableEdit()
        for i, band in enumerate(version.bands.all(), 1):
            if band.code == "proper":
                band.lower = Decimal("3.50")
                edit.changed.append(band)
            edit.rows.append((i, band))
        with pytest.raises(DomainError) as err:
            services.version_table_save(
                actor=world.users["hrofficer"], version_id=version.pk, table="bands",
                revision=version.revision, edit=edit,
            )  # fmt: skip
        assert err.value.code == "gap" and err.value.field == "3.upper"
        assert Band.objects.get(version=version, code="proper").lower == 3

    def test_a_row_below_its_own_start_gets_a_translated_message_not_the_constraint(self, world):
        version = adopt(world)
        data = {
            "revision": version.revision,
            "kpi_rows-TOTAL_FORMS": "1", "kpi_rows-INITIAL_FORMS": "0",
            "kpi_rows-0-percent_from": "100", "kpi_rows-0-percent_to": "0",
            "kpi_rows-0-score_min": "5", "kpi_rows-0-score_max": "4",
        }  # fmt: skip
        response = world.client("hrofficer").post(
            f"/methodology/versions/{version.pk}/kpi_rows/", data
        )
        form = response.context["formset"].forms[0]
        assert form.errors["percent_to"] == [kk(forms.MSG_TO_BELOW_FROM)]
        assert form.errors["score_max"] == [kk(forms.MSG_SCORES_BELOW)]
        assert "kpi_row_range" not in response.content.decode()
        assert "Constraint" not in response.content.decode()

    def test_a_deadline_a_kind_is_due_by_cannot_be_deleted(self, world):
        version = adopt(world)
        rows = list(version.deadlines.all())
        row = next(i for i, d in enumerate(rows, 1) if d.code == "evaluation_due")
        data = table_data(version, "deadlines", **{f"r{row}": {"DELETE": "on"}})
        response = world.client("hrofficer").post(
            f"/methodology/versions/{version.pk}/deadlines/", data
        )
        assert response.status_code == 200
        assert response.context["formset"].forms[row - 1].errors["DELETE"]
        assert version.deadlines.filter(code="evaluation_due").exists()

    def test_kinds_choose_their_deadline_by_name_and_new_rows_get_codes(self, world):
        version = adopt(world)
        page = world.client("hrofficer").get(f"/methodology/versions/{version.pk}/kinds/")
        text = strip_tags(page.content.decode())
        with translation.override("kk"):
            due = version.deadlines.get(code="evaluation_due").name
        assert due in text
        for code in ("evaluation_due", "deferred_after_return", "differentiation", "quarter"):
            assert code not in text
        data = table_data(version, "parameters")
        n = version.differentiation_parameters.count()
        data.update({
            "parameters-TOTAL_FORMS": str(n + 1),
            f"parameters-{n}-order": "5", f"parameters-{n}-weight": "1",
            f"parameters-{n}-name_kk": "Сапа", f"parameters-{n}-name_ru": "Качество",
            f"parameters-{n}-name_en": "Quality",
        })  # fmt: skip
        response = world.client("hrofficer").post(
            f"/methodology/versions/{version.pk}/parameters/", data
        )
        assert response.status_code == 302
        assert version.differentiation_parameters.get(name_en="Quality").code == "parameter_1"

    def test_raising_the_kpi_count_of_a_2018_version_needs_bands_that_cover_it(self, world):
        # 001 p14, p18: the grade follows the count achieved, up to the plan's maximum.
        version = adopt(world, "2018", date(2020, 6, 1))
        form = forms.VersionForm(instance=version)
        data = {name: form[name].value() for name in form.fields}
        data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
        data.update({"kpi_max": "6", "revision": version.revision})
        response = world.client("hrofficer").post(f"/methodology/versions/{version.pk}/edit/", data)
        assert response.status_code == 200
        assert response.context["form"].errors["kpi_max"] == [kk(services.MSG_KPI_MAX_BANDS, max=6)]
        version.refresh_from_db()
        assert version.kpi_max == 5


class TestLockedVersion:
    def test_editing_a_version_in_use_is_refused_with_the_offer_of_a_new_version(self, world):
        version = adopt(world)
        approve_schedule(world)
        client = world.client("hrofficer")
        for url in (
            f"/methodology/versions/{version.pk}/bands/",
            f"/methodology/versions/{version.pk}/kinds/",
            f"/methodology/versions/{version.pk}/edit/",
        ):
            page = client.get(url)
            assert page.status_code == 200
            html = page.content.decode()
            assert kk(rules.MSG_IN_USE) in html
            assert 'id="copy-form"' in html
            assert "bands-0-lower" not in html and 'name="kpi_max"' not in html
        refused = client.post(
            f"/methodology/versions/{version.pk}/bands/",
            table_data(version, "bands", r1={"name_kk": "өзгертілген"}),
        )
        assert refused.status_code == 409
        assert kk(rules.MSG_IN_USE) in refused.content.decode()
        assert not version.bands.filter(name_kk="өзгертілген").exists()
        detail = client.get(f"/methodology/versions/{version.pk}/")
        assert not detail.context["can_edit"]
        assert f"/methodology/versions/{version.pk}/bands/" not in detail.content.decode()

        # The offer: a new draft from this one, with every row, from a later date.
        early = client.post(
            f"/methodology/versions/{version.pk}/copy/", {"effective_from": "2026-03-01"}
        )
        assert early.status_code == 200
        assert early.context["copy_form"].errors["effective_from"] == [
            kk(rules.MSG_AFTER_APPROVED, end="2026-03-31", next="2026-04-01")
        ]
        made = client.post(
            f"/methodology/versions/{version.pk}/copy/", {"effective_from": "2026-04-01"}
        )
        assert made.status_code == 302
        copy = MethodologyVersion.objects.get(body=world.body, effective_from=date(2026, 4, 1))
        assert made.url == f"/methodology/versions/{copy.pk}/"
        assert (copy.state, copy.copied_from_id) == ("draft", version.pk)
        for related in ("kinds", "deadlines", "bands", "differentiation_parameters"):
            assert getattr(copy, related).count() == getattr(version, related).count()
        assert client.get(f"/methodology/versions/{copy.pk}/bands/").status_code == 200

    def test_the_service_refuses_an_edit_of_a_version_in_use(self, world):
        version = adopt(world)
        approve_schedule(world)
        with pytest.raises(Conflict) as err:
            services.version_update(
                actor=world.users["hrofficer"], version_id=version.pk,
                revision=version.revision, changes={"name_ru": "x"},
            )  # fmt: skip
        assert err.value.code == "version_locked"


class TestWorkflow:
    def test_a_draft_is_not_in_force_until_published(self, world):
        version = adopt(world)
        draft = services.version_draft(
            actor=world.users["hrhead"], body=world.body, template=version,
            effective_from=date(2026, 4, 1),
        )  # fmt: skip
        assert selectors.version_for(world.body.pk, date(2026, 6, 30)) == version
        client = world.client("hrhead")
        response = client.post(
            f"/methodology/versions/{draft.pk}/",
            {"action": "publish", "revision": draft.revision, "effective_from": "2026-04-01"},
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        version.refresh_from_db()
        assert draft.state == "published" and draft.published_by == world.users["hrhead"]
        assert version.repealed_on == date(2026, 4, 1)
        assert selectors.version_for(world.body.pk, date(2026, 6, 30)) == draft
        assert selectors.version_for(world.body.pk, date(2026, 3, 31)) == version
        assert AuditEvent.objects.filter(action="methodology.publish", object_id=draft.pk).exists()
        # A schedule of the next quarter runs under it.
        schedule = evaluation_services.schedule_create(
            actor=world.users["hrofficer"], body=world.body, year=2026, quarter=2
        )
        assert schedule.version == draft

    def test_where_the_version_says_so_the_authorized_person_approves_it(self, world):
        version = adopt(world)
        draft = services.version_draft(
            actor=None, body=world.body, template=version, effective_from=date(2026, 1, 1)
        )
        MethodologyVersion.objects.filter(pk=draft.pk).update(needs_approval=True)
        hr, authorized = world.client("hrofficer"), world.client("authorized")
        hr.post(f"/methodology/versions/{draft.pk}/", {"action": "publish", "revision": 0})
        draft.refresh_from_db()
        assert draft.state == "published"
        assert selectors.version_for(world.body.pk, date(2026, 3, 31)) == version  # not yet
        # HR does not approve; the servant does not see a version awaiting approval.
        page = hr.get(f"/methodology/versions/{draft.pk}/")
        assert 'id="approve"' not in page.content.decode()
        denied = hr.post(f"/methodology/versions/{draft.pk}/", {"action": "approve", "revision": 1})
        assert denied.status_code == 403
        assert world.client("servant").get(f"/methodology/versions/{draft.pk}/").status_code == 403
        # A stale revision is refused, next to the form.
        stale = authorized.post(
            f"/methodology/versions/{draft.pk}/", {"action": "approve", "revision": 0}
        )
        assert stale.status_code == 200
        assert stale.context["transition_form"].errors["revision"]
        ok = authorized.post(
            f"/methodology/versions/{draft.pk}/", {"action": "approve", "revision": 1}
        )
        assert ok.status_code == 302
        draft.refresh_from_db()
        assert draft.state == "approved" and draft.approved_by == world.users["authorized"]
        assert selectors.version_for(world.body.pk, date(2026, 3, 31)) == draft

    def test_a_new_draft_may_not_start_inside_an_approved_period(self, world):
        version = adopt(world)
        approve_schedule(world)
        with pytest.raises(DomainError) as err:
            services.version_draft(
                actor=world.users["hrofficer"], body=world.body, template=version,
                effective_from=date(2026, 2, 1),
            )  # fmt: skip
        assert err.value.field == "effective_from"

    def test_hr_drafts_from_the_national_version_on_the_body_page(self, world):
        national = MethodologyVersion.objects.get(body__isnull=True, model="2025")
        response = world.client("hrofficer").post(
            f"/methodology/bodies/{world.body.pk}/",
            {"template": national.pk, "effective_from": "2025-07-01", "name_kk": "Жаңа",
             "name_ru": "Новая"},
        )  # fmt: skip
        draft = MethodologyVersion.objects.get(body=world.body)
        assert response.url == f"/methodology/versions/{draft.pk}/"
        assert (draft.state, draft.name_kk, draft.name_ru) == ("draft", "Жаңа", "Новая")
        assert draft.bands.count() == national.bands.count()
        listing = world.client("servant").get(f"/methodology/bodies/{world.body.pk}/")
        assert listing.context["versions"] == []  # drafts are HR's and the authorized person's
        bad = world.client("hrofficer").post(
            f"/methodology/bodies/{world.body.pk}/",
            {"template": national.pk, "effective_from": "2025-07-01"},
        )
        assert bad.context["form"].errors["effective_from"] == [kk(services.MSG_VERSION_DATE_TAKEN)]


class TestAccess:
    def test_only_hr_of_the_body_edits(self, world):
        version = adopt(world)
        table = f"/methodology/versions/{version.pk}/bands/"
        for who, status in (
            ("hrofficer", 200), ("hrhead", 200), ("servant", 403), ("heada", 403),
            ("authorized", 403), ("otherhr", 404),
        ):  # fmt: skip
            assert world.client(who).get(table).status_code == status, who
        data = table_data(version, "bands", r1={"name_kk": "бөтен"})
        assert world.client("servant").post(table, data).status_code == 403
        assert world.client("otherhr").post(table, data).status_code == 404
        copy = f"/methodology/versions/{version.pk}/copy/"
        assert (
            world.client("servant").post(copy, {"effective_from": "2027-01-01"}).status_code == 403
        )
        assert (
            world.client("otherhr").post(copy, {"effective_from": "2027-01-01"}).status_code == 404
        )
        publish = {"action": "publish", "revision": version.revision}
        assert (
            world.client("otherhr")
            .post(f"/methodology/versions/{version.pk}/", publish)
            .status_code
            == 404
        )
        assert not version.bands.filter(name_kk="бөтен").exists()
        assert world.client("anonymous").get(table).status_code == 302  # to the login page

    def test_a_draft_is_hidden_from_the_bodys_servants(self, world):
        version = adopt(world)
        draft = services.version_draft(
            actor=None, body=world.body, template=version, effective_from=date(2026, 1, 1)
        )
        page = f"/methodology/versions/{draft.pk}/"
        assert world.client("servant").get(page).status_code == 403
        assert world.client("otherhr").get(page).status_code == 404
        assert world.client("authorized").get(page).status_code == 200
        assert (
            world.client("servant").get(f"/methodology/versions/{version.pk}/").status_code == 200
        )


class TestPages:
    def test_the_compare_page_lists_every_table_with_the_differences(
        self, world, django_assert_max_num_queries
    ):
        version = adopt(world)
        draft = services.version_draft(
            actor=None, body=world.body, template=version, effective_from=date(2026, 1, 1)
        )
        draft.bands.filter(code="effective").update(lower="3.50")
        draft.bands.filter(code="proper").update(upper="3.49")
        draft.deadlines.filter(code="acquaintance").update(amount=3)
        draft.differentiation_parameters.filter(code="discipline").delete()
        client = world.client("hrofficer")
        with django_assert_max_num_queries(30):
            response = client.get(f"/methodology/versions/{draft.pk}/compare/")
        assert response.context["other"] == version  # the version it is made from
        by_title = {t.title: t for t in response.context["tables"]}
        with translation.override("kk"):
            bands = by_title[str(tables.TABLES["bands"].title)]
            parameters = by_title[str(tables.TABLES["parameters"].title)]
            deadlines = by_title[str(tables.TABLES["deadlines"].title)]
        assert bands.differences == 2 and deadlines.differences == 1
        assert [r.status for r in parameters.rows].count("removed") == 1
        html = response.content.decode()
        assert "<mark>3.50</mark>" in html and "<del>4.00</del>" in html
        assert "acquaintance" not in strip_tags(html)

    def test_pages_show_russian_data_in_russian_and_no_codes(
        self, world, django_assert_max_num_queries
    ):
        version = adopt(world)
        MethodologyVersion.objects.filter(pk=version.pk).update(
            name_kk="Әдістеме", name_ru="Методика", name_en="", note_ru="Примечание"
        )
        client = world.client("hrofficer")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
        with django_assert_max_num_queries(30):
            page = client.get(f"/methodology/versions/{version.pk}/")
        text = strip_tags(page.content.decode())
        assert "Методика" in text and "Примечание" in text and "Әдістеме" not in text
        for code in ("acquaintance", "deferred_after_return", "evaluation_due", "management"):
            assert code not in text
        assert "methodology.md" not in text
        with translation.override("kk"):
            version.refresh_from_db()
            assert version.name == "Әдістеме"
        with translation.override("en"):
            assert version.name == "Әдістеме"  # no English name: the Kazakh one


def test_russian_pages_show_an_indicators_russian_text_where_there_is_one(world):
    from bagalau.methodology.models import Indicator

    kk_result = selectors.indicators_for("D-4", False)
    first = kk_result.competencies[0].effective_lines[0]
    indicator = Indicator.objects.get(
        indicator_set__catalog=kk_result.catalog, text_kk=first.text, effective=True
    )
    indicator.text_ru = "Русский текст индикатора"
    indicator.save()
    with translation.override("ru"):
        line = selectors.indicators_for("D-4", False).competencies[0].effective_lines[0]
    assert (line.text, line.lang) == ("Русский текст индикатора", "ru")
    with translation.override("kk"):
        line = selectors.indicators_for("D-4", False).competencies[0].effective_lines[0]
    assert (line.text, line.lang) == (first.text, "kk")
