"""A database that fails mid-request is a clean 503, never a traceback (issue 19 item 2).

The failure is injected where a request reads the database; what a restarting PostgreSQL
does to real servers is run by `make faults` (bagalau/faults).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client

from bagalau.core.models import User

pytestmark = pytest.mark.django_db


def _down(*_args: object, **_kwargs: object) -> None:
    raise OperationalError("server closed the connection unexpectedly")


def _client(language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Service unavailable"), ("ru", "Сервис временно недоступен"),
     ("kk", "Қызмет уақытша қолжетімсіз")],
)  # fmt: skip
def test_a_page_whose_database_fails_is_a_503_in_the_users_language(monkeypatch, language, words):
    user = User.objects.create_user("aigerim", password="x", language=language)
    monkeypatch.setattr("bagalau.evaluations.selectors.dashboard", _down)
    client = _client(language)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert words in page and f'lang="{language}"' in page
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_api_call_whose_database_fails_is_a_json_503(monkeypatch, error):
    def down(*_args: object) -> None:
        raise error("connection already closed")

    monkeypatch.setattr("bagalau.workdays.services.deadline_for", down)
    response = _client("en").get(
        "/api/v1/calendar/deadline?start=2026-03-20&working_days=3", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "code": "unavailable",
        "message": "The service is briefly unavailable. Wait a minute, then check whether your last change was saved and repeat it if not.",
        "field": None,
        "errors": [],
    }


def test_another_server_error_stays_the_plain_500_page(monkeypatch):
    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    user = User.objects.create_user("aigerim", password="x")
    monkeypatch.setattr("bagalau.evaluations.selectors.dashboard", broken)
    client = _client("en")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 500
    assert "Server error" in response.content.decode()
    assert "RuntimeError" not in response.content.decode()


def test_persistent_connections_are_checked_before_reuse():
    # After a restart, a kept connection is found dead and replaced, not used to fail.
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
