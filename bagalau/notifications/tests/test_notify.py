"""Queueing: rendered in the recipient's language, email only with an address, dedupe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from bagalau.notifications import messages, services
from bagalau.notifications.models import Notification
from bagalau.notifications.services import NotifyItem

pytestmark = pytest.mark.django_db

GREETINGS = {"kk": "Сәлем, %(name)s", "ru": "Привет, %(name)s", "en": "Hello, %(name)s"}


def _by_language(texts: dict[str, str]) -> str:
    return texts[translation.get_language()]


# A lazy string like gettext_lazy's, whose value depends only on the active language, so
# the test does not depend on the state of the .po files.
by_language = lazy(_by_language, str)


@pytest.fixture(autouse=True)
def own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kinds a test registers go with it: the notice-language test counts every kind
    the product registers, and may run after this module on the same worker."""
    monkeypatch.setattr(messages, "_REGISTRY", dict(messages._REGISTRY))


@pytest.fixture
def greeting() -> str:
    messages.register("test.greeting", by_language(GREETINGS), by_language(GREETINGS))
    return "test.greeting"


def test_it_renders_in_the_recipients_language(world, greeting):
    servant, colleague = world.users["servant"], world.users["colleague"]
    colleague.language = "ru"
    colleague.save()
    with translation.override("en"):  # the sender's language does not matter
        kk = services.notify(recipient=servant, kind=greeting, context={"name": "Айгүл"})
        ru = services.notify(recipient=colleague, kind=greeting, context={"name": "Айгүл"})
    assert {(n.channel, n.language, n.subject) for n in kk} == {
        ("email", "kk", "Сәлем, Айгүл"),
        ("in_app", "kk", "Сәлем, Айгүл"),
    }
    assert {(n.language, n.subject) for n in ru} == {("ru", "Привет, Айгүл")}


def test_it_renders_gettext_strings_through_the_catalog(world):
    # "Log in" is translated in every catalog (see core/tests/test_translations.py).
    messages.register("test.login", gettext_lazy("Log in"), gettext_lazy("Log in"))
    colleague = world.users["colleague"]
    colleague.language = "ru"
    colleague.save()
    (kk,) = services.notify(recipient=world.users["servant"], kind="test.login", context={},
                            channels=["in_app"])  # fmt: skip
    (ru,) = services.notify(recipient=colleague, kind="test.login", context={}, channels=["in_app"])
    assert kk.subject == "Кіру"
    assert ru.subject == "Войти"


def test_it_renders_lazy_context_values_in_the_recipients_language(world, greeting):
    servant = world.users["servant"]
    servant.language = "ru"
    servant.save()
    (row,) = services.notify(
        recipient=servant,
        kind=greeting,
        context={"name": by_language({"kk": "әріптес", "ru": "коллега", "en": "colleague"})},
        channels=["in_app"],
    )
    assert row.subject == "Привет, коллега"


def test_it_stores_the_generic_hello_with_its_placeholder_filled(world):
    (row,) = services.notify(
        recipient=world.users["servant"],
        kind="test.hello",
        context={"name": "Servant"},
        channels=["in_app"],
        url="/notifications/",
        body=world.body,
        object_type="org.servant",
        object_id=str(world.servant.pk),
    )
    row.refresh_from_db()
    assert "Servant" in row.subject and "Servant" in row.text
    assert row.language == "kk" and row.status == "pending" and row.body == world.body


def test_it_queues_no_email_without_an_address(world):
    user = world.users["servant"]
    user.email = ""
    user.save()
    rows = services.notify(recipient=user, kind="test.hello", context={"name": "x"})
    assert [r.channel for r in rows] == ["in_app"]


def test_it_queues_nothing_for_an_inactive_user(world):
    user = world.users["servant"]
    user.is_active = False
    user.save()
    assert services.notify(recipient=user, kind="test.hello", context={"name": "x"}) == []


def test_it_queues_a_deduplicated_notice_once_per_channel(world):
    user = world.users["servant"]
    kwargs = {"recipient": user, "kind": "test.hello", "context": {"name": "x"}}
    first = services.notify(**kwargs, dedupe_key="reminder:sheet:1:2026-03-02:3")
    again = services.notify(**kwargs, dedupe_key="reminder:sheet:1:2026-03-02:3")
    other_day = services.notify(**kwargs, dedupe_key="reminder:sheet:1:2026-03-03:1")
    assert len(first) == 2 and again == [] and len(other_day) == 2
    assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {
        "reminder:sheet:1:2026-03-02:3:email",
        "reminder:sheet:1:2026-03-02:3:in_app",
        "reminder:sheet:1:2026-03-03:1:email",
        "reminder:sheet:1:2026-03-03:1:in_app",
    }


def test_a_duplicate_inside_a_transaction_does_not_break_it(world):
    user = world.users["servant"]
    with transaction.atomic():
        services.notify(recipient=user, kind="test.hello", context={"name": "x"}, dedupe_key="k")
        services.notify(recipient=user, kind="test.hello", context={"name": "x"}, dedupe_key="k")
        user.first_name = "Still writable"
        user.save()
    assert Notification.objects.count() == 2


def test_it_refuses_an_unknown_kind_or_channel(world):
    user = world.users["servant"]
    with pytest.raises(messages.UnknownMessage):
        services.notify(recipient=user, kind="nobody.registered", context={})
    with pytest.raises(ValueError):
        services.notify(recipient=user, kind="test.hello", context={"name": "x"}, channels=["sms"])


def test_notify_many_queues_thousands_with_few_queries(world, django_assert_max_num_queries):
    users = [world.users[name] for name in ("servant", "colleague", "heada", "headb")]
    items = [
        NotifyItem(
            recipient=users[i % 4],
            kind="test.hello",
            context={"name": f"n{i}"},
            dedupe_key=f"acquaintance:{i}",
        )
        for i in range(1500)
    ]
    # Per batch of 1000 rows: one look-up of the dedupe keys and the inserts. PostgreSQL
    # inserts a batch in one query; SQLite's limit on parameters splits it (~48 rows each).
    bound = 8 if connection.vendor == "postgresql" else 3 * (1 + 1000 // 40)
    with django_assert_max_num_queries(bound):
        assert services.notify_many(items) == 3000
    assert Notification.objects.count() == 3000
    # A second run (a retried hook) queues nothing new.
    assert services.notify_many(items[:10]) == 0
    assert Notification.objects.count() == 3000


def test_queue_on_commit_waits_for_the_commit(world, django_capture_on_commit_callbacks):
    user = world.users["servant"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.queue_on_commit(recipient=user, kind="test.hello", context={"name": "x"})
        assert Notification.objects.count() == 0
    assert len(callbacks) == 1
    assert Notification.objects.count() == 2


def test_cancel_stops_pending_reminders_about_an_object(world):
    user = world.users["servant"]
    services.notify(
        recipient=user, kind="test.hello", context={"name": "x"},
        object_type="evaluations.sheet", object_id="7",
        due_at=services.timezone.now() + timedelta(days=1),
    )  # fmt: skip
    assert services.cancel(object_type="evaluations.sheet", object_id="7") == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"cancelled"}


def test_reminder_offsets_default_and_setting(settings):
    assert services.reminder_offsets() == (3, 1)
    settings.BAGALAU_REMINDER_OFFSETS = [5, 2, 1]
    assert services.reminder_offsets() == (5, 2, 1)
    settings.BAGALAU_REMINDER_OFFSETS = [0]
    with pytest.raises(services.ImproperlyConfigured):
        services.reminder_offsets()
