"""Methodology versions as per-body dated data (methodology.md §1, §4a)."""

from datetime import date
from decimal import Decimal

import pytest

from bagalau.core.errors import DomainError
from bagalau.core.models import AuditEvent
from bagalau.methodology import rules, selectors, services
from bagalau.methodology.models import Band, Deadline, MethodologyVersion

V = rules.VersionSpan


class TestRules:
    VERSIONS = [
        V(1, None, date(2018, 1, 16), None),
        V(2, None, date(2023, 1, 1), date(2025, 8, 1)),
        V(3, None, date(2025, 8, 1), None),
        V(10, 7, date(2023, 4, 24), date(2025, 7, 1)),
        V(11, 7, date(2025, 7, 1), None),
    ]

    def test_the_bodys_own_version_governs_its_dates(self):
        assert rules.version_in_force(self.VERSIONS, 7, date(2024, 3, 1)).id == 10
        assert rules.version_in_force(self.VERSIONS, 7, date(2025, 7, 1)).id == 11

    def test_repeal_is_exclusive_the_new_version_starts_that_day(self):
        assert rules.version_in_force(self.VERSIONS, 7, date(2025, 6, 30)).id == 10

    def test_before_its_own_version_a_body_follows_the_national_one(self):
        # §4a: a body may apply the typical methodology until it approves its own.
        assert rules.version_in_force(self.VERSIONS, 7, date(2022, 1, 1)).id == 1
        assert rules.version_in_force(self.VERSIONS, 8, date(2026, 1, 1)).id == 3
        assert rules.version_in_force(self.VERSIONS, 8, date(2024, 1, 1)).id == 2

    def test_nothing_before_any_version(self):
        assert rules.version_in_force(self.VERSIONS, 7, date(2010, 1, 1)) is None

    def test_pick_catalog_prefers_the_bodys_then_specific_then_national(self):
        cov = [
            rules.CatalogCoverage("003", True, 2, frozenset({"D-3", "E-3"})),
            rules.CatalogCoverage("002", False, 2, frozenset({"D-3"})),
            rules.CatalogCoverage("000", False, 2, frozenset({"E-3"})),
        ]
        assert rules.pick_catalog("D-3", 2, cov) == "002"
        assert rules.pick_catalog("D-3", 2, cov, preferred="003") == "003"
        assert rules.pick_catalog("E-3", 2, cov, preferred="002") == "000"
        assert rules.pick_catalog("D-3", 3, cov) is None


@pytest.mark.django_db
class TestServices:
    def test_national_templates_carry_the_law_as_rows(self):
        v2023 = MethodologyVersion.objects.get(body__isnull=True, model="2023")
        # 002 p8: the four bands on the 0-5 scale.
        bands = {b.code: (b.lower, b.upper) for b in Band.objects.filter(version=v2023)}
        assert bands == {
            "effective": (Decimal("4.00"), Decimal("5.00")),
            "proper": (Decimal("3.00"), Decimal("3.99")),
            "satisfactory": (Decimal("2.00"), Decimal("2.99")),
            "unsatisfactory": (Decimal("0.00"), Decimal("1.99")),
        }
        # 002 p5, p12: evaluation by the 10th; acquaintance within 2 working days.
        deadlines = {d.code: (d.rule, d.amount) for d in Deadline.objects.filter(version=v2023)}
        assert deadlines["evaluation_due"] == ("day_next_month", 10)
        assert deadlines["acquaintance"] == ("wd_after", 2)
        # 002 p35: 12 competencies for heads, 8 for servants; p33: four parameters.
        assert v2023.competencies_360.filter(audience="heads").count() == 12
        assert v2023.competencies_360.filter(audience="staff").count() == 8
        assert v2023.differentiation_parameters.count() == 4
        assert (v2023.kpi_min, v2023.kpi_max) == (3, 5)  # 002 p24
        # §4a: the 2025 model evaluates by the 20th and forms the year grade automatically.
        v2025 = MethodologyVersion.objects.get(body__isnull=True, model="2025")
        assert v2025.deadlines.get(code="evaluation_due").amount == 20
        assert v2025.final_grade_automatic
        # 001 p14, p18: exactly five KPIs, graded by the count achieved.
        v2018 = MethodologyVersion.objects.get(body__isnull=True, model="2018")
        assert (v2018.kpi_min, v2018.kpi_max) == (5, 5)
        assert v2018.bands.filter(scale="kpi_count").count() == 4

    def test_templates_load_is_idempotent(self):
        before = MethodologyVersion.objects.count(), Deadline.objects.count()
        services.templates_load()
        assert (MethodologyVersion.objects.count(), Deadline.objects.count()) == before

    def test_adoption_copies_every_row_and_the_copy_is_independent(self, world):
        template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
        actor = world.users["hrhead"]
        version = services.version_adopt(
            actor=actor, body=world.body, template=template, effective_from=date(2023, 4, 24)
        )
        assert version.deadlines.count() == template.deadlines.count()
        assert version.bands.count() == template.bands.count()
        version.deadlines.filter(code="acquaintance").update(amount=3)
        assert template.deadlines.get(code="acquaintance").amount == 2
        assert AuditEvent.objects.filter(action="methodology.drafted", actor=actor).exists()
        assert AuditEvent.objects.filter(action="methodology.publish", actor=actor).exists()
        assert version.state == "published" and version.copied_from == template
        assert selectors.version_for(world.body.pk, date(2024, 1, 1)) == version
        assert selectors.version_for(world.body.pk, date(2020, 1, 1)).body is None

    def test_a_new_version_repeals_the_previous_on_its_start(self, world):
        template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
        first = services.version_adopt(
            actor=None, body=world.body, template=template, effective_from=date(2023, 4, 24)
        )
        nxt = services.version_adopt(
            actor=None,
            body=world.body,
            template=MethodologyVersion.objects.get(body__isnull=True, model="2025"),
            effective_from=date(2025, 7, 1),
        )
        first.refresh_from_db()
        assert first.repealed_on == date(2025, 7, 1)
        assert selectors.version_for(world.body.pk, date(2025, 6, 30)) == first
        assert selectors.version_for(world.body.pk, date(2025, 7, 1)) == nxt
        with pytest.raises(DomainError) as err:
            services.version_adopt(
                actor=None, body=world.body, template=template, effective_from=date(2025, 7, 1)
            )
        assert err.value.field == "effective_from"


@pytest.mark.django_db
class TestViews:
    def _version(self, world):
        template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
        version = services.version_adopt(
            actor=None, body=world.body, template=template, effective_from=date(2023, 4, 24)
        )
        version.kpi_score_rows.all().delete()  # HR fills its own table from empty
        return version

    def test_hr_edits_a_table_and_the_change_is_audited(self, world):
        version = self._version(world)
        url = f"/methodology/versions/{version.pk}/kpi_rows/"
        data = {
            "revision": version.revision,
            "kpi_rows-TOTAL_FORMS": "2", "kpi_rows-INITIAL_FORMS": "0",
            "kpi_rows-0-percent_from": "100", "kpi_rows-0-percent_to": "200",
            "kpi_rows-0-score_min": "5", "kpi_rows-0-score_max": "5",
            "kpi_rows-1-percent_from": "0", "kpi_rows-1-percent_to": "99.99",
            "kpi_rows-1-score_min": "0", "kpi_rows-1-score_max": "4.99",
        }  # fmt: skip
        response = world.client("hrofficer").post(url, data)
        assert response.status_code == 302
        assert version.kpi_score_rows.count() == 2
        assert AuditEvent.objects.filter(action="methodology.table_edited").exists()

    def test_overlapping_kpi_rows_are_refused_and_nothing_is_saved(self, world):
        version = self._version(world)
        data = {
            "revision": version.revision,
            "kpi_rows-TOTAL_FORMS": "2", "kpi_rows-INITIAL_FORMS": "0",
            "kpi_rows-0-percent_from": "0", "kpi_rows-0-percent_to": "100",
            "kpi_rows-0-score_min": "4", "kpi_rows-0-score_max": "5",
            "kpi_rows-1-percent_from": "95", "kpi_rows-1-percent_to": "99",
            "kpi_rows-1-score_min": "4", "kpi_rows-1-score_max": "4",
        }  # fmt: skip
        response = world.client("hrofficer").post(
            f"/methodology/versions/{version.pk}/kpi_rows/", data
        )
        assert response.status_code == 200
        formset = response.context["formset"]
        assert formset.non_form_errors()
        assert formset.forms[1].errors["percent_from"]
        assert version.kpi_score_rows.count() == 0

    def test_bad_numbers_are_shown_next_to_the_field(self, world):
        version = self._version(world)
        data = {
            "kpi_rows-TOTAL_FORMS": "1", "kpi_rows-INITIAL_FORMS": "0",
            "kpi_rows-0-percent_from": "abc", "kpi_rows-0-percent_to": "100",
            "kpi_rows-0-score_min": "4", "kpi_rows-0-score_max": "5",
        }  # fmt: skip
        response = world.client("hrofficer").post(
            f"/methodology/versions/{version.pk}/kpi_rows/", data
        )
        assert response.status_code == 200
        assert response.context["formset"].forms[0].errors["percent_from"]

    def test_who_may_see_and_edit_a_version(self, world):
        version = self._version(world)
        page = f"/methodology/versions/{version.pk}/"
        edit = f"/methodology/versions/{version.pk}/edit/"
        assert world.client("servant").get(page).status_code == 200
        assert world.client("servant").get(edit).status_code == 403
        assert world.client("otherhr").get(page).status_code == 404
        assert world.client("otherhr").get(edit).status_code == 404
        assert world.client("hrhead").get(edit).status_code == 200
        national = MethodologyVersion.objects.get(body__isnull=True, model="2023")
        assert (
            world.client("hrhead").get(f"/methodology/versions/{national.pk}/edit/").status_code
            == 403
        )
        assert (
            world.client("admin").get(f"/methodology/versions/{national.pk}/edit/").status_code
            == 200
        )

    def test_hr_adopts_a_version_by_clicking(self, world):
        template = MethodologyVersion.objects.get(body__isnull=True, model="2025")
        response = world.client("hrhead").post(
            f"/methodology/bodies/{world.body.pk}/",
            {
                "template": template.pk,
                "effective_from": "2025-07-01",
                "name": "",
                "source": "Шешім № 1",
            },
        )
        assert response.status_code == 302
        assert MethodologyVersion.objects.filter(body=world.body, model="2025").exists()
        denied = world.client("servant").post(
            f"/methodology/bodies/{world.body.pk}/",
            {"template": template.pk, "effective_from": "2026-01-01"},
        )
        assert denied.status_code == 403

    def test_the_catalog_page_shows_indicators(self, world):
        response = world.client("servant").get("/methodology/?category=С-0-4&head=1")
        assert response.status_code == 200
        assert response.context["result"].category == "C-O-4"
        bad = world.client("servant").get("/methodology/?category=Z-9")
        assert bad.context["error"]
