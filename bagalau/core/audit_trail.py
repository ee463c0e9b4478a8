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
    "results.year_formed": _("year results formed"),
    "result.acknowledged": _("year result acknowledged"),
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


def details(data: Any) -> list[tuple[str, str]]:
    if not isinstance(data, dict):
        return []
    return [
        (key, value if isinstance(value, str) else canonical(value))
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
            details=details(e.data),
        )
        for e in page_events
    ]
