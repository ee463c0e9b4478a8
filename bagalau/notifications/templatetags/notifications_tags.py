"""{% load notifications_tags %} … {% unread_count as n %}{% if n %}…{% endif %}"""

from __future__ import annotations

from typing import Any

from django import template

from bagalau.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context: dict[str, Any]) -> int:
    """Unread in-app notifications of the current user: one COUNT query per request."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_notifications_unread", None)
    if cached is None:
        cached = selectors.unread_count(user)
        if request is not None:
            request._notifications_unread = cached
    return int(cached)
