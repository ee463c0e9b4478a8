"""Fixed-window rate limits stored in the database (RateCounter).

Each window is aligned to the epoch, so the time a caller may retry is the window's end.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateCounter


def window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def blocked_until(
    keys: Iterable[str], limit: int, now: datetime, window: timedelta
) -> datetime | None:
    """The end of the current window if any key has reached `limit` in it, else None."""
    start = window_start(now, window)
    full = RateCounter.objects.filter(
        key__in=list(keys), window_start=start, count__gte=limit
    ).exists()
    return start + window if full else None


def hit(keys: Iterable[str], now: datetime, window: timedelta) -> None:
    """Count one event for every key in the current window (and forget old windows)."""
    start = window_start(now, window)
    for key in keys:
        updated = RateCounter.objects.filter(key=key, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:  # a concurrent request created it first
                RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
    RateCounter.objects.filter(window_start__lt=start - window).delete()
