"""Sign-in lockout (django-axes) on the login page and the admin, and the reset throttle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from bagalau.core.tests.factories import UserFactory
from bagalau.core.tests.personas import PASSWORD

# 09:00 in Almaty (UTC+5), the start of a working day.
T0 = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _fail(client: Client, url: str, username: str, times: int, **extra):
    responses = []
    for _ in range(times):
        responses.append(
            client.post(url, {"username": username, "password": "wrong-pass"}, **extra)
        )
    return responses


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_the_account_until_a_stated_time(frozen):
    user = UserFactory(username="aigerim")
    client = Client()
    responses = _fail(client, "/accounts/login/", "aigerim", 10)
    assert [r.status_code for r in responses[:9]] == [200] * 9
    locked = responses[9]
    assert locked.status_code == 429
    # Blocked for 15 minutes after the 10th failure, shown in the country's local time.
    assert "2026-03-02 09:15" in locked.content.decode()
    assert locked["Retry-After"] == str(15 * 60)
    assert 'id="lockout-message"' in locked.content.decode()

    right = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert right.status_code == 429
    assert not _logged_in(client)
    # No session: the API's session sign-in is refused as well.
    assert client.get("/api/v1/bodies").status_code == 401


@pytest.mark.django_db
def test_attempts_during_the_lockout_do_not_move_the_stated_time(frozen):
    UserFactory(username="aigerim")
    client = Client()
    _fail(client, "/accounts/login/", "aigerim", 10)
    frozen.shift(timedelta(minutes=10))
    again = client.post("/accounts/login/", {"username": "aigerim", "password": PASSWORD})
    assert again.status_code == 429
    assert "2026-03-02 09:15" in again.content.decode()
    assert again["Retry-After"] == str(5 * 60)


@pytest.mark.django_db
def test_sign_in_works_again_after_the_cool_off(frozen):
    UserFactory(username="aigerim")
    client = Client()
    _fail(client, "/accounts/login/", "aigerim", 10)
    frozen.shift(timedelta(minutes=15, seconds=1))
    ok = client.post("/accounts/login/", {"username": "aigerim", "password": PASSWORD})
    assert ok.status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_nine_failures_do_not_lock(frozen):
    UserFactory(username="aigerim")
    client = Client()
    _fail(client, "/accounts/login/", "aigerim", 9)
    ok = client.post("/accounts/login/", {"username": "aigerim", "password": PASSWORD})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_the_account_is_locked_from_every_address(frozen):
    UserFactory(username="aigerim")
    _fail(Client(), "/accounts/login/", "aigerim", 10, REMOTE_ADDR="10.0.0.1")
    elsewhere = Client().post(
        "/accounts/login/",
        {"username": "aigerim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
    )
    assert elsewhere.status_code == 429


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_locked(frozen):
    UserFactory(username="aigerim")
    client = Client()
    for n in range(10):
        client.post(
            "/accounts/login/", {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR="10.0.0.9"
        )
    blocked = client.post(
        "/accounts/login/",
        {"username": "aigerim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert blocked.status_code == 429
    other_address = Client().post(
        "/accounts/login/",
        {"username": "aigerim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.10",
    )
    assert other_address.status_code == 302


@pytest.mark.django_db
def test_admin_sign_in_is_locked_too_and_shares_the_count(frozen):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    responses = _fail(client, "/admin/login/", "boss", 5)
    responses += _fail(client, "/accounts/login/", "boss", 5)
    assert responses[-1].status_code == 429
    admin = client.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert admin.status_code == 429
    assert "2026-03-02 09:15" in admin.content.decode()
    assert not _logged_in(client)


@pytest.mark.django_db
def test_lockout_message_is_in_the_callers_language(frozen):
    UserFactory(username="aigerim")
    client = Client()
    client.cookies["bagalau_language"] = "ru"
    locked = _fail(client, "/accounts/login/", "aigerim", 10)[-1]
    assert locked.status_code == 429
    assert '<html lang="ru"' in locked.content.decode()


@pytest.mark.django_db
def test_lockout_answers_json_in_the_error_shape_to_json_clients(frozen):
    UserFactory(username="aigerim")
    locked = _fail(Client(), "/accounts/login/", "aigerim", 10, HTTP_ACCEPT="application/json")[-1]
    assert locked.status_code == 429
    body = locked.json()
    assert set(body) == {"code", "message", "field", "errors"}
    assert body["code"] == "locked_out"
    assert "2026-03-02 09:15" in body["message"]
    assert body["field"] is None and body["errors"] == []


# --- password reset ------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_is_throttled_per_account(frozen):
    UserFactory(username="aigerim", email="aigerim@example.kz")
    client = Client()
    for _ in range(3):
        sent = client.post("/accounts/password-reset/", {"email": "aigerim@example.kz"})
        assert sent.status_code == 302
    assert len(mail.outbox) == 3
    refused = client.post("/accounts/password-reset/", {"email": "AIGERIM@example.kz"})
    assert refused.status_code == 429
    # Windows of 15 minutes from the hour: 09:00-09:15.
    assert "2026-03-02 09:15" in refused.content.decode()
    assert len(mail.outbox) == 3
    # Another account from the same address is still served.
    assert client.post("/accounts/password-reset/", {"email": "x@example.kz"}).status_code == 302
    frozen.shift(timedelta(minutes=15))
    again = client.post("/accounts/password-reset/", {"email": "aigerim@example.kz"})
    assert again.status_code == 302


@pytest.mark.django_db
def test_password_reset_is_throttled_per_address(frozen, settings):
    settings.BAGALAU_RESET_PER_ADDRESS = 5
    client = Client()
    for n in range(5):
        ok = client.post(
            "/accounts/password-reset/", {"email": f"u{n}@example.kz"}, REMOTE_ADDR="10.1.1.1"
        )
        assert ok.status_code == 302
    refused = client.post(
        "/accounts/password-reset/", {"email": "new@example.kz"}, REMOTE_ADDR="10.1.1.1"
    )
    assert refused.status_code == 429
    other = client.post(
        "/accounts/password-reset/", {"email": "new@example.kz"}, REMOTE_ADDR="10.1.1.2"
    )
    assert other.status_code == 302
