from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

REQUEST_MENU_ATTR = "_bagalau_menu"


@dataclass(frozen=True)
class Menu:
    """What the top menu offers the user: only what they can use (issue 13 item 3).

    `evaluates`: the user fills sheets ("To evaluate"); `serves`: the user is a servant
    with results of their own ("My results"); `has_role`: a role in some body (HR, the
    authorized person, strategic planning, the commission). The methodology catalog and
    the API tokens are for those who work with evaluations: a servant who evaluates nobody
    reaches the tokens from the account link (their name) only.
    """

    evaluates: bool = False
    serves: bool = False
    has_role: bool = False
    superuser: bool = False
    # The body whose work plans the user has a part in ("Work plans"): where they are HR or
    # strategic planning, else where a plan is theirs, drawn up or approved by them (issue 14).
    plans_body: int | None = None
    # The body whose HR analytics the user may open ("HR analytics"): where they are HR (an
    # officer or the head), else where they head a unit today (issue 17). A superuser's
    # entry leads to the national figures instead.
    analytics_body: int | None = None

    @property
    def works(self) -> bool:
        return self.superuser or self.has_role or self.evaluates


def request_menu(request: HttpRequest) -> Menu:
    """The user's `Menu`, computed once per request in one query (three EXISTS, and the
    bodies of "Work plans" and "HR analytics" as subqueries)."""
    cached: Menu | None = getattr(request, REQUEST_MENU_ATTR, None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Menu()
    from django.db.models import Exists, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from bagalau.core.models import User
    from bagalau.evaluations.models import Task, TaskState
    from bagalau.org.models import HR_ROLES, Appointment, Role, RoleAssignment, Servant
    from bagalau.plans.models import WorkPlan

    today = timezone.localdate()

    def plan_body(**match: Any) -> Subquery:
        return Subquery(
            WorkPlan.objects.filter(**match).order_by("-year", "pk").values("body_id")[:1]
        )

    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            evaluates=Exists(
                Task.objects.filter(evaluator_user=OuterRef("pk")).exclude(state=TaskState.EXCLUDED)
            ),
            serves=Exists(Servant.objects.filter(user=OuterRef("pk"))),
            has_role=Exists(RoleAssignment.objects.filter(user=OuterRef("pk"))),
            analytics_body=Coalesce(
                Subquery(
                    RoleAssignment.objects.filter(user=OuterRef("pk"), role__in=list(HR_ROLES))
                    .order_by("pk")
                    .values("body_id")[:1]
                ),
                Subquery(
                    Appointment.objects.filter(
                        servant__user=OuterRef("pk"), position__is_head=True, start_date__lte=today
                    )
                    .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
                    .order_by("pk")
                    .values("servant__body_id")[:1]
                ),
            ),
            plans_body=Coalesce(
                Subquery(
                    RoleAssignment.objects.filter(
                        user=OuterRef("pk"), role__in=[*HR_ROLES, Role.STRATEGIC_PLANNING]
                    )
                    .order_by("pk")
                    .values("body_id")[:1]
                ),
                plan_body(drafter_user=OuterRef("pk")),
                plan_body(approver_user=OuterRef("pk")),
                plan_body(servant__user=OuterRef("pk")),
            ),
        )
        .values("evaluates", "serves", "has_role", "plans_body", "analytics_body")
        .first()
    )
    menu = Menu(
        evaluates=bool(row and row["evaluates"]),
        serves=bool(row and row["serves"]),
        has_role=bool(row and row["has_role"]),
        superuser=bool(user.is_superuser),
        plans_body=row["plans_body"] if row else None,
        analytics_body=row["analytics_body"] if row else None,
    )
    setattr(request, REQUEST_MENU_ATTR, menu)
    return menu


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The bodies the user can open and the menu's flags (each computed once per request).

    Both are lazy: a fragment that shows no menu (an htmx swap) runs no query for them.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from bagalau.org.selectors import request_bodies

    return {
        "nav_bodies": SimpleLazyObject(lambda: request_bodies(request)),
        "nav": SimpleLazyObject(lambda: request_menu(request)),
    }
