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
        with pytest.raises(Conflict) as err:
            rules.check_version_transition("publish", "published", {rules.HR}, needs_approval=False)
        # Without a label the refusal names the state as stored; with one, the label.
        assert (err.value.code, err.value.field, err.value.params) == (
            "invalid_state",
            "state",
            {"state": "published"},
        )
        with pytest.raises(Conflict) as err:
            rules.check_version_transition(
                "publish", "published", {rules.HR}, needs_approval=False, state_label="жарияланған"
            )
        assert err.value.params == {"state": "жарияланған"}
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


# --- Pinned by mutation testing (issue 18 item 2): every branch, bound and message field ---

SCALE = rules.ScaleRange("s", D("0"), D("5"), D("0.01"))


def spans(*rows: tuple[str, str]) -> list[rules.Span]:
    return [rules.Span(i, D(lo), D(hi)) for i, (lo, hi) in enumerate(rows, 1)]


def message_name(message: object) -> str:
    """The name of the rules' message constant (a Problem's message is one of them)."""
    return next(n for n in dir(rules) if n.startswith("MSG_") and getattr(rules, n) is message)


def described(problems: list[rules.Problem]) -> list[tuple[str, str, tuple, dict]]:
    return [(message_name(p.message), p.code, p.places, dict(p.params)) for p in problems]


class TestCatalogChoice:
    # 003 App 4 is the national list; 000 (E), 002 (D) and 004 (B) add body-specific tables.
    COVERAGE = [
        rules.CatalogCoverage("003", True, 2, frozenset({"D-3", "E-3", "C-1"})),
        rules.CatalogCoverage("006", True, 2, frozenset({"C-1"})),
        rules.CatalogCoverage("002", False, 2, frozenset({"D-3"})),
        rules.CatalogCoverage("005", False, 2, frozenset({"D-3"})),
        rules.CatalogCoverage("000", False, 2, frozenset({"E-3"})),
        rules.CatalogCoverage("004", False, 2, frozenset({"B-1"})),
        rules.CatalogCoverage("001", False, 3, frozenset({"D-3"})),
    ]

    def test_only_tables_of_the_group_that_list_the_code_count(self):
        # 003 App 4: a table lists codes per group; 001 lists D-3 in group 3 only.
        assert rules.pick_catalog("D-3", 2, self.COVERAGE) == "002"
        assert rules.pick_catalog("D-3", 3, self.COVERAGE) == "001"
        assert rules.pick_catalog("B-1", 3, self.COVERAGE) is None
        assert rules.pick_catalog("A-1", 2, self.COVERAGE) is None

    def test_the_bodys_own_table_wins_only_where_it_lists_the_code(self):
        # 003 App 4: the body's own catalog first, when it covers the code.
        assert rules.pick_catalog("D-3", 2, self.COVERAGE, preferred="005") == "005"
        assert rules.pick_catalog("D-3", 2, self.COVERAGE, preferred="003") == "003"
        assert rules.pick_catalog("D-3", 2, self.COVERAGE, preferred="000") == "002"

    def test_ties_go_to_the_lowest_code_specific_before_national(self):
        # 003 App 4 (national) against 000/002/004 (specific): two specific tables for D-3,
        # two national ones for C-1, the first code in order wins.
        assert rules.pick_catalog("E-3", 2, self.COVERAGE) == "000"
        assert rules.pick_catalog("C-1", 2, self.COVERAGE) == "003"


class TestVersionInForce:
    V = rules.VersionSpan
    VERSIONS = [
        V(1, None, date(2018, 1, 16), date(2023, 1, 1)),
        V(2, None, date(2023, 1, 1), None),
        V(10, 7, date(2023, 4, 24), date(2025, 7, 1)),
        V(11, 7, date(2025, 7, 1), None),
        V(12, 7, date(2026, 1, 1), None, adopted=False),
        V(20, 8, date(2024, 1, 1), None),
        V(21, 8, date(2024, 1, 1), None),
        V(30, 9, date(2020, 1, 1), date(2021, 1, 1)),
    ]

    def test_a_version_governs_from_its_first_day_to_the_day_before_its_repeal(self):
        # methodology.md §1: in force from effective_from, repealed_on no longer in force.
        assert rules.version_in_force(self.VERSIONS, 7, date(2023, 4, 24)).id == 10
        assert rules.version_in_force(self.VERSIONS, 7, date(2023, 4, 23)).id == 2
        assert rules.version_in_force(self.VERSIONS, 9, date(2020, 12, 31)).id == 30
        # 9's only version is repealed on 1 January 2021: the national one governs then.
        assert rules.version_in_force(self.VERSIONS, 9, date(2021, 1, 1)).id == 1

    def test_a_draft_governs_nothing_and_ties_go_to_the_later_id(self):
        # methodology.md §1: only adopted versions; §4a: the national one without the body's.
        assert rules.version_in_force(self.VERSIONS, 7, date(2026, 6, 30)).id == 11
        assert rules.version_in_force(self.VERSIONS, 8, date(2024, 1, 1)).id == 21
        assert rules.version_in_force(self.VERSIONS, None, date(2024, 1, 1)).id == 2
        assert rules.version_in_force(self.VERSIONS, None, date(2018, 1, 15)) is None

    def test_repeals_touch_only_the_bodys_earlier_adopted_versions_still_in_force(self):
        # methodology.md §1: the body's earlier versions end the day the new one starts.
        v = rules.VersionSpan
        spans_ = [
            v(2, 7, date(2023, 4, 24), None),  # open: ends on 1 April 2026
            v(5, 7, date(2020, 1, 1), date(2023, 4, 24)),  # already ended
            v(6, 7, date(2022, 1, 1), date(2026, 4, 1)),  # ends that very day already
            v(3, 7, date(2024, 1, 1), None, adopted=False),  # a draft
            v(8, 9, date(2024, 1, 1), None),  # another body's
            v(4, 7, date(2025, 1, 1), None),  # the new version's own stored row
            v(9, 7, date(2026, 4, 1), None),  # starts the same day: neither before nor after
            v(13, 7, date(2025, 2, 1), date(2026, 6, 1)),  # repealed later: brought forward
        ]
        new = v(4, 7, date(2026, 4, 1), None)
        assert rules.repeals(spans_, new) == (
            {2: date(2026, 4, 1), 13: date(2026, 4, 1)},
            None,
        )

    def test_a_version_ends_at_the_next_adopted_one_or_its_own_earlier_repeal(self):
        # methodology.md §1: the new one ends where the next adopted one starts.
        v = rules.VersionSpan
        later = [
            v(7, 7, date(2027, 1, 1), None),
            v(8, 7, date(2028, 1, 1), None),
            v(9, 7, date(2026, 6, 1), None, adopted=False),
        ]
        assert rules.repeals(later, v(4, 7, date(2026, 4, 1), date(2028, 1, 1))) == (
            {},
            date(2027, 1, 1),
        )
        assert rules.repeals(later, v(4, 7, date(2026, 4, 1), date(2026, 12, 1))) == (
            {},
            date(2026, 12, 1),
        )
        assert rules.repeals([], v(4, 7, date(2026, 4, 1), date(2026, 12, 1))) == (
            {},
            date(2026, 12, 1),
        )


class TestVersionWorkflowErrors:
    def test_a_wrong_state_names_the_states_label(self):
        # methodology.md §1 (the version workflow): a published version is not published again.
        with pytest.raises(Conflict) as err:
            rules.check_version_transition(
                "publish", "published", {rules.HR}, needs_approval=False, state_label="Published"
            )
        assert err.value.message is rules.MSG_VERSION_STATE
        assert (err.value.code, err.value.field, err.value.params) == (
            "invalid_state",
            "state",
            {"state": "Published"},
        )

    def test_publishing_needs_no_approval_guard_and_return_takes_the_reason(self):
        # methodology.md §1: published is in force where no approval is needed.
        t = rules.check_version_transition("publish", "draft", {rules.HR}, needs_approval=False)
        assert t.target == "published"
        t = rules.check_version_transition(
            "return", "published", {rules.HR}, needs_approval=True, reason="KPI table"
        )
        assert t.target == "draft"
        with pytest.raises(DomainError) as err:
            rules.check_version_transition(
                "return", "published", {rules.HR}, needs_approval=True, reason="  "
            )
        assert (err.value.code, err.value.field) == ("reason_required", "reason")

    def test_without_approval_neither_approve_nor_return_exists(self):
        # methodology.md §1: changes go through a new version.
        for action in ("approve", "return"):
            with pytest.raises(Conflict) as err:
                rules.check_version_transition(
                    action,
                    "published",
                    {rules.HR, rules.AUTHORIZED_PERSON},
                    needs_approval=False,
                    reason="why",
                )
            assert (err.value.code, err.value.field, err.value.params) == (
                "no_approval",
                "state",
                {},
            )
            with translation.override("en"):
                assert err.value.text() == (
                    "This version takes effect when it is published: it needs no approval."
                )

    def test_the_system_sees_publish_but_no_approval_where_none_is_needed(self):
        assert rules.version_actions("draft", {rules.SYSTEM}, needs_approval=False) == ["publish"]
        assert rules.version_actions("published", {rules.SYSTEM}, needs_approval=False) == []
        assert rules.version_actions("published", {rules.SYSTEM}, needs_approval=True) == [
            "approve"
        ]

    def test_a_draft_needing_approval_is_still_editable(self):
        # methodology.md §1: only an approved version or one awaiting approval is locked.
        assert rules.edit_refusal("draft", True, in_use=False) is None
        assert rules.edit_refusal("approved", False, in_use=False) is rules.MSG_APPROVED
        assert rules.edit_refusal("draft", True, in_use=True) is rules.MSG_IN_USE

    def test_the_start_date_error_names_its_field_and_dates(self):
        # methodology.md §1: a new version starts after its source and after approved periods.
        with pytest.raises(DomainError) as err:
            rules.check_effective_from(date(2023, 4, 24), after=date(2023, 4, 24))
        assert err.value.message is rules.MSG_AFTER_SOURCE
        assert (err.value.code, err.value.field, err.value.params) == (
            "effective_from_early",
            "effective_from",
            {"date": "2023-04-24"},
        )
        rules.check_effective_from(date(2023, 4, 25), after=date(2023, 4, 24))
        with pytest.raises(DomainError) as err:
            rules.check_effective_from(
                date(2026, 3, 31), after=date(2026, 1, 1), last_approved_end=date(2026, 3, 31)
            )
        assert err.value.message is rules.MSG_AFTER_APPROVED
        assert (err.value.code, err.value.field, err.value.params) == (
            "effective_from_approved",
            "effective_from",
            {"end": "2026-03-31", "next": "2026-04-01"},
        )
        rules.check_effective_from(date(2026, 4, 1))


class TestProblems:
    def test_a_problem_without_params_reads_as_its_message(self):
        p = rules.Problem(rules.MSG_NO_PARAMETERS, "no_parameters")
        with translation.override("en"):
            assert p.text() == (
                "The differentiation sheet needs at least one parameter with a weight above "
                "zero (002 p33)."
            )
        assert p.rows == ()
        # A message without params is shown as written, a percent sign included.
        assert rules.Problem("Up to 100% achieved.", "note").text() == "Up to 100% achieved."
        both = rules.Problem(rules.MSG_STEP, "step", ((1, "lower"), (1, "upper")), {"a": 1})
        assert both.rows == (1,)

    def test_every_problem_becomes_a_field_error_and_the_first_leads(self):
        first = rules.Problem(rules.MSG_REVERSED, "reversed", ((2, "upper"),), {"a": 2})
        second = rules.Problem(rules.MSG_NO_PARAMETERS, "no_parameters")
        with pytest.raises(DomainError) as err:
            rules.raise_problems([first, second])
        e = err.value
        assert (e.message, e.code, e.field, e.params) == (
            rules.MSG_REVERSED,
            "reversed",
            "2.upper",
            {"a": 2},
        )
        assert [(f.field, f.message, f.code, f.params) for f in e.errors] == [
            ("2.upper", rules.MSG_REVERSED, "reversed", {"a": 2}),
            (None, rules.MSG_NO_PARAMETERS, "no_parameters", {}),
        ]
        with pytest.raises(DomainError) as err:
            rules.raise_problems([second])
        assert (err.value.field, err.value.code, err.value.params) == (None, "no_parameters", {})


class TestCoverage:
    COMMON = {"scale": "s", "step": "0.01"}

    def test_a_row_of_its_own_wrong_range_is_named_and_coverage_waits(self):
        # 002 p8: 0-5 in steps of 0.01; coverage is checked once every row is right.
        assert described(rules.coverage_problems(spans(("4", "3")), SCALE)) == [
            ("MSG_REVERSED", "reversed", ((1, "upper"),), {**self.COMMON, "a": 1})
        ]
        off_lower = rules.coverage_problems(spans(("0.005", "5")), SCALE)
        off_upper = rules.coverage_problems(spans(("0", "4.995")), SCALE)
        for problems in (off_lower, off_upper):
            assert described(problems) == [
                ("MSG_STEP", "step", ((1, "lower"), (1, "upper")), {**self.COMMON, "a": 1})
            ]
        outside = {**self.COMMON, "a": 1, "low": "0.00", "high": "5.00"}
        for rows in (spans(("-1", "5")), spans(("0", "5.01"))):
            assert described(rules.coverage_problems(rows, SCALE)) == [
                ("MSG_OUTSIDE", "outside", ((1, "lower"), (1, "upper")), outside)
            ]
        with translation.override("en"):
            assert rules.coverage_problems(spans(("0", "5.01")), SCALE)[0].text() == (
                "s: row 1 goes outside 0.00–5.00."
            )

    def test_steps_are_counted_from_the_bottom_of_the_scale(self):
        # A scale 0.5, 2.5, 4.5 (steps of 2 from 0.5): the row 0.5-4.5 lies on its steps.
        odd = rules.ScaleRange("odd", D("0.5"), D("4.5"), D("2"))
        assert rules.coverage_problems(spans(("0.5", "4.5")), odd) == []
        assert [p.code for p in rules.coverage_problems(spans(("0.5", "4")), odd)] == ["step"]

    def test_an_open_top_scale_lets_rows_go_on_above_it(self):
        # 001 p14, p18: KPI counts may have bands above the plan's maximum.
        top = rules.ScaleRange("n", D("0"), D("5"), D("1"), open_top=True)
        assert rules.coverage_problems(spans(("0", "9")), top) == []
        assert [p.code for p in rules.coverage_problems(spans(("-1", "9")), top)] == ["outside"]

    def test_no_row_at_all_names_the_whole_scale(self):
        # 002 p8
        assert described(rules.coverage_problems([], SCALE)) == [
            ("MSG_EMPTY", "empty", (), {**self.COMMON, "start": "0.00", "end": "5.00"})
        ]
        with translation.override("en"):
            assert rules.coverage_problems([], SCALE)[0].text() == "s: no row covers 0.00–5.00."

    def test_gaps_name_their_range_and_rows(self):
        # 002 p8: every score in one band.
        assert described(rules.coverage_problems(spans(("1", "5")), SCALE)) == [
            (
                "MSG_GAP_BEFORE",
                "gap",
                ((1, "lower"),),
                {**self.COMMON, "start": "0.00", "end": "0.99", "b": 1},
            )
        ]
        assert described(rules.coverage_problems(spans(("0", "4.99")), SCALE)) == [
            (
                "MSG_GAP_AFTER",
                "gap",
                ((1, "upper"),),
                {**self.COMMON, "start": "5.00", "end": "5.00", "a": 1},
            )
        ]
        between = rules.coverage_problems(spans(("0", "1"), ("2", "5")), SCALE)
        assert described(between) == [
            (
                "MSG_GAP_BETWEEN",
                "gap",
                ((1, "upper"), (2, "lower")),
                {**self.COMMON, "start": "1.01", "end": "1.99", "a": 1, "b": 2},
            )
        ]

    def test_rows_sharing_one_value_overlap_on_it(self):
        # 002 p8: 3.99 belongs to "properly" only, 4.00 to "effectively" only.
        assert described(rules.coverage_problems(spans(("0", "2.5"), ("2.5", "5")), SCALE)) == [
            (
                "MSG_OVERLAP",
                "overlap",
                ((1, "upper"), (2, "lower")),
                {**self.COMMON, "a": 1, "b": 2, "start": "2.50", "end": "2.50"},
            )
        ]

    def test_a_row_inside_another_overlaps_on_its_own_range(self):
        # 002 p8: a band inside another gives its scores two bands.
        nested = rules.coverage_problems(spans(("0", "5"), ("1", "2")), SCALE)
        assert described(nested) == [
            (
                "MSG_OVERLAP",
                "overlap",
                ((1, "upper"), (2, "lower")),
                {**self.COMMON, "a": 1, "b": 2, "start": "1.00", "end": "2.00"},
            )
        ]
        # Rows are read bottom up (then the shorter first): row 2 comes before row 1.
        shorter_first = rules.coverage_problems(spans(("0", "5"), ("0", "1")), SCALE)
        assert [(p.code, p.params["a"], p.params["b"]) for p in shorter_first] == [
            ("overlap", 2, 1)
        ]
        # The same range twice: the lower row number first, whatever the order given.
        twice = [rules.Span(2, D("0"), D("5")), rules.Span(1, D("0"), D("5"))]
        assert [(p.params["a"], p.params["b"]) for p in rules.coverage_problems(twice, SCALE)] == [
            (1, 2)
        ]

    def test_an_overlap_is_named_against_the_row_reaching_furthest(self):
        # Rows 1 and 2 both reach 3.00; row 3 overlaps them: it is named against row 1,
        # the first of the rows reaching furthest.
        rows = spans(("0", "3"), ("1", "3"), ("2", "5"))
        assert [(p.params["a"], p.params["b"]) for p in rules.coverage_problems(rows, SCALE)] == [
            (1, 2),
            (1, 3),
        ]


class TestBandScales:
    def test_the_score_step_follows_the_decimals_kept(self):
        # 002 p8 keeps two decimals; a version may keep one or none (its score_decimals).
        got = rules.band_scales(
            score_min=D("0"), score_max=D("5"), score_decimals=1, kpi_max=None, labels={}
        )
        assert got == {
            "score": rules.ScaleRange("score", D("0"), D("5"), D("0.1")),
            "kpi_count": rules.ScaleRange("kpi_count", D("0"), D("0"), D("1"), open_top=True),
        }
        whole = rules.band_scales(
            score_min=D("1"), score_max=D("5"), score_decimals=0, kpi_max=3, labels=LABELS
        )
        assert whole["score"] == rules.ScaleRange("score 0-5", D("1"), D("5"), D("1"))
        assert whole["kpi_count"] == rules.ScaleRange(
            "number of KPIs achieved", D("0"), D("3"), D("1"), open_top=True
        )

    def test_bands_with_one_decimal_cover_the_scale_in_tenths(self):
        # 002 p8 with one decimal kept: 4.0-5.0, 3.0-3.9, 2.0-2.9, 0.0-1.9.
        one = rules.band_scales(
            score_min=D("0"), score_max=D("5"), score_decimals=1, kpi_max=5, labels=LABELS
        )
        law = bands(("4.0", "5.0"), ("3.0", "3.9"), ("2.0", "2.9"), ("0.0", "1.9"))
        assert rules.band_problems(law, one, {"score"}) == []
        assert texts(rules.band_problems(bands(*LAW_2023), one, {"score"})) == [
            "score 0-5: in row 2 the bounds must be multiples of 0.1.",
            "score 0-5: in row 3 the bounds must be multiples of 0.1.",
            "score 0-5: in row 4 the bounds must be multiples of 0.1.",
        ]


class TestBandProblems:
    def test_rows_on_a_scale_not_graded_name_the_scale_and_the_others_are_checked(self):
        # 002 p8 grades on the score only: KPI-count rows and unknown scales are refused,
        # and the score bands are still checked.
        rows = [
            rules.BandLine(1, "bogus", D("0"), D("1")),
            rules.BandLine(2, "kpi_count", D("0"), D("5")),
            rules.BandLine(3, "score", D("0"), D("4.99")),
        ]
        assert described(rules.band_problems(rows, scales(), {"score"})) == [
            ("MSG_SCALE_UNUSED", "scale_unused", ((1, "scale"),), {"a": 1, "scale": "bogus"}),
            (
                "MSG_SCALE_UNUSED",
                "scale_unused",
                ((2, "scale"),),
                {"a": 2, "scale": "number of KPIs achieved"},
            ),
            (
                "MSG_GAP_AFTER",
                "gap",
                ((3, "upper"),),
                {"scale": "score 0-5", "step": "0.01", "start": "5.00", "end": "5.00", "a": 3},
            ),
        ]

    def test_every_scale_graded_on_is_checked_in_order(self):
        # 001 p18 and 002 p8 both required: both empty scales are named.
        assert [
            (p.code, p.params["scale"])
            for p in rules.band_problems([], scales(), {"score", "kpi_count"})
        ] == [("empty", "number of KPIs achieved"), ("empty", "score 0-5")]


class TestKpiTable:
    SCORES = scales()["score"]

    def problems(self, *rows: tuple[str, str, str, str]) -> list[rules.Problem]:
        lines = [rules.KpiRowLine(i, *(D(x) for x in r)) for i, r in enumerate(rows, 1)]
        return rules.kpi_row_problems(lines, scores=self.SCORES, percent_label="%")

    def test_a_table_up_to_100_percent_is_whole(self):
        # 002 p28, App 3: every percent from 0 to 100 in one row.
        assert self.problems(("0", "100", "0", "5")) == []

    def test_scores_reversed_or_outside_the_scale_are_named(self):
        # 002 p28: scores 0-5.
        assert described(self.problems(("0", "100", "4", "3"))) == [
            ("MSG_SCORES_REVERSED", "reversed", ((1, "score_max"),), {"a": 1})
        ]
        outside = (
            "MSG_SCORES_OUTSIDE",
            "outside",
            ((1, "score_min"), (1, "score_max")),
            {"a": 1, "low": "0.00", "high": "5.00"},
        )
        assert described(self.problems(("0", "100", "-1", "3"))) == [outside]
        assert described(self.problems(("0", "100", "1", "5.01"))) == [outside]

    def test_row_problems_and_coverage_are_named_together(self):
        # 002 p28: a row's scores and the percents' coverage are separate faults.
        got = self.problems(("90", "100", "4", "3"))
        assert described(got) == [
            ("MSG_SCORES_REVERSED", "reversed", ((1, "score_max"),), {"a": 1}),
            (
                "MSG_GAP_BEFORE",
                "gap",
                ((1, "percent_from"),),
                {"scale": "%", "step": "0.01", "start": "0.00", "end": "89.99", "b": 1},
            ),
        ]
        assert described(self.problems(("0", "99.995", "0", "5"))) == [
            (
                "MSG_STEP",
                "step",
                ((1, "percent_from"), (1, "percent_to")),
                {"scale": "%", "step": "0.01", "a": 1},
            )
        ]
        assert [
            p.places for p in self.problems(("0", "100", "0", "5"), ("100", "101", "5", "5"))
        ] == [((1, "percent_to"), (2, "percent_from"))]
        assert [p.places for p in self.problems(("0", "99", "0", "5"))] == [((1, "percent_to"),)]
        assert [p.places for p in self.problems(("50", "40", "0", "5"))] == [((1, "percent_to"),)]


class TestDeadlineBounds:
    def codes(self, rule: str, *amounts: int) -> list[str]:
        rows = [rules.DeadlineLine(i, rule, a) for i, a in enumerate(amounts, 1)]
        return [p.code for p in rules.deadline_problems(rows)]

    def test_a_day_of_the_next_month_is_1_to_31(self):
        # 002 p5: "no later than the 10th day of the month after the quarter".
        assert self.codes("day_next_month", 1, 31) == []
        assert self.codes("day_next_month", 0, 32) == ["day", "day"]
        assert described(
            rules.deadline_problems([rules.DeadlineLine(3, "day_next_month", 32)])
        ) == [("MSG_DAY_OF_MONTH", "day", ((3, "amount"),), {"a": 3})]

    def test_a_date_of_the_next_year_is_a_real_month_and_day(self):
        # 2025 model (methodology.md §4a): 30 January is 130; 29 February is not every year.
        assert self.codes("date_next_year", 101, 130, 228, 1231) == []
        assert self.codes("date_next_year", 0, 100, 132, 229, 1232, 1301) == ["mmdd"] * 6
        assert described(
            rules.deadline_problems([rules.DeadlineLine(2, "date_next_year", 229)])
        ) == [("MSG_MMDD", "mmdd", ((2, "amount"),), {"a": 2})]

    def test_working_days_are_0_to_250(self):
        # 002 p12: "within 2 working days"; 001 p29: "at least 7 working days before".
        for rule in ("wd_after", "wd_before"):
            assert self.codes(rule, 0, 250) == []
            assert self.codes(rule, -1, 251) == ["working_days", "working_days"]
        assert described(rules.deadline_problems([rules.DeadlineLine(4, "wd_before", 251)])) == [
            ("MSG_WORKING_DAYS", "working_days", ((4, "amount"),), {"a": 4, "max": 250})
        ]
        with translation.override("en"):
            assert rules.deadline_problems([rules.DeadlineLine(4, "wd_after", -1)])[0].text() == (
                "Row 4: give 0 to 250 working days."
            )

    def test_a_rule_without_an_amount_range_is_not_checked(self):
        assert self.codes("on_period_end", 999) == []

    def test_a_deadline_in_use_names_its_kind(self):
        # 002 p5: the quarterly evaluation is due by its deadline.
        problems = rules.deadline_problems(
            [rules.DeadlineLine(1, "day_next_month", 0)], removed_in_use=[(2, "differentiation")]
        )
        assert described(problems) == [
            ("MSG_DAY_OF_MONTH", "day", ((1, "amount"),), {"a": 1}),
            (
                "MSG_DEADLINE_IN_USE",
                "deadline_in_use",
                ((2, "DELETE"),),
                {"a": 2, "kind": "differentiation"},
            ),
        ]


class TestKinds:
    def test_a_kind_named_three_times_is_named_against_its_first_row(self):
        # 002 p5: one deadline per evaluation kind.
        rows = [rules.KindLine(i, "survey_360", "year", "") for i in (1, 2, 3)]
        assert described(rules.kind_problems(rows, deadlines=set())) == [
            ("MSG_KIND_TWICE", "kind_twice", ((1, "kind"), (2, "kind")), {"a": 1, "b": 2}),
            ("MSG_KIND_TWICE", "kind_twice", ((1, "kind"), (3, "kind")), {"a": 1, "b": 3}),
        ]

    def test_periodicity_and_deadline_are_named_on_their_fields(self):
        # 002 p5: the 360 yearly; 001 p17, p25: the year's KPI and competency sheets.
        rows = [
            rules.KindLine(1, "kpi_quarterly", "year", "nowhere"),
            rules.KindLine(2, "kpi_annual", "year", "due"),
            rules.KindLine(3, "competency", "quarter", ""),
            rules.KindLine(4, "differentiation", "year", "due"),
        ]
        assert described(rules.kind_problems(rows, deadlines={"due"})) == [
            ("MSG_KIND_PERIOD", "kind_period", ((1, "periodicity"),), {"a": 1}),
            ("MSG_KIND_DEADLINE", "kind_deadline", ((1, "deadline"),), {"a": 1}),
            ("MSG_KIND_PERIOD", "kind_period", ((3, "periodicity"),), {"a": 3}),
        ]


class TestParameterWeights:
    def codes(self, *weights: str, differentiation: bool = True) -> list[str]:
        rows = [rules.ParameterLine(i, D(w)) for i, w in enumerate(weights, 1)]
        return [p.code for p in rules.parameter_problems(rows, differentiation=differentiation)]

    def test_zero_and_fractional_weights_are_allowed_while_some_weight_remains(self):
        # 002 p32-33: the sheet score is the weighted mean of the parameters.
        assert self.codes("0", "1") == []
        assert self.codes("0.25", "0.75") == []
        assert self.codes("0.01") == []
        assert self.codes("0", "0") == ["no_parameters"]
        assert self.codes("0", differentiation=False) == []

    def test_a_negative_weight_is_named_on_its_row_alone(self):
        # 002 p33: a weight is not negative; the sum is judged once the rows are right.
        rows = [rules.ParameterLine(1, D("0.5")), rules.ParameterLine(2, D("-0.5"))]
        assert described(rules.parameter_problems(rows, differentiation=True)) == [
            ("MSG_WEIGHT_NEGATIVE", "weight", ((2, "weight"),), {"a": 2})
        ]
        assert described(
            rules.parameter_problems([rules.ParameterLine(1, D("0"))], differentiation=True)
        ) == [("MSG_NO_PARAMETERS", "no_parameters", (), {})]


def test_the_first_code_a_row_gets_is_1_and_taken_codes_are_skipped():
    assert rules.new_code("band", set()) == "band_1"
    assert rules.new_code("band", ["band_1", "band_2", "band_4"]) == "band_3"
