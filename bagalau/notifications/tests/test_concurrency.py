"""Two workers at once, for real: two threads, two database connections (PostgreSQL only).

Transactional: committed rows are visible to the other connection. The test builds its
own users (no `world`), so it needs none of the session-loaded catalog that the flush
after a transactional test removes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from bagalau.core.tests.factories import UserFactory
from bagalau.notifications import services
from bagalau.notifications.models import Notification
from bagalau.notifications.services import NotifyItem

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; the race needs two PostgreSQL connections",
    ),
]

USERS = 40


@pytest.fixture
def queued(hooks: Any) -> int:
    """USERS recipients, each with an email and an in-app notification due now."""
    users = [UserFactory(username=f"race{i}") for i in range(USERS)]
    return services.notify_many(
        NotifyItem(recipient=u, kind="test.hello", context={"name": u.username}) for u in users
    )


def in_threads(*workers: Callable[[], Any]) -> list[Any]:
    """Run the callables at once, each in its own thread with its own connection."""
    results: list[Any] = [None] * len(workers)
    errors: list[BaseException] = []

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            results[i] = fn()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_two_workers_claiming_the_same_candidates_split_them(queued):
    now = timezone.now()
    candidates = services.due_candidates(now, limit=10_000)
    assert len(candidates) == queued == 2 * USERS
    barrier = threading.Barrier(2)

    def worker(name: str) -> list[int]:
        # Both saw every row as a candidate; both UPDATE at the same moment.
        barrier.wait(timeout=10)
        return services.claim(name, candidates, now)

    a, b = in_threads(lambda: worker("A"), lambda: worker("B"))
    assert not set(a) & set(b)
    assert sorted(a + b) == sorted(candidates)
    owners = dict(Notification.objects.values_list("id", "claimed_by"))
    assert all(owners[i] == "A" for i in a) and all(owners[i] == "B" for i in b)


def test_tick_run_twice_concurrently_sends_each_notification_once(queued):
    barrier = threading.Barrier(2)

    def tick(name: str) -> str:
        barrier.wait(timeout=10)
        out = StringIO()
        # Small batches so the two workers interleave over many claims.
        call_command("tick", "--worker", name, "--limit", "7", stdout=out)
        return out.getvalue()

    mail.outbox = []
    outputs = in_threads(lambda: tick("w1"), lambda: tick("w2"))
    sent = sum(int(o.split(",")[2].split()[0]) for o in outputs)
    rows = list(Notification.objects.all())
    emails = [r for r in rows if r.channel == "email"]
    assert sent == len(rows) == queued
    assert all(r.status == "sent" and r.attempts == 1 for r in rows)
    assert len(mail.outbox) == len(emails) == USERS
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.recipient.email for r in emails)
    assert {r.claimed_by for r in rows} <= {"w1", "w2"}
