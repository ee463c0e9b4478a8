"""The individual work plan as an official form (жеке жұмыс жоспары): 002 Appendix 1 for a
plan under a 2023-model version, 001 Appendix 1 under a 2018-model one.

Both appendices have the same columns (the forms of seed 002 are still those of the 2018
model): No.; KPI; the planning document it derives from; unit of measure; planned value;
achievement deadline; key result — in that order. The «БЕКІТЕМІН»/«УТВЕРЖДАЮ» block carries the
approver's position, name and the date of approval.

Who may print it: those who may know the result (002 p16, p21) — the servant, the one who
drew it up or approved it, the head of HR; HR officers 403; strangers 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.documents.layout import Approval, Fields, Layout, Paragraph, Signature, Table
from bagalau.documents.registry import FormKind, register
from bagalau.documents.text import long_date, number, short_date
from bagalau.evaluations import access
from bagalau.evaluations.rules.confidentiality import (
    EVALUATED,
    EVALUATOR,
    HR,
    HR_HEAD,
    may_read_result,
)
from bagalau.methodology.printed import appendix_form
from bagalau.methodology.printed import language as document_language
from bagalau.org.models import Appointment, Role, Servant

from . import services
from .models import PlanKpi, PlanState, WorkPlan


def authorize(user: Any, plan_id: int) -> WorkPlan:
    plan, _roles = services.access_plan(user, plan_id)  # 404 to those with no tie to it
    if plan.state == PlanState.NOT_REQUIRED:  # 002 p23: no plan is drawn up, nothing to print
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    roles: set[str] = set()
    held = access.body_roles(user, plan.body_id)
    if plan.servant.user_id == user.pk:
        roles.add(EVALUATED)
    if user.pk in (plan.drafter_user_id, plan.approver_user_id):
        roles.add(EVALUATOR)
    if access.is_hr(user, plan.body_id, held):
        roles.add(HR)
    if Role.HR_HEAD in held:
        roles.add(HR_HEAD)
    if not may_read_result(roles):
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    return plan


def _appointment(servant: Servant | None, day: date) -> Appointment | None:
    if servant is None:
        return None
    return (
        Appointment.objects.filter(servant=servant, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("position__unit")
        .order_by("-start_date")
        .first()
    )


def _initials(servant: Servant | None) -> str:
    return servant.full_name if servant is not None else ""


def _source(kpi: PlanKpi) -> str:
    """Which planning document the KPI derives from: the kind, then the document named."""
    label = str(kpi.get_source_display())
    detail = kpi.source_detail.strip()
    return label if not detail or detail == label else f"{label}: {detail}"


def build(plan: WorkPlan) -> Layout:
    language = document_language()
    revision = plan.approved_revision or plan.current_revision
    kpis = list(PlanKpi.objects.filter(revision=revision).order_by("order")) if revision else []
    approved_day = timezone.localdate(plan.approved_at) if plan.approved_at else None
    day = approved_day or date(plan.year, 1, 1)
    appointment = plan.appointment
    if appointment is None:
        appointment = _appointment(plan.servant, day)
    position = appointment.position if appointment else None
    approver_post = _appointment(plan.approver, day) if plan.approver_id else None
    approval = Approval(
        heading=_("APPROVED"),
        lines=[
            approver_post.position.title if approver_post else "",
            plan.approver.full_name
            if plan.approver
            else (plan.approved_by.get_full_name() if plan.approved_by else ""),
            long_date(approved_day, language) if approved_day else "",
        ],
    )
    table = Table(
        columns=[
            pgettext("form column", "No."),
            _("Name of the KPI"),
            _("Which document of the state planning system it derives from"),
            _("Unit of measure"),
            _("Planned value"),
            _("Achievement deadlines"),
            _("Key result*"),
        ],
        rows=[
            [
                str(k.order),
                k.name,
                _source(k),
                k.unit,
                number(k.planned, language),
                short_date(k.deadline),
                k.key_result,
            ]
            for k in kpis
        ],
        widths=[4, 22, 20, 9, 9, 10, 26],
    )
    supervisor = plan.drafter if plan.drafter_id not in (None, plan.servant_id) else plan.approver
    is_2018 = plan.version.model == "2018"
    return Layout(
        form="work_plan",
        language=language,
        title=_("Individual work plan of an administrative civil servant of the “B” corps"),
        subtitle=_("%(year)s year (the period of the plan)") % {"year": plan.year},
        body_name=plan.body.name,
        version_label=plan.version.name,
        appendix=appendix_form(1),
        approval=approval,
        orientation="landscape",
        blocks=[
            Fields(
                items=[
                    (_("Servant (surname, name, patronymic)"), plan.servant.full_name),
                    (_("Servant's position"), position.title if position else ""),
                    (_("Servant's structural unit"), position.unit.name if position else ""),
                ]
            ),
            table,
            Paragraph(_("* The positive changes expected from achieving the KPI")),
        ],
        signatures=[
            Signature(_("Servant"), plan.servant.full_name, date=""),
            Signature(
                _("Superior")
                if is_2018 and supervisor == plan.approver
                else _("Direct supervisor"),
                _initials(supervisor),
                date=short_date(timezone.localdate(plan.submitted_at)) if plan.submitted_at else "",
            ),
        ],
    )


register(
    FormKind(
        key="work_plan",
        label=gettext_lazy("individual work plan"),
        authorize=authorize,
        build=build,
        body_id=lambda plan: plan.body_id,
        servant_id=lambda plan: plan.servant_id,
        period=lambda plan: (plan.year, 0),
    )
)
