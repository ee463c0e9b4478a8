"""The inbox page, its API and the unread counter: only the recipient sees a notification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from bagalau.notifications import services
from bagalau.notifications.models import Notification
from bagalau.notifications.services import NotifyItem

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
API = "/api/v1/notifications/"


def deliver_to(user, count, *, channels=("in_app",), url=""):
    """`count` delivered in-app notifications for `user`, oldest first."""
    services.notify_many(
        NotifyItem(
            recipient=user,
            kind="test.hello",
            context={"name": f"#{i}"},
            channels=channels,
            url=url,
            due_at=timezone.now() - timedelta(minutes=count - i),
        )
        for i in range(count)
    )
    ids = services.claim_due("test", timezone.now(), limit=10_000)
    services.deliver(ids, worker="test")
    return list(Notification.objects.filter(recipient=user).order_by("id"))


# --- page ---------------------------------------------------------------------------------


def test_it_lists_my_notifications_newest_first_unread_bold(world):
    rows = deliver_to(world.users["servant"], 3)
    deliver_to(world.users["colleague"], 1)
    services.notification_mark_read(user=world.users["servant"], notification_id=rows[0].pk)
    response = world.client("servant").get(INBOX)
    assert response.status_code == 200
    page = list(response.context["page"])
    assert [r.pk for r in page] == [rows[2].pk, rows[1].pk, rows[0].pk]
    html = response.content.decode()
    assert f"<strong>{rows[2].subject}</strong>" in html
    assert f"<strong>{rows[0].subject}</strong>" not in html and rows[0].subject in html
    assert "#0" in html and "Colleague" not in html


def test_it_does_not_show_email_pending_or_others(world):
    deliver_to(world.users["servant"], 1, channels=("email",))
    deliver_to(world.users["colleague"], 2)
    services.notify(
        recipient=world.users["servant"],
        kind="test.hello",
        context={"name": "later"},
        due_at=timezone.now() + timedelta(hours=1),
    )
    response = world.client("servant").get(INBOX)
    assert list(response.context["page"]) == []


def test_the_page_is_paginated(world, settings):
    settings.PAGE_SIZE = 2
    deliver_to(world.users["servant"], 5)
    client = world.client("servant")
    assert len(client.get(INBOX).context["page"]) == 2
    last = client.get(INBOX, {"page": 3}).context["page"]
    assert len(last) == 1 and last.paginator.num_pages == 3


def test_it_marks_one_and_all_read(world):
    rows = deliver_to(world.users["servant"], 3)
    client = world.client("servant")
    response = client.post(reverse("notifications:mark_read", args=[rows[0].pk]))
    assert response.status_code == 302 and response["Location"] == INBOX
    assert Notification.objects.filter(read_at__isnull=False).count() == 1
    response = client.post(reverse("notifications:mark_all_read"), {"next": INBOX + "?page=1"})
    assert response["Location"] == INBOX + "?page=1"
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_open_marks_read_and_follows_the_local_link_only(world):
    (row,) = deliver_to(world.users["servant"], 1, url="/calendar/")
    client = world.client("servant")
    response = client.post(reverse("notifications:mark_read", args=[row.pk]), {"open": "1"})
    assert response["Location"] == "/calendar/"
    Notification.objects.filter(pk=row.pk).update(url="https://evil.example/")
    response = client.post(
        reverse("notifications:mark_read", args=[row.pk]),
        {"open": "1", "next": "https://evil.example/"},
    )
    assert response["Location"] == INBOX


def test_someone_elses_notification_is_404_and_stays_unread(world):
    (row,) = deliver_to(world.users["servant"], 1)
    for who in ("colleague", "heada", "otherhr", "admin"):
        response = world.client(who).post(reverse("notifications:mark_read", args=[row.pk]))
        assert response.status_code == 404, who
    world.client("colleague").post(reverse("notifications:mark_all_read"))
    row.refresh_from_db()
    assert row.read_at is None


def test_anonymous_is_sent_to_log_in(world):
    (row,) = deliver_to(world.users["servant"], 1)
    anonymous = world.client("anonymous")
    for response in (
        anonymous.get(INBOX),
        anonymous.post(reverse("notifications:mark_read", args=[row.pk])),
        anonymous.post(reverse("notifications:mark_all_read")),
    ):
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_marking_read_needs_post(world):
    (row,) = deliver_to(world.users["servant"], 1)
    response = world.client("servant").get(reverse("notifications:mark_read", args=[row.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize("count", [5, 50])
def test_the_page_runs_a_bounded_number_of_queries(world, count, django_assert_max_num_queries):
    deliver_to(world.users["servant"], count)
    client = world.client("servant")
    # session, user, menu bodies, count, page (+1 spare for the header's unread counter)
    with django_assert_max_num_queries(7):
        response = client.get(INBOX)
    assert len(response.context["page"]) == count


# --- the unread counter -------------------------------------------------------------------


def test_unread_count_tag_is_one_query(world, django_assert_num_queries):
    rows = deliver_to(world.users["servant"], 3)
    services.notification_mark_read(user=world.users["servant"], notification_id=rows[0].pk)
    request = RequestFactory().get("/")
    request.user = world.users["servant"]
    template = Template(
        "{% load notifications_tags %}{% unread_count as n %}{{ n }}/{% unread_count %}"
    )
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "2/2"


def test_unread_count_tag_is_zero_for_anonymous(world):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    template = Template("{% load notifications_tags %}{% unread_count %}")
    assert template.render(Context({"request": request})) == "0"


# --- API ----------------------------------------------------------------------------------


def test_api_lists_my_notifications(world):
    rows = deliver_to(world.users["servant"], 3, url="/calendar/")
    deliver_to(world.users["colleague"], 2)
    services.notification_mark_read(user=world.users["servant"], notification_id=rows[0].pk)
    data = world.client("servant").get(API, {"page_size": 2}).json()
    assert (data["count"], data["page"], data["pages"]) == (3, 1, 2)
    assert [i["id"] for i in data["items"]] == [rows[2].pk, rows[1].pk]
    item = data["items"][0]
    assert item["url"] == "/calendar/" and item["kind"] == "test.hello" and item["read_at"] is None
    unread = world.client("servant").get(API, {"unread": True}).json()
    assert unread["count"] == 2


def test_api_marks_read(world):
    rows = deliver_to(world.users["servant"], 2)
    client = world.client("servant")
    response = client.post(f"{API}{rows[0].pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.post(f"{API}read").json() == {"count": 1}


def test_api_hides_someone_elses_notification(world):
    (row,) = deliver_to(world.users["servant"], 1)
    response = world.client("colleague").post(f"{API}{row.pk}/read")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert world.client("colleague").get(API).json()["count"] == 0
    row.refresh_from_db()
    assert row.read_at is None


def test_api_needs_authentication(world):
    (row,) = deliver_to(world.users["servant"], 1)
    anonymous = world.client("anonymous")
    assert anonymous.get(API).status_code == 401
    assert anonymous.post(f"{API}{row.pk}/read").status_code == 401


@pytest.mark.parametrize("count", [5, 50])
def test_api_list_runs_a_bounded_number_of_queries(world, count, django_assert_max_num_queries):
    deliver_to(world.users["servant"], count)
    client = world.client("servant")
    # session, user, count, page
    with django_assert_max_num_queries(4):
        data = client.get(API).json()
    assert len(data["items"]) == count
