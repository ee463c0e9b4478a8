"""Notices of the work plan workflow, queued after commit in each recipient's language.

They name the servant, the year and the due date — never a KPI's content.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

KINDS = {
    "submit": "plan.to_review",
    "agree": "plan.to_review",
    "return": "plan.returned",
    "approve": "plan.approved",
    "amend": "plan.amended",
    "monitor": "plan.monitored",
}


def register() -> None:
    from bagalau.notifications.messages import register as add

    add(
        "plan.to_draw_up",
        _("Work plan to draw up: %(servant)s, %(year)s"),
        _("Draw up the individual work plan of %(servant)s for %(year)s by %(due)s."),
    )
    add(
        "plan.to_review",
        _("Work plan to review: %(servant)s, %(year)s"),
        _("The individual work plan of %(servant)s for %(year)s waits for your review."),
    )
    add(
        "plan.returned",
        _("Work plan returned: %(servant)s, %(year)s"),
        _(
            "The individual work plan of %(servant)s for %(year)s was returned for correction: "
            "%(reason)s. Correct it by %(due)s."
        ),
    )
    add(
        "plan.approved",
        _("Work plan approved: %(servant)s, %(year)s"),
        _("The individual work plan of %(servant)s for %(year)s is approved."),
    )
    add(
        "plan.amended",
        _("Work plan reopened for a change: %(servant)s, %(year)s"),
        _(
            "The approved work plan of %(servant)s for %(year)s is reopened for a change: "
            "%(reason)s. It goes through approval again."
        ),
    )
    add(
        "plan.monitored",
        _("Quarterly review of your work plan: Q%(quarter)s %(year)s"),
        _(
            "Your supervisor recorded the progress of your KPIs and recommendations for Q%(quarter)s %(year)s."
        ),
    )


def plan_changed(plan_id: int, action: str, reason: str = "", quarter: int = 0) -> None:
    """After a transition: tell whoever acts next (or the servant, of a quarterly review)."""
    from bagalau.notifications import services
    from bagalau.notifications.messages import localized

    from . import services as plan_services
    from .models import WorkPlan

    plan = (
        WorkPlan.objects.select_related("servant__user", "drafter_user", "body")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None or action not in KINDS:
        return
    recipients: list[Any]
    if action in ("submit", "agree"):
        recipients = plan_services.step_holders(plan)
    elif action in ("return", "amend"):
        recipients = [plan.drafter_user]
    else:
        recipients = [plan.drafter_user, plan.servant.user]
    context = {
        "servant": localized(plan.servant, "full_name"),
        "year": plan.year,
        "reason": reason[:300],
        "due": plan.correction_due or plan.due_date or "—",
        "quarter": quarter,
    }
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        services.notify(
            recipient=user,
            kind=KINDS[action],
            context=context,
            url=reverse("plans:plan", args=[plan.pk]),
            body=plan.body,
            dedupe_key=f"plan:{plan.pk}:{plan.revision}:{action}:{user.pk}",
            object_type="plans.workplan",
            object_id=str(plan.pk),
        )


def plans_opened(plan_ids: list[int]) -> None:
    """The drafters of newly opened plans: draw the plan up by its due date (001 p9; 002 p23)."""
    from bagalau.notifications import services
    from bagalau.notifications.messages import localized
    from bagalau.notifications.services import NotifyItem

    from .models import PlanState, WorkPlan

    items = [
        NotifyItem(
            recipient=plan.drafter_user,
            kind="plan.to_draw_up",
            context={
                "servant": localized(plan.servant, "full_name"),
                "year": plan.year,
                "due": plan.due_date or "—",
            },
            url=reverse("plans:plan", args=[plan.pk]),
            body=plan.body,
            dedupe_key=f"plan-open:{plan.pk}",
            object_type="plans.workplan",
            object_id=str(plan.pk),
        )
        for plan in WorkPlan.objects.filter(pk__in=plan_ids, state=PlanState.DRAFT)
        .exclude(drafter_user=None)
        .select_related("servant", "drafter_user", "body")
        if plan.drafter_user is not None
    ]
    services.notify_many(items)
