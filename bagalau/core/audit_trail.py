"""The audit trail page's reads: labels, filters and rows (who did what when).

Only the head of HR of the body reads it. Rows never show score values, answers or comments:
services do not write them (the result history is ResultChange), and `details()` drops such
keys from older rows too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit_chain import canonical
from .models import AuditEvent

ACTION_LABELS: dict[str, Any] = {
    "body.saved": _("state body saved"),
    "unit.saved": _("unit saved"),
    "position.saved": _("position saved"),
    "servant.saved": _("servant saved"),
    "appointment.created": _("appointment made"),
    "appointment.ended": _("appointment ended"),
    "acting.assigned": _("acting assignment made"),
    "secondment.saved": _("secondment saved"),
    "secondment.proposed": _("secondment proposed"),
    "secondment.accepted": _("secondment accepted"),
    "secondment.declined": _("secondment declined"),
    "secondment.withdrawn": _("secondment withdrawn"),
    "absence.saved": _("absence saved"),
    "absence.deleted": _("absence deleted"),
    "role.assigned": _("role assigned"),
    "role.revoked": _("role revoked"),
    "org.imported": _("structure imported from Excel"),
    "methodology.adopted": _("methodology adopted"),
    "methodology.version_edited": _("methodology version edited"),
    "methodology.table_edited": _("methodology table edited"),
    "calendar.day_set": _("calendar day set"),
    "calendar.day_cleared": _("calendar day cleared"),
    "schedule.created": _("schedule drafted"),
    "schedule.approved": _("schedule approved"),
    "schedule.closed": _("quarter closed"),
    "task.reassigned": _("evaluator reassigned"),
    "task.save_draft": _("sheet saved as draft"),
    "task.submit": _("sheet submitted"),
    "task.return": _("sheet returned"),
    "task.reopen": _("sheet reopened"),
    "task.acknowledge": _("result acknowledged"),
    "task.record_refusal": _("refusal to acknowledge recorded"),
    "task.save_actuals": _("KPI actual values saved"),
    "task.send_actuals": _("KPI actual values sent to the evaluator"),
    "task.agree": _("KPI sheet agreed by the superior"),
    "task.to_commission": _("KPI sheet passed to the commission"),
    "evidence.attached": _("evidence file attached"),
    "evidence.removed": _("evidence file removed"),
    "plans.opened": _("work plans opened"),
    "plan.saved": _("work plan saved"),
    "plan.submit": _("work plan submitted"),
    "plan.agree": _("work plan agreed"),
    "plan.approve": _("work plan approved"),
    "plan.return": _("work plan returned for correction"),
    "plan.amend": _("work plan reopened for a change"),
    "plan.monitor": _("quarterly monitoring recorded"),
    "commission.formed": _("evaluation commission formed by order"),
    "commission.amended": _("commission order amended (a member replaced)"),
    "commission.meeting_created": _("commission meeting drawn up"),
    "commission.edit": _("commission meeting date or agenda changed"),
    "commission.consent": _("commission meeting agreed by the chair"),
    "commission.hold": _("commission meeting opened with its attendance"),
    "commission.attendance": _("commission attendance corrected"),
    "commission.vote": _("commission vote cast"),
    "commission.note": _("commission recommendations recorded"),
    "commission.close": _("commission protocol drawn up"),
    "commission.decision": _("commission decision on a case"),
    "commission.approve": _("commission results approved by the authorized person"),
    "commission.appeal_filed": _("appeal against the commission's decision recorded"),
    "commission.appeal_reevaluate": _("appeal outcome: cancel and re-evaluate"),
    "commission.appeal_unchanged": _("appeal outcome: result left unchanged"),
    "commission.appeal_court": _("court case recorded"),
    "calibration.apply": _("calibration applied for by the servant"),
    "calibration.accept": _("calibration session appointed by the authorized person"),
    "calibration.decline": _("calibration session declined by the authorized person"),
    "calibration.prepare_card": _("calibration information card prepared"),
    "calibration.summary": _("evaluator's summary for the calibration recorded"),
    "calibration.vote": _("calibration position recorded"),
    "calibration.hold": _("calibration session held"),
    "calibration.decide": _("calibration decision applied to the result"),
    "calibration.upload_protocol": _("signed calibration protocol uploaded"),
    "calibration.feedback": _("feedback meeting recorded"),
    "calibration.appeal": _("appeal against the calibration decision recorded"),
    "results.year_formed": _("year results formed"),
    "result.acknowledged": _("year result acknowledged"),
    "survey.created": _("360 campaign created"),
    "survey.propose": _("360 respondents proposed from the structure"),
    "survey.respondent_added": _("360 respondent added by HR"),
    "survey.respondent_removed": _("360 respondent removed by HR"),
    "survey.open": _("360 campaign started"),
    "survey.close": _("360 campaign closed"),
    "survey.feedback": _("360 feedback conversation recorded"),
}

# Never shown, whatever an old row holds (scores, answers and free comments).
HIDDEN_KEYS = frozenset(
    {"score", "scores", "score_from", "score_to", "original_score", "lines", "answers", "comment"}
)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_label(object_type: str, object_id: str) -> str:
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type
    return f"{name} #{object_id}" if object_id else name


# The names of the keys services write into `data`, so a row reads in the page's language.
DETAIL_LABELS: dict[str, Any] = {
    "act": _("act of refusal"),
    "after": _("after"),
    "before": _("before"),
    "bin": _("BIN"),
    "changed": _("changed"),
    "code": _("code"),
    "created": _("created"),
    "date": _("date"),
    "deleted": _("deleted"),
    "due": _("due date"),
    "file": _("file"),
    "kpis": _("KPIs"),
    "line": _("KPI"),
    "new": _("new"),
    "not_required": _("not drawn up"),
    "quarter": _("quarter"),
    "sha256": _("checksum (SHA-256)"),
    "size": _("size"),
    "step": _("step"),
    "version": _("version"),
    "end": _("to"),
    "effective_from": _("in force from"),
    "fields": _("fields"),
    "from": _("from"),
    "host_bin": _("BIN of the host body"),
    "host_position": _("position in the host body"),
    "host_position_code": _("code of the position in the host body"),
    "kind": _("kind"),
    "late": _("late"),
    "note": _("note"),
    "notifications": _("notifications"),
    "period": _("period"),
    "position": _("position"),
    "reason": _("reason"),
    "results": _("results"),
    "role": _("role"),
    "signers": _("signed by"),
    "skipped": _("skipped"),
    "start": _("from"),
    "table": _("table"),
    "tasks": _("sheets created"),
    "template": _("template"),
    "to": _("to"),
    "unchanged": _("unchanged"),
    "updated": _("updated"),
    "user": _("user"),
    "without_user": _("without a login"),
    "year": _("year"),
    # The 360 survey's rows (campaign transitions and respondent changes only).
    "subjects": _("evaluated persons"),
    "invitations": _("requests to respond"),
    "short": _("with too few respondents"),
    "absent": _("absent during the campaign"),
    "subject": _("evaluated (servant id)"),
    "respondent": _("respondent (servant id)"),
    "relation": _("relation"),
    "held_on": _("held on"),
    # The 2018 commission's rows (001 p29-43): open votes name the choice, never a score.
    "order": _("order number"),
    "voting": _("voting members"),
    "amends": _("amends the order"),
    "cases": _("cases"),
    "case": _("case"),
    "meeting": _("meeting"),
    "voter": _("voter (user id)"),
    "choice": _("vote"),
    "filed": _("filed"),
    "reopened_task": _("sheet reopened"),
    "day": _("day"),
    "acquaintance_due": _("acquaintance due"),
    "votes_for": _("votes for the decision"),
    "cast": _("votes cast"),
    "tie_broken": _("tie decided by the chair"),
    # The 2023 calibration's rows (002 p13-14, p38-43).
    "participants": _("participants"),
    "session_date": _("session date"),
    "result": _("result"),
    "appeal": _("appeal"),
    "outcome": _("outcome"),
    "filed_on": _("filed on"),
}


def _value_labels(action: str, key: str) -> dict[str, Any]:
    """The labels of the codes a key holds for an action (a task's states, a role...)."""
    from bagalau.evaluations.models import TaskState
    from bagalau.methodology.models import MethodologyVersion
    from bagalau.methodology.tables import TABLES
    from bagalau.org.models import AbsenceKind, EndReason, Role, SecondmentStatus

    family = action.partition(".")[0]
    if key in ("from", "to") and family == "task":
        return dict(TaskState.choices)
    if key in ("from", "to") and family == "methodology":
        from bagalau.methodology.models import VersionState

        return dict(VersionState.choices)
    if key in ("from", "to") and family == "plan":
        from bagalau.plans.models import PlanState

        return dict(PlanState.choices)
    if key == "step" and family == "plan":
        return {
            "approver": _("the approver"),
            "strategic_planning": _("the strategic planning unit"),
            "hr": _("HR"),
        }
    if key in ("from", "to") and family == "survey":
        from bagalau.surveys.models import CampaignState

        return dict(CampaignState.choices)
    if key == "relation" and family == "survey":
        from bagalau.surveys.models import Relation

        return dict(Relation.choices)
    if key in ("from", "to") and family == "commission":
        from bagalau.commission.models import AppealState, MeetingState

        return {**dict(MeetingState.choices), **dict(AppealState.choices)}
    if key == "role" and family == "commission":
        from bagalau.commission.models import SeatRole

        return dict(SeatRole.choices)
    if key == "choice" and family == "commission":
        from bagalau.commission.models import Choice

        return dict(Choice.choices)
    if key in ("from", "to") and family == "calibration":
        from bagalau.calibration.models import CaseState

        return dict(CaseState.choices)
    if key == "outcome" and family == "calibration":
        from bagalau.calibration.models import AppealOutcome

        return dict(AppealOutcome.choices)
    if key == "position" and family == "calibration":
        return {
            "support": _("supports the score"),
            "up": _("proposes a higher score"),
            "down": _("proposes a lower score"),
        }
    if key in ("from", "to") and family == "secondment":
        return dict(SecondmentStatus.choices)
    if key == "role":
        return dict(Role.choices)
    if key == "kind" and family == "absence":
        return dict(AbsenceKind.choices)
    if key == "reason" and action == "appointment.ended":
        return dict(EndReason.choices)
    if key == "table" and family == "methodology":
        return {name: table.title for name, table in TABLES.items()}
    if key == "fields" and family == "methodology":
        return {f.name: f.verbose_name for f in MethodologyVersion._meta.fields}
    return {}


def _value(action: str, key: str, value: Any) -> str:
    """One detail in words: codes by their label, yes/no, a calendar day by its status."""
    labels = _value_labels(action, key)
    if isinstance(value, bool):  # the words of Django's `yesno` filter
        yes, no, *_maybe = str(_("yes,no,maybe")).split(",")
        return yes if value else no
    if value is None:
        return "—"
    if isinstance(value, str):
        return str(labels.get(value, value))
    if isinstance(value, list):
        return ", ".join(_value(action, key, item) for item in value)
    if isinstance(value, dict) and "is_working" in value:  # a calendar day before/after
        from bagalau.org.models import localized

        status = _("working day") if value["is_working"] else _("day off")
        name = localized(_Names(value), "name")
        return f"{status} ({name})" if name else str(status)
    if isinstance(value, dict):
        return "; ".join(
            f"{DETAIL_LABELS.get(k, k)}: {_value(action, k, v)}" for k, v in sorted(value.items())
        )
    return canonical(value)


class _Names:
    """A stored `name_kk/name_ru/name_en` dict read like a model's names."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.name_kk = data.get("name_kk") or ""
        self.name_ru = data.get("name_ru") or ""
        self.name_en = data.get("name_en") or ""


def details(data: Any, action: str = "") -> list[tuple[str, str]]:
    """The row's data as (label, value) pairs in the page's language; scores never."""
    if not isinstance(data, dict):
        return []
    return [
        (str(DETAIL_LABELS.get(key, key)), _value(action, key, value))
        for key, value in sorted(data.items())
        if key not in HIDDEN_KEYS
    ]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("action"), required=False)
    date_from = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = sorted(((str(v), k) for k, v in ACTION_LABELS.items()), key=lambda x: x[0])
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", _("all actions")), *((k, v) for v, k in labels)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events(body_id: int, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The body's events, newest first, with the actor in the same query."""
    qs = AuditEvent.objects.filter(body_id=body_id).select_related("actor").order_by("-id")
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("date_from"):
        qs = qs.filter(created_at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(created_at__lt=_start_of(filters["date_to"] + timedelta(days=1)))
    return qs.only(
        "id", "created_at", "action", "object_type", "object_id", "data", "actor__username",
        "actor__first_name", "actor__last_name",
    )  # fmt: skip


@dataclass
class Row:
    created_at: datetime
    actor: str
    action: str
    code: str
    object: str
    details: list[tuple[str, str]]


def rows(page_events: Any) -> list[Row]:
    return [
        Row(
            created_at=e.created_at,
            actor=(e.actor.get_full_name() or e.actor.username) if e.actor else "",
            action=action_label(e.action),
            code=e.action,
            object=object_label(e.object_type, e.object_id),
            details=details(e.data, e.action),
        )
        for e in page_events
    ]


def record_history(object_type: str, object_id: Any, limit: int = 200) -> list[Row]:
    """One record's transitions with actor and time, oldest first (a sheet's history).

    The same rows as the audit page, without scores (`details`); shown to those who may
    see the record.
    """
    events = (
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor")
        .order_by("id")[:limit]
    )
    return rows(events)
