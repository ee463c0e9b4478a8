"""Scores, sheet scores, bands and year averages (002 p5, p8, p32-33)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules.deadlines import day_of_next_month, due_date, period_bounds
from bagalau.evaluations.rules.scoring import (
    BandRow,
    QuarterState,
    band_for,
    parse_score,
    quantize,
    quarters_missing,
    sheet_score,
    year_average,
)
from bagalau.evaluations.rules.workflow import (
    ACQUAINTED,
    DRAFT,
    EVALUATED,
    EVALUATOR,
    HR,
    PENDING,
    SUBMITTED,
    check_revision,
    check_transition,
)

BANDS = [  # 002 p8
    BandRow("effective", D("4.00"), D("5.00")),
    BandRow("proper", D("3.00"), D("3.99")),
    BandRow("satisfactory", D("2.00"), D("2.99")),
    BandRow("unsatisfactory", D("0.00"), D("1.99")),
]


class TestParse:
    @pytest.mark.parametrize(
        ("raw", "value"),
        [("4", D("4.00")), ("3,75", D("3.75")), (" 0 ", D("0.00")), ("5.0", D("5.00"))],
    )
    def test_it_accepts_scores_from_0_to_5(self, raw, value):
        # 002 p32: a score from 0 to 5.
        assert parse_score(raw, field="quality", label="Quality") == value

    def test_empty_is_none_for_a_draft(self):
        assert parse_score("", field="quality", label="Quality") is None

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("5.01", "score_range"),
            ("-1", "score_range"),
            ("abc", "score_format"),
            ("3.333", "score_decimals"),
            ("NaN", "score_format"),
            ("Infinity", "score_format"),
        ],
    )
    def test_it_refuses_bad_input_naming_the_field(self, raw, code):
        with pytest.raises(DomainError) as err:
            parse_score(raw, field="quality", label="Quality")
        assert (err.value.code, err.value.field) == (code, "quality")
        assert "Quality" in err.value.text()

    @pytest.mark.parametrize(
        "raw",
        [
            "٥",  # Arabic-Indic five: int("٥") == 5, but it is not a score typed in 0-5
            "٣.٥",
            "۴",  # Extended Arabic-Indic four
            "５",  # full-width five
            "𝟓",  # mathematical bold five
            "1e0",
            "4E-1",
            "0x4",
            "4_0",
            "1" * 40,
            "4.5.1",
            "",
            True,  # JSON true: bool is an int in Python, never a score
            False,
            [4],
            {"value": 4},
            float("nan"),
            float("inf"),
        ],
    )
    def test_only_ascii_digits_and_plain_numbers_are_scores(self, raw):
        # 002 p33: a score from 0 to 5 with at most two decimals, typed as a number.
        if raw == "":
            assert parse_score(raw, field="score_quality", label="Quality") is None
            return
        with pytest.raises(DomainError) as err:
            parse_score(raw, field="score_quality", label="Quality")
        assert (err.value.code, err.value.field) == ("score_format", "score_quality")

    @pytest.mark.parametrize(
        ("raw", "value"),
        [
            (4, D("4.00")),
            (3.75, D("3.75")),
            (D("2.5"), D("2.50")),
            ("+4", D("4.00")),
            ("4.", D("4.00")),
            (",5", D("0.50")),
        ],
    )
    def test_numbers_and_plain_text_forms_are_accepted(self, raw, value):
        # 002 p33: 0-5, two decimals; JSON numbers and "4.", ",5" as typed.
        assert parse_score(raw, field="quality", label="Quality") == value

    @pytest.mark.parametrize(
        ("raw", "code"),
        [(10**30, "score_range"), (1e300, "score_range"), (4.001, "score_decimals")],
    )
    def test_huge_or_too_precise_numbers_are_refused(self, raw, code):
        # 002 p33: 0-5 with at most two decimals.
        with pytest.raises(DomainError) as err:
            parse_score(raw, field="quality", label="Quality")
        assert err.value.code == code


class TestSheetScore:
    def test_the_mean_of_the_four_parameters(self):
        # 002 p33: four parameters; the sheet score is their mean (the version's default).
        assert sheet_score([D("4"), D("5"), D("4"), D("3.5")]) == D("4.13")  # 16.5/4 = 4.125 → 4.13

    def test_weights_apply(self):
        assert sheet_score([D("5"), D("3")], [D("3"), D("1")]) == D("4.50")

    def test_a_partial_sheet_has_no_score(self):
        assert sheet_score([D("4"), None, D("4"), D("4")]) is None
        assert sheet_score([]) is None


class TestBands:
    # 002 p8: the documented rounding: two decimals, half-up, then the band.
    @pytest.mark.parametrize(
        ("score", "band"),
        [
            (D("5.00"), "effective"), (D("4.00"), "effective"), (D("3.995"), "effective"),
            (D("3.994"), "proper"), (D("3.99"), "proper"), (D("3.00"), "proper"),
            (D("2.99"), "satisfactory"), (D("2.00"), "satisfactory"), (D("1.995"), "satisfactory"),
            (D("1.994"), "unsatisfactory"), (D("0.00"), "unsatisfactory"),
        ],
    )  # fmt: skip
    def test_edges(self, score, band):
        assert band_for(score, BANDS).code == band

    @given(st.decimals(min_value=0, max_value=5, places=4, allow_nan=False))
    def test_every_score_from_0_to_5_has_exactly_one_band(self, score):
        matching = [b for b in BANDS if b.lower <= quantize(score) <= b.upper]
        assert len(matching) == 1
        assert band_for(score, BANDS) == matching[0]


class TestYearAverage:
    def test_the_mean_of_the_evaluated_quarters(self):
        # 002 p5: the final grade is the average of the quarterly grades.
        result = year_average({1: None, 2: D("4.00"), 3: D("3.50"), 4: D("3.25")})
        assert result.score == D("3.58")  # 10.75 / 3 = 3.5833
        assert result.included == (2, 3, 4)
        assert result.excluded == (1,)

    def test_no_quarter_no_result(self):
        assert year_average({1: None, 2: None}).score is None


class TestDeadlines:
    def test_quarters_and_year(self):
        assert period_bounds(2026, 1) == (
            __import__("datetime").date(2026, 1, 1),
            __import__("datetime").date(2026, 3, 31),
        )
        assert period_bounds(2026, 4)[1] == __import__("datetime").date(2026, 12, 31)
        assert period_bounds(2026, 0)[1] == __import__("datetime").date(2026, 12, 31)
        with pytest.raises(DomainError):
            period_bounds(2026, 5)

    def test_the_tenth_and_twentieth_of_the_month_after(self):
        from datetime import date

        # 002 p5: the 10th of the month after the quarter; 2025 model: the 20th.
        assert day_of_next_month(date(2026, 3, 31), 10) == date(2026, 4, 10)
        assert day_of_next_month(date(2026, 12, 31), 20) == date(2027, 1, 20)
        assert day_of_next_month(date(2026, 1, 31), 31) == date(2026, 2, 28)
        # 2025 model: the final grade by 30 January of the next year.
        assert due_date(
            "date_next_year", 130, period_end=date(2026, 12, 31), add_working_days=None
        ) == date(2027, 1, 30)


class TestWorkflow:
    def test_the_evaluator_submits_a_draft(self):
        assert check_transition("submit", DRAFT, {EVALUATOR}).target == SUBMITTED
        assert check_transition("submit", PENDING, {EVALUATOR}).target == SUBMITTED

    def test_the_servant_acknowledges(self):
        # 002 p12: acquaintance with the result.
        assert check_transition("acknowledge", SUBMITTED, {EVALUATED}).target == ACQUAINTED

    def test_a_refusal_is_recorded_by_hr_and_the_result_stands(self):
        # 001 p40-41; 004: refusal → an act; the result still goes to the service record.
        assert check_transition("record_refusal", SUBMITTED, {HR}).target == ACQUAINTED

    def test_wrong_role_is_403_before_the_state_is_revealed(self):
        from bagalau.core.errors import PermissionDenied

        with pytest.raises(PermissionDenied):
            check_transition("submit", ACQUAINTED, {EVALUATED})

    def test_wrong_state_is_a_conflict(self):
        from bagalau.core.errors import Conflict

        with pytest.raises(Conflict):
            check_transition("submit", SUBMITTED, {EVALUATOR})
        with pytest.raises(Conflict):
            check_transition("acknowledge", DRAFT, {EVALUATED})

    def test_hr_must_give_a_reason_to_reopen_or_return(self):
        with pytest.raises(DomainError) as err:
            check_transition("reopen", SUBMITTED, {HR})
        assert err.value.field == "reason"
        assert check_transition("reopen", ACQUAINTED, {HR}, reason="Қате").target == DRAFT

    def test_a_stale_revision_is_a_conflict(self):
        from bagalau.core.errors import Conflict

        check_revision(None, 3, required=False)  # acknowledging names no revision
        with pytest.raises(DomainError) as missing:
            check_revision(None, 3)  # a write without one would overwrite a concurrent one
        assert missing.value.code == "revision_required" and missing.value.status == 400
        check_revision(3, 3)
        with pytest.raises(Conflict):
            check_revision(2, 3)


class TestQuartersMissing:
    """Before a year result is formed: the quarters it would leave out (002 p5)."""

    def test_a_year_of_four_complete_quarters_misses_none(self):
        # 002 p5: the year result is the mean of the evaluated quarters.
        states = [QuarterState(q, approved=True, results=10, open_sheets=0) for q in (1, 2, 3, 4)]
        assert quarters_missing(states) == ()

    def test_a_quarter_without_schedule_results_or_with_open_sheets_is_missing(self):
        # 002 p5: a quarter not evaluated (yet) is not in the mean: HR is told which.
        states = [
            QuarterState(4, approved=False, results=0, open_sheets=0),  # no schedule
            QuarterState(1, approved=True, results=10, open_sheets=0),
            QuarterState(2, approved=True, results=0, open_sheets=0),  # nothing formed
            QuarterState(3, approved=True, results=8, open_sheets=2),  # still being filled
        ]
        assert quarters_missing(states) == (2, 3, 4)


class TestEdges:
    """Issue 18 item 2: the edges, each expected value worked out by hand."""

    def test_none_is_no_score_and_every_error_names_its_field_and_params(self):
        # 002 p32-33: a score from 0 to 5, at most two decimals.
        assert parse_score(None, field="quality", label="Quality") is None
        cases = [
            ("abc", "score_format", {"field": "Quality"}),
            ("5.01", "score_range", {"field": "Quality", "low": D(0), "high": D(5)}),
            ("3.333", "score_decimals", {"field": "Quality", "decimals": 2}),
        ]
        for raw, code, params in cases:
            with pytest.raises(DomainError) as err:
                parse_score(raw, field="quality", label="Quality")
            assert (err.value.code, err.value.field, err.value.params) == (code, "quality", params)

    def test_a_score_text_is_at_most_32_characters(self):
        assert parse_score("4." + "0" * 30, field="q", label="Q") == D("4.00")  # 32
        with pytest.raises(DomainError) as err:
            parse_score("4." + "0" * 31, field="q", label="Q")  # 33
        assert err.value.code == "score_format"

    def test_the_versions_range(self):
        # 002 p32: 0-5 by default; the version's own range otherwise.
        assert parse_score("10", field="q", label="Q", low=D(1), high=D(10)) == D("10.00")
        assert parse_score("1", field="q", label="Q", low=D(1), high=D(10)) == D("1.00")
        with pytest.raises(DomainError) as err:
            parse_score("0.99", field="q", label="Q", low=D(1), high=D(10))
        assert (err.value.code, err.value.params) == (
            "score_range", {"field": "Q", "low": D(1), "high": D(10)},
        )  # fmt: skip

    def test_one_decimal_kept(self):
        # 002 p8 leaves the decimals to the version: with one, 3.75 has too many.
        value = parse_score("3,5", field="q", label="Q", decimals=1)
        assert str(value) == "3.5"
        with pytest.raises(DomainError) as err:
            parse_score("3.75", field="q", label="Q", decimals=1)
        assert (err.value.code, err.value.params) == (
            "score_decimals",
            {"field": "Q", "decimals": 1},
        )

    def test_no_decimal_kept(self):
        assert str(parse_score("4", field="q", label="Q", decimals=0)) == "4"
        assert str(parse_score("4.0", field="q", label="Q", decimals=0)) == "4"
        with pytest.raises(DomainError) as err:
            parse_score("4.5", field="q", label="Q", decimals=0)
        assert err.value.params == {"field": "Q", "decimals": 0}

    def test_quantize_is_half_up_to_the_decimals_kept(self):
        # 002 p8, the documented decision: half-up.
        assert str(quantize(D("2.675"))) == "2.68"
        assert str(quantize(D("2.5"), 0)) == "3"
        assert str(quantize(D("4.25"), 1)) == "4.3"  # half-even would give 4.2

    def test_the_sheet_score_with_other_decimals(self):
        # 002 p33: the mean of the four parameters, 16.5 / 4 = 4.125, kept as the version says.
        scores = [D("4"), D("5"), D("4"), D("3.5")]
        assert str(sheet_score(scores, decimals=1)) == "4.1"
        assert str(sheet_score(scores, decimals=0)) == "4"
        assert str(sheet_score(scores, decimals=3)) == "4.125"
        assert str(sheet_score([D("4.5"), D("4")], decimals=1)) == "4.3"  # 4.25 half-up
        # Weighted: (4 × 1 + 5 × 3) / 4 = 4.75 → 4.8 with one decimal.
        assert str(sheet_score([D(4), D(5)], [D(1), D(3)], decimals=1)) == "4.8"

    def test_zero_and_fractional_weights(self):
        # 002 p32-33: the weighted mean of the lines.
        assert sheet_score([D(5), D(3)], [D(0), D(1)]) == D("3.00")  # a zero weight drops a line
        assert sheet_score([D(4), D(5)], [D("0.25"), D("0.75")]) == D("4.75")  # 1 + 3.75
        assert sheet_score([D(4), D(2)], [D("0.5"), D("0.5")]) == D("3.00")  # (2 + 1) / 1
        # (0.8 + 0.6 + 0.3) / 0.6 = 2.8333…
        assert sheet_score([D(4), D(2), D(3)], [D("0.2"), D("0.3"), D("0.1")]) == D("2.83")
        assert sheet_score([D(4), D(2)], [D(0), D(0)]) is None  # no line counts
        assert sheet_score([D("3.456")]) == D("3.46")
        with pytest.raises(ValueError):
            sheet_score([D(4), D(2)], [D(1)])  # one weight per line

    def test_overlapping_or_gapped_band_rows(self):
        # 002 p8: rows sharing an edge give the higher band; a score in a gap gets none.
        overlapping = [BandRow("low", D(0), D(3)), BandRow("high", D(3), D(5))]
        assert band_for(D("3.00"), overlapping).code == "high"
        assert band_for(D("2.99"), overlapping).code == "low"
        assert band_for(D("3.00"), list(reversed(overlapping))).code == "high"
        gapped = [BandRow("low", D(0), D("1.99")), BandRow("high", D(3), D(5))]
        assert band_for(D("2.50"), gapped) is None
        assert band_for(None, BANDS) is None

    def test_bands_after_rounding_to_the_versions_decimals(self):
        # 002 p8: rounded first, then banded: with one decimal 3.95 is 4.0.
        assert band_for(D("3.95"), BANDS, decimals=1).code == "effective"
        assert band_for(D("3.94"), BANDS, decimals=1).code == "proper"
        assert band_for(D("3.5"), BANDS, decimals=0).code == "effective"

    def test_a_year_with_no_evaluated_quarter(self):
        # 002 p5: the mean of the evaluated quarters: none, no year result.
        from bagalau.evaluations.rules.scoring import YearAverage

        nothing = {1: None, 2: None, 3: None, 4: None}
        assert year_average(nothing) == YearAverage(None, (), (1, 2, 3, 4))
        assert year_average({}) == YearAverage(None, (), ())
        unsorted = {4: D("3.00"), 2: None, 1: D("4.00"), 3: None}
        assert year_average(unsorted) == YearAverage(D("3.50"), (1, 4), (2, 3))

    def test_the_year_average_with_other_decimals(self):
        # 002 p5: 10.75 / 3 = 3.5833…
        quarters = {1: D("4.00"), 2: D("3.50"), 3: D("3.25"), 4: None}
        assert str(year_average(quarters).score) == "3.58"
        assert str(year_average(quarters, decimals=1).score) == "3.6"
        assert str(year_average(quarters, decimals=0).score) == "4"

    def test_one_open_sheet_or_one_result_is_enough(self):
        # 002 p5: one sheet still open leaves the quarter incomplete; one result completes it.
        states = [
            QuarterState(1, approved=True, results=1, open_sheets=0),
            QuarterState(2, approved=True, results=5, open_sheets=1),
        ]
        assert quarters_missing(states) == (2,)
