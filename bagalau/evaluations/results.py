"""The one result path (issue 12 item 2): quarter and year results, bands, due dates.

`form` turns scored items — one submitted sheet, a unit's bulk submission, a whole
schedule's close, a body's year — into results with their band (002 p8) and acquaintance
deadline (002 p12, working days on the body's calendar), set-based: a fixed number of
queries per batch of BATCH items, rows inserted without model instances
(`core.bulksql.insert_rows`). The "result ready" notices of the results it returns are
queued after commit by `notices.results_ready` (one INSERT … SELECT per channel).

Used by `services.task_transition` / `services.tasks_transition` (web, API, bulk page),
`services.year_results_form` (HR, `tick`), `bulk.quarter_close` and the benchmark.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from bagalau.core.bulksql import insert_rows
from bagalau.methodology.models import Band, Deadline, Scale
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from . import notices
from .models import Result, ResultChange
from .rules import scoring

BATCH = 1000
DEFAULT_ACQUAINTANCE_DAYS = 2  # 002 p12, when a version has no "acquaintance" deadline
FIELDS = (
    "body_id", "servant_id", "version_id", "kind", "year", "quarter", "task_id",
    "original_score", "score", "band", "quarters", "acquaintance_due", "provisional",
)  # fmt: skip
# The scale a kind's score is banded on: the 2018 KPI sheet counts the KPIs achieved (001 p18).
SCALE_OF_KIND = {"kpi_annual": Scale.KPI_COUNT}


@dataclass(frozen=True, slots=True)
class Scored:
    """One result to form: whose, of which period, the score and the day it counts from."""

    servant_id: int
    version_id: int
    kind: str
    year: int
    quarter: int  # 0: the year
    score: Decimal
    day: date  # the submission day (or the forming day of a year result)
    task_id: int | None = None
    quarters: tuple[int, ...] = ()
    # 2018 model: the commission decides (001 p37-39); until then no acquaintance is due.
    provisional: bool = False


@dataclass
class Formed:
    created: list[int] = field(default_factory=list)  # new result ids
    changed: list[int] = field(default_factory=list)  # corrected or recomputed result ids
    skipped: int = 0  # the period already has a result from another sheet, or acquainted

    @property
    def announced(self) -> list[int]:
        return [*self.created, *self.changed]


def chunks(items: Sequence[Any], size: int = BATCH) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def form(
    *,
    actor: Any,
    body_id: int,
    items: Sequence[Scored],
    announce: bool = True,
    announce_recomputed: bool = True,
) -> Formed:
    """Form or refresh the results of `items` (all of one body); see the module docstring.

    A period without a result gets one. A sheet's own result (same task) is corrected:
    score and band replaced (a ResultChange "correction" when the score moves) and it is
    acquainted again with a new deadline (002 p12). A year result nobody acquainted is
    recomputed when its score or quarters change (ResultChange "recomputed"); an acquainted
    one, or a period result from another sheet, is left alone and counted as skipped.
    The notices of new and corrected results (and recomputed ones with
    `announce_recomputed`) are queued after commit when `announce`.
    """
    formed = Formed()
    if not items:
        return formed
    versions = {item.version_id for item in items}
    bands: dict[tuple[int, str], list[scoring.BandRow]] = defaultdict(list)
    for version_id, scale, code, lower, upper in Band.objects.filter(
        version_id__in=versions
    ).values_list("version_id", "scale", "code", "lower", "upper"):
        bands[version_id, scale].append(scoring.BandRow(code, lower, upper))
    amounts = dict(
        Deadline.objects.filter(version_id__in=versions, code="acquaintance").values_list(
            "version_id", "amount"
        )
    )
    longest = max([*amounts.values(), DEFAULT_ACQUAINTANCE_DAYS])
    days = [item.day for item in items]
    calendar = workday_services.calendar_for(
        body_id, min(days), max(days) + timedelta(days=2 * longest + 60)
    )
    due_of: dict[tuple[date, int], date] = {}

    def due(item: Scored) -> date:
        amount = amounts.get(item.version_id, DEFAULT_ACQUAINTANCE_DAYS)
        if (item.day, amount) not in due_of:
            due_of[item.day, amount] = workday_rules.add_working_days(item.day, amount, calendar)
        return due_of[item.day, amount]

    recomputed: list[int] = []
    with transaction.atomic():
        for chunk in chunks(items):
            _form_chunk(actor, body_id, chunk, bands, due, formed, recomputed)
    if announce:
        skip = set() if announce_recomputed else set(recomputed)
        ids = [pk for pk in formed.announced if pk not in skip]
        if ids:
            transaction.on_commit(lambda: notices.results_ready(ids))
    return formed


def _form_chunk(
    actor: Any,
    body_id: int,
    chunk: Sequence[Scored],
    bands: dict[tuple[int, str], list[scoring.BandRow]],
    due: Any,
    formed: Formed,
    recomputed: list[int],
) -> None:
    keys = {(i.servant_id, i.kind, i.year, i.quarter) for i in chunk}
    which = Q(
        servant_id__in={k[0] for k in keys},
        kind__in={k[1] for k in keys},
        year__in={k[2] for k in keys},
        quarter__in={k[3] for k in keys},
    )
    existing = {
        (r.servant_id, r.kind, r.year, r.quarter): r
        for r in Result.objects.select_for_update().filter(which)
    }
    rows: list[tuple[Any, ...]] = []
    updated: list[Result] = []
    changes: list[ResultChange] = []
    decided_by = actor if getattr(actor, "is_authenticated", False) else None
    seen: set[tuple[int, str, int, int]] = set()
    for item in chunk:
        key = (item.servant_id, item.kind, item.year, item.quarter)
        if key in seen:  # two sheets of one period in one call: the first one counts
            formed.skipped += 1
            continue
        seen.add(key)
        value = scoring.quantize(item.score)
        scale = SCALE_OF_KIND.get(item.kind, Scale.SCORE)
        band = scoring.band_for(value, bands[item.version_id, scale])
        code = band.code if band else ""
        acquaintance_due = None if item.provisional else due(item)
        current = existing.get(key)
        if current is None:
            rows.append((
                body_id, item.servant_id, item.version_id, item.kind, item.year, item.quarter,
                item.task_id, value, value, code, list(item.quarters), acquaintance_due,
                item.provisional,
            ))  # fmt: skip
            continue
        if item.task_id is not None and current.task_id == item.task_id:
            # The sheet's own result, submitted again: corrected, acquainted again (002 p12).
            if current.score != value:
                changes.append(ResultChange(
                    result=current, score_from=current.score, score_to=value,
                    source="correction", decided_by=decided_by,
                ))  # fmt: skip
            current.score, current.band = value, code
            current.acknowledged_at = current.refused_at = None
            current.refusal_act = {}
            current.acquaintance_due = acquaintance_due
            current.provisional = item.provisional
            updated.append(current)
            formed.changed.append(current.pk)
        elif (
            item.task_id is None
            and current.task_id is None
            and current.body_id == body_id
            and not current.acquainted
            and (current.score != value or current.quarters != list(item.quarters))
        ):
            if current.score != value:
                changes.append(ResultChange(
                    result=current, score_from=current.score, score_to=value, source="recomputed",
                ))  # fmt: skip
            current.score, current.band = value, code
            current.quarters = list(item.quarters)
            current.acquaintance_due = due(item)
            updated.append(current)
            formed.changed.append(current.pk)
            recomputed.append(current.pk)
        else:
            formed.skipped += 1
    if rows:
        quarters = Result._meta.get_field("quarters")
        prepared = [
            (*row[:10], quarters.get_db_prep_save(row[10], connection), *row[11:]) for row in rows
        ]
        insert_rows(Result, FIELDS, prepared)
        ids = {
            (s, k, y, q): pk
            for pk, s, k, y, q in Result.objects.filter(which, pk__isnull=False).values_list(
                "pk", "servant_id", "kind", "year", "quarter"
            )
        }
        formed.created.extend(ids[(r[1], r[3], r[4], r[5])] for r in rows)
    if changes:
        ResultChange.objects.bulk_create(changes)
    if updated:
        Result.objects.bulk_update(
            updated,
            ["score", "band", "quarters", "acquaintance_due", "acknowledged_at", "refused_at",
             "refusal_act", "provisional"],
            batch_size=500,
        )  # fmt: skip


# --- decided changes: the commission's revision, the calibration vote ---------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    """A collective decision on one result (001 p37-39: the commission approves or revises;
    002 p42: the calibration session's final score). `day` is the day the evaluation ends
    for the servant: acquaintance is due from it (001 p40; 002 p12)."""

    result_id: int
    score: Decimal
    source: str  # "commission", "calibration", …: ResultChange.source
    reason: str
    day: date


def decide(*, actor: Any, body_id: int, decisions: Sequence[Decision]) -> list[Result]:
    """Apply decisions to results of one body: the one path for a decided change.

    Each result takes the decided score as its current score (the original stays), its band
    from it, a ResultChange (source, reason, who) when the score moves, stops being
    provisional and is acquainted again with a new deadline from the decision's day. A
    quarter result's year mean (002 p5) is recomputed from the quarters' current scores,
    with its own ResultChange "recomputed", and acquainted again when it moves. The "result
    ready" notices are queued after commit. A fixed number of queries per call.
    """
    if not decisions:
        return []
    by_id = {d.result_id: d for d in decisions}
    with transaction.atomic():
        found = list(Result.objects.select_for_update().filter(pk__in=list(by_id), body_id=body_id))
        versions = {r.version_id for r in found}
        bands: dict[tuple[int, str], list[scoring.BandRow]] = defaultdict(list)
        for version_id, scale, code, lower, upper in Band.objects.filter(
            version_id__in=versions
        ).values_list("version_id", "scale", "code", "lower", "upper"):
            bands[version_id, scale].append(scoring.BandRow(code, lower, upper))
        amounts = dict(
            Deadline.objects.filter(version_id__in=versions, code="acquaintance").values_list(
                "version_id", "amount"
            )
        )
        days = [d.day for d in decisions]
        calendar = workday_services.calendar_for(body_id, min(days), max(days) + timedelta(days=60))

        def due(version_id: int, day: date) -> date:
            amount = amounts.get(version_id, DEFAULT_ACQUAINTANCE_DAYS)
            return workday_rules.add_working_days(day, amount, calendar)

        def band(result: Result, value: Decimal) -> str:
            row = scoring.band_for(value, bands[result.version_id, SCALE_OF_KIND.get(
                result.kind, Scale.SCORE)])  # fmt: skip
            return row.code if row else ""

        decided_by = actor if getattr(actor, "is_authenticated", False) else None
        changes: list[ResultChange] = []
        for result in found:
            decision = by_id[result.pk]
            value = scoring.quantize(decision.score)
            if value != result.score:
                changes.append(ResultChange(
                    result=result, score_from=result.score, score_to=value,
                    source=decision.source, reason=decision.reason[:4000], decided_by=decided_by,
                ))  # fmt: skip
            result.score, result.band = value, band(result, value)
            result.provisional = False
            result.acknowledged_at = result.refused_at = None
            result.refusal_act = {}
            result.acquaintance_due = due(result.version_id, decision.day)
        years = _year_means(found, band, due, {r.pk: by_id[r.pk].day for r in found}, changes)
        ResultChange.objects.bulk_create(changes)
        fields = ["score", "band", "provisional", "acknowledged_at", "refused_at", "refusal_act",
                  "acquaintance_due", "quarters"]  # fmt: skip
        Result.objects.bulk_update([*found, *years], fields, batch_size=500)
    ids = [r.pk for r in [*found, *years]]
    transaction.on_commit(lambda: notices.results_ready(ids))
    return found


def _year_means(
    quarters: Sequence[Result], band: Any, due: Any, day_of: dict[int, date],
    changes: list[ResultChange],
) -> list[Result]:  # fmt: skip
    """The year results (formed from quarters, no sheet of their own) of the decided quarter
    results, recomputed from the quarters' current scores (002 p5)."""
    keys = {(r.servant_id, r.kind, r.year) for r in quarters if r.quarter > 0}
    if not keys:
        return []
    which = Q(
        servant_id__in={k[0] for k in keys}, kind__in={k[1] for k in keys},
        year__in={k[2] for k in keys},
    )  # fmt: skip
    rows = list(Result.objects.select_for_update().filter(which))
    decided = {r.pk: r for r in quarters}
    by_key: dict[tuple[int, str, int], dict[int, Decimal]] = defaultdict(dict)
    for r in rows:
        if r.quarter > 0:
            by_key[r.servant_id, r.kind, r.year][r.quarter] = decided.get(r.pk, r).score
    day = {(r.servant_id, r.kind, r.year): day_of[r.pk] for r in quarters}
    changed = []
    for year in rows:
        key = (year.servant_id, year.kind, year.year)
        if year.quarter != 0 or year.task_id is not None or key not in keys:
            continue
        average = scoring.year_average({q: by_key[key].get(q) for q in (1, 2, 3, 4)})
        if average.score is None:
            continue
        value = scoring.quantize(average.score)
        if value == year.score and list(average.included) == year.quarters:
            continue
        if value != year.score:
            changes.append(ResultChange(
                result=year, score_from=year.score, score_to=value, source="recomputed",
            ))  # fmt: skip
        year.score, year.band = value, band(year, value)
        year.quarters = list(average.included)
        year.acknowledged_at = year.refused_at = None
        year.refusal_act = {}
        year.acquaintance_due = due(year.version_id, day[key])
        changed.append(year)
    return changed
