"""Scores, sheet scores, bands and year averages (002 p5, p8, p29-33; 001 p18).

Decision (002 p8 leaves it open): every score is kept with two decimals, rounded half-up,
before it is banded. So 3.995 becomes 4.00 ("effectively") and 1.995 becomes 2.00.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

MSG_SCORE_FORMAT = _("%(field)s: enter a number such as 4 or 3.75.")
MSG_SCORE_RANGE = _("%(field)s: the score must be from %(low)s to %(high)s.")
MSG_SCORE_DECIMALS = _("%(field)s: at most %(decimals)s decimals.")
MSG_INCOMPLETE = _("Every parameter needs a score before the sheet is submitted.")


def quantize(value: Decimal, decimals: int = 2) -> Decimal:
    """Round half-up to `decimals` places (002 p8, the documented decision above)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# ASCII digits only, "." or "," before the decimals: "٥" (Arabic-Indic) or "５" (full width)
# are not scores, nor "1e0", "NaN" or "Infinity". A sign is let through for the range message.
SCORE_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)", re.ASCII)
SCORE_MAX_LENGTH = 32


def parse_score(
    raw: object,
    *,
    field: str,
    label: str,
    low: Decimal = Decimal(0),
    high: Decimal = Decimal(5),
    decimals: int = 2,
) -> Decimal | None:
    """A score typed by an evaluator: empty → None; "3,5" accepted; else DomainError on `field`.

    002 p32-33: a score from 0 to 5 on each line; we keep at most two decimals. Text must be
    ASCII digits; a number must be an int, float or Decimal, never a bool (JSON `true`).
    """
    if raw is None:
        return None
    invalid = DomainError(
        MSG_SCORE_FORMAT, code="score_format", field=field, params={"field": label}
    )
    if isinstance(raw, bool):
        raise invalid
    if isinstance(raw, str):
        text = raw.strip()
        if text == "":
            return None
        if len(text) > SCORE_MAX_LENGTH or not SCORE_TEXT.fullmatch(text):
            raise invalid
        value = Decimal(text.replace(",", "."))
    elif isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # "inf", "nan": not finite, refused below
    else:
        raise invalid
    if not value.is_finite():
        raise invalid
    if value < low or value > high:
        raise DomainError(
            MSG_SCORE_RANGE,
            code="score_range",
            field=field,
            params={"field": label, "low": low, "high": high},
        )
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals:
        raise DomainError(
            MSG_SCORE_DECIMALS,
            code="score_decimals",
            field=field,
            params={"field": label, "decimals": decimals},
        )
    return quantize(value, decimals)


def sheet_score(
    scores: Sequence[Decimal | None], weights: Sequence[Decimal] | None = None, decimals: int = 2
) -> Decimal | None:
    """The sheet score: the (weighted) mean of the line scores, half-up (002 p32-33).

    None while any line is empty: a partial sheet has no score; None too when the weights
    add up to zero (no line counts).
    """
    values = [s for s in scores if s is not None]
    if not values or len(values) < len(scores):
        return None
    if weights is None:
        return quantize(sum(values, Decimal(0)) / len(values), decimals)
    total_weight = sum(weights, Decimal(0))
    if total_weight <= 0:
        return None
    total = sum((s * w for s, w in zip(values, weights, strict=True)), Decimal(0))
    return quantize(total / total_weight, decimals)


@dataclass(frozen=True)
class BandRow:
    code: str
    lower: Decimal
    upper: Decimal


def band_for(score: Decimal | None, bands: Sequence[BandRow], decimals: int = 2) -> BandRow | None:
    """The band of a score after rounding half-up to two decimals (002 p8).

    4.00-5.00 effectively, 3.00-3.99 properly, 2.00-2.99 satisfactorily, 0.00-1.99
    unsatisfactorily (the version's rows); a score between two rows (none after rounding
    with these rows) gets no band.
    """
    if score is None:
        return None
    value = quantize(score, decimals)
    for band in sorted(bands, key=lambda b: b.lower, reverse=True):
        if band.lower <= value <= band.upper:
            return band
    return None


@dataclass(frozen=True)
class YearAverage:
    score: Decimal | None
    included: tuple[int, ...]
    excluded: tuple[int, ...]


def year_average(quarters: Mapping[int, Decimal | None], decimals: int = 2) -> YearAverage:
    """The year result: the mean of the evaluated quarters (002 p5; 2025 model §4a).

    Quarters without a score (not evaluated, no sheet) are left out and named.
    """
    included = tuple(sorted(q for q, s in quarters.items() if s is not None))
    excluded = tuple(sorted(q for q, s in quarters.items() if s is None))
    if not included:
        return YearAverage(None, included, excluded)
    values = [s for s in quarters.values() if s is not None]
    total = sum(values, Decimal(0))
    return YearAverage(quantize(total / len(values), decimals), included, excluded)


@dataclass(frozen=True)
class QuarterState:
    """What a quarter of the year holds when HR forms the year result."""

    quarter: int
    approved: bool  # the quarter's schedule is approved
    results: int  # quarter results formed
    open_sheets: int  # sheets not submitted yet


def quarters_missing(states: Sequence[QuarterState]) -> tuple[int, ...]:
    """The quarters a year result formed now would leave out, in whole or in part (002 p5).

    The year result is the mean of the evaluated quarters: a quarter with no approved
    schedule, no result, or sheets still open counts for nobody or not for everyone yet.
    HR is warned of these before forming it; a quarter with results and no open sheet
    is complete (a servant who was not evaluated in it is left out by year_average).
    """
    return tuple(
        s.quarter
        for s in sorted(states, key=lambda s: s.quarter)
        if not s.approved or s.results == 0 or s.open_sheets > 0
    )
