"""Official forms of the evaluation engine: the KPI evaluation sheet and the act of refusal
to acknowledge a result.

- `kpi_sheet` (НМИ бойынша бағалау парағы): 002 Appendix 2 for a quarterly KPI sheet of the
  2023 model, 001 Appendix 2 for the annual sheet of the 2018 model. The columns of the seed
  (No.; KPI; unit of measure; planned value; actual value; achieved / not achieved); under the
  2023 model the evaluator scores each KPI 0-5 in the sheet's column (002 p28), so the percent
  achieved and the score follow the values. Then the result and its band.
- `refusal_act` (танысудан бас тарту туралы акт): a free-form act signed by the head of the
  unit and two other servants (001 p41; 004), from what HR recorded on the result.

Only those who may know the result print them (002 p16, p21): the sheet through
access_task and the sheet's own rule, the act through access_result (HR officers 403).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.documents.layout import Fields, Layout, Paragraph, Signature, Table
from bagalau.documents.registry import FormKind, register
from bagalau.documents.text import long_date, number, score, short_date
from bagalau.methodology.printed import appendix_form
from bagalau.methodology.printed import language as document_language
from bagalau.org.models import Appointment, Servant

from . import access
from .models import DONE_TASK_STATES, Result, Task

KPI_KINDS = ("kpi_quarterly", "kpi_annual")


def _position(servant: Servant | None, task: Task) -> str:
    appointment = task.appointment
    if appointment is None and servant is not None:
        day: date = task.schedule.end
        appointment = (
            Appointment.objects.filter(servant=servant, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .select_related("position__unit")
            .order_by("-start_date")
            .first()
        )
    return appointment.position.title if appointment is not None else ""


def _band_name(result: Result | None, task: Task) -> str:
    if result is None or not result.band:
        return ""
    scale = "kpi_count" if task.kind == "kpi_annual" else "score"  # 001 p18
    band = task.version.bands.filter(scale=scale, code=result.band).first()
    return band.name if band is not None else ""


# --- the KPI evaluation sheet -------------------------------------------------------------------


def authorize_kpi_sheet(user: Any, task_id: int) -> Task:
    task, roles = access.access_task(user, task_id)  # 404 to those with no role on it
    if task.kind not in KPI_KINDS:
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    if not access.sheet_readable(task, roles) or task.state not in DONE_TASK_STATES:
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    return task


def build_kpi_sheet(task: Task) -> Layout:
    language = document_language()
    lines = list(task.lines.order_by("order"))
    result = Result.objects.filter(task=task).first()
    quarterly = task.kind == "kpi_quarterly"
    columns = [
        pgettext("form column", "No."),
        _("Name of the KPI"),
        _("Unit of measure"),
        _("Planned value"),
        _("Actual value"),
    ]
    if quarterly:  # 002 p28: a score 0-5 for each KPI by its percent achieved
        columns += [_("Percent achieved"), _("Score (0 to 5)")]
    else:  # 001 p18: achieved only when fully achieved
        columns += [_("The indicator is achieved / not achieved")]

    def achieved(value: bool | None) -> str:
        if value is None:
            return ""
        return _("achieved") if value else _("not achieved")

    rows = []
    for i, line in enumerate(lines, start=1):
        row = [str(i), line.name, line.unit, number(line.planned, language),
               number(line.actual, language)]  # fmt: skip
        if quarterly:
            row += [number(line.percent, language), score(line.score, language)]
        else:
            row += [achieved(line.achieved)]
        rows.append(row)
    band = _band_name(result, task)
    value = result.score if result is not None else task.score
    outcome = score(value, language) + (f" — {band}" if band else "")
    blocks: list[Any] = [
        Fields(
            items=[
                (_("Evaluated person (surname, name, patronymic)"), task.servant.full_name),
                (_("Position of the evaluated person"), _position(task.servant, task)),
                (_("Evaluation period"), task.schedule.title),
            ]
        ),
        Table(columns=columns, rows=rows, widths=[4, 36, 10, 10, 10, 10, 10][: len(columns)]),
        Paragraph(_("Result of the evaluation: %(result)s") % {"result": outcome}, bold=True),
    ]
    if not quarterly:
        count = sum(1 for line in lines if line.achieved)
        blocks.append(
            Paragraph(
                _("KPIs achieved: %(count)s of %(total)s (001 p18)")
                % {"count": count, "total": len(lines)}
            )
        )
    submitted = timezone.localdate(task.submitted_at) if task.submitted_at else None
    signatures = [
        Signature(_("Servant"), task.servant.full_name),
        Signature(_("Direct supervisor"), task.evaluator_name, date=short_date(submitted)),
    ]
    if task.kind == "kpi_annual" and task.reviewer_user is not None:
        agreed = timezone.localdate(task.agreed_at) if task.agreed_at else None
        reviewer = task.reviewer_user
        signatures.append(
            Signature(
                _("Superior"),
                reviewer.get_full_name() or reviewer.username,
                date=short_date(agreed),
            )  # fmt: skip
        )
    return Layout(
        form="kpi_sheet",
        language=language,
        title=_("KPI evaluation sheet"),
        body_name=task.body.name,
        version_label=task.version.name,
        appendix=appendix_form(2),
        orientation="landscape",
        blocks=blocks,
        signatures=signatures,
    )


# --- the act of refusal to acknowledge -------------------------------------------------------------


def authorize_refusal_act(user: Any, task_id: int) -> Result:
    task, _roles = access.access_task(user, task_id)  # 404 to those with no role on it
    result = Result.objects.filter(task=task, refused_at__isnull=False).first()
    if result is None:
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    found, _held = access.access_result(user, result.pk)  # HR officers 403 (002 p21)
    return found


def build_refusal_act(result: Result) -> Layout:
    language = document_language()
    task = result.task
    assert task is not None  # noqa: S101 - authorize found the result through its task
    act = result.refusal_act or {}
    try:
        act_day = date.fromisoformat(str(act.get("date", "")))
    except ValueError:
        act_day = timezone.localdate(result.refused_at)
    signers = list(act.get("signers", []))[:3]
    signers += [""] * (3 - len(signers))
    band = _band_name(result, task)
    outcome = score(result.score, language) + (f" — {band}" if band else "")
    text = _(
        "We, the undersigned, have drawn up this act: %(servant)s, %(position)s, refused to "
        "acknowledge in writing the result of the evaluation (%(kind)s, %(period)s) "
        "communicated to them."
    ) % {
        "servant": task.servant.full_name,
        "position": _position(task.servant, task),
        "kind": task.get_kind_display(),
        "period": task.schedule.title,
    }
    blocks: list[Any] = [
        Fields(
            items=[
                (_("Date of the act"), long_date(act_day, language)),
                (_("Result of the evaluation"), outcome),
            ]
        ),
        Paragraph(text, align="justify"),
    ]
    if act.get("note"):
        blocks.append(Paragraph(str(act["note"]), align="justify"))
    blocks.append(
        Paragraph(
            _(
                "The result stands and is sent to the servant through the intranet portal, the "
                "unified HR database or the electronic document system (001 p41; 004)."
            ),
            align="justify",
        )
    )
    return Layout(
        form="refusal_act",
        language=language,
        title=_("Act of refusal to acknowledge the evaluation result"),
        body_name=task.body.name,
        version_label=task.version.name,
        blocks=blocks,
        signatures=[
            Signature(_("Head of the structural unit"), signers[0], date=short_date(act_day)),
            Signature(_("Servant"), signers[1], date=short_date(act_day)),
            Signature(_("Servant"), signers[2], date=short_date(act_day)),
        ],
    )


register(
    FormKind(
        key="kpi_sheet",
        label=gettext_lazy("KPI evaluation sheet"),
        authorize=authorize_kpi_sheet,
        build=build_kpi_sheet,
        body_id=lambda task: task.body_id,
        servant_id=lambda task: task.servant_id,
        period=lambda task: (task.schedule.year, task.schedule.quarter),
    )
)
register(
    FormKind(
        key="refusal_act",
        label=gettext_lazy("act of refusal to acknowledge"),
        authorize=authorize_refusal_act,
        build=build_refusal_act,
        body_id=lambda result: result.body_id,
        servant_id=lambda result: result.servant_id,
        period=lambda result: (result.year, result.quarter),
    )
)


# The 2018 competency sheet and the 2023 differentiation sheet live in their own modules.
from . import printed_competency, printed_differentiation  # noqa: E402, F401
