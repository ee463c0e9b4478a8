"""Every write of the evaluation engine: schedules, tasks, sheets, results, acquaintance.

One service (`task_transition`) performs every state change of a sheet: inside a
transaction it locks the row, checks role, state and revision (rules.workflow), applies the
change, writes the audit event with the actor and queues notifications after commit.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.bulksql import insert_rows
from bagalau.core.errors import Conflict, DomainError, FieldError, NotFound, PermissionDenied
from bagalau.core.models import audit, audit_many
from bagalau.methodology import selectors as methodology_selectors
from bagalau.methodology.models import Audience, EvaluatorRule, MethodologyVersion, VersionKind
from bagalau.org.models import (
    Absence,
    ActingAssignment,
    Appointment,
    EndReason,
    Role,
    RoleAssignment,
    Secondment,
    Servant,
    StateBody,
)
from bagalau.org.selectors import OrgSnapshot
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from . import access, competency_lines, kpi_lines, notices, results
from .models import (
    OPEN_TASK_STATES,
    EvaluatorSource,
    IndicatorMark,
    Participation,
    PeriodKind,
    Result,
    Schedule,
    ScheduleStatus,
    SheetLine,
    Task,
    TaskState,
)
from .rules import competency as competency_rules
from .rules import deadlines as deadline_rules
from .rules import eligibility as eligibility_rules
from .rules import kpi as kpi_rules
from .rules import scoring
from .rules.workflow import (
    HR,
    MSG_REASON,
    MSG_UNKNOWN_ACTION,
    check_revision,
    check_transition,
    initial_state,
    machine_for,
    next_state,
)
from .selectors import params_for

MSG_NO_VERSION = _("No methodology version is in force for this period.")
MSG_NO_KINDS = _("The methodology version has no evaluation for this kind of period.")
MSG_SCHEDULE_EXISTS = _("A schedule for this period already exists.")
MSG_NOT_DRAFT = _("Only a draft schedule can be approved.")
MSG_PROVISIONAL = _(
    "The commission has not decided this result yet: it is acknowledged once the authorized "
    "person approves the commission's results (001 p39-40)."
)
MSG_REFUSAL_SIGNERS = _(
    "Refusal act: three signatures are needed (the head of the unit and two servants)."
)
MSG_REFUSAL_DATE = _("Refusal act: give the date of the act.")
MSG_EVALUATOR_SELF = _("A servant cannot evaluate themself.")
MSG_EVALUATOR_BODY = _("The evaluator must be a servant of the same body.")
MSG_EVALUATOR_NO_LOGIN = _(
    "Evaluator: this servant has no login yet; give them one on the Roles page first."
)
MSG_NOT_OVERDUE = _(
    "This sheet is not overdue: it is submitted already or its due date has not passed."
)
MSG_REMIND_NO_LOGIN = _("Evaluator: the sheet has no evaluator with an active login to remind.")
MSG_NO_LINES = _(
    "This sheet has no lines to score yet: KPI sheets are filled from the approved work plan."
)

PARTICIPATION_OF = {
    eligibility_rules.Status.EVALUATED: Participation.EVALUATED,
    eligibility_rules.Status.NOT_EVALUATED: Participation.NOT_EVALUATED,
    eligibility_rules.Status.DEFERRED: Participation.DEFERRED,
    eligibility_rules.Status.WITHOUT_PARTICIPATION: Participation.WITHOUT_PARTICIPATION,
}
# A refresh may change these; submitted and acquainted sheets stay as they are.
REFRESHABLE_STATES = (*OPEN_TASK_STATES, TaskState.EXCLUDED)


def _require_hr(actor: Any, body_id: int) -> None:
    if not access.is_hr(actor, body_id):
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")


def _today() -> date:
    return timezone.localdate()


# --- schedules -------------------------------------------------------------------------------


@transaction.atomic
def schedule_create(
    *, actor: Any, body: StateBody, year: int, quarter: int, note: str = ""
) -> Schedule:
    """HR drafts the schedule of a period under the version in force for it (002 p11)."""
    _require_hr(actor, body.pk)
    start, end = deadline_rules.period_bounds(year, quarter)
    version = methodology_selectors.version_for(body.pk, end)
    if version is None:
        raise DomainError(MSG_NO_VERSION, code="no_version", field="year")
    period_kind = PeriodKind.YEAR if quarter == 0 else PeriodKind.QUARTER
    if not version.kinds.filter(periodicity=period_kind).exists():
        raise DomainError(MSG_NO_KINDS, code="no_kinds", field="quarter")
    try:
        with transaction.atomic():
            schedule = Schedule.objects.create(
                body=body, version=version, period_kind=period_kind, year=year, quarter=quarter,
                start=start, end=end, note=note, created_by=actor if actor and actor.is_authenticated else None,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(MSG_SCHEDULE_EXISTS, code="schedule_exists", field="quarter") from None
    audit(
        actor=actor,
        action="schedule.created",
        obj=schedule,
        body=body,
        data={"period": schedule.title},
    )
    return schedule


@transaction.atomic
def schedule_approve(*, actor: Any, schedule_id: int) -> int:
    """The authorized person approves; one task per eligible servant per kind is created."""
    schedule = access.access_schedule(actor, schedule_id, approve=True)
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.status != ScheduleStatus.DRAFT:
        raise Conflict(MSG_NOT_DRAFT, code="invalid_state", field="status")
    # The period runs under the version in force for it now (one published since the draft
    # takes over), locked so that its tables do not change while the tasks are built: from
    # this approval on, the version's data changes only through a new version.
    version = methodology_selectors.version_for(schedule.body_id, schedule.end)
    if version is None:
        raise DomainError(MSG_NO_VERSION, code="no_version", field="year")
    MethodologyVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk").first()
    if (
        version.pk != schedule.version_id
        and not version.kinds.filter(periodicity=schedule.period_kind).exists()
    ):
        raise DomainError(MSG_NO_KINDS, code="no_kinds", field="quarter")
    schedule.version = version
    schedule.status = ScheduleStatus.APPROVED
    schedule.approved_by = actor
    schedule.approved_at = timezone.now()
    schedule.save(update_fields=["status", "approved_by", "approved_at", "version"])
    created = build_tasks(schedule)
    audit(
        actor=actor, action="schedule.approved", obj=schedule, body=schedule.body_id and schedule.body,
        data={"tasks": created},
    )  # fmt: skip
    transaction.on_commit(lambda: notices.schedule_approved(schedule.pk))
    return created


# --- building tasks ----------------------------------------------------------------------------


@dataclass
class _Plan:
    """Everything task building needs, loaded in a handful of queries."""

    schedule: Schedule
    kinds: list[VersionKind]
    deadlines: dict[str, Any]
    parameters: list[Any]
    appointments: dict[int, Appointment] = field(default_factory=dict)
    absences: dict[int, list[eligibility_rules.Away]] = field(default_factory=dict)
    acting: dict[int, list[tuple[date, date, int]]] = field(default_factory=dict)
    seconded_out: set[int] = field(default_factory=set)
    # servant id → user id, for the evaluators' logins; and the authorized person, who
    # evaluates where the structure gives nobody (002 p2(3); methodology.md §7).
    users: dict[int, int | None] = field(default_factory=dict)
    authorized_user_id: int | None = None
    authorized_servant_id: int | None = None
    snapshots: dict[date, OrgSnapshot] = field(default_factory=dict)
    calendar: workday_rules.Calendar = field(default_factory=workday_rules.Calendar)

    def add_working_days(self, day: date, n: int) -> date:
        return workday_rules.add_working_days(day, n, self.calendar)

    def snapshot(self, day: date) -> OrgSnapshot:
        if day not in self.snapshots:
            self.snapshots[day] = OrgSnapshot(self.schedule.body_id, day)
        return self.snapshots[day]


def _plan(schedule: Schedule, servant_ids: Iterable[int] | None = None) -> _Plan:
    version = schedule.version
    plan = _Plan(
        schedule=schedule,
        kinds=list(version.kinds.filter(periodicity=schedule.period_kind)),
        deadlines={d.code: d for d in version.deadlines.all()},
        parameters=list(version.differentiation_parameters.all()),
    )
    rows = (
        Appointment.objects.filter(position__body_id=schedule.body_id, start_date__lte=schedule.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=schedule.start))
        .select_related("position")
        .order_by("servant_id", "start_date")
    )
    if servant_ids is not None:
        rows = rows.filter(servant_id__in=list(servant_ids))
    for appointment in rows:
        plan.appointments[appointment.servant_id] = appointment  # the latest in the period wins
    # 2025 model (§4a): a servant seconded over the period's end is evaluated by the host body,
    # in the host position; the home body leaves them out. One body evaluates each period.
    seconded = Secondment.objects.in_effect().filter(
        start_date__lte=schedule.end, end_date__gte=schedule.end
    )
    if servant_ids is not None:
        seconded = seconded.filter(servant_id__in=list(servant_ids))
    for secondment in seconded.filter(
        Q(host_body_id=schedule.body_id) | Q(servant__body_id=schedule.body_id)
    ).select_related("host_position"):
        if secondment.host_body_id == schedule.body_id:
            plan.appointments[secondment.servant_id] = Appointment(
                servant_id=secondment.servant_id, position=secondment.host_position,
                start_date=secondment.start_date, end_date=secondment.end_date,
            )  # fmt: skip
        else:
            plan.seconded_out.add(secondment.servant_id)
    # Every absence in the body (the evaluated people's and their evaluators'), and those of
    # servants seconded in.
    for absence in Absence.objects.filter(
        Q(servant__body_id=schedule.body_id) | Q(servant_id__in=list(plan.appointments)),
        end_date__gte=schedule.start,
        start_date__lte=schedule.end + timedelta(days=400),
    ):  # fmt: skip
        plan.absences.setdefault(absence.servant_id, []).append(
            eligibility_rules.Away(absence.start_date, absence.end_date, absence.kind)
        )
    for position_id, start, end, servant_id in ActingAssignment.objects.filter(
        position__body_id=schedule.body_id, end_date__gte=schedule.start,
        start_date__lte=schedule.end + timedelta(days=400),
    ).values_list("position_id", "start_date", "end_date", "servant_id"):  # fmt: skip
        plan.acting.setdefault(position_id, []).append((start, end, servant_id))
    plan.calendar = workday_services.calendar_for(
        schedule.body_id, schedule.start - timedelta(days=31), schedule.end + timedelta(days=800)
    )
    plan.users = dict(
        Servant.objects.filter(
            Q(body_id=schedule.body_id) | Q(pk__in=list(plan.appointments))
        ).values_list("pk", "user_id")
    )
    authorized = (
        RoleAssignment.objects.filter(body_id=schedule.body_id, role=Role.AUTHORIZED_PERSON)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if authorized is not None:
        plan.authorized_user_id = authorized
        plan.authorized_servant_id = (
            Servant.objects.filter(user_id=authorized, body_id=schedule.body_id)
            .values_list("pk", flat=True)
            .first()
        )
    return plan


def _kind_applies(kind: VersionKind, is_head: bool) -> bool:
    return kind.audience == Audience.ALL or (kind.audience == Audience.HEADS) == is_head


def _due(plan: _Plan, kind: VersionKind) -> date | None:
    deadline = plan.deadlines.get(kind.deadline) if kind.deadline else None
    if deadline is None:
        return None
    return deadline_rules.due_date(
        deadline.rule,
        deadline.amount,
        period_end=plan.schedule.end,
        add_working_days=plan.add_working_days,
    )


def _evaluate_one(plan: _Plan, appointment: Appointment, kind: VersionKind) -> dict[str, Any]:
    """The fields of a task from the rules: participation, due date, evaluator, state."""
    schedule, version = plan.schedule, plan.schedule.version
    due = _due(plan, kind)
    if appointment.servant_id in plan.seconded_out:
        return {
            "participation": Participation.NOT_EVALUATED, "reason": "seconded", "due_date": due,
            "returns_on": None, "evaluator_id": None, "evaluator_source": EvaluatorSource.NONE,
            "evaluator_user_id": None, "appointment_id": appointment.pk,
            "state": TaskState.EXCLUDED, "reviewer_user_id": None, "actuals_due": None,
        }  # fmt: skip
    stint = eligibility_rules.Stint(
        start=appointment.start_date,
        end=appointment.end_date,
        probation_end=appointment.probation_end,
        dismissed=appointment.end_reason == EndReason.DISMISSAL,
    )
    deferral = plan.deadlines.get("deferred_after_return")
    params = params_for(version, kind, deferral.amount if deferral else None)
    outcome = eligibility_rules.eligibility(
        stint=stint,
        absences=plan.absences.get(appointment.servant_id, []),
        period_start=schedule.start,
        period_end=schedule.end,
        evaluation_date=due or schedule.end,
        params=params,
        add_working_days=plan.add_working_days,
    )
    evaluator_id, source, evaluator_user_id = _evaluator(plan, appointment, due)
    participation = PARTICIPATION_OF[outcome.status]
    task_due = outcome.due if outcome.due else due
    return {
        "participation": participation,
        "reason": str(outcome.reason),
        "due_date": outcome.due if outcome.due else due,
        "returns_on": outcome.returns_on,
        "evaluator_id": evaluator_id,
        "evaluator_source": source,
        "evaluator_user_id": evaluator_user_id,
        "appointment_id": appointment.pk,
        "state": TaskState.EXCLUDED
        if participation == Participation.NOT_EVALUATED
        else initial_state(kind.kind),
        "reviewer_user_id": _reviewer(
            plan, kind.kind, evaluator_id, evaluator_user_id, appointment
        ),
        "actuals_due": _actuals_due(plan, kind.kind, task_due),
    }


def _reviewer(
    plan: _Plan,
    kind: str,
    evaluator_id: int | None,
    evaluator_user_id: int | None,
    appointment: Appointment,
) -> int | None:
    """Who signs a 2018 KPI sheet after the evaluator (001 p19-20): the evaluator's own
    supervisor (the superior); the first head himself when he is the evaluator (no one above
    him); the authorized person for the sheet he evaluates."""
    if kind != "kpi_annual":
        return None
    if evaluator_id is None:
        return evaluator_user_id
    schedule = plan.schedule
    day = min(schedule.end, appointment.end_date) if appointment.end_date else schedule.end
    superior = plan.snapshot(day).supervisor_of(evaluator_id)
    if superior is None or superior == appointment.servant_id:
        return evaluator_user_id
    return plan.users.get(superior) or evaluator_user_id


def _actuals_due(plan: _Plan, kind: str, due: date | None) -> date | None:
    """HR sends the KPIs' actual values no later than N working days before the last day of
    the evaluation term (002 p23: deadline `kpi_actuals`)."""
    if kind != "kpi_quarterly" or due is None:
        return None
    deadline = plan.deadlines.get("kpi_actuals")
    if deadline is None:
        return None
    return deadline_rules.due_date(
        deadline.rule, deadline.amount, period_end=plan.schedule.end, event=due,
        add_working_days=plan.add_working_days,
    )  # fmt: skip


def _evaluator(
    plan: _Plan, appointment: Appointment, due: date | None
) -> tuple[int | None, str, int | None]:
    """Who evaluates, by the version's rules: (servant id, source, user id).

    The direct supervisor by the structure (or the appointment's explicit override), or the
    superior where the version says so (002 p2(3); 002 p30). With the 2025 options: the
    chief of staff for the first head's direct subordinates when the first head so decides,
    and the acting person when the evaluator is away on the due date. Where the structure
    gives nobody (the first head of the body), the authorized person evaluates (002 p2(3);
    methodology.md §7): every task has an evaluator unless the body names no authorized person.
    """
    evaluator_id, source = _evaluator_servant(plan, appointment, due)
    if evaluator_id is not None:
        return evaluator_id, source, plan.users.get(evaluator_id)
    own_user = plan.users.get(appointment.servant_id)
    if plan.authorized_user_id is not None and plan.authorized_user_id != own_user:
        return (
            plan.authorized_servant_id
            if plan.authorized_servant_id != appointment.servant_id
            else None,
            EvaluatorSource.AUTHORIZED_PERSON,
            plan.authorized_user_id,
        )
    return None, EvaluatorSource.NONE, None


def _evaluator_servant(
    plan: _Plan, appointment: Appointment, due: date | None
) -> tuple[int | None, str]:
    schedule, version, body = plan.schedule, plan.schedule.version, plan.schedule.body
    day = min(schedule.end, appointment.end_date) if appointment.end_date else schedule.end
    snapshot = plan.snapshot(day)
    servant_id = appointment.servant_id
    if appointment.pk is None:  # seconded in: the supervisor of the host position
        evaluator_id = snapshot.supervisor_of_position(appointment.position_id, servant_id)
    else:
        evaluator_id = snapshot.supervisor_of(servant_id)
    if evaluator_id is None:
        return None, EvaluatorSource.NONE
    source = (
        EvaluatorSource.OVERRIDE
        if appointment.supervisor_override_id
        else EvaluatorSource.STRUCTURE
    )
    if version.evaluator_rule == EvaluatorRule.SUPERIOR and source == EvaluatorSource.STRUCTURE:
        # The superior: the direct supervisor's own supervisor; where there is none (the
        # direct supervisor is the first head), the direct supervisor evaluates.
        superior = snapshot.supervisor_of(evaluator_id)
        if superior is not None and superior != servant_id:
            evaluator_id = superior
    if (
        version.chief_of_staff_option
        and body.chief_of_staff_evaluates
        and body.chief_of_staff_position_id
    ):
        chief = snapshot.holders.get(body.chief_of_staff_position_id)
        first_head = snapshot.chain_of(servant_id).first_head_id
        if chief and chief != servant_id and evaluator_id == first_head:
            evaluator_id, source = chief, EvaluatorSource.CHIEF_OF_STAFF
    if version.acting_evaluator and due is not None:
        away = any(a.start <= due <= a.end for a in plan.absences.get(evaluator_id, []))
        position = snapshot.current.get(evaluator_id, (None, None))[0]
        if away and position is not None:
            for start, end, acting_id in plan.acting.get(position, []):
                if start <= due <= end and acting_id != servant_id:
                    return acting_id, EvaluatorSource.ACTING
    return evaluator_id, source


def _lines_for(task: Task, plan: _Plan) -> list[SheetLine]:
    if task.kind != "differentiation":
        return []
    return [
        SheetLine(
            task=task,
            code=p.code,
            order=p.order,
            weight=p.weight,
            name_kk=p.name_kk,
            name_ru=p.name_ru,
            name_en=p.name_en,
        )  # fmt: skip
        for p in plan.parameters
    ]


NEW_TASK_FIELDS = (
    "schedule_id", "body_id", "version_id", "servant_id", "kind", "participation", "reason",
    "due_date", "returns_on", "evaluator_id", "evaluator_source", "evaluator_user_id",
    "appointment_id", "state", "reviewer_user_id", "actuals_due",
)  # fmt: skip
LINE_FIELDS = ("task_id", "code", "order", "weight", "name_kk", "name_ru", "name_en")


def _plain(value: Any) -> Any:
    """A choice member as its stored value: rows go to the driver without model fields."""
    return value.value if isinstance(value, Enum) else value


def _new_task_rows(plan: _Plan) -> list[dict[str, Any]]:
    """The tasks an approval would create, as plain values (NEW_TASK_FIELDS), not instances."""
    schedule = plan.schedule
    existing = set(Task.objects.filter(schedule=schedule).values_list("servant_id", "kind"))
    rows: list[dict[str, Any]] = []
    for appointment in plan.appointments.values():
        for kind in plan.kinds:
            if (appointment.servant_id, kind.kind) in existing:
                continue
            if not _kind_applies(kind, appointment.position.is_head):
                continue
            fields = _evaluate_one(plan, appointment, kind)
            rows.append(
                {
                    "schedule_id": schedule.pk,
                    "body_id": schedule.body_id,
                    "version_id": schedule.version_id,
                    "servant_id": appointment.servant_id,
                    "kind": kind.kind,
                    **{k: _plain(v) for k, v in fields.items()},
                }  # fmt: skip
            )
    return rows


def _new_tasks(plan: _Plan) -> list[Task]:
    """The tasks an approval would create (unsaved): one per servant and applicable kind."""
    return [Task(**row) for row in _new_task_rows(plan)]


def schedule_preview(schedule: Schedule) -> list[Task]:
    """Before approval: the sheets that would be created (unsaved), for HR to check.

    The schedule page lists those without an evaluator and those the authorized person
    would evaluate (issue 11 item 2), so HR can fix the structure before approval.
    """
    return _new_tasks(_plan(schedule))


def build_tasks(schedule: Schedule, servant_ids: Iterable[int] | None = None) -> int:
    """Create the missing tasks of an approved schedule and their sheet lines.

    Set-based (issue 12 item 2): the tasks and their lines are written as multi-row
    inserts of plain values (`core.bulksql.insert_rows`), their ids read back in one query;
    no model instance per row. Returns how many tasks were created.
    """
    plan = _plan(schedule, servant_ids)
    rows = _new_task_rows(plan)
    insert_rows(Task, NEW_TASK_FIELDS, [tuple(r[f] for f in NEW_TASK_FIELDS) for r in rows])
    sheets = {
        (r["servant_id"], r["kind"])
        for r in rows
        if r["kind"] == "differentiation" and r["state"] != TaskState.EXCLUDED
    }
    if sheets and plan.parameters:
        ids = Task.objects.filter(
            schedule=schedule, kind="differentiation", lines__isnull=True
        ).exclude(state=TaskState.EXCLUDED)
        if servant_ids is not None:
            ids = ids.filter(servant_id__in={s for s, _ in sheets})
        lines = [
            (task_id, p.code, p.order, p.weight, p.name_kk, p.name_ru, p.name_en)
            for task_id, servant_id in ids.values_list("pk", "servant_id")
            if (servant_id, "differentiation") in sheets
            for p in plan.parameters
        ]
        insert_rows(SheetLine, LINE_FIELDS, lines)
    if any(r["kind"] in kpi_lines.KPI_KINDS for r in rows):
        kpi_lines.build_kpi_lines(schedule, servant_ids)
    if any(r["kind"] == competency_lines.COMPETENCY_KIND for r in rows):
        competency_lines.build_competency_lines(schedule, servant_ids)
    return len(rows)


@transaction.atomic
def schedules_refresh(*, body_id: int, servant_ids: Iterable[int]) -> int:
    """After appointments, dismissals or absences change: update the open tasks (issue 3 item 1).

    Submitted and acquainted sheets stay as they are; open ones get their participation,
    due date and evaluator recomputed, and newly eligible servants get tasks.
    """
    ids = list(servant_ids)
    changed = 0
    schedules = Schedule.objects.filter(
        body_id=body_id, status=ScheduleStatus.APPROVED, end__gte=_today() - timedelta(days=400)
    ).select_related("version")
    for schedule in schedules:
        plan = _plan(schedule, ids)
        kinds = {k.kind: k for k in plan.kinds}
        tasks = Task.objects.select_for_update().filter(
            schedule=schedule, servant_id__in=ids, state__in=REFRESHABLE_STATES
        )
        for task in tasks:
            appointment = plan.appointments.get(task.servant_id)
            kind = kinds.get(task.kind)
            if appointment is None or kind is None:
                values: dict[str, Any] = {
                    "participation": Participation.NOT_EVALUATED, "reason": "not_in_position",
                    "state": TaskState.EXCLUDED,
                }  # fmt: skip
            else:
                values = _evaluate_one(plan, appointment, kind)
                if task.state != TaskState.EXCLUDED and values["state"] == initial_state(task.kind):
                    values["state"] = task.state  # keep a draft a draft
                if task.evaluator_source == EvaluatorSource.ASSIGNED:
                    for key in ("evaluator_id", "evaluator_source", "evaluator_user_id"):
                        values.pop(key)
            dirty = [k for k, v in values.items() if getattr(task, k) != v]
            if dirty:
                for k in dirty:
                    setattr(task, k, values[k])
                task.revision += 1
                task.save(update_fields=[*dirty, "revision", "updated_at"])
                changed += 1
        changed += build_tasks(schedule, ids)
        missing_lines = Task.objects.filter(
            schedule=schedule, servant_id__in=ids, kind="differentiation", lines__isnull=True
        ).exclude(state=TaskState.EXCLUDED)
        SheetLine.objects.bulk_create([line for t in missing_lines for line in _lines_for(t, plan)])
        kpi_lines.build_kpi_lines(schedule, ids)
    return changed


@transaction.atomic
def task_reassign(*, actor: Any, task_id: int, evaluator: Servant, reason: str) -> Task:
    """HR names another evaluator, with a reason (audited; issue 3 item 2)."""
    task, roles = access.access_task(actor, task_id, for_update=True)
    if HR not in roles:
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    if not reason.strip():
        raise DomainError(MSG_REASON, code="reason_required", field="reason")
    if evaluator.body_id != task.body_id:
        raise DomainError(MSG_EVALUATOR_BODY, code="evaluator_body", field="evaluator")
    if evaluator.pk == task.servant_id:
        raise DomainError(MSG_EVALUATOR_SELF, code="evaluator_self", field="evaluator")
    if evaluator.user_id is None:
        raise DomainError(MSG_EVALUATOR_NO_LOGIN, code="evaluator_no_login", field="evaluator")
    previous = task.evaluator_id
    task.evaluator, task.evaluator_source = evaluator, EvaluatorSource.ASSIGNED
    task.evaluator_user_id = evaluator.user_id
    task.revision += 1
    task.save(
        update_fields=["evaluator", "evaluator_source", "evaluator_user", "revision", "updated_at"]
    )
    audit(
        actor=actor, action="task.reassigned", obj=task, body=task.body,
        data={"from": previous, "to": evaluator.pk, "reason": reason},
    )  # fmt: skip
    return task


@transaction.atomic
def task_remind(*, actor: Any, task_id: int) -> tuple[Task, bool]:
    """HR reminds the evaluator of an overdue sheet (issue 13 item 7); whether one was queued.

    Only HR of the body (others: 403, strangers 404); only a sheet past its due date and not
    submitted. The notice is queued in this transaction with a dedupe key of the sheet and
    the day, so a double click (or a second officer) queues one; the audit event is written
    for the reminder that was queued. No score goes into it.
    """
    task, roles = access.access_task(actor, task_id, for_update=True)
    if HR not in roles:
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    today = _today()
    if task.state not in OPEN_TASK_STATES or task.due_date is None or task.due_date >= today:
        raise Conflict(MSG_NOT_OVERDUE, code="not_overdue", field="state")
    evaluator = task.evaluator_user
    if evaluator is None or not evaluator.is_active:
        raise DomainError(MSG_REMIND_NO_LOGIN, code="no_evaluator_login", field="evaluator")
    if not notices.overdue_reminder(task, today):
        return task, False
    audit(
        actor=actor, action="task.reminded", obj=task, body=task.body,
        data={"evaluator_user": evaluator.pk, "due": task.due_date.isoformat()},
    )  # fmt: skip
    return task, True


# --- the sheet workflow --------------------------------------------------------------------------


@dataclass
class SheetInput:
    """What a person typed on a sheet, by line code. KPI sheets add the values: the actual
    (and, for a quarter, the planned value HR pre-computed: 002 p23), and on the 2018 sheet
    whether each KPI is achieved with the reason where that differs from the values."""

    scores: Mapping[str, Any] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    actuals: Mapping[str, Any] = field(default_factory=dict)
    planned: Mapping[str, Any] = field(default_factory=dict)
    achieved: Mapping[str, Any] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)
    # The 2018 competency sheet: each indicator's mark by "<line code>-<order>" (001 p27).
    marks: Mapping[str, Any] = field(default_factory=dict)


# The actions that write a sheet's content, set-based through `tasks_transition`.
SHEET_ACTIONS = ("save_draft", "submit", "save_actuals", "send_actuals")
ACTUALS_ACTIONS = ("save_actuals", "send_actuals")
MSG_ACTUALS_INCOMPLETE = _("Every KPI needs its planned and actual value before they are sent.")
MSG_ACHIEVED_INCOMPLETE = _("Every KPI needs its actual value and whether it is achieved.")
MSG_OVERRIDE_REASON = _(
    "%(field)s: the values say “%(computed)s”; give the reason for marking it otherwise."
)
MSG_NO_ACTUALS = _("%(field)s: HR has not sent the actual value of this KPI yet.")
YES, NO = _("achieved"), _("not achieved")


@dataclass(frozen=True)
class SheetItem:
    """One sheet of a set-based save or submission (`tasks_transition`)."""

    task_id: int
    action: str  # one of SHEET_ACTIONS
    revision: int | None
    sheet: SheetInput


def _errors_raise(errors: list[FieldError], incomplete: Any) -> None:
    if errors:
        code = "incomplete" if all(e.code == "incomplete" for e in errors) else "invalid"
        message = incomplete if code == "incomplete" else errors[0].message
        raise DomainError(message, code=code, field=errors[0].field, errors=errors)


def _parse_lines(
    task: Task,
    lines: list[SheetLine],
    data: SheetInput,
    *,
    require_complete: bool,
    score_rows: list[kpi_rules.ScoreRow] | None = None,
) -> Decimal | None:
    """Validate every line (all errors at once, each naming its field); set them, unsaved."""
    if task.kind == "kpi_annual":
        return _parse_annual_kpis(lines, data, require_complete=require_complete)
    if task.kind == competency_lines.COMPETENCY_KIND:
        return _parse_competencies(lines, data, require_complete=require_complete)
    errors: list[FieldError] = []
    parsed: dict[str, Decimal | None] = {}
    for line in lines:
        key = f"score_{line.code}"
        raw = data.scores.get(line.code, line.score)
        try:
            parsed[line.code] = scoring.parse_score(
                raw, field=key, label=line.name, low=task.version.score_min, high=task.version.score_max,
                decimals=task.version.score_decimals,
            )  # fmt: skip
            value = parsed[line.code]
            if task.kind == "kpi_quarterly" and value is not None:
                if line.percent is None:
                    raise DomainError(
                        MSG_NO_ACTUALS, code="no_actuals", field=key, params={"field": line.name}
                    )
                kpi_rules.check_score(
                    value, line.percent, score_rows or [], field=key, label=line.name
                )
        except DomainError as exc:
            errors.append(FieldError(key, exc.text(), exc.code))
            continue
        if require_complete and parsed[line.code] is None:
            errors.append(FieldError(key, str(scoring.MSG_INCOMPLETE), "incomplete"))
    _errors_raise(errors, scoring.MSG_INCOMPLETE)
    for line in lines:
        line.score = parsed[line.code]
        if line.code in data.comments:
            line.comment = str(data.comments[line.code])[:4000]
    return scoring.sheet_score(
        [line.score for line in lines],
        [line.weight for line in lines],
        decimals=task.version.score_decimals,
    )


def _flag(raw: Any) -> bool | None:
    text = str(raw).strip().lower() if raw is not None else ""
    if text in ("1", "true", "yes", "on", "achieved"):
        return True
    if text in ("0", "false", "no", "off", "not_achieved"):
        return False
    return None


def _parse_values(
    lines: list[SheetLine], data: SheetInput, *, planned_too: bool
) -> tuple[dict[str, tuple[Decimal | None, Decimal | None]], list[FieldError]]:
    """Each line's (planned, actual) as typed, or as saved when not typed."""
    errors: list[FieldError] = []
    values: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for line in lines:
        planned = line.planned
        if planned_too and line.code in data.planned:
            key = f"planned_{line.code}"
            try:
                planned = kpi_rules.parse_value(data.planned[line.code], field=key, label=line.name)
            except DomainError as exc:
                errors.append(FieldError(key, exc.text(), exc.code))
        actual = line.actual
        if line.code in data.actuals:
            key = f"actual_{line.code}"
            try:
                actual = kpi_rules.parse_value(data.actuals[line.code], field=key, label=line.name)
            except DomainError as exc:
                errors.append(FieldError(key, exc.text(), exc.code))
        values[line.code] = (planned, actual)
    return values, errors


def _parse_actuals(lines: list[SheetLine], data: SheetInput, *, require_complete: bool) -> None:
    """HR's planned and actual values of a quarter (002 p23) and the percent they give."""
    values, errors = _parse_values(lines, data, planned_too=True)
    if require_complete:
        for line in lines:
            planned, actual = values.get(line.code, (None, None))
            if planned is None or actual is None:
                key = f"actual_{line.code}" if planned is not None else f"planned_{line.code}"
                errors.append(FieldError(key, str(MSG_ACTUALS_INCOMPLETE), "incomplete"))
    _errors_raise(errors, MSG_ACTUALS_INCOMPLETE)
    for line in lines:
        line.planned, line.actual = values[line.code]
        line.percent = (
            kpi_rules.percent_achieved(line.planned, line.actual, line.higher_is_better)
            if line.planned is not None and line.actual is not None
            else None
        )


def _parse_annual_kpis(
    lines: list[SheetLine], data: SheetInput, *, require_complete: bool
) -> Decimal | None:
    """The 2018 year-end KPI sheet (001 p17-18): actual values, achieved pre-filled from the
    values in the KPI's direction, an override only with a reason; the score is the count."""
    values, errors = _parse_values(lines, data, planned_too=False)
    decided: dict[str, tuple[bool | None, str]] = {}
    for line in lines:
        planned, actual = values[line.code]
        computed = (
            kpi_rules.achieved(planned, actual, line.higher_is_better)
            if planned is not None and actual is not None
            else None
        )
        chosen = _flag(data.achieved[line.code]) if line.code in data.achieved else line.achieved
        if chosen is None:
            chosen = computed
        reason = str(data.reasons.get(line.code, line.override_reason) or "").strip()[:4000]
        if computed is not None and chosen is not None and chosen != computed and not reason:
            key = f"reason_{line.code}"
            errors.append(
                FieldError(
                    key,
                    str(
                        MSG_OVERRIDE_REASON
                        % {"field": line.name, "computed": YES if computed else NO}
                    ),
                    "reason_required",
                )
            )
        if chosen == computed:
            reason = ""
        if require_complete and (actual is None or chosen is None):
            errors.append(
                FieldError(f"actual_{line.code}", str(MSG_ACHIEVED_INCOMPLETE), "incomplete")
            )
        decided[line.code] = (chosen, reason)
    _errors_raise(errors, MSG_ACHIEVED_INCOMPLETE)
    for line in lines:
        line.actual = values[line.code][1]
        line.achieved, line.override_reason = decided[line.code]
        line.percent = (
            kpi_rules.percent_achieved(line.planned, line.actual, line.higher_is_better)
            if line.planned is not None and line.actual is not None
            else None
        )
        line.score = None if line.achieved is None else Decimal(int(line.achieved))
        if line.code in data.comments:
            line.comment = str(data.comments[line.code])[:4000]
    count = kpi_rules.count_achieved([line.achieved for line in lines])
    return None if count is None else Decimal(count)


def _parse_competencies(
    lines: list[SheetLine], data: SheetInput, *, require_complete: bool
) -> Decimal | None:
    """The 2018 competency sheet (001 p25-27): each indicator observed or not; a competency
    meets expectations at 4 × observed ≥ 3 × total. The line keeps the count observed
    (`score`) and meets or not (`achieved`); the sheet's score is how many competencies meet.
    Competency results are development data only (001 p7): no result or band is formed."""
    errors: list[FieldError] = []
    outcomes: list[competency_rules.Outcome] = []
    for line in lines:
        marks = list(line.marks.all())
        for mark in marks:
            key = f"{line.code}-{mark.order}"
            if key in data.marks:
                name = f"mark_{key}"
                try:
                    mark.observed = competency_rules.parse_mark(
                        data.marks[key], field=name, label=f"{line.name} {mark.order}"
                    )
                except DomainError as exc:
                    errors.append(FieldError(name, exc.text(), exc.code))
                    continue
            if require_complete and mark.observed is None:
                errors.append(
                    FieldError(f"mark_{key}", str(competency_rules.MSG_INCOMPLETE), "incomplete")
                )
        result = competency_rules.outcome([m.observed for m in marks])
        outcomes.append(result)
        line.score = Decimal(result.observed) if result.complete else None
        line.achieved = result.meets
        if line.code in data.comments:
            line.comment = str(data.comments[line.code])[:4000]
    _errors_raise(errors, competency_rules.MSG_INCOMPLETE)
    met = competency_rules.met_count(outcomes)
    return None if met is None else Decimal(met)


TASK_FIELDS = ["state", "revision", "updated_at", "score", "submitted_at", "submitted_by", "late",
               "overdue", "actuals_sent_at", "commission_due"]  # fmt: skip
LINE_SAVE_FIELDS = [
    "score",
    "comment",
    "planned",
    "actual",
    "percent",
    "achieved",
    "override_reason",
]


def _score_rows(version_ids: set[int]) -> dict[int, list[kpi_rules.ScoreRow]]:
    from bagalau.methodology.models import KpiScoreRow

    rows: dict[int, list[kpi_rules.ScoreRow]] = defaultdict(list)
    for r in KpiScoreRow.objects.filter(version_id__in=version_ids):
        rows[r.version_id].append(
            kpi_rules.ScoreRow(r.percent_from, r.percent_to, r.score_min, r.score_max)
        )
    return rows


@transaction.atomic
def tasks_transition(*, actor: Any, items: list[SheetItem]) -> dict[int, Task | DomainError]:
    """Save or submit many sheets in one transaction, in a constant number of queries.

    The set-based form of `task_transition` for SHEET_ACTIONS (the bulk page, and one
    sheet through `task_transition`): all rows locked in one query (`access.access_tasks`),
    each checked by the same rules in the same order (404 without a role, the role 403
    before the state 409 — by the transition table of the sheet's kind, the revision
    400/409, no lines, the values and scores), then the lines and tasks written with one bulk
    update each, the results formed by `results.form`, the audit rows chained in one insert.
    Returns, per task id, the saved task or the error of that row; rows with an error are
    left untouched.
    """
    found = access.access_tasks(actor, {item.task_id for item in items})
    all_lines: dict[int, list[SheetLine]] = defaultdict(list)
    line_rows = SheetLine.objects.filter(task_id__in=list(found)).order_by("task_id", "order")
    if any(t.kind == competency_lines.COMPETENCY_KIND for t, _r in found.values()):
        line_rows = line_rows.prefetch_related("marks")
    for line in line_rows:
        all_lines[line.task_id].append(line)
    kpi_versions = {t.version_id for t, _r in found.values() if t.kind == "kpi_quarterly"}
    score_rows = _score_rows(kpi_versions) if kpi_versions else {}
    today = _today()
    now = timezone.now()
    outcome: dict[int, Task | DomainError] = {}
    lines_to_save: list[SheetLine] = []
    scored: dict[int, list[results.Scored]] = defaultdict(list)
    audits: list[tuple[Any, str, Task, Any, dict[str, Any]]] = []
    for item in items:
        if item.task_id in outcome:
            continue  # one action per sheet per call
        try:
            if item.task_id not in found:
                raise NotFound(access.MSG_NOT_FOUND, code="not_found")
            task, roles = found[item.task_id]
            if item.action not in SHEET_ACTIONS:
                raise DomainError(MSG_UNKNOWN_ACTION, code="unknown_action", field="action")
            transition = check_transition(
                item.action, task.state, roles, state_label=str(task.get_state_display()),
                machine=machine_for(task.kind),
            )  # fmt: skip
            check_revision(item.revision, task.revision, required=transition.needs_revision)
            lines = all_lines.get(task.pk, [])
            if not lines:
                raise DomainError(MSG_NO_LINES, code="no_lines", field="lines")
            if item.action in ACTUALS_ACTIONS:
                _parse_actuals(lines, item.sheet, require_complete=item.action == "send_actuals")
                score = task.score
            else:
                score = _parse_lines(
                    task, lines, item.sheet, require_complete=item.action == "submit",
                    score_rows=score_rows.get(task.version_id),
                )  # fmt: skip
        except DomainError as exc:
            outcome[item.task_id] = exc
            continue
        target = next_state(transition, task.state)
        data: dict[str, Any] = {"from": task.state, "to": target}
        task.score = score
        if item.action == "send_actuals":
            task.actuals_sent_at = now
            data["late"] = task.actuals_due is not None and today > task.actuals_due
        if item.action == "submit" and score is not None:  # every line was required
            task.submitted_at, task.submitted_by = now, actor
            due = (
                task.correction_due
                if task.state == TaskState.RETURNED and task.correction_due
                else task.due_date
            )
            task.late = due is not None and today > due
            task.overdue = False
            if task.kind == competency_lines.COMPETENCY_KIND:
                # 001 p28: HR passes the signed sheet to the commission within 2 working days.
                task.commission_due = _version_due(task, "to_commission", today)
            elif task.kind != "kpi_annual":  # the 2018 sheet's result forms once agreed (001 p19)
                scored[task.body_id].append(_scored(task, score, today))
            data["late"] = task.late  # no score in the audit trail (002 p21): see ResultChange
        task.state = target
        task.revision += 1
        task.updated_at = now
        lines_to_save.extend(lines)
        audits.append((actor, f"task.{item.action}", task, task.body, data))
        outcome[task.pk] = task
        if item.action == "send_actuals":
            task_id = task.pk
            transaction.on_commit(lambda task_id=task_id: notices.actuals_sent(task_id))  # type: ignore[misc]
        elif item.action == "submit" and task.kind == "kpi_annual":
            task_id = task.pk
            transaction.on_commit(lambda task_id=task_id: notices.sheet_to_agree(task_id))  # type: ignore[misc]
    if lines_to_save:
        # Only the columns a kind writes: fewer columns, fewer batches on SQLite's variable limit.
        kpi = any(line.kpi_id is not None for line in lines_to_save)
        marked = any(
            "marks" in getattr(line, "_prefetched_objects_cache", {}) for line in lines_to_save
        )
        fields = LINE_SAVE_FIELDS if kpi else ["score", "comment", "achieved"] if marked else [
            "score", "comment"
        ]  # fmt: skip
        SheetLine.objects.bulk_update(lines_to_save, fields, batch_size=1000)
        marks = [
            m
            for line in lines_to_save
            if "marks" in getattr(line, "_prefetched_objects_cache", {})
            for m in line.marks.all()
        ]
        if marks:
            IndicatorMark.objects.bulk_update(marks, ["observed"], batch_size=1000)
        saved = [t for t in outcome.values() if isinstance(t, Task)]
        Task.objects.bulk_update(saved, TASK_FIELDS, batch_size=500)
    for body_id, body_items in scored.items():
        results.form(actor=actor, body_id=body_id, items=body_items)
    audit_many(audits)
    return outcome


def _scored(task: Task, score: Decimal, day: date) -> results.Scored:
    """The result item of a submitted sheet (the one result path, results.form)."""
    return results.Scored(
        servant_id=task.servant_id, version_id=task.version_id, kind=task.kind,
        year=task.schedule.year, quarter=task.schedule.quarter, score=score, day=day,
        task_id=task.pk,
    )  # fmt: skip


@transaction.atomic
def task_transition(
    *,
    actor: Any,
    task_id: int,
    action: str,
    revision: int | None = None,
    sheet: SheetInput | None = None,
    reason: str = "",
    act: Mapping[str, Any] | None = None,
) -> Task:
    """Perform one action on a sheet (see rules.workflow for the table).

    Saving and submitting go through `tasks_transition` with one item (one path).
    """
    if action in SHEET_ACTIONS:
        item = SheetItem(task_id, action, revision, sheet or SheetInput())
        done = tasks_transition(actor=actor, items=[item])[task_id]
        if isinstance(done, DomainError):
            raise done
        return done
    task, roles = access.access_task(actor, task_id, for_update=True)
    transition = check_transition(
        action, task.state, roles, reason=reason, state_label=str(task.get_state_display()),
        machine=machine_for(task.kind),
    )  # fmt: skip
    check_revision(revision, task.revision, required=transition.needs_revision)
    target = next_state(transition, task.state)
    data: dict[str, Any] = {"from": task.state, "to": target}
    updates = ["state", "revision", "updated_at"]
    today = _today()
    if (
        action in ("acknowledge", "record_refusal")
        and task.kind == "kpi_annual"
        and Result.objects.filter(task=task, provisional=True).exists()
    ):
        # 001 p39-40: the evaluation ends when the authorized person approves the results.
        raise Conflict(MSG_PROVISIONAL, code="provisional", field="state")
    if action == "acknowledge":
        Result.objects.filter(task=task).update(acknowledged_at=timezone.now())
    elif action == "record_refusal":
        act_data = _refusal_act(act or {})
        Result.objects.filter(task=task).update(refused_at=timezone.now(), refusal_act=act_data)
        data["act"] = act_data
    elif action in ("return", "reopen"):
        data["reason"] = reason
        if task.kind == "kpi_annual" and action == "return":
            # 001 p22-23: returned by the superior; the corrected sheet is due within the
            # version's working days (deadline `sheet_correction`).
            task.correction_due = _version_due(task, "sheet_correction", today)
            updates.append("correction_due")
            data["due"] = task.correction_due.isoformat() if task.correction_due else None
        task_pk, text = task.pk, reason
        transaction.on_commit(lambda: notices.sheet_returned(task_pk, text))
    elif action == "agree":
        # 001 p19-21: the superior (or the first head) signs; the result forms, provisional
        # until the commission decides (001 p37-39); HR passes the sheet on within the
        # version's working days (001 p24: deadline `to_commission`).
        task.agreed_at = timezone.now()
        task.commission_due = _version_due(task, "to_commission", today)
        updates += ["agreed_at", "commission_due"]
        if task.score is not None:
            results.form(
                actor=actor, body_id=task.body_id, announce=False,
                items=[_provisional(_scored(task, task.score, today))],
            )  # fmt: skip
    elif action == "to_commission":
        data["late"] = task.commission_due is not None and today > task.commission_due
    task.state = target
    task.revision += 1
    task.save(update_fields=updates)
    audit(actor=actor, action=f"task.{action}", obj=task, body=task.body, data=data)
    return task


def _provisional(item: results.Scored) -> results.Scored:
    return dataclasses.replace(item, provisional=True)


def _version_due(task: Task, code: str, day: date) -> date | None:
    """`day` plus the version's working days of deadline `code`, on the body's calendar."""
    row = task.version.deadlines.filter(code=code).values_list("rule", "amount").first()
    if row is None:
        return None
    calendar = workday_services.calendar_for(task.body_id, day, day + timedelta(days=60))
    return deadline_rules.due_date(
        row[0], row[1], period_end=day, event=day,
        add_working_days=lambda d, n: workday_rules.add_working_days(d, n, calendar),
    )  # fmt: skip


def _refusal_act(act: Mapping[str, Any]) -> dict[str, Any]:
    """The act of refusal: a date and three signers (001 p41: the head of the unit, two servants)."""
    signers = [str(s).strip() for s in act.get("signers", []) if str(s).strip()]
    if len(signers) < 3:
        raise DomainError(MSG_REFUSAL_SIGNERS, code="refusal_signers", field="signers")
    act_date = act.get("date")
    if not act_date:
        raise DomainError(MSG_REFUSAL_DATE, code="refusal_date", field="date")
    return {"date": str(act_date), "signers": signers[:3], "note": str(act.get("note", ""))[:2000]}


# --- year results ---------------------------------------------------------------------------------


@transaction.atomic
def year_results_form(*, actor: Any, body_id: int, year: int, kind: str | None = None) -> int:
    """The year result: the mean of the evaluated quarters (002 p5; 2025 model §4a).

    Creates or refreshes year results that nobody has acquainted yet; quarters without a
    result are left out and listed in `quarters`. Without `kind`, every quarterly kind with
    results that year (differentiation, heads' quarterly KPIs). Returns how many were formed
    or changed.
    """
    if actor is not None:
        _require_hr(actor, body_id)
    if kind is None:
        kinds = sorted(
            set(
                Result.objects.filter(body_id=body_id, year=year, quarter__gt=0).values_list(
                    "kind", flat=True
                )
            )
        )
        return sum(
            year_results_form(actor=actor, body_id=body_id, year=year, kind=k) for k in kinds
        )
    quarters: dict[int, dict[int, Decimal]] = defaultdict(dict)
    versions: dict[int, int] = {}
    decimals: dict[int, int] = {}  # the decimals the version keeps (002 p8), per servant
    for servant_id, quarter, score, version_id, kept in Result.objects.filter(
        body_id=body_id, year=year, kind=kind, quarter__gt=0
    ).values_list("servant_id", "quarter", "score", "version_id", "version__score_decimals"):
        quarters[servant_id][quarter] = score
        versions[servant_id], decimals[servant_id] = version_id, kept
    today = _today()
    items = []
    for servant_id, by_quarter in quarters.items():
        average = scoring.year_average(
            {q: by_quarter.get(q) for q in (1, 2, 3, 4)}, decimals[servant_id]
        )
        if average.score is None:
            continue
        # 002 p12: the servant is acquainted within the version's working days of the result.
        items.append(results.Scored(
            servant_id=servant_id, version_id=versions[servant_id], kind=kind, year=year,
            quarter=0, score=average.score, day=today, quarters=tuple(average.included),
        ))  # fmt: skip
    formed = results.form(actor=actor, body_id=body_id, items=items, announce_recomputed=False)
    created, changed = formed.created, len(formed.changed)
    body = StateBody.objects.get(pk=body_id)
    audit(
        actor=actor,
        action="results.year_formed",
        obj=body,
        body=body,
        data={"year": year, "created": len(created), "changed": changed},
    )
    return len(created) + changed


@transaction.atomic
def result_acknowledge(*, actor: Any, result_id: int) -> Result:
    """The servant acknowledges a result (a year result has no sheet of its own).

    A result a collective decision changed after its sheet was acquainted (results.decide:
    the commission, a calibration session) is acknowledged again on its own (002 p12, p42).
    """
    result, roles = access.access_result(actor, result_id)
    reopened = (
        result.task is not None
        and result.task.state == TaskState.ACQUAINTED
        and not result.acquainted
    )
    if result.task_id is not None and not reopened:
        task_transition(actor=actor, task_id=result.task_id, action="acknowledge")
        result.refresh_from_db()
        return result
    if "evaluated" not in roles:
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    locked = Result.objects.select_for_update().get(pk=result.pk)
    if locked.acquainted:
        raise Conflict(
            _("This result is already acknowledged."), code="invalid_state", field="state"
        )
    locked.acknowledged_at = timezone.now()
    locked.save(update_fields=["acknowledged_at"])
    audit(actor=actor, action="result.acknowledged", obj=locked, body=locked.body)
    return locked
