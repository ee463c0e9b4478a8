"""Project-level behaviour: deployment settings, languages, scale data (the demo: bagalau/demo)."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_prints_no_warnings():
    # Acceptance: DEBUG=0, a long random SECRET_KEY and ALLOWED_HOSTS → no warnings.
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x7!Qm2#vR9$kL4@pW8^nZ1&cT6*hJ3(bY5)dF0_gS2+eA7=uK9-oI4~" * 2,
        "ALLOWED_HOSTS": "bagalau.example.kz",
        "BAGALAU_SITE_URL": "https://bagalau.example.kz",
        "DJANGO_SETTINGS_MODULE": "bagalau.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_production_without_a_secret_key():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "",
        "DJANGO_SETTINGS_MODULE": "bagalau.settings",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
class TestLanguages:
    def test_kazakh_is_the_default(self):
        response = Client().get("/accounts/login/")
        assert response.status_code == 200
        assert 'lang="kk"' in response.content.decode()

    def test_pages_stay_kazakh_whatever_the_browser_asks(self):
        response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
        assert 'lang="kk"' in response.content.decode()

    def test_the_api_follows_accept_language(self):
        response = Client().get(
            "/api/v1/catalog/indicators?category=Z-9", HTTP_ACCEPT_LANGUAGE="ru"
        )
        assert "Неизвестная" in response.json()["message"]

    def test_the_choice_is_remembered_for_the_user(self, world):
        client = world.client("servant")
        response = client.post("/language/", {"language": "ru", "next": "/"})
        assert response.status_code == 302
        world.users["servant"].refresh_from_db()
        assert world.users["servant"].language == "ru"
        # A new browser: the remembered language comes back at login.
        fresh = Client()
        fresh.post("/accounts/login/", {"username": "servant", "password": "demo-pass-123"})
        page = fresh.get(f"/bodies/servants/{world.servant.pk}/")
        assert 'lang="ru"' in page.content.decode()

    def test_a_language_chosen_on_the_login_page_survives_the_login_and_is_saved(self, world):
        # Issue 13 item 5: the choice made before signing in wins over the remembered one.
        client = Client()
        assert 'lang="kk"' in client.get("/accounts/login/").content.decode()
        switched = client.post("/language/", {"language": "ru", "next": "/accounts/login/"})
        assert switched.url == "/accounts/login/"
        assert 'lang="ru"' in client.get("/accounts/login/").content.decode()
        client.post("/accounts/login/", {"username": "servant", "password": "demo-pass-123"})
        page = client.get(f"/bodies/servants/{world.servant.pk}/")
        assert 'lang="ru"' in page.content.decode()
        world.users["servant"].refresh_from_db()
        assert world.users["servant"].language == "ru"
        # The next sign-in on another browser, without a choice, brings Russian back.
        fresh = Client()
        fresh.post("/accounts/login/", {"username": "servant", "password": "demo-pass-123"})
        assert 'lang="ru"' in fresh.get("/").content.decode()

    def test_without_a_choice_the_login_restores_the_saved_language(self, world):
        from bagalau.core.models import User

        User.objects.filter(username="servant").update(language="ru")
        client = Client()
        client.cookies["bagalau_language"] = "kk"  # left by someone else on this browser
        client.post("/accounts/login/", {"username": "servant", "password": "demo-pass-123"})
        assert 'lang="ru"' in client.get("/").content.decode()
        assert User.objects.get(username="servant").language == "ru"

    def test_a_choice_before_signing_in_counts_once(self, world):
        from bagalau.core.models import User

        client = Client()
        client.post("/language/", {"language": "ru", "next": "/"})
        client.post("/accounts/login/", {"username": "servant", "password": "demo-pass-123"})
        client.post("/accounts/logout/")
        User.objects.filter(username="servant").update(language="kk")  # changed elsewhere
        client.post("/accounts/login/", {"username": "servant", "password": "demo-pass-123"})
        assert 'lang="kk"' in client.get("/").content.decode()

    def test_an_unknown_language_changes_nothing(self, world):
        client = world.client("servant")
        client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
        world.users["servant"].refresh_from_db()
        assert world.users["servant"].language == "kk"

    def test_a_foreign_next_url_is_not_followed(self, world):
        response = world.client("servant").post(
            "/language/", {"language": "en", "next": "https://evil.example/"}
        )
        assert response.url == "/"


@pytest.mark.django_db
def test_login_by_iin_as_username(world):
    from bagalau.core.models import User

    user = User.objects.create_user(username=world.servant.iin, password="demo-pass-123")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": world.servant.iin, "password": "demo-pass-123"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_password_reset_sends_an_email(world, mailoutbox):
    response = Client().post("/accounts/password-reset/", {"email": "servant@example.kz"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


@pytest.mark.django_db
def test_generate_makes_valid_bodies_and_servants_in_bulk():
    from bagalau.org import rules
    from bagalau.org.models import Appointment, Servant, StateBody

    bodies_before, servants_before = StateBody.objects.count(), Servant.objects.count()
    out = StringIO()
    call_command("generate", bodies=3, servants=120, no_progress=True, stdout=out)
    assert StateBody.objects.count() == bodies_before + 3
    new = Servant.objects.order_by("-pk")[:120]
    assert Servant.objects.count() == servants_before + 120
    for servant in new:
        assert rules.validate_iin(servant.iin) == servant.iin
    assert Appointment.objects.filter(servant__in=list(new)).count() == 120
    assert "generated 3 bodies and 120 servants" in out.getvalue()
