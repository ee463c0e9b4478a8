"""API authentication: tokens first, then the session (the only one that needs CSRF).

A request that carries a token is not a browser form: CSRF protects cookies, so only a
request authenticated by its session cookie is checked (django-ninja's SessionAuth checks
every request, which refused every token write with "CSRF check Failed").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth
from ninja.utils import check_csrf

from bagalau.core.signin import local_time

from . import throttle
from .models import ApiToken, hash_key


class SignInRefused(Exception):
    """An authentication refusal with its own code, answered in the API's error shape."""

    def __init__(
        self, status: int, code: str, message: str, retry_at: datetime | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_at = retry_at

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": None, "errors": []}


def _window() -> timedelta:
    return timedelta(minutes=settings.BAGALAU_SIGNIN_COOLOFF_MINUTES)


def _address_key(request: HttpRequest) -> str:
    return f"token:ip:{get_client_ip_address(request) or '-'}"


def check_token(request: HttpRequest, key: str) -> Any:
    """The token's user, None for an unknown or revoked token; raises for expiry or throttle."""
    now = timezone.now()
    address = _address_key(request)
    limit = settings.BAGALAU_TOKEN_FAILURES_PER_ADDRESS
    until = throttle.blocked_until([address], limit, now, _window())
    if until is not None:
        raise SignInRefused(
            429,
            "locked_out",
            _("Too many unknown API tokens from this address: try again after %(until)s.")
            % {"until": local_time(until)},
            retry_at=until,
        )
    row = (
        ApiToken.objects.filter(key_hash=hash_key(key), revoked=False)
        .select_related("user")
        .first()
    )
    if row is None or not row.user.is_active:
        throttle.hit([address], now, _window())
        return None
    if row.expires_at <= now:
        raise SignInRefused(
            401,
            "token_expired",
            _("This API token expired on %(date)s: issue a new one on the “API tokens” page.")
            % {"date": local_time(row.expires_at)},
        )
    row.touch(now)
    request.user = row.user
    return row.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bgl_…` for integrating systems."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token:
            return None
        return check_token(request, token)


class HeaderTokenAuth(APIKeyHeader):
    """`X-API-Key: bgl_…`, the same tokens for clients that cannot send Bearer."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        return check_token(request, key)


class CsrfSessionAuth(SessionAuth):
    """The browser's session; CSRF is checked only when the session authenticates."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise SignInRefused(
                403,
                "csrf_failed",
                _("The page expired (CSRF check failed): reload it and try again."),
            )
        return request.COOKIES.get(self.param_name)


AUTH = [TokenAuth(), HeaderTokenAuth(), CsrfSessionAuth()]
