"""HR analytics: the figures of a body, set-based, in a bounded number of queries.

Who sees which figure: `access_analytics` asks the one access rule (`evaluations.access`
body_roles / may_see_results / is_hr) and `rules.audience` maps it to the sections; every
figure is then filtered to the viewer's scope (the whole body, their units, or the body as
one figure) and small cells are withheld where the audience says so (002 p16, p21).
Each figure is a few aggregate queries whatever the body's size; names come in one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, Count, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.evaluations import access
from bagalau.evaluations.models import (
    DONE_TASK_STATES,
    OPEN_TASK_STATES,
    Participation,
    Result,
    SheetLine,
    Task,
    TaskState,
)
from bagalau.evaluations.results import SCALE_OF_KIND
from bagalau.methodology.models import Band, Scale
from bagalau.org.models import Appointment, Servant, StateBody, Unit, localized

from . import rules

MSG_NOT_FOUND = access.MSG_NOT_FOUND
MSG_FORBIDDEN = access.MSG_FORBIDDEN
# Kinds whose results are banded on the count of KPIs achieved (001 p18), not the 0-5 score.
COUNT_KINDS = tuple(kind for kind, scale in SCALE_OF_KIND.items() if scale == Scale.KPI_COUNT)

# Why a sheet was not done: the eligibility reasons (the same words as the sheets' pages).
REASONS = {
    "under_min_months": gettext_lazy("under three months in the position (002 p6)"),
    "under_min_months_since_return": gettext_lazy(
        "under three months since the return from social leave or studies (001 p4)"
    ),
    "probation": gettext_lazy("on probation (001 p4)"),
    "absent": gettext_lazy("absent at evaluation time (002 p6)"),
    "dismissed": gettext_lazy("dismissed before the end (002 p7)"),
    "seconded": gettext_lazy("seconded: evaluated by the host body"),
    "not_in_position": gettext_lazy("not in the position during the period"),
}


@dataclass
class Viewer:
    """A user looking at one body's analytics: the sections and the scope they may see."""

    user: Any
    body: StateBody
    audience: rules.Audience
    units: frozenset[int] = frozenset()  # OWN_UNITS: the unit headed and its sub-units
    unit_names: dict[int, str] = field(default_factory=dict)

    @property
    def small(self) -> bool:
        return self.audience.withhold_small

    def shows(self, section: str) -> bool:
        return self.audience.shows(section)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int  # 0: the year

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}
        return _("Year %(year)s") % {"year": self.year}


def access_analytics(user: Any, body_id: int) -> Viewer:
    """404 to strangers, 403 to members with no figure to see, else the viewer's scope."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    body = StateBody.objects.filter(pk=body_id).first()
    if body is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = access.body_roles(user, body_id)
    today = timezone.localdate()
    held = list(
        Appointment.objects.filter(servant__body_id=body_id, servant__user=user)
        .filter(start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("position__unit_id", "position__is_head")
    )
    member = bool(roles) or bool(held) or Servant.objects.filter(body=body, user=user).exists()
    if not member and not user.is_superuser:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    headed = [unit_id for unit_id, is_head in held if is_head]
    audience = rules.audience(
        hr_head=access.may_see_results(user, body_id, roles),
        hr=access.is_hr(user, body_id, roles),
        heads_unit=bool(headed),
        superuser=bool(user.is_superuser),  # last: a role in the body decides first
    )
    if audience is None:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    viewer = Viewer(user=user, body=body, audience=audience)
    if audience.scope != rules.BODY_TOTAL:
        units = list(Unit.objects.filter(body_id=body_id))
        viewer.unit_names = {u.pk: u.name for u in units}
        if audience.scope == rules.OWN_UNITS:
            parents = {u.pk: u.parent_id for u in units}
            scope: set[int] = set()
            for unit_id in headed:
                scope |= rules.subtree(unit_id, parents)
            viewer.units = frozenset(scope)
    return viewer


def default_period(body_id: int) -> Period:
    """The latest period with results (a quarter, or a year where the body's results are
    yearly, as under the 2018 model), else the current quarter."""
    latest = (
        Result.objects.filter(body_id=body_id)
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .first()
    )
    if latest is not None:
        return Period(*latest)
    today = timezone.localdate()
    return Period(today.year, (today.month - 1) // 3 + 1)


# --- helpers ----------------------------------------------------------------------------------


def _result_unit() -> Coalesce:
    """The unit of a result: its sheet's, or for a year result formed from the quarters the
    unit of the servant's last sheet of that kind in that year."""
    last = (
        Task.objects.filter(
            servant_id=OuterRef("servant_id"), kind=OuterRef("kind"),
            schedule__year=OuterRef("year"), appointment__isnull=False,
        )
        .order_by("-schedule__quarter", "-pk")
        .values("appointment__position__unit_id")[:1]
    )  # fmt: skip
    return Coalesce(
        "task__appointment__position__unit_id", Subquery(last), output_field=BigIntegerField()
    )


def _scoped_results(viewer: Viewer, **filters: Any) -> Any:
    qs = Result.objects.filter(body_id=viewer.body.pk, **filters).annotate(unit=_result_unit())
    if viewer.audience.scope == rules.OWN_UNITS:
        qs = qs.filter(unit__in=viewer.units)
    return qs


def _scoped_tasks(viewer: Viewer, period: Period) -> Any:
    qs = Task.objects.filter(body_id=viewer.body.pk, schedule__year=period.year)
    if period.quarter:
        qs = qs.filter(schedule__quarter=period.quarter)
    if viewer.audience.scope == rules.OWN_UNITS and not viewer.audience.process_whole_body:
        qs = qs.filter(appointment__position__unit_id__in=viewer.units)
    return qs


def _scale(kind: str) -> str:
    return str(SCALE_OF_KIND.get(kind, Scale.SCORE))


def _bands(version_ids: Iterable[int]) -> dict[tuple[int, str], list[rules.BandRow]]:
    """The bands of the versions, by (version, scale): read from the data, never by name."""
    found: dict[tuple[int, str], list[rules.BandRow]] = defaultdict(list)
    for band in Band.objects.filter(version_id__in=list(version_ids)):
        found[band.version_id, band.scale].append(
            rules.BandRow(code=band.code, lower=band.lower, name=band.name)
        )
    return found


def _unit_label(viewer: Viewer, unit_id: int | None) -> str:
    if unit_id is None:
        return _("Without a unit")
    return viewer.unit_names.get(unit_id, "") or _("Without a unit")


# --- 1. distribution by band --------------------------------------------------------------------


def band_distribution(viewer: Viewer, period: Period) -> dict[str, Any]:
    """Counts of results by band, per unit (or the body as one row), for one period."""
    rows = list(
        _scoped_results(viewer, year=period.year, quarter=period.quarter)
        .values("unit", "version_id", "kind", "band")
        .annotate(n=Count("id"))
        .order_by()
    )
    bands = _bands({r["version_id"] for r in rows})
    columns: dict[tuple[str, str], dict[str, Any]] = {}
    for (_version, scale), items in sorted(bands.items()):
        for band in sorted(items, key=lambda b: -b.lower):
            columns.setdefault((scale, band.code), {"key": f"{scale}:{band.code}",
                                                    "code": band.code, "name": band.name,
                                                    "scale": scale})  # fmt: skip
    counts: dict[Any, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    total_counts: dict[tuple[str, str], int] = defaultdict(int)
    per_unit = viewer.audience.scope != rules.BODY_TOTAL
    for r in rows:
        key = (_scale(r["kind"]), r["band"])
        if key not in columns:
            columns[key] = {"key": f"{key[0]}:{key[1]}", "code": r["band"], "name": r["band"],
                            "scale": key[0]}  # fmt: skip
        if per_unit:
            counts[r["unit"]][key] += r["n"]
        total_counts[key] += r["n"]
    keys = list(columns)

    def line(label: str, values: dict[tuple[str, str], int]) -> dict[str, Any]:
        total = sum(values.values())
        return {
            "label": label,
            "cells": [rules.withhold(values.get(k, 0), small=viewer.small) for k in keys],
            "total": rules.withhold(total, small=viewer.small),
        }

    units = sorted(counts, key=lambda u: (u is None, _unit_label(viewer, u)))
    out_rows = [{**line(_unit_label(viewer, u), counts[u]), "unit_id": u} for u in units]
    total = line(_("All"), total_counts)
    withheld = any(c is None for r in [*out_rows, total] for c in [*r["cells"], r["total"]])
    return {
        "period": period,
        "columns": list(columns.values()),
        "rows": out_rows,
        "total": total,
        "withheld": withheld,
    }


# --- 2. average by quarter ----------------------------------------------------------------------


def average_by_quarter(viewer: Viewer, quarters: list[tuple[int, int]]) -> dict[str, Any]:
    """The mean quarter score (0-5 scale) of each quarter, with the number of persons."""
    years = sorted({y for y, _q in quarters})
    found = {
        (r["year"], r["quarter"]): r
        for r in _scoped_results(viewer, year__in=years, quarter__gt=0)
        .exclude(kind__in=COUNT_KINDS)
        .values("year", "quarter")
        .annotate(total=Sum("score"), n=Count("id"), persons=Count("servant_id", distinct=True))
        .order_by()
    }
    points = []
    for year, quarter in quarters:
        row = found.get((year, quarter))
        n = row["n"] if row else 0
        persons = row["persons"] if row else 0
        shown = rules.withhold(persons, small=viewer.small)
        mean = rules.mean(row["total"], n) if row else None
        points.append({
            "period": Period(year, quarter), "year": year, "quarter": quarter,
            "persons": shown, "mean": mean if shown is not None else None,
        })  # fmt: skip
    return {
        "points": points,
        "withheld": any(p["persons"] is None for p in points),
    }


# --- 3. not done and why ------------------------------------------------------------------------


def not_done(viewer: Viewer, period: Period) -> dict[str, Any]:
    """Sheets of the period not evaluated, and why: eligibility, overdue, late (001 p4; 002
    p6-7)."""
    today = timezone.localdate()
    tasks = _scoped_tasks(viewer, period)
    rows: list[dict[str, Any]] = []
    for r in (
        tasks.exclude(participation=Participation.EVALUATED)
        .values("participation", "reason")
        .annotate(n=Count("id"))
        .order_by("participation", "reason")
    ):
        # A reason this page does not know yet is named as such, never by its code.
        why = REASONS.get(r["reason"]) or (
            _("another reason") if r["reason"] else _("no reason recorded")
        )
        rows.append({
            "key": f"{r['participation']}:{r['reason']}",
            "label": f"{Participation(r['participation']).label}: {why}",
            "count": r["n"],
        })  # fmt: skip
    flags = tasks.aggregate(
        not_started=Count("id", filter=Q(state=TaskState.PENDING, due_date__lt=today)),
        unfinished=Count(
            "id",
            filter=Q(
                state__in=[s for s in OPEN_TASK_STATES if s != TaskState.PENDING],
                due_date__lt=today,
            ),
        ),  # fmt: skip
        late=Count("id", filter=Q(late=True)),
        total=Count("id"),
    )
    rows += [
        {"key": "overdue:not_started", "label": _("overdue, not started"),
         "count": flags["not_started"]},
        {"key": "overdue:unfinished", "label": _("overdue, started but not submitted"),
         "count": flags["unfinished"]},
        {"key": "late", "label": _("submitted after the due date"), "count": flags["late"]},
    ]  # fmt: skip
    small = viewer.small and not viewer.audience.process_whole_body
    for row in rows:
        row["count"] = rules.withhold(row["count"], small=small)
    return {
        "period": period,
        "rows": rows,
        "total": rules.withhold(flags["total"], small=small),
        "withheld": any(r["count"] is None for r in rows),
    }


# --- 4. late evaluators -------------------------------------------------------------------------


def late_evaluators(viewer: Viewer, period: Period) -> dict[str, Any]:
    """Per evaluator: sheets submitted after their due date, and sheets overdue now."""
    today = timezone.localdate()
    overdue = Q(state__in=OPEN_TASK_STATES, due_date__lt=today)
    rows = list(
        _scoped_tasks(viewer, period)
        .filter(Q(late=True) | overdue)
        .values("evaluator_user_id", "evaluator_id")
        .annotate(late=Count("id", filter=Q(late=True)), overdue=Count("id", filter=overdue))
        .order_by()
    )
    servants = {
        s.pk: s.full_name
        for s in Servant.objects.filter(pk__in=[r["evaluator_id"] for r in rows if r["evaluator_id"]])
    }  # fmt: skip
    from bagalau.core.models import User

    users = {
        u.pk: (u.get_full_name() or u.username)
        for u in User.objects.filter(
            pk__in=[r["evaluator_user_id"] for r in rows if r["evaluator_user_id"]]
        )
    }
    merged: dict[tuple[Any, Any], dict[str, Any]] = {}
    for r in rows:
        name = (
            servants.get(r["evaluator_id"])
            or users.get(r["evaluator_user_id"])
            or _("No evaluator")
        )
        item = merged.setdefault(
            (r["evaluator_id"], r["evaluator_user_id"]), {"name": name, "late": 0, "overdue": 0}
        )
        item["late"] += r["late"]
        item["overdue"] += r["overdue"]
    out = sorted(merged.values(), key=lambda i: (-(i["late"] + i["overdue"]), i["name"]))
    return {"period": period, "rows": out}


# --- 5. the lists the law attaches consequences to ----------------------------------------------


def _band_filter(picks: dict[tuple[int, str], str]) -> Q:
    q = Q(pk__in=[])
    for (version_id, scale), code in picks.items():
        on_scale = Q(kind__in=COUNT_KINDS) if scale == Scale.KPI_COUNT else ~Q(kind__in=COUNT_KINDS)
        q |= Q(version_id=version_id, band=code) & on_scale
    return q


def bonus_candidates(viewer: Viewer, period: Period) -> list[dict[str, Any]]:
    """Results of the period in the top band of their own version (002 p9-10; 001 p6-7)."""
    results = _scoped_results(viewer, year=period.year, quarter=period.quarter)
    bands = _bands(results.order_by().values_list("version_id", flat=True).distinct())
    picks = {
        key: top.code for key, rows in bands.items() if (top := rules.top_band(rows)) is not None
    }
    names = {(v, s, b.code): b.name for (v, s), rows in bands.items() for b in rows}
    found = []
    for r in (
        results.filter(_band_filter(picks))
        .select_related("servant")
        .order_by("servant__last_name_kk", "servant_id", "kind")
    ):
        found.append({
            "servant_id": r.servant_id, "name": r.servant.full_name,
            "unit": _unit_label(viewer, r.unit), "kind": r.get_kind_display(),
            "score": r.score, "band": names.get((r.version_id, _scale(r.kind), r.band), r.band),
        })  # fmt: skip
    return found


def unsatisfactory_runs(viewer: Viewer, period: Period) -> list[dict[str, Any]]:
    """Servants in the lowest band of their version in two or more consecutive quarters, or
    consecutive years, the run touching the chosen year."""
    results = _scoped_results(viewer)
    bands = _bands(results.order_by().values_list("version_id", flat=True).distinct())
    picks = {
        key: low.code for key, rows in bands.items() if (low := rules.lowest_band(rows)) is not None
    }
    quarters: dict[int, set[int]] = defaultdict(set)
    years: dict[int, set[int]] = defaultdict(set)
    for servant_id, year, quarter in results.filter(_band_filter(picks)).values_list(
        "servant_id", "year", "quarter"
    ):
        if quarter:
            quarters[servant_id].add(rules.quarter_index(year, quarter))
        else:
            years[servant_id].add(year)
    runs: list[tuple[int, Period, Period]] = []
    for servant_id, indexes in quarters.items():
        for first, last in rules.consecutive_runs(indexes):
            if rules.quarter_of(first)[0] <= period.year <= rules.quarter_of(last)[0]:
                runs.append((servant_id, Period(*rules.quarter_of(first)),
                             Period(*rules.quarter_of(last))))  # fmt: skip
    for servant_id, held in years.items():
        for first, last in rules.consecutive_runs(held):
            if first <= period.year <= last:
                runs.append((servant_id, Period(first, 0), Period(last, 0)))
    servants = {s.pk: s for s in Servant.objects.filter(pk__in={r[0] for r in runs})}
    return sorted(
        (
            {"servant_id": sid, "name": servants[sid].full_name, "first": first, "last": last,
             "from": first.label, "to": last.label}
            for sid, first, last in runs
        ),
        key=lambda r: (r["name"], r["first"].year, r["first"].quarter),
    )  # fmt: skip


def training_needs(viewer: Viewer, period: Period) -> dict[str, Any]:
    """Training topics: the 360's weakest competencies (002 p37) and the competencies of the
    2018 sheets marked "does not meet expectations" (001 p25-27), with how many persons."""
    from bagalau.surveys import selectors as survey_selectors
    from bagalau.surveys.models import Campaign, CampaignState

    campaign = Campaign.objects.filter(
        body_id=viewer.body.pk, year=period.year, state=CampaignState.CLOSED
    ).first()
    survey = []
    if campaign is not None:
        survey = [
            {"code": t["code"], "name": t["competency"].name, "people": t["people"],
             "mean": t["mean"]}
            for t in survey_selectors.training_topics(campaign)
        ]  # fmt: skip
    lines = (
        SheetLine.objects.filter(
            task__body_id=viewer.body.pk, task__kind="competency",
            task__schedule__year=period.year, task__state__in=DONE_TASK_STATES, achieved=False,
        )
        .values("code", "name_kk", "name_ru", "name_en")
        .annotate(people=Count("task__servant_id", distinct=True))
        .order_by("-people", "code")
    )  # fmt: skip
    competency = [
        {"code": r["code"], "name": localized(_Names(r), "name"), "people": r["people"]}
        for r in lines
    ]
    return {"survey": survey, "competency": competency, "campaign": campaign}


class _Names:
    def __init__(self, row: Any) -> None:
        for lang in ("kk", "ru", "en"):
            setattr(self, f"name_{lang}", row.get(f"name_{lang}", ""))


# --- 6. calibration and commission outcomes -----------------------------------------------------


def decisions(viewer: Viewer, period: Period) -> dict[str, Any]:
    """Calibration (002 p13, p39-42): applications, sessions, scores moved up or down; the
    commission (001 p37-38): results revised up, down, or kept. For the chosen year."""
    from bagalau.calibration import rules as calibration_rules
    from bagalau.calibration.models import CalibrationCase
    from bagalau.commission import rules as commission_rules
    from bagalau.commission.models import Decision

    cases = CalibrationCase.objects.filter(body_id=viewer.body.pk, result__year=period.year)
    verdicts = Decision.objects.filter(
        case__meeting__body_id=viewer.body.pk, case__meeting__year=period.year
    )
    if viewer.audience.scope == rules.OWN_UNITS:
        cases = cases.filter(unit_id__in=viewer.units)
        verdicts = verdicts.filter(case__task__appointment__position__unit_id__in=viewer.units)
    calibration = cases.aggregate(
        applications=Count("id"),
        declined=Count("id", filter=Q(state=calibration_rules.DECLINED)),
        sessions=Count("id", filter=Q(held_on__isnull=False)),
        up=Count("id", filter=Q(final_score__gt=F("score_before"))),
        down=Count("id", filter=Q(final_score__lt=F("score_before"))),
        kept=Count("id", filter=Q(final_score=F("score_before"))),
    )
    commission = verdicts.annotate(
        before=Coalesce("case__result__original_score", "case__task__score")
    ).aggregate(
        decided=Count("id"),
        up=Count("id", filter=Q(choice=commission_rules.REVISE, corrected__gt=F("before"))),
        down=Count("id", filter=Q(choice=commission_rules.REVISE, corrected__lt=F("before"))),
        kept=Count(
            "id",
            filter=Q(choice=commission_rules.APPROVE)
            | Q(corrected__isnull=True)
            | Q(corrected=F("before")),
        ),
    )
    small = viewer.small
    return {
        "period": period,
        "calibration": {k: rules.withhold(v, small=small) for k, v in calibration.items()},
        "commission": {k: rules.withhold(v, small=small) for k, v in commission.items()},
    }


# --- national (superuser) -----------------------------------------------------------------------


def national(user: Any, period: Period) -> dict[str, Any]:
    """Counts per band and the mean score of every body for one period: no unit, no person.
    For a superuser (who has no evaluation role); anyone else 404."""
    if not getattr(user, "is_authenticated", False) or not user.is_superuser:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    rows = list(
        Result.objects.filter(year=period.year, quarter=period.quarter)
        .values("body_id", "version_id", "kind", "band")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by()
    )
    bands = _bands({r["version_id"] for r in rows})
    columns: dict[tuple[str, str], dict[str, Any]] = {}
    for (_version, scale), items in sorted(bands.items()):
        for band in sorted(items, key=lambda b: -b.lower):
            columns.setdefault((scale, band.code), {"key": f"{scale}:{band.code}",
                                                    "code": band.code, "name": band.name,
                                                    "scale": scale})  # fmt: skip
    per_body: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"counts": defaultdict(int), "total": Decimal(0), "n": 0}
    )
    for r in rows:
        key = (_scale(r["kind"]), r["band"])
        columns.setdefault(key, {"key": f"{key[0]}:{key[1]}", "code": r["band"],
                                 "name": r["band"], "scale": key[0]})  # fmt: skip
        item = per_body[r["body_id"]]
        item["counts"][key] += r["n"]
        if key[0] == Scale.SCORE:
            item["total"] += r["total"] or 0
            item["n"] += r["n"]
    names = {b.pk: b.name for b in StateBody.objects.filter(pk__in=list(per_body))}
    keys = list(columns)
    out = []
    for body_id, item in sorted(per_body.items(), key=lambda kv: names.get(kv[0], "")):
        persons = rules.withhold(item["n"], small=True)
        out.append({
            "body_id": body_id, "label": names.get(body_id, ""),
            "cells": [rules.withhold(item["counts"].get(k, 0), small=True) for k in keys],
            "persons": persons,
            "mean": rules.mean(item["total"], item["n"]) if persons is not None else None,
        })  # fmt: skip
    return {"period": period, "columns": list(columns.values()), "rows": out}


def latest_year() -> int:
    found = Result.objects.aggregate(year=Max("year"))["year"]
    return int(found) if found else timezone.localdate().year


def figures(viewer: Viewer, period: Period, *, chosen: bool) -> dict[str, Any]:
    """Every section the viewer may see, for the period (the average: the chosen year's
    quarters, or the last eight quarters up to the period)."""
    out: dict[str, Any] = {"period": period, "scope": viewer.audience.scope,
                           "sections": list(viewer.audience.sections)}  # fmt: skip
    if viewer.shows(rules.BANDS):
        out[rules.BANDS] = band_distribution(viewer, period)
    if viewer.shows(rules.AVERAGE):
        if chosen:
            quarters = [(period.year, q) for q in (1, 2, 3, 4)]
        else:
            quarters = rules.last_quarters(period.year, period.quarter or 4)
        out[rules.AVERAGE] = average_by_quarter(viewer, quarters)
    if viewer.shows(rules.MISSING):
        out[rules.MISSING] = not_done(viewer, period)
    if viewer.shows(rules.LATE):
        out[rules.LATE] = late_evaluators(viewer, period)
    if viewer.shows(rules.LISTS):
        out[rules.LISTS] = {
            "bonus": bonus_candidates(viewer, period),
            "unsatisfactory": unsatisfactory_runs(viewer, period),
            "training": training_needs(viewer, period),
        }
    if viewer.shows(rules.DECISIONS):
        out[rules.DECISIONS] = decisions(viewer, period)
    return out
