"""Retention (001 p8, 002 p15): the evaluation records kept three years after their period.

`expired_periods` finds a body's periods whose term has run out (rules.period_expired);
`steps` names, for one body and period, every kind of record of it as a queryset, in the
order in which they can be deleted (children before parents, each foreign key released
before its target goes); `period_counts` counts them; `period_purge` archives (optionally)
and deletes them set-based in one transaction, writes one audit event with counts and
periods only (no names, no scores), and removes the evidence files from storage after commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from bagalau.core.models import audit
from bagalau.evaluations import evidence as evidence_files
from bagalau.evaluations.models import (
    Evidence,
    IndicatorMark,
    Result,
    ResultChange,
    Schedule,
    SheetLine,
    Task,
)
from bagalau.org.models import StateBody

from . import rules

log = logging.getLogger(__name__)

ACTION = "retention.purge"


@dataclass(frozen=True)
class Step:
    key: str  # the kind of record, e.g. "evaluations.task"
    queryset: QuerySet[Any]


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:  # an app not installed (or a model not written yet)
        return None


def issued_documents(body_id: int, year: int, quarter: int) -> QuerySet[Any]:
    """documents.IssuedDocument of the period (the period of the record it was made from;
    a document of no one period, by the year it was issued)."""
    from bagalau.documents.models import IssuedDocument

    return IssuedDocument.objects.filter(body_id=body_id, year=year, quarter=quarter)


def _ids_as_text(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.annotate(_text_id=Cast("pk", CharField())).values("_text_id")


def steps(body_id: int, year: int, quarter: int) -> list[Step]:
    """Every record of the body's period, in deletion order (querysets, nothing evaluated)."""
    schedules = Schedule.objects.filter(body_id=body_id, year=year, quarter=quarter)
    tasks = Task.objects.filter(schedule__in=schedules)
    results = Result.objects.filter(
        Q(body_id=body_id, year=year, quarter=quarter) | Q(task__in=tasks)
    )
    found: list[Step] = []

    def add(label: str, qs: QuerySet[Any] | None) -> None:
        if qs is not None:
            found.append(Step(label, qs))

    year_scoped = quarter == 0  # plans, the commission and the 360 run once a year
    Meeting = _model("commission.Meeting")
    Case = _model("commission.Case")
    CalibrationCase = _model("calibration.CalibrationCase")
    WorkPlan = _model("plans.WorkPlan")
    Campaign = _model("surveys.Campaign")
    meetings = (
        Meeting.objects.filter(body_id=body_id, year=year) if Meeting and year_scoped else None
    )
    cases = None
    if Case is not None:
        match = Q(task__in=tasks) | Q(result__in=results)
        if meetings is not None:
            match |= Q(meeting__in=meetings)
        cases = Case.objects.filter(match)
    calibrations = (
        CalibrationCase.objects.filter(Q(result__in=results) | Q(task__in=tasks))
        if CalibrationCase
        else None
    )
    plans = (
        WorkPlan.objects.filter(body_id=body_id, year=year) if WorkPlan and year_scoped else None
    )
    campaigns = (
        Campaign.objects.filter(body_id=body_id, year=year) if Campaign and year_scoped else None
    )
    Subject = _model("surveys.Subject")
    subjects = Subject.objects.filter(campaign__in=campaigns) if campaigns is not None else None

    add("documents.issueddocument", issued_documents(body_id, year, quarter))
    Notification = _model("notifications.Notification")
    if Notification is not None:
        about = Q(object_type="evaluations.schedule", object_id__in=_ids_as_text(schedules))
        about |= Q(object_type__in=["evaluations.task", "evaluations.sheet"],
                   object_id__in=_ids_as_text(tasks))  # fmt: skip
        about |= Q(object_type="evaluations.result", object_id__in=_ids_as_text(results))
        for label, qs in (
            ("commission.meeting", meetings), ("calibration.calibrationcase", calibrations),
            ("plans.workplan", plans), ("surveys.campaign", campaigns),
            ("surveys.subject", subjects),
        ):  # fmt: skip
            if qs is not None:
                about |= Q(object_type=label, object_id__in=_ids_as_text(qs))
        add("notifications.notification", Notification.objects.filter(about, body_id=body_id))
    if cases is not None:
        appeal = _model("commission.Appeal")
        add(
            "commission.appeal",
            appeal.objects.filter(Q(case__in=cases) | Q(reopened_task__in=tasks)),
        )
        add("commission.vote", _model("commission.Vote").objects.filter(case__in=cases))
        add("commission.decision", _model("commission.Decision").objects.filter(case__in=cases))
        add("commission.case", cases)
    if meetings is not None:
        add(
            "commission.attendance",
            _model("commission.Attendance").objects.filter(meeting__in=meetings),
        )
        add("commission.meeting", meetings)
    if calibrations is not None:
        for label in ("calibration.Appeal", "calibration.Participant", "calibration.Position"):
            add(label.lower(), _model(label).objects.filter(case__in=calibrations))
        add("calibration.calibrationcase", calibrations)
    add("evaluations.resultchange", ResultChange.objects.filter(result__in=results))
    add("evaluations.result", results)
    add("evaluations.evidence", Evidence.objects.filter(task__in=tasks))
    add("evaluations.indicatormark", IndicatorMark.objects.filter(line__task__in=tasks))
    add("evaluations.sheetline", SheetLine.objects.filter(task__in=tasks))
    add("evaluations.task", tasks)
    add("evaluations.schedule", schedules)
    if plans is not None:
        for label in ("plans.PlanReview", "plans.Monitoring"):
            add(label.lower(), _model(label).objects.filter(plan__in=plans))
        add("plans.plankpi", _model("plans.PlanKpi").objects.filter(revision__plan__in=plans))
        add("plans.planrevision", _model("plans.PlanRevision").objects.filter(plan__in=plans))
        add("plans.workplan", plans)
    if subjects is not None and campaigns is not None:
        for label in ("surveys.Feedback", "surveys.Comment", "surveys.Answer", "surveys.Answered",
                      "surveys.Invitation"):  # fmt: skip
            add(label.lower(), _model(label).objects.filter(subject__in=subjects))
        add("surveys.subject", subjects)
        add("surveys.campaign", campaigns)
    return found


def kind_label(key: str) -> str:
    """The kind of record as the page names it (the model's translated plural)."""
    model = _model(key)
    return str(model._meta.verbose_name_plural) if model is not None else key


def _periods_of(qs: QuerySet[Any], quarter: bool = True) -> set[tuple[int, int]]:
    if quarter:
        return set(qs.values_list("year", "quarter").distinct())
    return {(y, 0) for y in qs.values_list("year", flat=True).distinct()}


def expired_periods(body_id: int, today: date) -> list[tuple[int, int]]:
    """The body's periods with records whose term has run out, oldest first (a year after
    its quarters: its year-long records may be what the quarters' sheets refer to)."""
    periods = _periods_of(Schedule.objects.filter(body_id=body_id))
    periods |= _periods_of(Result.objects.filter(body_id=body_id))
    for label in ("plans.WorkPlan", "commission.Meeting", "surveys.Campaign"):
        model = _model(label)
        if model is not None:
            periods |= _periods_of(model.objects.filter(body_id=body_id), quarter=False)
    from bagalau.documents.models import IssuedDocument

    periods |= _periods_of(IssuedDocument.objects.filter(body_id=body_id))
    expired = [p for p in periods if rules.period_expired(p[0], p[1], today)]
    return sorted(expired, key=lambda p: (p[0], p[1] or 5))


@dataclass
class PeriodCounts:
    year: int
    quarter: int
    counts: dict[str, int]

    @property
    def expires_on(self) -> date:
        return rules.period_expires_on(self.year, self.quarter)

    @property
    def kept_until(self) -> date:
        return rules.kept_until(rules.period_end(self.year, self.quarter))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)


def period_counts(body_id: int, year: int, quarter: int) -> PeriodCounts:
    counts = {s.key: s.queryset.count() for s in steps(body_id, year, quarter)}
    return PeriodCounts(year, quarter, {k: v for k, v in counts.items() if v})


def expired_counts(body_id: int, today: date) -> list[PeriodCounts]:
    found = [period_counts(body_id, y, q) for y, q in expired_periods(body_id, today)]
    return [p for p in found if p.total]


def _archive(out: Any, key: str, qs: QuerySet[Any]) -> None:
    for row in qs.values().iterator(chunk_size=2000):
        out.write(json.dumps({"model": key, "row": row}, default=str, ensure_ascii=False) + "\n")


def period_purge(
    *, body_id: int, year: int, quarter: int, archive_dir: Path | None = None, actor: Any = None
) -> PeriodCounts:
    """Delete every record of the body's period in one transaction (archiving it first)."""
    body = StateBody.objects.get(pk=body_id)
    counts: dict[str, int] = {}
    label = f"{year}-Q{quarter}" if quarter else str(year)
    keys: list[str] = []
    with transaction.atomic():
        plan = steps(body_id, year, quarter)
        archive = None
        if archive_dir is not None:
            archive_dir.mkdir(parents=True, exist_ok=True)
            archive = (archive_dir / f"body-{body_id}_{label}.jsonl").open("a", encoding="utf-8")
        try:
            for step in plan:
                if step.key == "evaluations.evidence":
                    keys = list(step.queryset.values_list("storage_key", flat=True))
                if step.key == "plans.planrevision":  # the plan points at its revisions
                    _model("plans.WorkPlan").objects.filter(
                        pk__in=step.queryset.values("plan_id")
                    ).update(current_revision=None, approved_revision=None)
                if archive is not None:
                    _archive(archive, step.key, step.queryset)
                deleted = _delete(step.queryset)
                if deleted:
                    counts[step.key] = deleted
        finally:
            if archive is not None:
                archive.close()
        if counts:
            audit(
                actor=actor, action=ACTION, obj=body, body=body,
                data={"periods": [label], "counts": counts},
            )  # fmt: skip
        transaction.on_commit(lambda: _remove_files(keys))
    return PeriodCounts(year, quarter, counts)


def _delete(qs: QuerySet[Any]) -> int:
    """One DELETE … WHERE of the rows (set-based: no instances loaded, no cascade collected —
    the steps' order already removed every row that refers to them)."""
    return int(qs._raw_delete(qs.db))


def _remove_files(keys: Iterable[str]) -> None:
    for key in keys:
        path = evidence_files.path_of(Evidence(storage_key=key))
        try:
            path.unlink(missing_ok=True)
        except OSError:  # storage unreachable: the row is gone, the file is logged
            log.warning("retention: evidence file %s not removed", key)


__all__ = [
    "ACTION", "PeriodCounts", "Step", "expired_counts", "expired_periods", "period_counts",
    "period_purge", "steps",
]  # fmt: skip
