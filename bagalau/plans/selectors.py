"""Reads of work plans for other pages: the dashboard's "plans to draw up / to review"."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from bagalau.org.models import HR_ROLES, Role, RoleAssignment

from . import rules
from .models import PlanState, WorkPlan

DASHBOARD_PLANS = 10  # rows of each dashboard list; the list page has the rest
REVIEW_SCAN = 100  # plans in review read to find the ones whose current step is the user's


def dashboard(user: Any) -> dict[str, Any]:
    """The plans the user draws up (draft, returned) and the ones waiting for their review
    step, soonest due first, in three queries whatever the number of plans (issue 14)."""
    if not getattr(user, "is_authenticated", False):
        return {"plans_to_draw": [], "plans_to_review": [], "my_plans": []}
    today = timezone.localdate()
    to_draw = list(
        WorkPlan.objects.filter(drafter_user=user, state__in=[PlanState.DRAFT, PlanState.RETURNED])
        .select_related("servant")
        .order_by("due_date", "pk")[:DASHBOARD_PLANS]
    )
    for plan in to_draw:
        due = plan.correction_due if plan.state == PlanState.RETURNED else plan.due_date
        plan.shown_due = due  # type: ignore[attr-defined]
        plan.is_overdue = due is not None and due < today  # type: ignore[attr-defined]
    held = list(RoleAssignment.objects.filter(user=user).values_list("body_id", "role"))
    hr_bodies = {b for b, r in held if r in HR_ROLES}
    planning_bodies = {b for b, r in held if r == Role.STRATEGIC_PLANNING}
    candidates = WorkPlan.objects.filter(state=PlanState.IN_REVIEW).select_related("servant")
    candidates = candidates.filter(
        Q(approver_user=user) | Q(body_id__in=hr_bodies | planning_bodies)
    ).order_by("submitted_at", "pk")[:REVIEW_SCAN]
    to_review: list[WorkPlan] = []
    for plan in candidates:
        step = plan.steps[plan.step] if plan.step < len(plan.steps) else ""
        mine = (
            (step == rules.STEP_APPROVER and plan.approver_user_id == user.pk)
            or (step == rules.STEP_HR and plan.body_id in hr_bodies)
            or (step == rules.STEP_PLANNING and plan.body_id in planning_bodies)
        )
        if mine and len(to_review) < DASHBOARD_PLANS:
            to_review.append(plan)
    # The servant's own plans of this year and the last (their KPIs and where the plan is).
    mine_qs = WorkPlan.objects.filter(servant__user=user, year__gte=today.year - 1)
    my_plans = list(mine_qs.exclude(state=PlanState.NOT_REQUIRED).order_by("-year")[:2])
    return {"plans_to_draw": to_draw, "plans_to_review": to_review, "my_plans": my_plans}
