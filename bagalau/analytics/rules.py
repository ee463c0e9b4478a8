"""HR analytics: who sees which figure, and the arithmetic of the figures (pure, no ORM).

Who knows what is decided by the one access rule (`evaluations.access`: `body_roles`,
`may_see_results`, `is_hr`); `audience` only maps its answers to the page's sections:

- the head of HR knows every result of the body (002 p21): every section, persons included;
- the head of a unit (an evaluator) sees aggregates of their unit and its sub-units only,
  and a cell of fewer than three persons is withheld so an aggregate never reveals a
  person's result (002 p16, p21);
- an HR officer who is not the head runs the process: the process figures, no score or band;
- a superuser has no evaluation role: national aggregates per body, never a unit or a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BANDS = "bands"  # 1. distribution by band per unit
AVERAGE = "average"  # 2. the body's average score by quarter
MISSING = "missing"  # 3. evaluations not done and why
LATE = "late"  # 4. late evaluators
LISTS = "lists"  # 5. the lists the law attaches consequences to (persons)
DECISIONS = "decisions"  # 6. calibration and commission outcomes
SECTIONS = (BANDS, AVERAGE, MISSING, LATE, LISTS, DECISIONS)

# Fewer persons than this in a cell and the cell is withheld (002 p16, p21).
MIN_GROUP = 3

# The scope of the result figures.
WHOLE_BODY = "body"  # every unit of the body
OWN_UNITS = "units"  # the viewer's unit and its sub-units
BODY_TOTAL = "total"  # the body as one figure (no unit)


@dataclass(frozen=True)
class Audience:
    sections: tuple[str, ...]
    scope: str = WHOLE_BODY
    withhold_small: bool = False
    # The process figures (not done, late): the whole body for HR, who run the process.
    process_whole_body: bool = False

    def shows(self, section: str) -> bool:
        return section in self.sections


def audience(*, hr_head: bool, hr: bool, heads_unit: bool, superuser: bool) -> Audience | None:
    """The sections a viewer of a body's analytics sees; None: none (403 for a member).

    The flags come from `evaluations.access` (the one access rule) and the org structure.
    """
    if hr_head:  # 002 p21: the head of HR knows the results
        return Audience(SECTIONS)  # the whole body, the default scope
    if heads_unit:  # 002 p16, p21: aggregates of one's own units, small cells withheld
        process = (MISSING, LATE) if hr else (MISSING,)
        return Audience(
            (BANDS, AVERAGE, *process, DECISIONS), OWN_UNITS, withhold_small=True,
            process_whole_body=hr,
        )  # fmt: skip
    if hr:  # HR officers run the process and see no score or band (002 p21)
        return Audience((MISSING, LATE))  # the whole body
    if superuser:  # no evaluation role: the body as one figure, never a unit or a person
        return Audience((BANDS, AVERAGE), BODY_TOTAL, withhold_small=True)
    return None


def withhold(count: int | None, *, small: bool) -> int | None:
    """The count as shown: None (shown «—») when `small` cells are withheld and it counts
    fewer than MIN_GROUP persons (002 p16, p21)."""
    if count is None:
        return None
    return None if small and count < MIN_GROUP else count


def subtree(unit_id: int, parents: Mapping[int, int | None]) -> set[int]:
    """The unit and every unit below it, from a map unit → parent."""
    children: dict[int | None, list[int]] = {}
    for uid, parent in parents.items():
        children.setdefault(parent, []).append(uid)
    found: set[int] = set()
    stack = [unit_id]
    while stack:
        uid = stack.pop()
        if uid in found:
            continue
        found.add(uid)
        stack.extend(children.get(uid, ()))
    return found


@dataclass(frozen=True)
class BandRow:
    code: str
    lower: Decimal
    name: str = ""


def top_band(bands: Sequence[BandRow]) -> BandRow | None:
    """The version's highest band on a scale (002 p8: "effectively"; 001 p18: "excellent")."""
    return max(bands, key=lambda b: b.lower, default=None)


def lowest_band(bands: Sequence[BandRow]) -> BandRow | None:
    """The version's lowest band on a scale (002 p8, 001 p18: "unsatisfactorily")."""
    return min(bands, key=lambda b: b.lower, default=None)


def quarter_index(year: int, quarter: int) -> int:
    """Quarters counted in one sequence, so that Q4 2024 and Q1 2025 are consecutive."""
    return year * 4 + quarter - 1


def quarter_of(index: int) -> tuple[int, int]:
    return index // 4, index % 4 + 1


def last_quarters(year: int, quarter: int, count: int = 8) -> list[tuple[int, int]]:
    """The `count` quarters ending with (year, quarter), oldest first."""
    end = quarter_index(year, quarter)
    return [quarter_of(i) for i in range(end - count + 1, end + 1)]


def consecutive_runs(periods: Iterable[int], *, minimum: int = 2) -> list[tuple[int, int]]:
    """Runs of at least `minimum` consecutive periods (quarter indexes or years): (first, last)."""
    ordered = sorted(set(periods))
    runs: list[tuple[int, int]] = []
    start = prev = None
    for p in ordered:
        if prev is not None and p == prev + 1:
            prev = p
            continue
        if start is not None and prev is not None and prev - start + 1 >= minimum:
            runs.append((start, prev))
        start = prev = p
    if start is not None and prev is not None and prev - start + 1 >= minimum:
        runs.append((start, prev))
    return runs


UP, DOWN, KEPT = "up", "down", "kept"


def direction(before: Decimal | None, after: Decimal | None) -> str:
    """How a decision moved a score (002 p42: "up or down"; 001 p37-38: revised or approved)."""
    if before is None or after is None:
        return KEPT
    return UP if after > before else DOWN if after < before else KEPT


def mean(total: Decimal | None, count: int) -> Decimal | None:
    """A mean kept to two decimals, half-up (002 p8)."""
    if not count or total is None:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
