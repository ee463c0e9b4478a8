"""Every write of work plans: opening, saving a revision, the transitions, monitoring.

`plan_transition` is the plan's use of the one workflow runner (evaluations.rules.workflow):
inside a transaction it locks the plan row, derives the caller's roles, checks role (403)
before state (409), the revision read (400/409) and the rules of the action (count of KPIs,
checklist, reason), applies it, bumps the revision, writes the audit event and queues the
notices after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError, FieldError, NotFound, PermissionDenied
from bagalau.core.models import audit
from bagalau.evaluations.kpi_lines import KPI_KINDS
from bagalau.evaluations.rules import kpi as kpi_rules
from bagalau.evaluations.rules.workflow import HR, check_revision, check_transition, next_state
from bagalau.methodology import selectors as methodology_selectors
from bagalau.methodology.models import Audience, EvaluatorRule, MethodologyVersion
from bagalau.org.models import HR_ROLES, Appointment, Role, RoleAssignment, Servant, StateBody
from bagalau.org.selectors import OrgSnapshot
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from . import notices, rules
from .models import Monitoring, PlanKpi, PlanReview, PlanRevision, PlanState, Source, WorkPlan

MSG_NOT_FOUND = _("Not found.")
MSG_FORBIDDEN = _("You do not have access to this.")
MSG_NO_KPI_KIND = _("The methodology version in force for this year has no KPI evaluation.")
MSG_NO_VERSION = _("No methodology version is in force for this year.")
MSG_YEAR = _("Year: from 2000 to 2100.")
MSG_REQUIRED = _("%(field)s: this field is required.")
MSG_TOO_LONG = _("%(field)s: at most %(max)s characters.")
MSG_DATE = _("%(field)s: enter a date as YYYY-MM-DD.")
MSG_SOURCE = _("%(field)s: choose one of the planning documents.")
MSG_QUARTER = _("Quarter: 1, 2, 3 or 4.")
MSG_RECOMMENDATIONS = _("Recommendations: write the recommendations of the quarterly review.")
MSG_MONITOR_FUTURE = _("Quarter: the quarterly review is recorded once the quarter has ended.")
MSG_NO_CHANGE = _("The plan has no change to save.")
MSG_AMEND_NO_CHANGE = _("Amendment: change a KPI before submitting the amended plan.")
MAX_KPIS = 20
FIELD_LIMITS = {"name": 500, "source_detail": 500, "unit": 100, "key_result": 4000}


def _today() -> date:
    return timezone.localdate()


# --- roles -------------------------------------------------------------------------------------


def _held(user: Any, body_id: int) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        RoleAssignment.objects.filter(body_id=body_id, user=user).values_list("role", flat=True)
    )


def plan_roles(user: Any, plan: WorkPlan, held: frozenset[str] | None = None) -> set[str]:
    """The caller's roles on a plan: the servant and their chain, HR (keeps the plan, 001
    p15), the strategic planning officer where the version has the unit agree (002 p23)."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    held = _held(user, plan.body_id) if held is None else held
    if plan.servant.user_id == user.pk:
        roles.add(rules.EVALUATED)
    if plan.drafter_user_id == user.pk:
        roles.add(rules.DRAFTER)
    if held & HR_ROLES:
        roles.add(HR)
    planning = Role.STRATEGIC_PLANNING in held and plan.version.strategic_planning_agrees_plans
    if planning:
        roles.add(rules.PLANNING)
    if plan.approver_user_id == user.pk:
        roles.add(rules.CHAIN)
    if plan.state == PlanState.IN_REVIEW and plan.step < len(plan.steps):
        step = plan.steps[plan.step]
        holds = (
            (step == rules.STEP_APPROVER and plan.approver_user_id == user.pk)
            or (step == rules.STEP_PLANNING and planning)
            or (step == rules.STEP_HR and bool(held & HR_ROLES))
        )
        if holds:
            roles.add(rules.APPROVER if plan.step == len(plan.steps) - 1 else rules.REVIEWER)
    return roles


def access_plan(user: Any, plan_id: int, *, for_update: bool = False) -> tuple[WorkPlan, set[str]]:
    """The plan and the caller's roles; 404 to anyone with none (other units, other bodies)."""
    qs = WorkPlan.objects.select_related(
        "servant", "drafter", "approver", "drafter_user", "approver_user", "version", "body",
        "current_revision", "approved_revision",
    )  # fmt: skip
    if for_update:
        qs = qs.select_for_update(of=("self",))
    plan = qs.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = plan_roles(user, plan)
    if not roles:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return plan, roles


def step_holders(plan: WorkPlan) -> list[Any]:
    """The users who hold the plan's current review step (for its notice)."""
    if plan.step >= len(plan.steps):
        return []
    step = plan.steps[plan.step]
    if step == rules.STEP_APPROVER:
        return [plan.approver_user] if plan.approver_user_id else []
    role_set = {Role.STRATEGIC_PLANNING} if step == rules.STEP_PLANNING else set(HR_ROLES)
    return [
        a.user
        for a in RoleAssignment.objects.filter(body_id=plan.body_id, role__in=role_set)
        .select_related("user")
        .order_by("pk")
    ]


def plans_visible(user: Any, body_id: int) -> Q:
    """The plans of a body the caller sees (the same rule as plan_roles, as a filter)."""
    held = _held(user, body_id)
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if held & HR_ROLES:
        return Q(body_id=body_id)
    mine = Q(servant__user_id=user.pk) | Q(drafter_user_id=user.pk) | Q(approver_user_id=user.pk)
    if Role.STRATEGIC_PLANNING in held:
        mine |= Q(version__strategic_planning_agrees_plans=True)
    return Q(body_id=body_id) & mine


# --- opening plans -------------------------------------------------------------------------------


@dataclass
class Opened:
    created: int = 0
    not_required: int = 0
    existing: int = 0


def _kpi_kind(version: MethodologyVersion) -> Any:
    return version.kinds.filter(kind__in=KPI_KINDS).order_by("kind").first()


def _applies(audience: str, is_head: bool) -> bool:
    return audience == Audience.ALL or (audience == Audience.HEADS) == is_head


@transaction.atomic
def plans_open(
    *, actor: Any, body: StateBody, year: int, servant_ids: Iterable[int] | None = None
) -> Opened:
    """Open the year's plans: one per servant the version's KPI evaluation applies to.

    Each is due within the version's working days (deadline `plan_drawn_up`) after the year
    starts or after the appointment when later; where less than three months remain from
    the appointment to the year's end, the plan is recorded as not drawn up (002 p23).
    Existing plans are left as they are. Set-based: a handful of queries for the body.
    """
    if actor is not None and not _held(actor, body.pk) & HR_ROLES:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if not 2000 <= year <= 2100:
        raise DomainError(MSG_YEAR, code="year", field="year")
    start, end = date(year, 1, 1), date(year, 12, 31)
    version = methodology_selectors.version_for(body.pk, end)
    if version is None:
        raise DomainError(MSG_NO_VERSION, code="no_version", field="year")
    kind = _kpi_kind(version)
    if kind is None:
        raise DomainError(MSG_NO_KPI_KIND, code="no_kpi_kind", field="year")
    deadlines = {d.code: d.amount for d in version.deadlines.all()}
    calendar = workday_services.calendar_for(
        body.pk, start - timedelta(days=31), end + timedelta(days=60)
    )

    def add(day: date, n: int) -> date:
        return workday_rules.add_working_days(day, n, calendar)

    appointments: dict[int, Appointment] = {}
    # Those in position during the year and still in it (a plan is not opened for someone
    # who has left).
    still = max(start, min(_today(), end))
    rows = (
        Appointment.objects.filter(position__body_id=body.pk, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=still))
        .select_related("position")
        .order_by("servant_id", "start_date")
    )
    if servant_ids is not None:
        rows = rows.filter(servant_id__in=list(servant_ids))
    for appointment in rows:
        appointments[appointment.servant_id] = appointment  # the latest wins
    existing = set(
        WorkPlan.objects.filter(body=body, year=year, kind=kind.kind).values_list(
            "servant_id", flat=True
        )
    )
    snapshot_day = min(max(start, _today()), end)
    snapshot = OrgSnapshot(body.pk, snapshot_day)
    users = dict(Servant.objects.filter(body=body).values_list("pk", "user_id"))
    authorized = (
        RoleAssignment.objects.filter(body=body, role=Role.AUTHORIZED_PERSON)
        .order_by("pk").values_list("user_id", flat=True).first()
    )  # fmt: skip
    outcome = Opened(existing=len(existing & set(appointments)))
    new: list[WorkPlan] = []
    for servant_id, appointment in appointments.items():
        if servant_id in existing or not _applies(kind.audience, appointment.position.is_head):
            continue
        opening = rules.plan_opening(
            year_start=start, year_end=end, appointed=appointment.start_date,
            drafting_days=deadlines.get("plan_drawn_up", 10),
            min_months=version.min_months_in_position, add_working_days=add,
        )  # fmt: skip
        holders = rules.plan_holders(
            servant_id,
            lambda sid: snapshot.supervisor_of(sid) if sid in snapshot.current else None,
            use_superior=version.evaluator_rule == EvaluatorRule.SUPERIOR,
        )
        approver_user = (
            authorized if holders.approver_is_authorized else users.get(holders.approver_id or 0)
        )
        new.append(
            WorkPlan(
                body=body,
                servant_id=servant_id,
                appointment=appointment,
                version=version,
                kind=kind.kind,
                year=year,
                state=PlanState.DRAFT if opening.required else PlanState.NOT_REQUIRED,
                reason=opening.reason,
                drafter_id=holders.drafter_id,
                drafter_user_id=users.get(holders.drafter_id or 0),
                approver_id=None if holders.approver_is_authorized else holders.approver_id,
                approver_user_id=approver_user,
                due_date=opening.due,
            )  # fmt: skip
        )
        if opening.required:
            outcome.created += 1
        else:
            outcome.not_required += 1
    WorkPlan.objects.bulk_create(new, batch_size=500)
    ids = list(
        WorkPlan.objects.filter(body=body, year=year, kind=kind.kind, state=PlanState.DRAFT)
        .exclude(servant_id__in=existing)
        .values_list("pk", flat=True)
    )
    audit(
        actor=actor, action="plans.opened", obj=body, body=body,
        data={"year": year, "created": outcome.created, "not_required": outcome.not_required},
    )  # fmt: skip
    if ids:
        transaction.on_commit(lambda: notices.plans_opened(ids))
    return outcome


def plans_refresh(*, body_id: int, servant_ids: Sequence[int]) -> int:
    """After staff changes: open the plans of newcomers in the years HR has opened."""
    today = _today()
    years = set(
        WorkPlan.objects.filter(body_id=body_id, year__gte=today.year).values_list(
            "year", flat=True
        )
    )
    if not years:
        return 0
    body = StateBody.objects.get(pk=body_id)
    created = 0
    for year in sorted(years):
        try:
            outcome = plans_open(actor=None, body=body, year=year, servant_ids=servant_ids)
        except DomainError:
            continue
        created += outcome.created
    return created


# --- the plan's content ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiInput:
    name: str
    source: str
    source_detail: str
    unit: str
    planned: Any
    higher_is_better: bool
    deadline: Any
    key_result: str


def _text(raw: Any, field: str, label: str, limit: int, *, required: bool) -> str:
    text = "" if raw is None else str(raw).strip()
    if required and not text:
        raise DomainError(MSG_REQUIRED, code="required", field=field, params={"field": label})
    if len(text) > limit:
        raise DomainError(
            MSG_TOO_LONG, code="too_long", field=field, params={"field": label, "max": limit}
        )
    return text


LABELS = {
    "name": _("KPI"),
    "source": _("derives from"),
    "source_detail": _("document"),
    "unit": _("unit of measure"),
    "planned": _("planned value"),
    "deadline": _("achievement deadline"),
    "key_result": _("key result"),
}


def _label(order: int, key: str) -> str:
    return f"{_('KPI')} {order}, {LABELS[key]}"


def _clean_kpis(
    year: int, kpis: Sequence[KpiInput]
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Every KPI's fields checked (all errors at once, each naming its field)."""
    cleaned: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    sources = {value for value, _label in Source.choices}
    for order, item in enumerate(kpis[:MAX_KPIS], 1):
        row: dict[str, Any] = {"order": order}
        for key in ("name", "source_detail", "unit", "key_result"):
            field = f"kpi-{order}-{key}"
            try:
                row[key] = _text(
                    getattr(item, key), field, _label(order, key), FIELD_LIMITS[key],
                    required=key != "source_detail",
                )  # fmt: skip
            except DomainError as exc:
                errors.append(FieldError(field, exc.text(), exc.code))
        field = f"kpi-{order}-source"
        if item.source not in sources:
            errors.append(
                FieldError(field, str(MSG_SOURCE % {"field": _label(order, "source")}), "source")
            )
        row["source"] = item.source
        field = f"kpi-{order}-planned"
        try:
            planned = kpi_rules.parse_value(
                item.planned, field=field, label=_label(order, "planned")
            )
            if planned is None:
                raise DomainError(
                    MSG_REQUIRED,
                    code="required",
                    field=field,
                    params={"field": _label(order, "planned")},
                )
            row["planned"] = planned
        except DomainError as exc:
            errors.append(FieldError(field, exc.text(), exc.code))
        row["higher_is_better"] = bool(item.higher_is_better)
        field = f"kpi-{order}-deadline"
        raw = item.deadline
        deadline = raw if isinstance(raw, date) else None
        if deadline is None and isinstance(raw, str) and raw.strip():
            try:
                deadline = parse_date(raw.strip())
            except ValueError:
                deadline = None
        if deadline is None:
            errors.append(
                FieldError(field, str(MSG_DATE % {"field": _label(order, "deadline")}), "date")
            )
        else:
            try:
                rules.check_deadline(order, deadline, year)
                row["deadline"] = deadline
            except DomainError as exc:
                errors.append(FieldError(field, exc.text(), exc.code))
        cleaned.append(row)
    return cleaned, errors


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise DomainError(
            errors[0].message, code=errors[0].code, field=errors[0].field, errors=errors
        )


KPI_FIELDS = ("order", "name", "source", "source_detail", "unit", "planned", "higher_is_better",
              "deadline", "key_result")  # fmt: skip


def kpi_rows(revision: PlanRevision | None) -> list[dict[str, Any]]:
    if revision is None:
        return []
    return [{f: getattr(k, f) for f in KPI_FIELDS} for k in revision.kpis.all()]


def _write_revision(
    plan: WorkPlan, actor: Any, rows: list[dict[str, Any]], reason: str
) -> PlanRevision:
    number = (plan.current_revision.number if plan.current_revision else 0) + 1
    revision = PlanRevision.objects.create(
        plan=plan, number=number, author=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )  # fmt: skip
    PlanKpi.objects.bulk_create(PlanKpi(revision=revision, **row) for row in rows)
    return revision


@transaction.atomic
def plan_save(
    *, actor: Any, plan_id: int, revision: int | None, kpis: Sequence[KpiInput]
) -> WorkPlan:
    """The drafter saves the plan's KPIs: a new revision (the old ones stay as written).

    The count is checked at submission (so a plan can be built up KPI by KPI); every field
    is checked here, all errors at once, each naming its field; nothing is saved on error.
    """
    plan, roles = access_plan(actor, plan_id, for_update=True)
    transition = check_transition(
        "save", plan.state, roles, state_label=str(plan.get_state_display()), machine=rules.PLAN
    )
    check_revision(revision, plan.revision, required=transition.needs_revision)
    rows, errors = _clean_kpis(plan.year, kpis)
    _raise(errors)
    if rows == kpi_rows(plan.current_revision):
        raise DomainError(MSG_NO_CHANGE, code="no_change", field="kpis")
    # A revision written after an amendment carries its reason (002 p26).
    reason = ""
    last = plan.reviews.filter(action="amend").order_by("-pk").first()
    if last is not None and plan.approved_at is not None and last.at >= plan.approved_at:
        reason = last.reason
    new = _write_revision(plan, actor, rows, reason)
    plan.current_revision = new
    plan.revision += 1
    plan.save(update_fields=["current_revision", "revision", "updated_at"])
    audit(
        actor=actor, action="plan.saved", obj=plan, body=plan.body,
        data={"version": new.number, "kpis": len(rows)},
    )  # fmt: skip
    return plan


# --- transitions ------------------------------------------------------------------------------------


def _add_working_days(body_id: int, day: date, n: int) -> date:
    calendar = workday_services.calendar_for(
        body_id, day - timedelta(days=7), day + timedelta(days=60)
    )
    return workday_rules.add_working_days(day, n, calendar)


def _deadline(version: MethodologyVersion, code: str) -> int | None:
    row = version.deadlines.filter(code=code).values_list("amount", flat=True).first()
    return row


@transaction.atomic
def plan_transition(
    *,
    actor: Any,
    plan_id: int,
    action: str,
    revision: int | None = None,
    reason: str = "",
    checklist: Mapping[str, Any] | None = None,
) -> WorkPlan:
    """Submit, agree, approve, return or amend a plan (rules.PLAN; 001 p9-15; 002 p23-26)."""
    if action in ("save", "monitor"):
        raise DomainError(_("Unknown action."), code="unknown_action", field="action")
    plan, roles = access_plan(actor, plan_id, for_update=True)
    transition = check_transition(
        action, plan.state, roles, reason=reason, state_label=str(plan.get_state_display()),
        machine=rules.PLAN,
    )  # fmt: skip
    check_revision(revision, plan.revision, required=transition.needs_revision)
    now, today = timezone.now(), _today()
    ticks = {code: bool((checklist or {}).get(code)) for code, _label in rules.CHECKLIST}
    data: dict[str, Any] = {"from": plan.state}
    fields = ["state", "revision", "updated_at"]
    if action == "submit":
        count = plan.current_revision.kpis.count() if plan.current_revision else 0
        rules.check_kpi_count(count, plan.version.kpi_min, plan.version.kpi_max)
        if (
            plan.approved_revision_id is not None
            and plan.current_revision_id == plan.approved_revision_id
        ):
            raise DomainError(MSG_AMEND_NO_CHANGE, code="no_change", field="kpis")
        due = (
            plan.correction_due
            if plan.state == PlanState.RETURNED and plan.correction_due
            else plan.due_date
        )
        plan.late = due is not None and today > due
        plan.steps = rules.review_steps(
            plan.version.plan_review,
            planning_agrees=plan.version.strategic_planning_agrees_plans,
            body_has_planning=RoleAssignment.objects.filter(
                body_id=plan.body_id, role=Role.STRATEGIC_PLANNING
            ).exists(),
        )
        plan.step = 0
        plan.submitted_at = now
        fields += ["late", "steps", "step", "submitted_at"]
        data.update(
            version=plan.current_revision.number if plan.current_revision else 0, late=plan.late
        )
    elif action in ("agree", "approve"):
        rules.check_checklist(ticks)
        PlanReview.objects.create(
            plan=plan, revision=plan.current_revision, step=plan.steps[plan.step], action=action,
            checklist=ticks, actor=actor,
        )  # fmt: skip
        data["step"] = plan.steps[plan.step]
        if action == "agree":
            plan.step += 1
            fields.append("step")
        else:
            plan.approved_revision = plan.current_revision
            plan.approved_at, plan.approved_by = now, actor
            plan.correction_due = None
            days = _deadline(plan.version, "plan_into_system")
            plan.entry_due = _add_working_days(plan.body_id, today, days) if days else None
            fields += [
                "approved_revision",
                "approved_at",
                "approved_by",
                "correction_due",
                "entry_due",
            ]
    elif action == "return":
        PlanReview.objects.create(
            plan=plan, revision=plan.current_revision, step=plan.steps[plan.step], action=action,
            checklist=ticks, reason=reason.strip()[:4000], actor=actor,
        )  # fmt: skip
        days = _deadline(plan.version, "plan_correction")
        plan.correction_due = rules.correction_due(
            today, days, lambda d, n: _add_working_days(plan.body_id, d, n)
        ) if days else None  # fmt: skip
        fields.append("correction_due")
        data.update(step=plan.steps[plan.step], reason=reason.strip()[:4000])
    elif action == "amend":
        PlanReview.objects.create(
            plan=plan, revision=plan.current_revision, step="", action=action,
            reason=reason.strip()[:4000], actor=actor,
        )  # fmt: skip
        data["reason"] = reason.strip()[:4000]
    plan.state = next_state(transition, plan.state)
    data["to"] = plan.state
    plan.revision += 1
    plan.save(update_fields=list(dict.fromkeys(fields)))
    audit(actor=actor, action=f"plan.{action}", obj=plan, body=plan.body, data=data)
    if action == "approve":
        from bagalau.evaluations.kpi_lines import sync_plan_lines

        sync_plan_lines(plan)
    plan_id_, text = plan.pk, reason.strip()
    transaction.on_commit(lambda: notices.plan_changed(plan_id_, action, text))
    return plan


@transaction.atomic
def monitoring_record(
    *,
    actor: Any,
    plan_id: int,
    revision: int | None,
    quarter: Any,
    progress: Mapping[str, str],
    recommendations: str,
) -> Monitoring:
    """The direct supervisor's quarterly review of progress with recommendations (001 p16)."""
    plan, roles = access_plan(actor, plan_id, for_update=True)
    transition = check_transition(
        "monitor", plan.state, roles, state_label=str(plan.get_state_display()), machine=rules.PLAN
    )
    check_revision(revision, plan.revision, required=transition.needs_revision)
    try:
        q = int(str(quarter))
    except ValueError:
        q = 0
    if q not in (1, 2, 3, 4):
        raise DomainError(MSG_QUARTER, code="quarter", field="quarter")
    if date(plan.year + (q == 4), (3 * q) % 12 + 1, 1) > _today():
        raise DomainError(MSG_MONITOR_FUTURE, code="quarter_open", field="quarter")
    if not (recommendations or "").strip():
        raise DomainError(MSG_RECOMMENDATIONS, code="required", field="recommendations")
    text = _text(recommendations, "recommendations", str(_("Recommendations")), 4000, required=True)
    orders = (
        {str(k.order) for k in plan.approved_revision.kpis.all()}
        if plan.approved_revision
        else set()
    )
    notes = {
        key: str(value).strip()[:2000]
        for key, value in progress.items()
        if key in orders and str(value).strip()
    }
    row, created = Monitoring.objects.update_or_create(
        plan=plan, quarter=q,
        defaults={"progress": notes, "recommendations": text, "author": actor},
    )  # fmt: skip
    plan.revision += 1
    plan.save(update_fields=["revision", "updated_at"])
    audit(
        actor=actor, action="plan.monitor", obj=plan, body=plan.body,
        data={"quarter": q, "new": created},
    )  # fmt: skip
    plan_id_ = plan.pk
    transaction.on_commit(lambda: notices.plan_changed(plan_id_, "monitor", quarter=q))
    return row


def history(plan: WorkPlan) -> list[dict[str, Any]]:
    """Every revision and decision of the plan with who and when, oldest first (issue 14)."""
    events: list[dict[str, Any]] = []
    for rev in plan.revisions.select_related("author").prefetch_related("kpis"):
        events.append(
            {"at": rev.created_at, "kind": "revision", "revision": rev, "actor": rev.author}
        )
    for review in plan.reviews.select_related("actor", "revision"):
        events.append({"at": review.at, "kind": "review", "review": review, "actor": review.actor})
    for row in plan.monitoring.select_related("author"):
        events.append(
            {"at": row.recorded_at, "kind": "monitoring", "monitoring": row, "actor": row.author}
        )
    events.sort(key=lambda e: e["at"])
    return events


__all__ = [
    "KpiInput", "access_plan", "history", "monitoring_record", "plan_roles",
    "plan_save", "plan_transition", "plans_open", "plans_refresh", "plans_visible",
]  # fmt: skip
