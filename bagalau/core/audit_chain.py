"""The hash chain of the audit trail: pure functions, shared by the model, the migration
that chained the rows written before it, and `verify_audit`.

Each row's `hash` is the SHA-256 of a canonical JSON array of the fields that never change
(body, time, actor, action, object, details) and of `prev_hash`, the hash of the previous
row of the same chain. One chain per state body; rows without a body form the global chain.
Changing this function breaks every stored chain: it is frozen.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GLOBAL_CHAIN = "global"


def chain_key(body_id: int | None) -> str:
    """The chain of a body ("body:12"), or the global chain for rows without a body."""
    return f"body:{body_id}" if body_id else GLOBAL_CHAIN


def canonical(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same text for equal JSON values."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )


def normalize(data: Any) -> Any:
    """The details as the database will give them back (tuples → lists, dates → text)."""
    return json.loads(canonical(data if data is not None else {}))


def timestamp(moment: datetime) -> str:
    """The time in UTC with microseconds, whatever the zone it was read in."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    body_id: int | None,
    created_at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
    prev_hash: str,
) -> str:
    payload = canonical(
        [
            body_id,
            timestamp(created_at),
            actor_id,
            action,
            object_type,
            object_id,
            normalize(data),
            prev_hash,
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
