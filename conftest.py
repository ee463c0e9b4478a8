"""Shared pytest fixtures: personas live in bagalau/core/tests/personas.py."""

import pytest

pytest_plugins = ["bagalau.core.tests.personas"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests hash passwords with MD5: real hashing makes every persona cost 0.3 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
