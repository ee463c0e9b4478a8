"""KPI values, achievement and scores (001 p17-18; 002 p23, p28; methodology.md §3, §4).

Pure functions: no ORM, no I/O.

- A KPI value is a number typed by a person (planned, actual): ASCII digits, at most
  `VALUE_DIGITS` before and `VALUE_DECIMALS` after the point, never a bool.
- Achieved (2018, 001 p18): a KPI counts only when fully achieved — the actual reaches the
  planned value in the KPI's direction (at least the plan when higher is better, at most
  when lower is better).
- Percent achieved (2023, 002 p28): actual / planned × 100 when higher is better, planned /
  actual × 100 when lower is better, two decimals half-up. Decision: a zero plan (or a zero
  actual where lower is better) is 100 % when the KPI is achieved and 0 % otherwise.
- The allowed score of a KPI comes from the version's table "percent achieved → allowed
  scores" (002 Appendix 3). A percent above the table's top row takes the top row (over-
  achievement), below its lowest row the lowest row; between rows (a gap left by HR)
  nothing is allowed and the message says so.
- The 2018 sheet's score is the count of KPIs achieved, banded on the version's
  "number of KPIs achieved" rows (001 p18: 5 → өте жақсы … fewer than 3 → қанағаттанарлықсыз).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

VALUE_DIGITS = 14
VALUE_DECIMALS = 4
VALUE_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)", re.ASCII)

MSG_VALUE_FORMAT = _("%(field)s: enter a number such as 12 or 97.5.")
MSG_VALUE_SIZE = _(
    "%(field)s: at most %(digits)s digits before the decimal point and %(decimals)s after it."
)
MSG_VALUE_NEGATIVE = _("%(field)s: the value cannot be negative.")
MSG_SCORE_NOT_ALLOWED = _(
    "%(field)s: %(percent)s%% achieved allows a score from %(low)s to %(high)s "
    "(table of allowed scores, 002 Appendix 3)."
)
MSG_SCORE_NO_ROW = _(
    "%(field)s: the table of allowed scores has no row for %(percent)s%% achieved; "
    "HR must complete the table."
)


def parse_value(raw: object, *, field: str, label: str) -> Decimal | None:
    """A planned or actual value: empty → None; "1 250,5" → 1250.5; else DomainError on `field`."""
    if raw is None:
        return None
    invalid = DomainError(
        MSG_VALUE_FORMAT, code="value_format", field=field, params={"field": label}
    )
    if isinstance(raw, bool):
        raise invalid
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "").replace("\u00a0", "")
        if text == "":
            return None
        if len(text) > VALUE_DIGITS + VALUE_DECIMALS + 3 or not VALUE_TEXT.fullmatch(text):
            raise invalid
        value = Decimal(text.replace(",", "."))
    elif isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise invalid
        value = Decimal(repr(raw))
    else:
        raise invalid
    if not value.is_finite():
        raise invalid
    if value < 0:
        raise DomainError(
            MSG_VALUE_NEGATIVE, code="value_negative", field=field, params={"field": label}
        )
    _sign, digits, exponent = value.normalize().as_tuple()
    # A finite value's exponent is a number: -exponent decimals, len + exponent whole digits
    # (each at most 0 when there is none, which no limit refuses).
    exponent = int(exponent)
    if -exponent > VALUE_DECIMALS or len(digits) + exponent > VALUE_DIGITS:
        raise DomainError(
            MSG_VALUE_SIZE,
            code="value_size",
            field=field,
            params={"field": label, "digits": VALUE_DIGITS, "decimals": VALUE_DECIMALS},
        )
    return value


def achieved(planned: Decimal, actual: Decimal, higher_is_better: bool) -> bool:
    """Fully achieved in the KPI's direction (001 p18: only a full achievement counts)."""
    return actual >= planned if higher_is_better else actual <= planned


def percent_achieved(planned: Decimal, actual: Decimal, higher_is_better: bool) -> Decimal:
    """Percent of the plan achieved, two decimals half-up (002 p28; decision in the docstring)."""
    numerator, denominator = (actual, planned) if higher_is_better else (planned, actual)
    if denominator == 0:
        return Decimal(100) if achieved(planned, actual, higher_is_better) else Decimal(0)
    value = numerator * 100 / denominator
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ScoreRow:
    """A row of the table of allowed scores (002 Appendix 3): percent range → score range."""

    percent_from: Decimal
    percent_to: Decimal
    score_min: Decimal
    score_max: Decimal


def allowed_scores(percent: Decimal, rows: Sequence[ScoreRow]) -> tuple[Decimal, Decimal] | None:
    """The allowed score range for a percent achieved, or None when the table has no row."""
    if not rows:
        return None
    ordered = sorted(rows, key=lambda r: r.percent_from)
    if percent > ordered[-1].percent_to:
        return ordered[-1].score_min, ordered[-1].score_max
    if percent < ordered[0].percent_from:
        return ordered[0].score_min, ordered[0].score_max
    for row in ordered:
        if row.percent_from <= percent <= row.percent_to:
            return row.score_min, row.score_max
    return None


def check_score(
    score: Decimal, percent: Decimal, rows: Sequence[ScoreRow], *, field: str, label: str
) -> None:
    """Refuse a KPI score outside the range the table allows for its percent (002 p28)."""
    allowed = allowed_scores(percent, rows)
    if allowed is None:
        raise DomainError(
            MSG_SCORE_NO_ROW,
            code="score_no_row",
            field=field,
            params={"field": label, "percent": percent},
        )
    low, high = allowed
    if not low <= score <= high:
        raise DomainError(
            MSG_SCORE_NOT_ALLOWED,
            code="score_not_allowed",
            field=field,
            params={"field": label, "percent": percent, "low": low, "high": high},
        )


def count_achieved(flags: Sequence[bool | None]) -> int | None:
    """The 2018 sheet's score: how many KPIs are achieved; None while any is undecided."""
    if not flags or any(flag is None for flag in flags):
        return None
    return sum(1 for flag in flags if flag)
