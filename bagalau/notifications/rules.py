"""Pure rules of notifications: values in, values out, no queries, no clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

MSG_BAD_OFFSET = _("A reminder is sent a positive number of working days before the deadline.")


def reminder_days(
    due: date,
    today: date,
    offsets: Sequence[int],
    add_working_days: Callable[[date, int], date],
) -> list[int]:
    """The offsets whose reminder falls on `today`: the N-th working day before `due` is today.

    Issue 3 item 7: reminders 3 and 1 working days before a deadline (configurable).
    methodology.md §6: "N working days before X" counts backwards from X, X itself not
    counted, so `add_working_days(due, -N)`. Offsets keep their order; repeats count once.
    `add_working_days(day, n)` is the calendar's arithmetic bound to one body's calendar,
    e.g. `lambda d, n: workdays.rules.add_working_days(d, n, cal)`.
    """
    result: list[int] = []
    for n in offsets:
        if n < 1:
            raise DomainError(MSG_BAD_OFFSET, code="reminder_offset", field="offsets")
        if n not in result and add_working_days(due, -n) == today:
            result.append(n)
    return result
