"""Periodic hooks run by `tick` before it delivers: reminders, overdue flags, ….

    from bagalau.notifications.periodic import register_periodic

    def queue_reminders(now: datetime) -> int:   # returns how many notifications it queued
        ...

    register_periodic("evaluations.reminders", queue_reminders)   # in AppConfig.ready()

`tick` may run every minute and on two workers at once, so a hook must be idempotent:
queue with a `dedupe_key` (e.g. f"reminder:{sheet.pk}:{today}:{n}") and guard state
changes with a conditional UPDATE.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

logger = logging.getLogger(__name__)

Hook = Callable[[datetime], int]

_HOOKS: dict[str, Hook] = {}


@dataclass(frozen=True)
class PeriodicResult:
    hooks: int
    queued: int
    errors: int


def register_periodic(name: str, fn: Hook) -> None:
    """Register (or replace) the hook `name`; `fn(now)` returns how many rows it queued."""
    _HOOKS[name] = fn


def unregister_periodic(name: str) -> None:
    _HOOKS.pop(name, None)


def periodic_hooks() -> list[tuple[str, Hook]]:
    """The hooks in registration order."""
    return list(_HOOKS.items())


def run_periodic(now: datetime) -> PeriodicResult:
    """Run every hook in its own transaction; a failing hook is logged and rolled back."""
    queued = errors = 0
    hooks = periodic_hooks()
    for name, fn in hooks:
        try:
            with transaction.atomic():
                queued += int(fn(now) or 0)
        except Exception:
            errors += 1
            logger.exception("tick: periodic hook %s failed", name)
    return PeriodicResult(hooks=len(hooks), queued=queued, errors=errors)
