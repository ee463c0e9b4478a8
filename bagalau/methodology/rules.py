"""Pure rules of the methodology catalog: which indicator table applies, which version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CatalogCoverage:
    """Which category codes one catalog covers in one group."""

    catalog: str
    national: bool
    group: int
    categories: frozenset[str]


def pick_catalog(
    code: str,
    group: int,
    coverage: Iterable[CatalogCoverage],
    preferred: str | None = None,
) -> str | None:
    """The catalog whose Appendix 4 rows give the indicators of `code` in `group`.

    A body's own catalog (its methodology version's) wins when it covers the code; then a
    body-specific table that covers it (000 for E, 002 for D, 004 for B categories); the
    national list (003 App 4) otherwise. None when no table covers the code and group.
    """
    matching = [c for c in coverage if c.group == group and code in c.categories]
    if preferred is not None:
        for entry in matching:
            if entry.catalog == preferred:
                return entry.catalog
    specific = sorted(c.catalog for c in matching if not c.national)
    if specific:
        return specific[0]
    national = sorted(c.catalog for c in matching if c.national)
    return national[0] if national else None


@dataclass(frozen=True)
class VersionSpan:
    id: int
    body_id: int | None
    effective_from: date
    repealed_on: date | None


def version_in_force(
    versions: Sequence[VersionSpan], body_id: int | None, day: date
) -> VersionSpan | None:
    """The methodology version that governs `day` for a body.

    The body's own latest version in force on the day; failing that, the national typical
    version in force (a body may apply the typical methodology until it adopts its own).
    A version is in force from `effective_from` up to the day before `repealed_on`.
    """

    def in_force(v: VersionSpan) -> bool:
        return v.effective_from <= day and (v.repealed_on is None or day < v.repealed_on)

    for owner in (body_id, None):
        candidates = [v for v in versions if v.body_id == owner and in_force(v)]
        if candidates:
            return max(candidates, key=lambda v: (v.effective_from, v.id))
        if owner is None:
            break
    return None
