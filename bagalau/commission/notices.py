"""Notices of the commission, queued after commit in each recipient's language.

They name the meeting's date, the servant and the due dates — never a score.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def register() -> None:
    from bagalau.notifications.messages import register as add

    add(
        "commission.consent",
        _("Commission meeting to agree: %(date)s"),
        _("HR drew up the commission meeting of %(date)s: give your consent (001 p29)."),
    )
    add(
        "commission.scheduled",
        _("Commission meeting on %(date)s"),
        _(
            "The evaluation commission meets on %(date)s (%(place)s); sheets on its agenda: "
            "%(count)s."
        ),
    )
    add(
        "commission.to_approve",
        _("Commission protocol to approve: %(date)s"),
        _("The protocol of the commission meeting of %(date)s waits for your approval (001 p39)."),
    )
    add(
        "commission.approved",
        _("Commission protocol approved: %(date)s"),
        _(
            "The results of the commission meeting of %(date)s are approved; acquaint the "
            "servants by %(due)s (001 p40)."
        ),
    )


def meeting_changed(meeting_id: int, action: str) -> None:
    """After a transition: tell whoever acts next."""
    from bagalau.notifications import services
    from bagalau.notifications.services import NotifyItem

    from . import selectors
    from .models import Meeting

    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return
    seats = selectors.seats_of(meeting.composition_id)
    kind = ""
    recipients: list[Any] = []
    if action == "create":
        kind, recipients = "commission.consent", [s.user for s in seats if s.role == "chair"]
    elif action == "consent":
        evaluators = {
            c.task.evaluator_user
            for c in meeting.cases.select_related("task__evaluator_user")
            if c.task.evaluator_user_id
        }
        kind, recipients = "commission.scheduled", [*(s.user for s in seats), *evaluators]
    elif action == "close":
        kind, recipients = "commission.to_approve", selectors.authorized_users(meeting.body_id)
    elif action == "approve":
        kind, recipients = "commission.approved", selectors.hr_users(meeting.body_id)
    if not kind:
        return
    context = {
        "date": meeting.date,
        "place": meeting.place or "—",
        "count": meeting.cases.count(),
        "due": meeting.acquaintance_due or "—",
    }
    seen: set[int] = set()
    items = []
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        items.append(
            NotifyItem(
                recipient=user,
                kind=kind,
                context=context,
                url=reverse("commission:meeting", args=[meeting.pk]),
                body=meeting.body,
                dedupe_key=f"commission:{meeting.pk}:{meeting.revision}:{action}:{user.pk}",
                object_type="commission.meeting",
                object_id=str(meeting.pk),
            )
        )
    services.notify_many(items)
