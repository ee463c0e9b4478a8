from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from .models import ApiToken, hash_key


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bgl_…` for integrating systems."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.filter(key_hash=hash_key(token), revoked=False)
            .select_related("user")
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class HeaderTokenAuth(APIKeyHeader):
    """`X-API-Key: bgl_…`, the same tokens for clients that cannot send Bearer."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return TokenAuth().authenticate(request, key or "")


AUTH = [SessionAuth(), TokenAuth(), HeaderTokenAuth()]
