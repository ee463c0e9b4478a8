"""Users and the audit trail shared by every app."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit_chain


class User(AbstractUser):
    """A person who logs in. The username may be the servant's IIN."""

    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="kk"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuditImmutable(Exception):
    """An attempt to change or delete audit rows outside `audit_purge()`."""


# True inside `audit_purge()`: the only way audit rows leave the database.
_PURGING: ContextVar[bool] = ContextVar("bagalau_audit_purging", default=False)

MSG_APPEND_ONLY = "The audit trail is append-only: rows are never changed or deleted."


class AuditChainHead(models.Model):
    """The end of one hash chain: locked by every append, so a chain never forks.

    `anchor_hash` is the `prev_hash` the first kept row points to (empty until the retention
    purge removes the oldest rows); `length` counts the rows kept, so a deleted last row shows.
    """

    key = models.CharField(max_length=32, unique=True)
    last_hash = models.CharField(max_length=64, blank=True)
    length = models.PositiveBigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")

    def __str__(self) -> str:
        return f"{self.key} ({self.length})"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """No update and no delete through the ORM; bulk inserts are chained like single ones."""

    def update(self, **kwargs: Any) -> int:
        raise AuditImmutable(MSG_APPEND_ONLY)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AuditImmutable(MSG_APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        if not _PURGING.get():
            raise AuditImmutable(MSG_APPEND_ONLY)
        return super().delete()

    def _raw_delete(self, using: str | None) -> int:
        if not _PURGING.get():
            raise AuditImmutable(MSG_APPEND_ONLY)
        return super()._raw_delete(using)

    def bulk_create(self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any) -> list[Any]:
        events = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            heads = _chain(events, using=self.db)
            created = super().bulk_create(events, *args, **kwargs)  # type: ignore[arg-type]
            _save_heads(heads, using=self.db)
        return created


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    """One state change, written by the service that made it, in the same transaction.

    `actor` may be empty where the law demands anonymity (360 answers, 002 p34); an event
    never carries answer content, scores or comments (the result history is ResultChange).

    Append-only: `save()` of an existing row, `delete()` and queryset `update()`/`delete()`
    raise AuditImmutable, the admin is read-only, the API has no audit endpoint, and a database
    trigger refuses UPDATE (and on PostgreSQL DELETE). Each row holds `hash`, the SHA-256 of its
    content and of `prev_hash`, the hash of the previous row of its body's chain
    (`audit_chain`); `manage.py verify_audit` walks the chains. Body and actor are PROTECT:
    the hash covers their ids, and users are deactivated, never deleted.
    """

    created_at = models.DateTimeField(
        _("time"), default=timezone.now, editable=False, db_index=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.ForeignKey(
        "org.StateBody",
        verbose_name=_("state body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventManager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["body", "id"], name="audit_chain_order"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutable(MSG_APPEND_ONLY)
        using = kwargs.get("using") or DEFAULT_DB_ALIAS
        with transaction.atomic(using=using, savepoint=False):
            heads = _chain([self], using=using)
            super().save(*args, **kwargs)
            _save_heads(heads, using=using)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not _PURGING.get():
            raise AuditImmutable(MSG_APPEND_ONLY)
        return super().delete(*args, **kwargs)

    def computed_hash(self) -> str:
        return audit_chain.event_hash(
            body_id=self.body_id,
            created_at=self.created_at,
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            data=self.data,
            prev_hash=self.prev_hash,
        )


def _lock_head(key: str, using: str) -> AuditChainHead:
    """The chain's head row, locked until the transaction ends (created on first use)."""
    locked = AuditChainHead.objects.using(using).select_for_update()
    head = locked.filter(key=key).first()
    if head is None:
        head, _created = locked.get_or_create(key=key)
    return head


def _chain(events: list[AuditEvent], *, using: str) -> list[AuditChainHead]:
    """Link the new rows to their chains, in list order; the heads are saved after insert."""
    heads: dict[str, AuditChainHead] = {}
    keys = sorted({audit_chain.chain_key(e.body_id) for e in events})  # one lock order
    for key in keys:
        heads[key] = _lock_head(key, using)
    for event in events:
        head = heads[audit_chain.chain_key(event.body_id)]
        event.data = audit_chain.normalize(event.data)
        event.created_at = event.created_at or timezone.now()
        event.prev_hash = head.last_hash
        event.hash = event.computed_hash()
        head.last_hash = event.hash
        head.length += 1
    return list(heads.values())


def _save_heads(heads: list[AuditChainHead], *, using: str) -> None:
    for head in heads:
        head.save(using=using, update_fields=["last_hash", "length"])


def _event(
    actor: Any, action: str, obj: models.Model, body: Any, data: dict[str, Any] | None
) -> AuditEvent:
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        body=body,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )


def audit(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    body: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit record (call inside the transaction of the change, near its end).

    The append locks the body's chain head until the transaction commits (three queries:
    lock, insert, head update). `data` holds no scores, answers or comments.
    """
    event = _event(actor, action, obj, body, data)
    event.save()
    return event


def audit_many(
    items: Iterable[tuple[Any, str, models.Model, Any, dict[str, Any] | None]],
) -> list[AuditEvent]:
    """Write many records at once (actor, action, obj, body, data): one insert, chained."""
    events = [_event(*item) for item in items]
    return AuditEvent.objects.bulk_create(events) if events else []


# The database triggers of migration 0005 (verify_audit checks they are there).
SQLITE_TRIGGER = "core_auditevent_no_update"
PG_TRIGGER = "core_auditevent_append_only"


@contextmanager
def audit_purge(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """The one explicit escape: inside it audit rows may be deleted.

    For the retention service (records older than the three years of 001 p8, 002 p15) and the
    demo reset, nothing else. It opens a transaction (a savepoint), lets the ORM delete and
    lifts the PostgreSQL trigger for this transaction only (`bagalau.audit_purge`). Whoever
    removes the oldest rows of a chain sets the chain head's `anchor_hash` to the hash of the
    last removed row (see `purge_audit_before`), so `verify_audit` still checks the rest.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('bagalau.audit_purge', 'on', true)")
        token = _PURGING.set(True)
        try:
            yield
        finally:
            _PURGING.reset(token)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('bagalau.audit_purge', 'off', true)")


def purge_audit_before(moment: Any, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete, chain by chain, the oldest rows written before `moment`; the rest stays verifiable.

    Only a prefix of each chain goes (rows in id order up to the last one older than `moment`),
    and the head's anchor moves to the hash of the last deleted row. Returns the rows deleted.
    """
    deleted = 0
    with audit_purge(using):
        for head in AuditChainHead.objects.using(using).select_for_update().order_by("key"):
            rows = AuditEvent.objects.using(using).filter(chain_filter(head.key))
            last = rows.filter(created_at__lt=moment).order_by("-id").first()
            if last is None:
                continue
            count, _ = rows.filter(id__lte=last.pk).delete()
            head.anchor_hash = last.hash
            head.length -= count
            head.save(using=using, update_fields=["anchor_hash", "length"])
            deleted += count
    return deleted


def chain_filter(key: str) -> models.Q:
    if key == audit_chain.GLOBAL_CHAIN:
        return models.Q(body__isnull=True)
    return models.Q(body_id=int(key.removeprefix("body:")))
