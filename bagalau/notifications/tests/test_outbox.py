"""HR's outbox (issue 19 item 3): what waits, retries, is stuck or failed — never the text."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from bagalau.core.models import AuditEvent
from bagalau.notifications import selectors, services
from bagalau.notifications.models import Notification
from bagalau.notifications.services import MAX_ATTEMPTS, STUCK_AFTER, NotifyItem

pytestmark = pytest.mark.django_db


def queue(world, n=1, *, channel="email"):
    services.notify_many(
        NotifyItem(
            recipient=world.servant.user, kind="test.hello", context={"name": f"secret #{i}"},
            channels=(channel,), body=world.body, due_at=timezone.now() - timedelta(minutes=1),
        )
        for i in range(n)
    )  # fmt: skip
    return list(Notification.objects.filter(body=world.body).order_by("id"))


def test_the_outbox_counts_each_delivery_state_in_one_query(world, django_assert_num_queries):
    rows = queue(world, 6)
    now = timezone.now()
    S = Notification.Status
    Notification.objects.filter(pk=rows[0].pk).update(status=S.FAILED, attempts=MAX_ATTEMPTS)
    Notification.objects.filter(pk=rows[1].pk).update(attempts=2)  # pending after a failure
    Notification.objects.filter(pk=rows[2].pk).update(
        status=S.SENDING, claimed_by="w1", claimed_at=now - STUCK_AFTER - timedelta(minutes=1)
    )
    Notification.objects.filter(pk=rows[3].pk).update(
        status=S.SENDING, claimed_by="w2", claimed_at=now
    )
    Notification.objects.filter(pk=rows[4].pk).update(status=S.SENT, sent_at=now)
    with django_assert_num_queries(1):
        counts = selectors.outbox_counts(world.body.pk, now)
    assert counts == {
        "pending": 1, "retrying": 1, "sending": 1, "stuck": 1, "failed": 1, "sent": 1,
        "cancelled": 0,
    }  # fmt: skip
    assert selectors.stuck_claims(now) == [
        {"claimed_by": "w1", "count": 1, "oldest": now - STUCK_AFTER - timedelta(minutes=1)}
    ]


def test_hr_sees_the_outbox_without_any_message_text_and_others_do_not(world):
    rows = queue(world, 2)
    Notification.objects.filter(pk=rows[0].pk).update(
        status=Notification.Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP 554"
    )
    url = reverse("notifications:outbox", args=[world.body.pk])
    for who in ("hrofficer", "hrhead"):
        page = world.client(who).get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-status="failed"' in html and "SMTP 554" in html  # failed first
        assert "secret #" not in html  # what was said is the recipient's: only the kind shows
        assert "…" in html
    assert world.client("servant").get(url).status_code == 403
    assert world.client("heada").get(url).status_code == 403
    assert world.client("otherhr").get(url).status_code == 404
    assert world.client("admin").get(url).status_code == 403  # a superuser is not the body's HR
    assert world.client("anonymous").get(url).status_code == 302


def test_the_outbox_page_runs_the_same_queries_for_a_few_and_for_many(
    world, django_assert_max_num_queries
):
    url = reverse("notifications:outbox", args=[world.body.pk]) + "?status=pending"
    client = world.client("hrofficer")
    queue(world, 3)
    with django_assert_max_num_queries(12) as few:
        response = client.get(url)
    assert (response.status_code, response.context["counts"]["pending"]) == (200, 3)
    queue(world, 120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert (response.status_code, response.context["counts"]["pending"]) == (200, 123)
    assert len(response.context["rows"]) < 123  # a bounded page


def test_hr_sends_a_failed_message_again_once_and_it_is_audited(world):
    rows = queue(world, 2)
    failed = rows[0]
    Notification.objects.filter(pk=failed.pk).update(
        status=Notification.Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP 554"
    )
    url = reverse("notifications:outbox", args=[world.body.pk])
    client = world.client("hrofficer")
    assert client.post(url, {"notification": failed.pk}).status_code == 302
    failed.refresh_from_db()
    assert failed.status == "pending" and failed.attempts == MAX_ATTEMPTS - 1
    assert AuditEvent.objects.filter(action="notifications.retry").count() == 1
    # Only a failed one: a pending row, a stranger's id or junk is refused with a message.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages are Kazakh until chosen
    again = client.post(url, {"notification": failed.pk})
    assert again.status_code == 400  # the error page with the message (HTML views)
    assert "Only a message that failed" in again.content.decode()
    assert client.post(url, {"notification": "x"}).status_code == 400
    assert client.post(url, {"notification": 10**11}).status_code == 404
    assert world.client("servant").post(url, {"notification": failed.pk}).status_code == 403
    # One more try: a failure now fails it at once, as the attempts are used up.
    ids = services.claim_due("w", timezone.now())
    assert failed.pk in ids


def test_the_outbox_command_reports_stuck_claims_and_fails_its_check(world):
    rows = queue(world, 3)
    now = timezone.now()
    Notification.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(
        status=Notification.Status.SENDING, claimed_by="tick-7",
        claimed_at=now - STUCK_AFTER - timedelta(minutes=5),
    )  # fmt: skip
    out = StringIO()
    call_command("outbox", stdout=out)
    text = out.getvalue()
    assert "pending=1" in text and "sending=2" in text
    assert "stuck: worker=tick-7 rows=2 oldest claim 15 min ago" in text
    with pytest.raises(CommandError, match="2 stuck, 0 failed"):
        call_command("outbox", "--check", stdout=StringIO())
    services.reclaim_stuck(timezone.now())
    out = StringIO()
    call_command("outbox", "--check", "--body", str(world.body.pk), stdout=out)
    assert "stuck claims: none" in out.getvalue()
