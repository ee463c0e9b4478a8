"""API tokens for integrating systems: only a hash is stored; the key is shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_LIFETIMES_DAYS = (30, 90, 365)
"""The lifetimes the tokens page offers."""

LAST_USED_PRECISION = timedelta(seconds=60)
"""`last_used_at` is written at most this often: an UPDATE per request costs ~4 ms."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def default_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.BAGALAU_TOKEN_DAYS)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, user: object, name: str, days: int | None = None) -> tuple[ApiToken, str]:
        """Create a token and return it with its clear key (shown to the user once)."""
        key = "bgl_" + secrets.token_urlsafe(32)
        lifetime = timedelta(days=days or settings.BAGALAU_TOKEN_DAYS)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[4:12],
            key_hash=hash_key(key),
            expires_at=timezone.now() + lifetime,
        )
        return token, key

    def touch(self, now: datetime) -> None:
        """Record a use, at most once per LAST_USED_PRECISION."""
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class RateCounter(models.Model):
    """A fixed-window counter for the throttles django-axes does not cover.

    Password reset requests and unknown API tokens are counted here rather than in the
    cache: the count is shared by every worker, survives restarts and needs no deploy step.
    """

    key = models.CharField(_("key"), max_length=200)
    window_start = models.DateTimeField(_("window start"), db_index=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="api_ratecounter_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
