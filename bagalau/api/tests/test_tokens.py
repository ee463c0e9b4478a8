"""API tokens: expiry, last use, revocation on a new password, CSRF for sessions only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bagalau.api.models import ApiToken
from bagalau.core.tests.factories import UserFactory
from bagalau.core.tests.personas import PASSWORD

T0 = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 09:00 in Almaty
SHAPE = {"code", "message", "field", "errors"}


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# --- CSRF applies to the session only --------------------------------------------------------


@pytest.mark.django_db
def test_a_bearer_token_can_post():
    user = UserFactory()
    _token, key = ApiToken.issue(user, "HRIS")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/notifications/read", **_bearer(key))
    assert response.status_code == 200, response.content
    assert response.json() == {"count": 0}


@pytest.mark.django_db
def test_an_x_api_key_can_post():
    _token, key = ApiToken.issue(UserFactory(), "HRIS")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/notifications/read", HTTP_X_API_KEY=key)
    assert (response.status_code, response.json()) == (200, {"count": 0})


@pytest.mark.django_db
def test_a_session_post_without_csrf_is_refused_in_the_error_shape():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    refused = client.post("/api/v1/notifications/read")
    assert refused.status_code == 403
    assert set(refused.json()) == SHAPE
    assert refused.json()["code"] == "csrf_failed"
    # With the CSRF token a page gives, the same session write passes.
    client.get("/")
    csrf = client.cookies["csrftoken"].value
    assert client.post("/api/v1/notifications/read", HTTP_X_CSRFTOKEN=csrf).status_code == 200


@pytest.mark.django_db
def test_a_session_can_read_without_csrf():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.get("/api/v1/notifications/")
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.django_db
def test_an_anonymous_post_is_unauthenticated_not_a_csrf_failure():
    refused = Client(enforce_csrf_checks=True).post("/api/v1/notifications/read")
    assert refused.status_code == 401
    assert set(refused.json()) == SHAPE
    assert refused.json()["code"] == "unauthenticated"


# --- expiry and last use ---------------------------------------------------------------------


@pytest.mark.django_db
def test_tokens_expire_after_the_default_lifetime(frozen, settings):
    settings.BAGALAU_TOKEN_DAYS = 90
    token, key = ApiToken.issue(UserFactory(), "HRIS")
    assert token.expires_at == T0 + timedelta(days=90)
    client = Client()
    assert client.get("/api/v1/bodies", **_bearer(key)).status_code == 200
    frozen.shift(timedelta(days=90))
    expired = client.get("/api/v1/bodies", **_bearer(key))
    assert expired.status_code == 401
    body = expired.json()
    assert set(body) == SHAPE
    assert body["code"] == "token_expired"
    assert "2026-05-31 09:00" in body["message"]


@pytest.mark.django_db
def test_last_use_is_written_at_most_once_a_minute(frozen):
    token, key = ApiToken.issue(UserFactory(), "HRIS")
    client = Client()
    client.get("/api/v1/bodies", **_bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == T0
    frozen.shift(timedelta(seconds=59))
    client.get("/api/v1/bodies", **_bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == T0
    frozen.shift(timedelta(seconds=1))
    client.get("/api/v1/bodies", **_bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == T0 + timedelta(seconds=60)


@pytest.mark.django_db
def test_a_token_use_within_the_minute_writes_nothing(frozen):
    _token, key = ApiToken.issue(UserFactory(), "HRIS")
    client = Client()
    client.get("/api/v1/notifications/", **_bearer(key))
    frozen.shift(timedelta(seconds=10))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/notifications/", **_bearer(key))
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]


# --- repeated unknown tokens from one address -----------------------------------------------


@pytest.mark.django_db
def test_unknown_tokens_from_one_address_are_throttled(frozen):
    _token, key = ApiToken.issue(UserFactory(), "HRIS")
    client = Client()
    for n in range(10):
        bad = client.get("/api/v1/bodies", REMOTE_ADDR="10.2.0.1", **_bearer(f"bgl_wrong{n}"))
        assert bad.status_code == 401
    throttled = client.get("/api/v1/bodies", REMOTE_ADDR="10.2.0.1", **_bearer(key))
    assert throttled.status_code == 429
    assert set(throttled.json()) == SHAPE
    assert throttled.json()["code"] == "locked_out"
    assert "2026-03-02 09:15" in throttled.json()["message"]
    assert throttled["Retry-After"] == str(15 * 60)
    # Another address is not affected; the window ends at 09:15.
    assert client.get("/api/v1/bodies", REMOTE_ADDR="10.2.0.2", **_bearer(key)).status_code == 200
    frozen.shift(timedelta(minutes=15))
    assert client.get("/api/v1/bodies", REMOTE_ADDR="10.2.0.1", **_bearer(key)).status_code == 200


# --- a new password revokes the tokens ------------------------------------------------------


@pytest.mark.django_db
def test_set_password_revokes_every_token_of_the_user():
    user = UserFactory()
    other = UserFactory()
    ApiToken.issue(user, "one")
    ApiToken.issue(user, "two")
    ApiToken.issue(other, "theirs")
    user.set_password("a-new-secret-42")
    user.save()
    assert list(ApiToken.objects.filter(user=user).values_list("revoked", flat=True)) == [
        True,
        True,
    ]
    assert not ApiToken.objects.get(user=other).revoked


@pytest.mark.django_db
def test_other_user_saves_keep_the_tokens():
    user = UserFactory()
    token, _key = ApiToken.issue(user, "one")
    user.language = "ru"
    user.save()
    user.check_password(PASSWORD)
    user.save(update_fields=["last_login"])
    token.refresh_from_db()
    assert not token.revoked


@pytest.mark.django_db
def test_password_reset_link_revokes_the_tokens():
    user = UserFactory()
    token, key = ApiToken.issue(user, "one")
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = client.get(f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")
    assert link.status_code == 302  # to the set-password URL
    done = client.post(
        link["Location"], {"new_password1": "Zq8-new-secret", "new_password2": "Zq8-new-secret"}
    )
    assert done.status_code == 302
    token.refresh_from_db()
    assert token.revoked
    assert client.get("/api/v1/bodies", **_bearer(key)).status_code == 401


@pytest.mark.django_db
def test_admin_password_change_revokes_the_tokens():
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    user = UserFactory()
    token, _key = ApiToken.issue(user, "one")
    client = Client()
    client.force_login(admin)
    changed = client.post(
        f"/admin/core/user/{user.pk}/password/",
        {"password1": "Zq8-new-secret", "password2": "Zq8-new-secret"},
    )
    assert changed.status_code == 302, changed.content.decode()[:2000]
    token.refresh_from_db()
    assert token.revoked


# --- the tokens page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_tokens_page_issues_with_a_chosen_lifetime_and_lists_the_dates(frozen):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    page = client.post("/accounts/tokens/", {"name": "HRIS", "days": "30"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.expires_at == T0 + timedelta(days=30)
    html = page.content.decode()
    assert 'id="new-token"' in html
    assert "2026-04-01 09:00" in html  # expires, local time
    key = html.split('id="new-token">')[1].split("<")[0]
    client.get("/api/v1/bodies", **_bearer(key))
    listed = client.get("/accounts/tokens/").content.decode()
    assert "2026-03-02 09:00" in listed.split("<tbody>")[1]  # issued and last used


@pytest.mark.django_db
def test_tokens_page_refuses_an_unknown_lifetime():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.post("/accounts/tokens/", {"name": "HRIS", "days": "10000"})
    assert not ApiToken.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_tokens_page_marks_expired_and_revoked_tokens(frozen):
    user = UserFactory()
    ApiToken.issue(user, "old", days=30)
    live, _key = ApiToken.issue(user, "live", days=365)
    frozen.shift(timedelta(days=31))
    client = Client()
    client.force_login(user)
    html = client.get("/accounts/tokens/").content.decode()
    assert html.count('name="revoke"') == 1
    client.post("/accounts/tokens/", {"revoke": live.pk})
    live.refresh_from_db()
    assert live.revoked
