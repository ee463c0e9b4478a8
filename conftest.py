"""Shared pytest fixtures: personas live in bagalau/core/tests/personas.py."""

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["bagalau.core.tests.personas"]

# Under `make mutation` (mutmut sets MUTANT_UNDER_TEST) every call goes through mutmut's
# trampoline on a shared machine: a property test's timing says nothing there, and a
# deadline missed would fail the clean run or "kill" a mutant by chance. The same examples
# every run, so a mutant's outcome does not depend on the draw. mutmut runs the tests twice
# in one process (stats, then the clean run): a property test method then meets a second
# instance of its class, which hypothesis reports as differing executors.
if "MUTANT_UNDER_TEST" in os.environ:
    hypothesis_settings.register_profile(
        "mutation",
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow],
    )
    hypothesis_settings.load_profile("mutation")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests hash passwords with MD5: real hashing makes every persona cost 0.3 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
