"""Notices of calibration cases, queued after commit in each recipient's language.

They name the servant, the step and its due date — never a score or a position.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.org.models import HR_ROLES, Role, RoleAssignment


def register() -> None:
    from bagalau.notifications.messages import register as add

    add(
        "calibration.applied",
        _("Application for a calibration session: %(servant)s"),
        _(
            "%(servant)s applied for a calibration session. Decide whether to hold it and "
            "approve its participants by %(due)s (002 p39)."
        ),
    )
    add(
        "calibration.accepted",
        _("Calibration session appointed: %(servant)s"),
        _("The calibration session on the result of %(servant)s is appointed for %(day)s."),
    )
    add(
        "calibration.declined",
        _("Calibration session declined: %(servant)s"),
        _("The authorized person decided not to hold a calibration session: %(reason)s."),
    )
    add(
        "calibration.decided",
        _("Calibration decided: %(servant)s"),
        _(
            "The calibration session on the result of %(servant)s has decided. Acquaint "
            "yourself with the result again."
        ),
    )
    add(
        "calibration.overdue",
        _("Calibration overdue: %(servant)s"),
        _("The calibration case of %(servant)s is past its due date: %(step)s on %(due)s."),
    )


def _hr(body_id: int) -> list[Any]:
    return [
        a.user
        for a in RoleAssignment.objects.filter(body_id=body_id, role__in=HR_ROLES)
        .select_related("user")
        .order_by("pk")
    ]


def case_changed(case_id: int, action: str, reason: str = "") -> None:
    """After a transition: tell whoever acts next, and the servant of the outcome."""
    from bagalau.notifications import services
    from bagalau.notifications.messages import localized

    from .models import CalibrationCase

    case = (
        CalibrationCase.objects.select_related("servant__user", "body", "evaluator_user")
        .prefetch_related("participants__user")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        return
    recipients: list[Any] = []
    kind = ""
    if action == "apply":
        kind = "calibration.applied"
        recipients = [
            a.user
            for a in RoleAssignment.objects.filter(
                body_id=case.body_id, role=Role.AUTHORIZED_PERSON
            ).select_related("user")
        ]
    elif action == "accept":
        kind = "calibration.accepted"
        recipients = [case.servant.user, case.evaluator_user, *_hr(case.body_id)]
        recipients += [p.user for p in case.participants.all()]
    elif action == "decline":
        kind = "calibration.declined"
        recipients = [case.servant.user, *_hr(case.body_id)]
    elif action == "decide":
        kind = "calibration.decided"
        recipients = [case.servant.user, case.evaluator_user]
    if not kind:
        return
    context = {
        "servant": localized(case.servant, "full_name"),
        "due": case.decide_due or "—",
        "day": case.session_date or "—",
        "reason": reason[:300],
    }
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        services.notify(
            recipient=user, kind=kind, context=context,
            url=reverse("calibration:case", args=[case.pk]), body=case.body,
            dedupe_key=f"calibration:{case.pk}:{case.revision}:{action}:{user.pk}",
            object_type="calibration.calibrationcase", object_id=str(case.pk),
        )  # fmt: skip


def escalate_overdue(now: datetime) -> int:
    """The periodic hook: HR hears of every case whose decision, session or protocol date has
    slipped (issue 16), once per case, step and day."""
    from bagalau.notifications import services
    from bagalau.notifications.messages import localized
    from bagalau.notifications.services import NotifyItem

    from .models import CalibrationCase, CaseState

    today = timezone.localdate(now)
    steps = (
        ("decide_due", [CaseState.APPLIED], _("the decision on holding a session (002 p39)")),
        (
            "session_due",
            [CaseState.APPLIED, CaseState.ACCEPTED],
            _("the calibration session (002 p40)"),
        ),
        ("protocol_due", [CaseState.DECIDED], _("the signed protocol (002 p42)")),
    )
    items: list[NotifyItem] = []
    hr_of: dict[int, list[Any]] = {}
    for field, states, label in steps:
        late = CalibrationCase.objects.filter(
            state__in=states, **{f"{field}__lt": today}
        ).select_related("servant", "body")
        for case in late:
            if case.body_id not in hr_of:
                hr_of[case.body_id] = _hr(case.body_id)
            for user in hr_of[case.body_id]:
                items.append(
                    NotifyItem(
                        recipient=user,
                        kind="calibration.overdue",
                        context={
                            "servant": localized(case.servant, "full_name"),
                            "step": label,
                            "due": getattr(case, field),
                        },
                        url=reverse("calibration:case", args=[case.pk]),
                        body=case.body,
                        dedupe_key=f"calibration-overdue:{case.pk}:{field}:{today}:{user.pk}",
                        object_type="calibration.calibrationcase",
                        object_id=str(case.pk),
                    )  # fmt: skip
                )
    return services.notify_many(items) if items else 0
