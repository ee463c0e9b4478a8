"""Walk the audit hash chains and report the first broken link.

    python manage.py verify_audit [--body BIN|ID]

Each chain (one per state body, one global) is read in id order with bounded memory. For every
row the content hash is recomputed and the link to the previous row checked; at the end the
row count and the last hash must match the chain head. Exits 1 on the first broken link.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from tqdm import tqdm

from bagalau.core import audit_chain
from bagalau.core.models import (
    PG_TRIGGER,
    SQLITE_TRIGGER,
    AuditChainHead,
    AuditEvent,
    chain_filter,
)
from bagalau.org.models import StateBody

FIELDS = (
    "id",
    "created_at",
    "body_id",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "data",
    "prev_hash",
    "hash",
)


class Broken(Exception):
    def __init__(self, key: str, check: str, row_id: int | None, when: Any, detail: str) -> None:
        self.key, self.check, self.row_id, self.when, self.detail = key, check, row_id, when, detail
        where = f"row #{row_id} ({audit_chain.timestamp(when)})" if row_id else "end of chain"
        super().__init__(f"BROKEN {key}: {check} at {where}: {detail}")


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains; print the first broken link and exit 1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", help="Only this state body's chain (its BIN or id).")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = self._keys(options.get("body"))
        self._check_trigger()
        total = 0
        for key in keys:
            try:
                total += self._verify(key)
            except Broken as broken:
                raise CommandError(str(broken)) from None
        self.stdout.write(f"OK: {total} audit events in {len(keys)} chain(s) verified.")

    def _keys(self, body: str | None) -> list[str]:
        if body:
            found = StateBody.objects.filter(bin=body).values_list("pk", flat=True).first()
            if found is None and body.isdigit():
                found = StateBody.objects.filter(pk=int(body)).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"No state body with BIN or id {body!r}.")
            return [audit_chain.chain_key(found)]
        keys = set(AuditChainHead.objects.values_list("key", flat=True))
        bodies = AuditEvent.objects.order_by().values_list("body_id", flat=True).distinct()
        keys.update(audit_chain.chain_key(b) for b in bodies)
        return sorted(keys)

    def _verify(self, key: str) -> int:
        head = AuditChainHead.objects.filter(key=key).first()
        anchor = head.anchor_hash if head else ""
        rows = AuditEvent.objects.filter(chain_filter(key)).order_by("id")
        expected_prev, count = anchor, 0
        bar = tqdm(
            rows.values_list(*FIELDS).iterator(chunk_size=2000),
            total=head.length if head else None,
            desc=key,
            unit="event",
            disable=None,  # off when not a terminal
            file=self.stderr._out,
        )
        for row in bar:
            row_id, created_at, body_id, actor_id, action, otype, oid, data, prev, stored = row
            if prev != expected_prev:
                missing = not AuditEvent.objects.filter(chain_filter(key), hash=prev).exists()
                check = "missing row" if missing else "prev link mismatch"
                raise Broken(
                    key, check, row_id, created_at,
                    f"prev_hash {prev[:12] or '(empty)'} expected {expected_prev[:12] or '(empty)'}",
                )  # fmt: skip
            computed = audit_chain.event_hash(
                body_id=body_id, created_at=created_at, actor_id=actor_id, action=action,
                object_type=otype, object_id=oid, data=data, prev_hash=prev,
            )  # fmt: skip
            if computed != stored:
                raise Broken(
                    key, "content hash mismatch", row_id, created_at,
                    f"stored {stored[:12] or '(empty)'}, content gives {computed[:12]}",
                )  # fmt: skip
            expected_prev, count = stored, count + 1
        bar.close()
        if head is None and count == 0:
            return 0  # an empty chain
        if head is None:
            raise Broken(key, "missing chain head", None, None, f"{count} rows without a head")
        if expected_prev != head.last_hash or count != head.length:
            raise Broken(
                key, "missing row", None, None,
                f"{count} rows end at {expected_prev[:12] or '(empty)'}; the head expects "
                f"{head.length} ending at {head.last_hash[:12] or '(empty)'}",
            )  # fmt: skip
        return count

    def _check_trigger(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='trigger' AND name=%s",
                    [SQLITE_TRIGGER],
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT 1 FROM pg_trigger WHERE tgname=%s AND tgenabled <> 'D'", [PG_TRIGGER]
                )
            else:
                return
            present = cursor.fetchone() is not None
        if not present:
            self.stderr.write("WARNING: the append-only trigger on core_auditevent is missing.")
