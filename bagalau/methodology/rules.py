"""Pure rules of methodology data: which indicator table and version apply, which data
cannot break results (bands covering their scale, tables, deadlines), and the version's
workflow as a transition table run by the one workflow layer (evaluations/rules/workflow.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError, FieldError
from bagalau.evaluations.rules.workflow import Machine, Transition, available, check_transition


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
    adopted: bool = True


def version_in_force(
    versions: Sequence[VersionSpan], body_id: int | None, day: date
) -> VersionSpan | None:
    """The methodology version that governs `day` for a body.

    The body's own latest version in force on the day; failing that, the national typical
    version in force (a body may apply the typical methodology until it adopts its own).
    A version is in force from `effective_from` up to the day before `repealed_on`, once
    adopted (`is_adopted`): a draft, or one awaiting approval, governs nothing.
    """

    def in_force(v: VersionSpan) -> bool:
        return (
            v.adopted and v.effective_from <= day and (v.repealed_on is None or day < v.repealed_on)
        )

    for owner in (body_id, None):
        candidates = [v for v in versions if v.body_id == owner and in_force(v)]
        if candidates:
            return max(candidates, key=lambda v: (v.effective_from, v.id))
    return None


def repeals(spans: Sequence[VersionSpan], new: VersionSpan) -> tuple[dict[int, date], date | None]:
    """When a body's version takes effect: the repeal dates it sets (methodology.md §1).

    The body's earlier adopted versions end on the day it starts (their `repealed_on`,
    where that was later or empty); the new one ends where the next adopted one starts,
    or keeps its own repeal date if that is earlier. Returns ({id: repealed_on}, its own).
    """
    same = [v for v in spans if v.adopted and v.id != new.id and v.body_id == new.body_id]
    earlier = {
        v.id: new.effective_from
        for v in same
        if v.effective_from < new.effective_from
        and (v.repealed_on is None or v.repealed_on > new.effective_from)
    }
    later = [v.effective_from for v in same if v.effective_from > new.effective_from]
    own = min([*later, *([new.repealed_on] if new.repealed_on else [])], default=None)
    return earlier, own


# --- The version's workflow -------------------------------------------------------------
#
#   draft ─publish (HR)→ published ─approve (authorized person)→ approved
#     ↑                      │        (only where the version needs approval)
#     └──return (reason)─────┘
#
# A version is in force from its date once published, or once approved where it needs
# approval. SYSTEM is the loader of the national versions and the seeding commands.

VERSION_DRAFT, VERSION_PUBLISHED, VERSION_APPROVED = "draft", "published", "approved"
HR, AUTHORIZED_PERSON, SYSTEM = "hr", "authorized_person", "system"
APPROVAL_ACTIONS = frozenset({"approve", "return"})

MSG_VERSION_STATE = _("This version is “%(state)s”: it cannot be changed that way now.")
MSG_VERSION_ROLE = _("You cannot do this with this version.")
MSG_NO_APPROVAL = _("This version takes effect when it is published: it needs no approval.")

VERSION = Machine(
    "methodology",
    {
        "publish": Transition(
            frozenset({VERSION_DRAFT}), VERSION_PUBLISHED, frozenset({HR, SYSTEM})
        ),
        "approve": Transition(
            frozenset({VERSION_PUBLISHED}), VERSION_APPROVED, frozenset({AUTHORIZED_PERSON, SYSTEM})
        ),
        "return": Transition(
            frozenset({VERSION_PUBLISHED}),
            VERSION_DRAFT,
            frozenset({HR, AUTHORIZED_PERSON}),
            needs_reason=True,
        ),
    },
    MSG_VERSION_STATE,
    MSG_VERSION_ROLE,
)


def check_version_transition(
    action: str,
    state: str,
    roles: Collection[str],
    *,
    needs_approval: bool,
    reason: str = "",
    state_label: str = "",
) -> Transition:
    """The version's transition through the one runner, with the approval guard.

    Approving, or returning a published version to draft, exists only where the version
    needs approval: otherwise it is in force once published, and changes go through a
    new version.
    """
    transition = check_transition(
        action, state, roles, reason=reason, state_label=state_label, machine=VERSION
    )
    if action in APPROVAL_ACTIONS and not needs_approval:
        raise Conflict(MSG_NO_APPROVAL, code="no_approval", field="state")
    return transition


def version_actions(state: str, roles: Collection[str], *, needs_approval: bool) -> list[str]:
    """The buttons of a version page, from the table and the approval guard."""
    return [
        a for a in available(VERSION, state, roles) if needs_approval or a not in APPROVAL_ACTIONS
    ]


def is_adopted(state: str, needs_approval: bool) -> bool:
    """In force from its date: published, and approved where the version needs approval."""
    return state == VERSION_APPROVED or (state == VERSION_PUBLISHED and not needs_approval)


MSG_IN_USE = _(
    "A schedule has been approved under this version: its data changes only through a new version."
)
MSG_AWAITS_APPROVAL = _(
    "This version awaits the authorized person's approval: return it to draft to change it."
)
MSG_APPROVED = _("This version is approved: its data changes only through a new version.")


def edit_refusal(state: str, needs_approval: bool, in_use: bool) -> Promise | None:
    """Why a version's data cannot be edited now, or None when it can.

    A version under which a schedule has been approved is locked: results were formed, or
    are being formed, from its bands, parameters and tables, and an evaluation is always
    shown under the version it ran under (methodology.md §1). An approved version, or one
    awaiting approval, changes only through a new version or after return to draft.
    """
    if in_use:
        return MSG_IN_USE
    if state == VERSION_APPROVED:
        return MSG_APPROVED
    if state == VERSION_PUBLISHED and needs_approval:
        return MSG_AWAITS_APPROVAL
    return None


MSG_AFTER_SOURCE = _(
    "In force from: a new version starts after the version it is made from (%(date)s)."
)
MSG_AFTER_APPROVED = _(
    "In force from: schedules up to %(end)s are approved under the version in force then; "
    "the new version can start from %(next)s."
)


def check_effective_from(
    effective_from: date, *, after: date | None = None, last_approved_end: date | None = None
) -> None:
    """A new version's start: after the version it copies, and after every approved period.

    An evaluation is run and later shown under the version in force for its period
    (methodology.md §1): a version may not start inside a period already approved.
    """
    if after is not None and effective_from <= after:
        raise DomainError(
            MSG_AFTER_SOURCE,
            code="effective_from_early",
            field="effective_from",
            params={"date": after.isoformat()},
        )
    if last_approved_end is not None and effective_from <= last_approved_end:
        raise DomainError(
            MSG_AFTER_APPROVED,
            code="effective_from_approved",
            field="effective_from",
            params={
                "end": last_approved_end.isoformat(),
                "next": (last_approved_end + timedelta(days=1)).isoformat(),
            },
        )


# --- Tables that cannot break results ---------------------------------------------------
#
# A table is saved as a whole and validated as a whole: each check below takes every row
# that would remain (numbered as on the screen, from 1) and returns the problems, each
# with the places (row, field) its message belongs next to. Nothing is saved while any
# problem remains.


@dataclass(frozen=True)
class Problem:
    message: str | Promise
    code: str
    places: tuple[tuple[int, str], ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        return str(self.message) % dict(self.params) if self.params else str(self.message)

    @property
    def rows(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(row for row, _field in self.places))


def raise_problems(problems: Sequence[Problem]) -> None:
    """One DomainError carrying every problem (its field `row.field`, from 1), or nothing."""
    if not problems:
        return
    errors = []
    for p in problems:
        place = f"{p.places[0][0]}.{p.places[0][1]}" if p.places else None
        errors.append(FieldError(place, p.message, p.code, dict(p.params)))
    first = problems[0]
    raise DomainError(
        first.message,
        code=first.code,
        field=errors[0].field,
        params=dict(first.params),
        errors=errors,
    )


MSG_GAP_BETWEEN = _("%(scale)s: no row covers %(start)s–%(end)s (between rows %(a)s and %(b)s).")
MSG_GAP_BEFORE = _("%(scale)s: no row covers %(start)s–%(end)s (before row %(b)s).")
MSG_GAP_AFTER = _("%(scale)s: no row covers %(start)s–%(end)s (after row %(a)s).")
MSG_EMPTY = _("%(scale)s: no row covers %(start)s–%(end)s.")
MSG_OVERLAP = _("%(scale)s: rows %(a)s and %(b)s overlap on %(start)s–%(end)s.")
MSG_OUTSIDE = _("%(scale)s: row %(a)s goes outside %(low)s–%(high)s.")
MSG_REVERSED = _("Row %(a)s: “to” is below “from”.")
MSG_STEP = _("%(scale)s: in row %(a)s the bounds must be multiples of %(step)s.")
MSG_SCALE_UNUSED = _("Row %(a)s: this version does not use the scale “%(scale)s”.")


@dataclass(frozen=True)
class Span:
    """A row's range, inclusive at both ends, numbered as on the screen."""

    row: int
    lower: Decimal
    upper: Decimal


@dataclass(frozen=True)
class ScaleRange:
    """The values a scale takes: `low`..`high` in steps of `step`.

    `open_top`: rows may go on above `high` (KPI counts above the version's maximum,
    percents above 100), but `low`..`high` must be covered.
    """

    label: str
    low: Decimal
    high: Decimal
    step: Decimal
    open_top: bool = False


def _fmt(value: Decimal, step: Decimal) -> str:
    return str(value.quantize(step))


def coverage_problems(
    spans: Sequence[Span], scale: ScaleRange, *, lower: str = "lower", upper: str = "upper"
) -> list[Problem]:
    """Gaps and overlaps of the rows over the scale: every value in exactly one row.

    002 p8: the bands 4.00-5.00, 3.00-3.99, 2.00-2.99, 0.00-1.99 cover 0-5 in steps of
    0.01 (two decimals kept before banding); 001 p18: every count of achieved KPIs has
    a grade. A gap leaves a score without a band, an overlap gives it two. Rows with a
    wrong range of their own are named first; the coverage is checked once they are right.
    """
    step = scale.step
    common = {"scale": scale.label, "step": _fmt(step, step)}
    problems: list[Problem] = []
    valid: list[Span] = []
    for s in spans:
        if s.upper < s.lower:
            problems.append(
                Problem(MSG_REVERSED, "reversed", ((s.row, upper),), {**common, "a": s.row})
            )
        elif (s.lower - scale.low) % step or (s.upper - scale.low) % step:
            problems.append(
                Problem(MSG_STEP, "step", ((s.row, lower), (s.row, upper)), {**common, "a": s.row})
            )
        elif s.lower < scale.low or (s.upper > scale.high and not scale.open_top):
            problems.append(
                Problem(
                    MSG_OUTSIDE,
                    "outside",
                    ((s.row, lower), (s.row, upper)),
                    {
                        **common,
                        "a": s.row,
                        "low": _fmt(scale.low, step),
                        "high": _fmt(scale.high, step),
                    },
                )
            )
        else:
            valid.append(s)
    if problems:
        return problems
    if not valid:
        return [
            Problem(
                MSG_EMPTY,
                "empty",
                (),
                {**common, "start": _fmt(scale.low, step), "end": _fmt(scale.high, step)},
            )
        ]
    cursor = scale.low
    last: Span | None = None  # of the rows so far, the one that reaches furthest
    for s in sorted(valid, key=lambda x: (x.lower, x.upper, x.row)):
        if s.lower > cursor:
            params = {**common, "start": _fmt(cursor, step), "end": _fmt(s.lower - step, step)}
            if last is None:
                problems.append(
                    Problem(MSG_GAP_BEFORE, "gap", ((s.row, lower),), {**params, "b": s.row})
                )
            else:
                problems.append(
                    Problem(
                        MSG_GAP_BETWEEN,
                        "gap",
                        ((last.row, upper), (s.row, lower)),
                        {**params, "a": last.row, "b": s.row},
                    )
                )
        elif last is not None and s.lower <= last.upper:
            problems.append(
                Problem(
                    MSG_OVERLAP,
                    "overlap",
                    ((last.row, upper), (s.row, lower)),
                    {
                        **common,
                        "a": last.row,
                        "b": s.row,
                        "start": _fmt(s.lower, step),
                        "end": _fmt(min(s.upper, last.upper), step),
                    },
                )
            )
        if last is None or s.upper > last.upper:
            last = s
        cursor = max(cursor, s.upper + step)
    if cursor <= scale.high and last is not None:
        problems.append(
            Problem(
                MSG_GAP_AFTER,
                "gap",
                ((last.row, upper),),
                {
                    **common,
                    "a": last.row,
                    "start": _fmt(cursor, step),
                    "end": _fmt(scale.high, step),
                },
            )
        )
    return problems


SCORE, KPI_COUNT = "score", "kpi_count"
# The scale each model grades on: 001 p18 (the 2018 model grades by the number of KPIs
# achieved), 002 p8 (the 0-5 score; the 2025 model keeps it, methodology.md §4a).
SCALES_OF_MODEL: Mapping[str, frozenset[str]] = {
    "2018": frozenset({KPI_COUNT}),
    "2023": frozenset({SCORE}),
    "2025": frozenset({SCORE}),
}


def band_scales(
    *,
    score_min: Decimal,
    score_max: Decimal,
    score_decimals: int,
    kpi_max: int | None,
    labels: Mapping[str, str],
) -> dict[str, ScaleRange]:
    """The ranges a version's bands must cover.

    Scores: `score_min`..`score_max` in steps of the decimals kept (002 p8: 0.00-5.00).
    KPI counts: every count from 0 up to the most KPIs a plan may have (001 p14, p18);
    rows may go on above it, so that HR can widen the bands before raising the maximum.
    """
    return {
        SCORE: ScaleRange(
            labels.get(SCORE, SCORE),
            score_min,
            score_max,
            Decimal(1).scaleb(-score_decimals),
        ),
        KPI_COUNT: ScaleRange(
            labels.get(KPI_COUNT, KPI_COUNT),
            Decimal(0),
            Decimal(kpi_max or 0),
            Decimal(1),
            open_top=True,
        ),
    }


@dataclass(frozen=True)
class BandLine:
    row: int
    scale: str
    lower: Decimal
    upper: Decimal


def band_problems(
    rows: Sequence[BandLine], scales: Mapping[str, ScaleRange], required: Collection[str]
) -> list[Problem]:
    """Every scale the version grades on, and every scale with rows, covered exactly."""
    problems: list[Problem] = []
    by_scale: dict[str, list[Span]] = {}
    for r in rows:
        by_scale.setdefault(r.scale, []).append(Span(r.row, r.lower, r.upper))
    for scale in sorted(set(by_scale) | set(required)):
        spans = by_scale.get(scale, [])
        if scale not in required:
            problems.extend(
                Problem(
                    MSG_SCALE_UNUSED,
                    "scale_unused",
                    ((s.row, "scale"),),
                    {"a": s.row, "scale": scales[scale].label if scale in scales else scale},
                )
                for s in spans
            )
            continue
        problems.extend(coverage_problems(spans, scales[scale]))
    return problems


MSG_SCORES_REVERSED = _("Row %(a)s: the highest score is below the lowest.")
MSG_SCORES_OUTSIDE = _("Row %(a)s: the scores must lie within %(low)s–%(high)s.")


@dataclass(frozen=True)
class KpiRowLine:
    row: int
    percent_from: Decimal
    percent_to: Decimal
    score_min: Decimal
    score_max: Decimal


def kpi_row_problems(
    rows: Sequence[KpiRowLine], *, scores: ScaleRange, percent_label: str
) -> list[Problem]:
    """The table of allowed KPI scores by percent achieved (002 p28, App 3).

    Empty while the body has not entered it (the national table is not in the source
    texts, methodology.md §7). Once filled, every percent from 0 to 100 falls in exactly
    one row (rows may go on above 100), and each row allows scores within the scale.
    """
    if not rows:
        return []
    problems: list[Problem] = []
    low, high, step = scores.low, scores.high, scores.step
    for r in rows:
        if r.score_max < r.score_min:
            problems.append(
                Problem(MSG_SCORES_REVERSED, "reversed", ((r.row, "score_max"),), {"a": r.row})
            )
        elif r.score_min < low or r.score_max > high:
            problems.append(
                Problem(
                    MSG_SCORES_OUTSIDE,
                    "outside",
                    ((r.row, "score_min"), (r.row, "score_max")),
                    {"a": r.row, "low": _fmt(low, step), "high": _fmt(high, step)},
                )
            )
    percent = ScaleRange(percent_label, Decimal(0), Decimal(100), Decimal("0.01"), open_top=True)
    spans = [Span(r.row, r.percent_from, r.percent_to) for r in rows]
    return problems + coverage_problems(spans, percent, lower="percent_from", upper="percent_to")


MSG_DAY_OF_MONTH = _("Row %(a)s: a day of the month is 1 to 31.")
MSG_MMDD = _("Row %(a)s: give the date as month and day, e.g. 130 for 30 January.")
MSG_WORKING_DAYS = _("Row %(a)s: give 0 to %(max)s working days.")
MSG_DEADLINE_IN_USE = _(
    "Row %(a)s is the deadline of “%(kind)s”: choose another deadline for that evaluation "
    "kind first."
)
MAX_WORKING_DAYS = 250


@dataclass(frozen=True)
class DeadlineLine:
    row: int
    rule: str
    amount: int


def deadline_problems(
    rows: Sequence[DeadlineLine], *, removed_in_use: Sequence[tuple[int, str]] = ()
) -> list[Problem]:
    """Each deadline gives a date (002 p5, p12; 2025 model: 30 January → 130).

    A calendar day of the next month is 1-31 (a shorter month ends earlier); a date of
    the next year is a real MMDD, 29 February excluded (not every year has it); working
    days are counted, 0-250. A deadline an evaluation kind is due by cannot be removed:
    `removed_in_use` lists (row, kind label) of such rows marked for deletion.
    """
    problems: list[Problem] = []
    for r in rows:
        if r.rule == "day_next_month" and not 1 <= r.amount <= 31:
            problems.append(Problem(MSG_DAY_OF_MONTH, "day", ((r.row, "amount"),), {"a": r.row}))
        elif r.rule == "date_next_year" and not _is_mmdd(r.amount):
            problems.append(Problem(MSG_MMDD, "mmdd", ((r.row, "amount"),), {"a": r.row}))
        elif r.rule in ("wd_after", "wd_before") and not 0 <= r.amount <= MAX_WORKING_DAYS:
            problems.append(
                Problem(
                    MSG_WORKING_DAYS,
                    "working_days",
                    ((r.row, "amount"),),
                    {"a": r.row, "max": MAX_WORKING_DAYS},
                )
            )
    problems.extend(
        Problem(
            MSG_DEADLINE_IN_USE, "deadline_in_use", ((row, "DELETE"),), {"a": row, "kind": kind}
        )
        for row, kind in removed_in_use
    )
    return problems


def _is_mmdd(amount: int) -> bool:
    try:
        date(2001, amount // 100, amount % 100)  # a year without 29 February
    except ValueError:
        return False
    return True


MSG_KIND_TWICE = _("Rows %(a)s and %(b)s name the same evaluation kind.")
MSG_KIND_PERIOD = _("Row %(a)s: this evaluation kind is not run with this periodicity.")
MSG_KIND_DEADLINE = _("Row %(a)s: choose one of this version's deadlines.")
# 001 p17, p25 (the year's KPI and competency sheets); 002 p5 (quarterly KPIs, the yearly 360).
KIND_PERIODICITY: Mapping[str, str] = {
    "kpi_quarterly": "quarter",
    "kpi_annual": "year",
    "competency": "year",
    "survey_360": "year",
}


@dataclass(frozen=True)
class KindLine:
    row: int
    kind: str
    periodicity: str
    deadline: str


def kind_problems(rows: Sequence[KindLine], *, deadlines: Collection[str]) -> list[Problem]:
    """Each evaluation kind once, at its periodicity, due by one of the version's deadlines."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for r in rows:
        if r.kind in first:
            problems.append(
                Problem(
                    MSG_KIND_TWICE,
                    "kind_twice",
                    ((first[r.kind], "kind"), (r.row, "kind")),
                    {"a": first[r.kind], "b": r.row},
                )
            )
        else:
            first[r.kind] = r.row
        expected = KIND_PERIODICITY.get(r.kind)
        if expected is not None and r.periodicity != expected:
            problems.append(
                Problem(MSG_KIND_PERIOD, "kind_period", ((r.row, "periodicity"),), {"a": r.row})
            )
        if r.deadline and r.deadline not in deadlines:
            problems.append(
                Problem(MSG_KIND_DEADLINE, "kind_deadline", ((r.row, "deadline"),), {"a": r.row})
            )
    return problems


MSG_WEIGHT_NEGATIVE = _("Row %(a)s: a weight cannot be negative.")
MSG_NO_PARAMETERS = _(
    "The differentiation sheet needs at least one parameter with a weight above zero (002 p33)."
)


@dataclass(frozen=True)
class ParameterLine:
    row: int
    weight: Decimal


def parameter_problems(rows: Sequence[ParameterLine], *, differentiation: bool) -> list[Problem]:
    """The sheet score is the weighted mean of the parameters (002 p32-33): some weight."""
    problems = [
        Problem(MSG_WEIGHT_NEGATIVE, "weight", ((r.row, "weight"),), {"a": r.row})
        for r in rows
        if r.weight < 0
    ]
    if differentiation and not problems and sum(r.weight for r in rows) <= 0:
        problems.append(Problem(MSG_NO_PARAMETERS, "no_parameters"))
    return problems


def new_code(prefix: str, taken: Iterable[str]) -> str:
    """A code for a row HR adds: codes are the engine's keys, never typed on a screen."""
    used = set(taken)
    n = 1
    while f"{prefix}_{n}" in used:
        n += 1
    return f"{prefix}_{n}"
