"""Queueing, claiming and delivering notifications (the outbox).

Queue: `notify` (one recipient, returns the rows), `notify_many` (bulk, thousands of rows),
`queue_on_commit` (after the caller's transaction commits). Rows are rendered at queue
time in the recipient's language.

Deliver: `claim_due` takes due rows with a conditional UPDATE (status pending → sending,
claimed_by = worker), so two workers running `tick` at once never both own a row;
`deliver` sends what this worker claimed. A worker that dies mid-send leaves rows in
"sending": after STUCK_AFTER they go back to pending (at-least-once for that crash case).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, NotFound
from bagalau.core.models import User

from . import messages
from .models import Notification

logger = logging.getLogger(__name__)

CHANNELS = (Notification.Channel.EMAIL.value, Notification.Channel.IN_APP.value)
MAX_ATTEMPTS = 5
# 1, 5, then 30 minutes and 10 minutes unless the settings say otherwise (the fault tests
# shorten them to seconds: bagalau/faults).
BACKOFF = tuple(timedelta(seconds=s) for s in settings.BAGALAU_NOTIFY_BACKOFF_SECONDS)
STUCK_AFTER = timedelta(seconds=settings.BAGALAU_NOTIFY_STUCK_SECONDS)
BULK_BATCH = 1000
DEFAULT_REMINDER_OFFSETS = (3, 1)

PENDING = Notification.Status.PENDING
SENDING = Notification.Status.SENDING
SENT = Notification.Status.SENT
FAILED = Notification.Status.FAILED
CANCELLED = Notification.Status.CANCELLED


def reminder_offsets() -> tuple[int, ...]:
    """Working days before a deadline when reminders go out: BAGALAU_REMINDER_OFFSETS or (3, 1)."""
    raw = getattr(settings, "BAGALAU_REMINDER_OFFSETS", DEFAULT_REMINDER_OFFSETS)
    try:
        offsets = tuple(int(n) for n in raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"BAGALAU_REMINDER_OFFSETS must be working-day counts, got {raw!r}"
        ) from exc
    if any(n < 1 for n in offsets):
        raise ImproperlyConfigured(f"BAGALAU_REMINDER_OFFSETS must be positive, got {raw!r}")
    return offsets


# --- queueing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NotifyItem:
    """One notification to queue (for `notify_many`); the fields of `notify`."""

    recipient: User
    kind: str
    context: Mapping[str, Any] = field(default_factory=dict)
    url: str = ""
    body: Any = None
    due_at: datetime | None = None
    channels: Sequence[str] = CHANNELS
    dedupe_key: str | None = None
    object_type: str = ""
    object_id: str = ""


def _language(user: User) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in codes else settings.LANGUAGE_CODE


def _rows(
    item: NotifyItem, now: datetime, cache: dict[tuple[str, str], tuple[str, str]]
) -> list[Notification]:
    """Unsaved rows of one item: one per channel the recipient can receive."""
    user = item.recipient
    if not user.is_active:
        return []
    unknown = set(item.channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown notification channels: {sorted(unknown)}")
    language = _language(user)
    key = (item.kind, language)
    if key not in cache:
        cache[key] = messages.templates(item.kind, language)
    if any(isinstance(v, Promise) for v in item.context.values()):
        subject, text = messages.render(item.kind, item.context, language)
    else:
        subject, text = messages.fill(cache[key], item.context)
    rows = []
    for channel in dict.fromkeys(item.channels):
        if channel == Notification.Channel.EMAIL and not user.email:
            continue
        rows.append(
            Notification(
                recipient=user,
                body=item.body,
                kind=item.kind,
                channel=channel,
                language=language,
                subject=subject,
                text=text,
                url=item.url,
                due_at=item.due_at or now,
                object_type=item.object_type,
                object_id=str(item.object_id),
                dedupe_key=f"{item.dedupe_key}:{channel}" if item.dedupe_key else None,
            )
        )
    return rows


def notify(
    *,
    recipient: User,
    kind: str,
    context: Mapping[str, Any],
    url: str = "",
    body: Any = None,
    due_at: datetime | None = None,
    channels: Sequence[str] = CHANNELS,
    dedupe_key: str | None = None,
    object_type: str = "",
    object_id: str = "",
) -> list[Notification]:
    """Queue `kind` for `recipient` on each channel; returns the rows created.

    The text is rendered now in the recipient's language. No email row without an email
    address; nothing for an inactive user. With `dedupe_key`, a row whose key (plus
    ":<channel>") already exists is skipped, so hooks may run twice safely.
    """
    item = NotifyItem(
        recipient=recipient,
        kind=kind,
        context=context,
        url=url,
        body=body,
        due_at=due_at,
        channels=channels,
        dedupe_key=dedupe_key,
        object_type=object_type,
        object_id=object_id,
    )
    created = []
    for row in _rows(item, timezone.now(), {}):
        if row.dedupe_key is None:
            row.save()
        else:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
        created.append(row)
    return created


def notify_many(items: Iterable[NotifyItem]) -> int:
    """Queue many notifications with few queries (batches of BULK_BATCH rows).

    Returns the number of rows queued; rows whose dedupe key exists are skipped (and any
    that appear concurrently are ignored by the database).
    """
    now = timezone.now()
    cache: dict[tuple[str, str], tuple[str, str]] = {}
    queued = 0
    batch: list[Notification] = []

    def flush() -> int:
        keys = [r.dedupe_key for r in batch if r.dedupe_key]
        existing = (
            set(
                Notification.objects.filter(dedupe_key__in=keys).values_list(
                    "dedupe_key", flat=True
                )
            )
            if keys
            else set()
        )
        seen: set[str] = set()
        fresh = []
        for row in batch:
            if row.dedupe_key:
                if row.dedupe_key in existing or row.dedupe_key in seen:
                    continue
                seen.add(row.dedupe_key)
            fresh.append(row)
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
        batch.clear()
        return len(fresh)

    for item in items:
        batch.extend(_rows(item, now, cache))
        if len(batch) >= BULK_BATCH:
            queued += flush()
    if batch:
        queued += flush()
    return queued


def queue_on_commit(**kwargs: Any) -> None:
    """`notify(**kwargs)` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: notify(**kwargs))


def cancel(
    *,
    object_type: str,
    object_id: str,
    kinds: Iterable[str] | None = None,
    recipient: User | None = None,
) -> int:
    """Cancel the pending notifications about an object (e.g. reminders once a task is done)."""
    qs = Notification.objects.filter(
        object_type=object_type, object_id=str(object_id), status=PENDING
    )
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if recipient is not None:
        qs = qs.filter(recipient=recipient)
    return qs.update(status=CANCELLED)


# --- claiming -----------------------------------------------------------------------------


def reclaim_stuck(now: datetime) -> int:
    """Rows left in "sending" for more than STUCK_AFTER (a worker died) go back to pending.

    The crash counts as an attempt; after MAX_ATTEMPTS such a row fails.
    """
    stuck = Notification.objects.filter(status=SENDING, claimed_at__lt=now - STUCK_AFTER)
    failed = stuck.filter(attempts__gte=MAX_ATTEMPTS - 1).update(
        status=FAILED, attempts=F("attempts") + 1, last_error="worker stopped while sending"
    )
    back = stuck.update(
        status=PENDING,
        claimed_by="",
        claimed_at=None,
        attempts=F("attempts") + 1,
        last_error="worker stopped while sending",
    )
    if failed or back:
        logger.warning("notifications: reclaimed %d stuck rows, %d failed", back, failed)
    return back + failed


def due_candidates(now: datetime, limit: int = 500) -> list[int]:
    """Ids of pending rows that are due, oldest first (no lock: claim() decides)."""
    return list(
        Notification.objects.filter(status=PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def claim(worker: str, ids: Sequence[int], now: datetime) -> list[int]:
    """Claim `ids` for `worker`; returns the ids this worker now owns.

    One conditional UPDATE: only rows still pending change. A concurrent worker's UPDATE on
    the same rows waits for ours to commit, then finds them no longer pending (PostgreSQL
    re-checks the WHERE on the new row version; SQLite serialises writers), so each row
    goes to exactly one worker. The re-read keeps only rows this claim wrote.
    """
    if not ids:
        return []
    Notification.objects.filter(pk__in=ids, status=PENDING).update(
        status=SENDING, claimed_by=worker, claimed_at=now
    )
    return list(
        Notification.objects.filter(pk__in=ids, status=SENDING, claimed_by=worker, claimed_at=now)
        .order_by("due_at", "id")
        .values_list("id", flat=True)
    )


def claim_due(worker: str, now: datetime, limit: int = 500) -> list[int]:
    """Reclaim stuck rows, then claim up to `limit` due rows for `worker`."""
    reclaim_stuck(now)
    return claim(worker, due_candidates(now, limit), now)


# --- delivery -----------------------------------------------------------------------------


def message_id(row: Notification) -> str:
    """The e-mail's Message-ID: one per notification, the same on every attempt.

    A worker killed between the SMTP server's "250 OK" and the row's update leaves a row
    that is sent again after STUCK_AFTER; the second copy carries the same Message-ID, so
    mail servers and clients that drop duplicates by it show the message once.
    """
    domain = _AROUND_THE_DOMAIN.sub("", settings.DEFAULT_FROM_EMAIL) or "bagalau"
    return f"<notification-{row.pk}@{domain}>"


_AROUND_THE_DOMAIN = re.compile(r"^.*@|>.*$")  # "Bagalau <hr@gov.kz>" → "gov.kz"


def send_mail(
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    *,
    connection: Any,
    headers: dict[str, str],
) -> int:
    """One e-mail through `connection` (Django's send_mail, with headers)."""
    return EmailMessage(
        subject, body, from_email, to, connection=connection, headers=headers
    ).send()


def _email_body(row: Notification) -> str:
    if not row.url:
        return row.text
    site = getattr(settings, "BAGALAU_SITE_URL", "").rstrip("/")
    return f"{row.text}\n\n{site}{row.url}"


def _fail(row: Notification, worker: str, now: datetime, error: str) -> None:
    attempts = row.attempts + 1
    final = attempts >= MAX_ATTEMPTS
    Notification.objects.filter(pk=row.pk, status=SENDING, claimed_by=worker).update(
        status=FAILED if final else PENDING,
        attempts=attempts,
        last_error=error[:2000],
        due_at=row.due_at if final else now + BACKOFF[min(attempts, len(BACKOFF)) - 1],
        claimed_by=worker if final else "",
        claimed_at=row.claimed_at if final else None,
    )


def deliver(ids: Sequence[int], *, worker: str, now: datetime | None = None) -> tuple[int, int]:
    """Send the rows `worker` claimed; returns (sent, failed attempts).

    In-app rows are marked sent (the inbox shows them). Email goes through send_mail from
    DEFAULT_FROM_EMAIL. A failed send is retried after 1, 5, then 30 minutes; after
    MAX_ATTEMPTS the row is "failed" with the last error.
    """
    now = now or timezone.now()
    rows = list(
        Notification.objects.filter(pk__in=ids, status=SENDING, claimed_by=worker)
        .select_related("recipient")
        .order_by("due_at", "id")
    )
    in_app = [r.pk for r in rows if r.channel == Notification.Channel.IN_APP]
    sent = Notification.objects.filter(pk__in=in_app, status=SENDING, claimed_by=worker).update(
        status=SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
    )
    failed = 0
    emails = [r for r in rows if r.channel == Notification.Channel.EMAIL]
    if not emails:
        return sent, failed
    connection = get_connection(fail_silently=False)
    for row in emails:
        address = row.recipient.email
        try:
            if not address:
                raise ValueError("the recipient has no email address")
            send_mail(
                row.subject,
                _email_body(row),
                settings.DEFAULT_FROM_EMAIL,
                [address],
                connection=connection,
                headers={"Message-ID": message_id(row)},
            )
        except Exception as exc:  # any backend error: retry later, keep the reason
            logger.warning("notifications: email %s failed: %s", row.pk, exc)
            _fail(row, worker, now, f"{type(exc).__name__}: {exc}")
            failed += 1
            continue
        sent += Notification.objects.filter(pk=row.pk, status=SENDING, claimed_by=worker).update(
            status=SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
    return sent, failed


# --- the inbox ----------------------------------------------------------------------------


def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's in-app notifications read (others' rows: NotFound)."""
    from .selectors import access_notification

    row = access_notification(user, notification_id)
    if row.read_at is None:
        row.read_at = timezone.now()
        Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=row.read_at)
    return row


def notification_mark_all_read(*, user: Any) -> int:
    """Mark all the user's delivered in-app notifications read; returns how many changed."""
    from .selectors import inbox

    return inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- HR's outbox ------------------------------------------------------------------------------

MSG_NOT_RETRYABLE = _("Only a message that failed can be sent again.")
MSG_NOT_FOUND = _("This notification does not exist.")


def outbox_retry(*, actor: Any, body_id: int, notification_id: int) -> Notification:
    """HR sends a failed message again: it goes back to pending, due now, with one more try
    (a later failure fails it again at once). Audited; the text is not copied anywhere."""
    from bagalau.core.models import audit

    from .selectors import outbox_access

    access = outbox_access(actor, body_id)
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, body_id=body_id)
            .first()
        )
        if row is None:
            raise NotFound(MSG_NOT_FOUND, code="not_found")
        if row.status != FAILED:
            raise Conflict(MSG_NOT_RETRYABLE, code="not_retryable", field="notification")
        attempts = min(row.attempts, MAX_ATTEMPTS - 1)
        Notification.objects.filter(pk=row.pk).update(
            status=PENDING, due_at=timezone.now(), attempts=attempts, claimed_by="",
            claimed_at=None,
        )  # fmt: skip
        row.refresh_from_db()
        audit(
            actor=actor, action="notifications.retry", obj=row, body=access.body,
            data={"kind": row.kind, "attempts": attempts},
        )  # fmt: skip
    return row
