"""Signals other apps listen to, so that org does not depend on them."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent after commit when appointments or absences of servants change:
# kwargs body_id: int, servant_ids: list[int].
staff_changed = Signal()


def staff_changed_on_commit(body_id: int, servant_ids: list[int]) -> None:
    transaction.on_commit(
        lambda: staff_changed.send(sender=None, body_id=body_id, servant_ids=servant_ids)
    )
