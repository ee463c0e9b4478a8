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
