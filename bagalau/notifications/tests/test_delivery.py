"""Claiming and delivery: each row goes to one worker, failures retry with backoff."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bagalau.notifications import periodic, services
from bagalau.notifications.models import Notification

from .conftest import T0

pytestmark = pytest.mark.django_db


def queue(world, *names, **extra):
    rows = []
    for name in names or ("servant",):
        rows += services.notify(
            recipient=world.users[name], kind="test.hello", context={"name": name}, **extra
        )
    return rows


def statuses():
    return dict(Notification.objects.values_list("id", "status"))


def test_it_claims_only_due_rows_oldest_first(world, frozen):
    later = queue(world, due_at=T0 + timedelta(hours=1))
    due = queue(world, "colleague", due_at=T0 - timedelta(minutes=5))
    now_ = queue(world, "heada")
    claimed = services.claim_due("A", timezone.now())
    assert claimed == [r.pk for r in due + now_]
    assert {statuses()[r.pk] for r in later} == {"pending"}
    row = Notification.objects.get(pk=claimed[0])
    assert (row.status, row.claimed_by, row.claimed_at) == ("sending", "A", T0)


def test_a_second_worker_racing_for_the_same_rows_claims_none(world, frozen):
    """Both workers saw the same candidates; B's conditional UPDATE finds them taken."""
    queue(world, "servant", "colleague", "heada")
    now = timezone.now()
    seen_by_a = services.due_candidates(now)
    seen_by_b = services.due_candidates(now)
    assert seen_by_a == seen_by_b and len(seen_by_a) == 6
    assert services.claim("A", seen_by_a, now) == seen_by_a
    assert services.claim("B", seen_by_b, now) == []
    assert set(Notification.objects.values_list("claimed_by", flat=True)) == {"A"}
    # Delivery by B of A's rows does nothing either.
    assert services.deliver(seen_by_b, worker="B", now=now) == (0, 0)
    assert services.deliver(seen_by_a, worker="A", now=now) == (6, 0)
    assert len(mail.outbox) == 3


def test_two_workers_share_a_queue_without_overlap(world, frozen):
    queue(world, "servant", "colleague", "heada", "headb", "servantb")
    now = timezone.now()
    a = services.claim_due("A", now, limit=4)
    b = services.claim_due("B", now, limit=4)
    c = services.claim_due("A", now, limit=4)
    assert len(a) == 4 and len(b) == 4 and len(c) == 2
    assert not set(a) & set(b) and not set(b) & set(c) and not set(a) & set(c)


def test_it_sends_email_in_the_recipients_language_and_marks_in_app_sent(world, frozen):
    user = world.users["colleague"]
    user.language = "ru"
    user.save()
    queue(world, "colleague", url="/notifications/")
    ids = services.claim_due("A", timezone.now())
    assert services.deliver(ids, worker="A") == (2, 0)
    (email,) = mail.outbox
    row = Notification.objects.get(channel="email")
    assert email.to == [user.email] and email.subject == row.subject
    assert email.from_email == "bagalau@localhost" and "/notifications/" in email.body
    assert row.language == "ru"
    assert set(statuses().values()) == {"sent"}
    assert set(Notification.objects.values_list("sent_at", flat=True)) == {T0}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_the_emailed_link_names_the_site(world, frozen, settings):
    settings.BAGALAU_SITE_URL = "https://bagalau.example.kz"
    queue(world, "colleague", url="/notifications/")
    services.deliver(services.claim_due("A", timezone.now()), worker="A")
    (email,) = mail.outbox
    assert "https://bagalau.example.kz/notifications/" in email.body


def test_a_failed_email_is_retried_after_1_5_30_minutes_then_fails(world, frozen, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp is down")

    monkeypatch.setattr(services, "send_mail", broken)
    (row,) = queue(world, channels=["email"])
    waits = []
    for _attempt in range(4):
        ids = services.claim_due("A", timezone.now())
        assert ids == [row.pk]
        assert services.deliver(ids, worker="A") == (0, 1)
        row.refresh_from_db()
        assert row.status == "pending" and row.claimed_by == ""
        assert "smtp is down" in row.last_error
        waits.append(row.due_at - timezone.now())
        # Not due again before its backoff has passed.
        assert services.claim_due("A", timezone.now()) == []
        frozen.move_to(row.due_at)
    assert waits == [timedelta(minutes=m) for m in (1, 5, 30, 30)]
    ids = services.claim_due("A", timezone.now())
    assert services.deliver(ids, worker="A") == (0, 1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 5)
    assert "ConnectionRefusedError" in row.last_error
    frozen.shift(timedelta(days=1))
    assert services.claim_due("A", timezone.now()) == []


def test_a_retry_that_succeeds_is_sent_once(world, frozen, monkeypatch):
    calls = []
    real = services.send_mail

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError("slow")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", flaky)
    (row,) = queue(world, channels=["email"])
    services.deliver(services.claim_due("A", timezone.now()), worker="A")
    frozen.shift(timedelta(minutes=1))
    assert services.deliver(services.claim_due("A", timezone.now()), worker="A") == (1, 0)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_an_address_removed_before_sending_fails_the_row(world, frozen):
    (row,) = queue(world, channels=["email"])
    user = world.users["servant"]
    user.email = ""
    user.save()
    assert services.deliver(services.claim_due("A", timezone.now()), worker="A") == (0, 1)
    row.refresh_from_db()
    assert "no email address" in row.last_error and mail.outbox == []


def test_rows_stuck_in_sending_are_reclaimed_after_ten_minutes(world, frozen):
    rows = queue(world)
    ids = services.claim_due("dead-worker", timezone.now())  # ...and never delivers
    assert len(ids) == 2
    frozen.shift(timedelta(minutes=9))
    assert services.claim_due("B", timezone.now()) == []
    frozen.shift(timedelta(minutes=2))
    assert services.claim_due("B", timezone.now()) == ids
    assert services.deliver(ids, worker="B") == (2, 0)
    # The dead worker waking up cannot send them again.
    assert services.deliver(ids, worker="dead-worker") == (0, 0)
    assert len(mail.outbox) == 1
    assert {r.attempts for r in Notification.objects.filter(pk__in=[r.pk for r in rows])} == {2}


def test_a_row_that_keeps_killing_workers_ends_failed(world, frozen):
    (row,) = queue(world, channels=["in_app"])
    for _i in range(services.MAX_ATTEMPTS):
        services.claim_due("crashing", timezone.now())
        frozen.shift(timedelta(minutes=11))
    services.reclaim_stuck(timezone.now())
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", services.MAX_ATTEMPTS)


def test_cancelled_rows_are_not_sent(world, frozen):
    queue(world, object_type="evaluations.sheet", object_id="1")
    services.cancel(object_type="evaluations.sheet", object_id="1")
    assert services.claim_due("A", timezone.now()) == []


# --- the tick command ---------------------------------------------------------------------


def tick(*args):
    out = StringIO()
    call_command("tick", *args, stdout=out)
    return out.getvalue().strip()


def test_tick_runs_hooks_then_sends_due_notifications_once(world, frozen, hooks):
    def reminders(now):
        # A hook that runs every minute; its dedupe key makes it queue once a day.
        return len(
            services.notify(
                recipient=world.users["servant"],
                kind="test.hello",
                context={"name": "reminder"},
                dedupe_key=f"reminder:{now.date()}",
            )
        )

    periodic.register_periodic("test.reminders", reminders)
    queue(world, "colleague", due_at=T0 + timedelta(minutes=30))
    assert tick("--worker", "w1") == "tick: 1 hooks, 2 queued, 2 sent, 0 failed"
    assert tick("--worker", "w2") == "tick: 1 hooks, 0 queued, 0 sent, 0 failed"
    assert len(mail.outbox) == 1
    frozen.shift(timedelta(minutes=30))
    assert tick() == "tick: 1 hooks, 0 queued, 2 sent, 0 failed"
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(status="sent").count() == 4


def test_the_tick_loop_outlives_a_database_failure(world, frozen, hooks, monkeypatch):
    # A restarting PostgreSQL fails one run; the loop logs it, drops its connections and
    # runs again (issue 19: a worker must not die with the database).
    from django.db import OperationalError

    from bagalau.notifications.management.commands import tick as command

    runs = iter([OperationalError("the database system is shutting down"), "tick: fine"])
    closed: list[bool] = []

    def run_once(self, worker, limit):
        step = next(runs, KeyboardInterrupt())
        if isinstance(step, BaseException):
            raise step
        return step

    monkeypatch.setattr(command.Command, "run_once", run_once)
    monkeypatch.setattr(command.connections, "close_all", lambda: closed.append(True))
    monkeypatch.setattr(command.time, "sleep", lambda _seconds: None)
    lines = tick("--loop", "1").splitlines()
    assert lines == ["tick: database unavailable (OperationalError)", "tick: fine", "tick: stopped"]
    assert closed == [True]


def test_tick_drains_more_than_one_batch(world, frozen, hooks):
    queue(world, "servant", "colleague", "heada")
    assert tick("--limit", "2") == "tick: 0 hooks, 0 queued, 6 sent, 0 failed"


def test_a_failing_hook_is_rolled_back_and_does_not_stop_the_others(world, frozen, hooks):
    def broken(now):
        queue(world, "heada")
        raise RuntimeError("bug in a hook")

    def working(now):
        return len(queue(world, "headb"))

    periodic.register_periodic("broken", broken)
    periodic.register_periodic("working", working)
    assert tick() == "tick: 2 hooks, 2 queued, 2 sent, 0 failed, 1 hook errors"
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"headb"}


def test_every_attempt_of_an_email_carries_the_same_message_id(world, frozen, monkeypatch):
    # A worker killed after the SMTP server took the message sends it again later: the
    # copy has the notification's own Message-ID, so the mailbox drops it (issue 19).
    (row,) = queue(world, channels=["email"])
    assert services.deliver(services.claim_due("A", timezone.now()), worker="A") == (1, 0)
    Notification.objects.filter(pk=row.pk).update(status="pending", claimed_by="")
    assert services.deliver(services.claim_due("B", timezone.now()), worker="B") == (1, 0)
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.message()["Message-ID"] == f"<notification-{row.pk}@localhost>"
