"""Methodology data that cannot break results, and the version's workflow: pure rules.

No database: each test cites the paragraph of the law it checks.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from bagalau.core.errors import Conflict, DomainError, PermissionDenied
from bagalau.methodology import rules

LABELS = {"score": "score 0-5", "kpi_count": "number of KPIs achieved"}


def scales(kpi_max: int | None = 5) -> dict[str, rules.ScaleRange]:
    return rules.band_scales(
        score_min=D("0"), score_max=D("5"), score_decimals=2, kpi_max=kpi_max, labels=LABELS
    )


def bands(*spans: tuple[str, str], scale: str = "score") -> list[rules.BandLine]:
    return [rules.BandLine(i, scale, D(lo), D(hi)) for i, (lo, hi) in enumerate(spans, 1)]


def texts(problems: list[rules.Problem]) -> list[str]:
    with translation.override("en"):
        return [p.text() for p in problems]


# 002 p8: 4.00-5.00 effectively, 3.00-3.99 properly, 2.00-2.99 satisfactorily, 0.00-1.99.
LAW_2023 = (("4.00", "5.00"), ("3.00", "3.99"), ("2.00", "2.99"), ("0.00", "1.99"))


class TestBandCoverage:
    def test_the_bands_of_002_p8_cover_0_to_5(self):
        # 002 p8
        assert rules.band_problems(bands(*LAW_2023), scales(), {"score"}) == []

    def test_a_gap_is_refused_naming_the_rows_and_the_uncovered_range(self):
        # 002 p8: a score of 3.00-3.49 would get no band.
        rows = bands(("4.00", "5.00"), ("3.50", "3.99"), ("2.00", "2.99"), ("0.00", "1.99"))
        problems = rules.band_problems(rows, scales(), {"score"})
        assert [p.code for p in problems] == ["gap"]
        assert problems[0].rows == (3, 2)
        assert problems[0].places == ((3, "upper"), (2, "lower"))
        assert texts(problems) == ["score 0-5: no row covers 3.00–3.49 (between rows 3 and 2)."]

    def test_an_overlap_is_refused_naming_both_rows(self):
        # 002 p8: 3.99 would have two bands.
        rows = bands(("3.90", "5.00"), ("3.00", "3.99"), ("2.00", "2.99"), ("0.00", "1.99"))
        problems = rules.band_problems(rows, scales(), {"score"})
        assert [p.code for p in problems] == ["overlap"]
        assert texts(problems) == ["score 0-5: rows 2 and 1 overlap on 3.90–3.99."]

    def test_the_ends_of_the_scale_must_be_covered(self):
        # 002 p8: the scale is 0-5; nothing may fall off either end.
        rows = bands(("4.00", "4.99"), ("3.00", "3.99"), ("2.00", "2.99"), ("0.50", "1.99"))
        assert texts(rules.band_problems(rows, scales(), {"score"})) == [
            "score 0-5: no row covers 0.00–0.49 (before row 4).",
            "score 0-5: no row covers 5.00–5.00 (after row 1).",
        ]

    def test_rows_outside_the_scale_or_between_steps_are_named_first(self):
        # 002 p8: two decimals are kept before banding; the scale is 0-5.
        rows = bands(("4.00", "5.50"), ("0.00", "3.999"))
        codes = [p.code for p in rules.band_problems(rows, scales(), {"score"})]
        assert codes == ["outside", "step"]
        reversed_rows = bands(("5.00", "4.00"))
        problems = rules.band_problems(reversed_rows, scales(), {"score"})
        assert [p.code for p in problems] == ["reversed"]
        assert problems[0].places == ((1, "upper"),)

    def test_a_scale_the_model_grades_on_cannot_be_left_empty(self):
        # 002 p8 (2023 model) grades on the score; 001 p18 (2018) on the KPI count.
        assert rules.SCALES_OF_MODEL["2023"] == {"score"}
        assert rules.SCALES_OF_MODEL["2018"] == {"kpi_count"}
        problems = rules.band_problems([], scales(), {"score"})
        assert [p.code for p in problems] == ["empty"]
        unused = bands(("0", "5"), scale="kpi_count")
        codes = [
            p.code for p in rules.band_problems(unused + bands(*LAW_2023), scales(), {"score"})
        ]
        assert codes == ["scale_unused"]

    def test_every_count_of_achieved_kpis_has_a_grade(self):
        # 001 p18: all 5 excellent, 4 effective, 3 satisfactory, fewer than 3 unsatisfactory.
        law = bands(("5", "5"), ("4", "4"), ("3", "3"), ("0", "2"), scale="kpi_count")
        assert rules.band_problems(law, scales(5), {"kpi_count"}) == []
        missing_three = bands(("5", "5"), ("4", "4"), ("0", "2"), scale="kpi_count")
        assert texts(rules.band_problems(missing_three, scales(5), {"kpi_count"})) == [
            "number of KPIs achieved: no row covers 3–3 (between rows 3 and 2)."
        ]
        half = bands(("4.5", "5"), ("0", "4"), scale="kpi_count")
        assert [p.code for p in rules.band_problems(half, scales(5), {"kpi_count"})] == ["step"]
        # 001 p14: five KPIs; bands may reach beyond the maximum before HR raises it ...
        wider = bands(("5", "6"), ("4", "4"), ("3", "3"), ("0", "2"), scale="kpi_count")
        assert rules.band_problems(wider, scales(5), {"kpi_count"}) == []
        # ... but a maximum of 6 needs a band for 6.
        assert [p.code for p in rules.band_problems(law, scales(6), {"kpi_count"})] == ["gap"]


class TestOtherTables:
    SCORES = scales()["score"]

    def test_the_kpi_score_table_covers_every_percent_once(self):
        # 002 p28, App 3: the allowed scores by percent achieved; the table is not in the
        # seeds (methodology.md §7), so it may stay empty.
        assert rules.kpi_row_problems([], scores=self.SCORES, percent_label="%") == []
        rows = [
            rules.KpiRowLine(1, D("100"), D("200"), D("5"), D("5")),
            rules.KpiRowLine(2, D("0"), D("99.99"), D("0"), D("4.99")),
        ]
        assert rules.kpi_row_problems(rows, scores=self.SCORES, percent_label="%") == []
        gap = [rules.KpiRowLine(1, D("90"), D("100"), D("4"), D("5"))]
        problems = rules.kpi_row_problems(gap, scores=self.SCORES, percent_label="%")
        assert [(p.code, p.places) for p in problems] == [("gap", ((1, "percent_from"),))]
        bad = [rules.KpiRowLine(1, D("0"), D("100"), D("5"), D("6"))]
        codes = [p.code for p in rules.kpi_row_problems(bad, scores=self.SCORES, percent_label="%")]
        assert codes == ["outside"]

    def test_deadlines_give_real_dates(self):
        # 002 p5: no later than the 10th; 2025 model: 30 January (130); 002 p12: 2 working days.
        ok = [
            rules.DeadlineLine(1, "day_next_month", 10),
            rules.DeadlineLine(2, "date_next_year", 130),
            rules.DeadlineLine(3, "wd_after", 2),
        ]
        assert rules.deadline_problems(ok) == []
        bad = [
            rules.DeadlineLine(1, "day_next_month", 32),
            rules.DeadlineLine(2, "date_next_year", 229),
            rules.DeadlineLine(3, "date_next_year", 1301),
            rules.DeadlineLine(4, "wd_before", 400),
        ]
        assert [p.code for p in rules.deadline_problems(bad)] == [
            "day", "mmdd", "mmdd", "working_days",
        ]  # fmt: skip

    def test_a_deadline_an_evaluation_kind_is_due_by_is_not_removed(self):
        # 002 p5: the quarterly evaluation is due by its deadline.
        problems = rules.deadline_problems([], removed_in_use=[(2, "differentiation")])
        assert [(p.code, p.places) for p in problems] == [("deadline_in_use", ((2, "DELETE"),))]

    def test_evaluation_kinds_once_each_at_their_periodicity(self):
        # 002 p5: KPIs and differentiation quarterly, the 360 yearly; 001 p17: the year's KPIs.
        rows = [
            rules.KindLine(1, "differentiation", "quarter", "evaluation_due"),
            rules.KindLine(2, "survey_360", "quarter", "survey_360_due"),
            rules.KindLine(3, "differentiation", "quarter", "nowhere"),
        ]
        problems = rules.kind_problems(rows, deadlines={"evaluation_due", "survey_360_due"})
        assert [(p.code, p.rows) for p in problems] == [
            ("kind_period", (2,)), ("kind_twice", (1, 3)), ("kind_deadline", (3,)),
        ]  # fmt: skip

    def test_the_differentiation_sheet_needs_a_weight(self):
        # 002 p32-33: the sheet score is the weighted mean of the parameters.
        one = [rules.ParameterLine(1, D("1"))]
        assert rules.parameter_problems(one, differentiation=True) == []
        zero = [rules.ParameterLine(1, D("0"))]
        assert [p.code for p in rules.parameter_problems(zero, differentiation=True)] == [
            "no_parameters"
        ]
        assert rules.parameter_problems([], differentiation=False) == []
        negative = [rules.ParameterLine(1, D("-1"))]
        assert [p.code for p in rules.parameter_problems(negative, differentiation=False)] == [
            "weight"
        ]

    def test_problems_become_one_domain_error_with_every_field(self):
        problems = rules.band_problems(bands(("4.00", "5.00")), scales(), {"score"})
        with pytest.raises(DomainError) as err:
            rules.raise_problems(problems)
        assert err.value.field == "1.lower"
        assert [e.field for e in err.value.errors] == ["1.lower"]
        rules.raise_problems([])  # nothing to refuse

    def test_added_rows_get_codes_nobody_types(self):
        assert rules.new_code("band", {"effective", "band_1"}) == "band_2"


class TestVersionWorkflow:
    def test_hr_publishes_and_the_authorized_person_approves_where_the_version_says(self):
        t = rules.check_version_transition("publish", "draft", {rules.HR}, needs_approval=True)
        assert t.target == "published"
        t = rules.check_version_transition(
            "approve", "published", {rules.AUTHORIZED_PERSON}, needs_approval=True
        )
        assert t.target == "approved"
        assert rules.is_adopted("published", False) and rules.is_adopted("approved", True)
        assert not rules.is_adopted("published", True) and not rules.is_adopted("draft", False)

    def test_illegal_moves_are_refused_role_before_state(self):
        with pytest.raises(PermissionDenied):
            rules.check_version_transition(
                "approve", "draft", {rules.HR}, needs_approval=True
            )  # HR never approves, whatever the state
        with pytest.raises(Conflict):
            rules.check_version_transition("publish", "published", {rules.HR}, needs_approval=False)
        with pytest.raises(Conflict) as err:
            rules.check_version_transition(
                "approve", "published", {rules.AUTHORIZED_PERSON}, needs_approval=False
            )
        assert err.value.code == "no_approval"
        with pytest.raises(DomainError) as err:
            rules.check_version_transition(
                "return", "published", {rules.AUTHORIZED_PERSON}, needs_approval=True
            )
        assert err.value.field == "reason"

    def test_the_buttons_come_from_the_table(self):
        assert rules.version_actions("draft", {rules.HR}, needs_approval=False) == ["publish"]
        assert rules.version_actions("published", {rules.HR}, needs_approval=False) == []
        assert rules.version_actions(
            "published", {rules.AUTHORIZED_PERSON}, needs_approval=True
        ) == ["approve", "return"]

    def test_a_version_in_use_is_locked(self):
        # methodology.md §1: an evaluation is shown under the version it ran under.
        assert rules.edit_refusal("draft", False, in_use=False) is None
        assert rules.edit_refusal("published", False, in_use=False) is None
        assert rules.edit_refusal("published", False, in_use=True) is rules.MSG_IN_USE
        assert rules.edit_refusal("approved", True, in_use=False) is rules.MSG_APPROVED
        assert rules.edit_refusal("published", True, in_use=False) is rules.MSG_AWAITS_APPROVAL

    def test_a_new_version_starts_after_its_source_and_after_approved_periods(self):
        # methodology.md §1: the version in force for a period stays the one it ran under.
        rules.check_effective_from(date(2026, 4, 1), after=date(2023, 4, 24))
        with pytest.raises(DomainError) as err:
            rules.check_effective_from(date(2023, 4, 24), after=date(2023, 4, 24))
        assert err.value.code == "effective_from_early"
        with pytest.raises(DomainError) as err:
            rules.check_effective_from(date(2026, 3, 1), last_approved_end=date(2026, 3, 31))
        assert err.value.params == {"end": "2026-03-31", "next": "2026-04-01"}
        rules.check_effective_from(date(2026, 4, 1), last_approved_end=date(2026, 3, 31))

    def test_drafts_govern_nothing_and_a_version_in_force_repeals_the_previous(self):
        # §4a: a body applies the national version until its own is adopted.
        spans = [
            rules.VersionSpan(1, None, date(2023, 1, 1), None),
            rules.VersionSpan(2, 7, date(2023, 4, 24), None),
            rules.VersionSpan(3, 7, date(2026, 4, 1), None, adopted=False),
        ]
        assert rules.version_in_force(spans, 7, date(2026, 6, 30)).id == 2
        earlier, own = rules.repeals(spans, rules.VersionSpan(3, 7, date(2026, 4, 1), None))
        assert (earlier, own) == ({2: date(2026, 4, 1)}, None)
        between = rules.VersionSpan(4, 7, date(2024, 1, 1), None)
        assert rules.repeals(spans[:2], between) == ({2: date(2024, 1, 1)}, None)
        before = rules.VersionSpan(5, 7, date(2023, 1, 10), None)
        assert rules.repeals(spans[:2], before) == ({}, date(2023, 4, 24))
