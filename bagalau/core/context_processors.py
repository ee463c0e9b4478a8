from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The bodies the user can open, for the top menu (computed once per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from bagalau.org.selectors import request_bodies

    return {"nav_bodies": request_bodies(request)}
