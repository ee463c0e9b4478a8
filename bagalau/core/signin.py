"""Sign-in protection: django-axes' lockout answer, and the password reset throttle.

django-axes counts failed authenticate() calls (login page, admin) per username and per
address and refuses sign-in for a cool-off after the limit. It does not see password reset
requests, which send email without authenticating: those are counted here, per account
(the email asked for, hashed) and per address, in bagalau.api.throttle's windows.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bagalau.api import throttle


def local_time(moment: datetime) -> str:
    """A moment as users read it: the country's local date and time."""
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _cool_off(request: HttpRequest | None = None) -> timedelta:
    return get_cool_off(request) or timedelta(minutes=settings.BAGALAU_SIGNIN_COOLOFF_MINUTES)


def locked_until(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime:
    """When the lockout that refused this request ends.

    Axes keeps one row per (username, address, agent) with its failure count and last
    failure time, and counts the rows newer than the cool-off. Newest first, the row that
    brings the count to the limit is the one whose expiry lifts the lock.
    """
    cool_off = _cool_off(request)
    limit = get_failure_limit(request, credentials)
    handler = AxesProxyHandler.get_implementation()
    ends: list[datetime] = []
    for attempts in getattr(handler, "get_user_attempts", lambda *_: [])(request, credentials):
        total = 0
        rows = attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        )
        for attempt_time, failures in rows:
            total += failures
            if total >= limit:
                ends.append(attempt_time + cool_off)
                break
    if ends:
        return max(ends)
    return (getattr(request, "axes_attempt_time", None) or timezone.now()) + cool_off


def retry_after(until: datetime) -> str:
    return str(max(1, int((until - timezone.now()).total_seconds())))


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a translated page (or the API's error shape) saying until when."""
    until = locked_until(request, credentials)
    message = _(
        "Too many failed sign-in attempts: sign-in is blocked until %(until)s. "
        "If you forgot your password, reset it."
    ) % {"until": local_time(until)}
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse(
            {"code": "locked_out", "message": message, "field": None, "errors": []}, status=429
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"message": message, "until": until},
            status=429,
        )
    response["Retry-After"] = retry_after(until)
    return response


# --- password reset throttle ---------------------------------------------------------------


def _reset_keys(request: HttpRequest, email: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"reset:account:{digest}", f"reset:ip:{get_client_ip_address(request) or '-'}"


def reset_blocked_until(request: HttpRequest, email: str) -> datetime | None:
    """The end of the window if this account or this address asked for too many resets."""
    now = timezone.now()
    account, address = _reset_keys(request, email)
    window = _cool_off(request)
    ends = [
        throttle.blocked_until([account], settings.BAGALAU_RESET_PER_ACCOUNT, now, window),
        throttle.blocked_until([address], settings.BAGALAU_RESET_PER_ADDRESS, now, window),
    ]
    blocked = [end for end in ends if end is not None]
    return max(blocked) if blocked else None


def count_reset(request: HttpRequest, email: str) -> None:
    throttle.hit(_reset_keys(request, email), timezone.now(), _cool_off(request))
