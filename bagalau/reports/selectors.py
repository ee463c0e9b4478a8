"""Reads of the reports: the service record (қызметтік тізім, 004; 001 p41).

The service record lists every final result of a servant by period. Who reads which row is
the engine's one rule (evaluations.access, rules.confidentiality.may_read_result): the roles a
user holds on each result are gathered exactly as `access.access_result` gathers them — the
evaluated person, the head of HR, the evaluator of the sheet (of a year result: of its
quarters), the superior who agreed a 2018 KPI sheet, a panel member for a case on their
agenda — only for all of a servant's results at once, in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.evaluations import access
from bagalau.evaluations.models import Result, ResultChange, Task
from bagalau.evaluations.rules.confidentiality import (
    EVALUATED,
    EVALUATOR,
    HR_HEAD,
    PANEL,
    REVIEWER,
    may_read_result,
)
from bagalau.methodology.models import Band, Scale
from bagalau.org.models import Appointment, Servant, localized
from bagalau.org.selectors import access_servant

CHANGE_SOURCES = {
    "calibration": pgettext_lazy("result change", "calibration session"),
    "commission": pgettext_lazy("result change", "evaluation commission"),
    "correction": pgettext_lazy("result change", "correction of the sheet"),
    "recomputed": pgettext_lazy("result change", "recomputed"),
}


def change_source_label(source: str) -> str:
    return str(CHANGE_SOURCES.get(source, source))


@dataclass
class RecordRow:
    result: Result
    roles: set[str]
    changes: list[ResultChange] = field(default_factory=list)
    band: Band | None = None

    @property
    def band_name(self) -> str:
        """In the active language (a printed form sets its own)."""
        return self.band.name if self.band is not None else self.result.band

    @property
    def period_title(self) -> str:
        if self.result.quarter:
            return str(
                _("Q%(quarter)s %(year)s")
                % {"quarter": self.result.quarter, "year": self.result.year}
            )
        return str(_("Year %(year)s") % {"year": self.result.year})

    @property
    def refusal_date(self) -> str:
        return str((self.result.refusal_act or {}).get("date", ""))


@dataclass
class ServiceRecord:
    servant: Servant
    appointment: Appointment | None
    rows: list[RecordRow]
    whole: bool  # every result of the servant is shown to the caller

    @property
    def body(self) -> Any:
        return self.servant.body


def _roles_on_results(
    user: Any, servant: Servant, results: list[Result], held: dict[int, frozenset[str]]
) -> dict[int, set[str]]:
    """Each result's roles for `user`, as access.access_result gives them (one rule): the
    body roles are those of the result's body (a seconded servant's host body evaluates)."""
    found: dict[int, set[str]] = {}
    uid = getattr(user, "pk", None)
    task_ids = [r.task_id for r in results if r.task_id is not None]
    on_agenda = access.panel_tasks(user, task_ids) if task_ids else set()
    year_evaluated: set[tuple[int, str]] = set()
    if uid is not None and any(r.task_id is None for r in results):
        year_evaluated = set(
            Task.objects.filter(servant_id=servant.pk, evaluator_user_id=uid).values_list(
                "schedule__year", "kind"
            )
        )
    for result in results:
        roles = access._record_roles(
            user, body_id=result.body_id, servant_user_id=servant.user_id, held=held[result.body_id]
        )
        task = result.task
        if uid is not None:
            if task is not None:
                if task.evaluator_user_id == uid:
                    roles.add(EVALUATOR)
                if task.pk in on_agenda:
                    roles.add(PANEL)
                if task.kind == "kpi_annual" and task.reviewer_user_id == uid:
                    roles.add(REVIEWER)
            elif (result.year, result.kind) in year_evaluated:
                roles.add(EVALUATOR)
        found[result.pk] = roles
    return found


def service_record(user: Any, servant_id: int, *, day: date | None = None) -> ServiceRecord:
    """The servant's service record as `user` may read it.

    The servant and the head of HR read every row; an evaluator (or a panel member) the rows
    of the results they know; anyone else of the body who may see the servant (an HR officer,
    the authorized person, a supervisor who evaluated none of them) 403; everyone else 404.
    """
    servant = Servant.objects.select_related("body").filter(pk=servant_id).first()
    if servant is None or not getattr(user, "is_authenticated", False):
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    results = list(
        Result.objects.filter(servant_id=servant.pk)
        .select_related("task__schedule", "version")
        .order_by("-year", "quarter", "kind")
    )
    # One query per body the results belong to (the servant's, a host body's), not per result.
    held = {b: access.body_roles(user, b) for b in {servant.body_id, *(r.body_id for r in results)}}
    roles = _roles_on_results(user, servant, results, held)
    rows = [RecordRow(r, roles[r.pk]) for r in results if may_read_result(roles[r.pk])]
    own = servant.user_id is not None and servant.user_id == user.pk
    # The servant and the head of HR of the servant's body open the record even when empty.
    opens = own or HR_HEAD in access._record_roles(
        user, body_id=servant.body_id, servant_user_id=servant.user_id, held=held[servant.body_id]
    )
    whole = len(rows) == len(results)
    if not opens and not rows:
        access_servant(user, servant_id)  # strangers and colleagues: 404
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    _fill_rows(rows)
    day = day or timezone.localdate()
    appointment = (
        Appointment.objects.filter(servant_id=servant.pk, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("position__unit")
        .order_by("-start_date")
        .first()
    )
    if appointment is None:  # a servant who left: the last position held
        appointment = (
            Appointment.objects.filter(servant_id=servant.pk)
            .select_related("position__unit")
            .order_by("-start_date")
            .first()
        )
    return ServiceRecord(servant, appointment, rows, whole)


def _fill_rows(rows: list[RecordRow]) -> None:
    """The changes and band names of the rows (two queries whatever their number)."""
    if not rows:
        return
    changes: dict[int, list[ResultChange]] = defaultdict(list)
    for change in ResultChange.objects.filter(result_id__in=[r.result.pk for r in rows]).order_by(
        "result_id", "decided_at", "pk"
    ):
        change.source_label = change_source_label(change.source)  # type: ignore[attr-defined]
        changes[change.result_id].append(change)
    bands = {
        (b.version_id, b.scale, b.code): b
        for b in Band.objects.filter(version_id__in={r.result.version_id for r in rows})
    }
    for row in rows:
        row.changes = changes.get(row.result.pk, [])
        scale = Scale.KPI_COUNT if row.result.kind == "kpi_annual" else Scale.SCORE
        row.band = bands.get((row.result.version_id, scale, row.result.band))


def version_label(result: Result) -> str:
    return localized(result.version, "name")


__all__ = [
    "EVALUATED", "RecordRow", "ServiceRecord", "change_source_label", "service_record",
    "version_label",
]  # fmt: skip
