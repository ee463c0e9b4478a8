from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The bodies the user can open, for the top menu (one query, cached on the request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from bagalau.org.selectors import bodies_for_user

    cached = getattr(request, "_nav_bodies", None)
    if cached is None:
        cached = list(bodies_for_user(user))
        request._nav_bodies = cached  # type: ignore[attr-defined]
    return {"nav_bodies": cached}
