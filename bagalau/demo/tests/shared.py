"""The demo built once for a test module, as of a pinned day, and rolled back after it.

Building the demo replays a year and more of evaluations (about ten seconds): a module's
tests share one build. The build runs in a transaction opened for the module; each test's
own transaction (pytest-django) is a savepoint inside it, so a test's changes go with it,
and the module's transaction is rolled back at the end: nothing is left for other modules.
Tests of the module then travel to the same day (time-machine) to read what waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

# The demo's last step runs at 09:00 on its day; the tests read the pages an hour later.
MORNING = "10:00 +05:00"


def signed_in(username: str) -> Any:
    """A test client signed in as the demo user `username`."""
    from django.test import Client

    from bagalau.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def at(day: str) -> Any:
    """time-machine to the morning of `day` (the clock stands still)."""
    return time_machine.travel(f"{day} {MORNING}", tick=False)


@contextmanager
def rolled_back(django_db_blocker: Any) -> Iterator[None]:
    """A transaction for a module's data, rolled back after it (the tests' savepoints
    nest inside), with the tests' password hasher so demo passwords sign in."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@contextmanager
def built(django_db_blocker: Any, day: str) -> Iterator[str]:
    """Build the demo as of `day`; yields what `manage.py demo` printed."""
    with rolled_back(django_db_blocker):
        out = StringIO()
        call_command("demo", "--date", day, stdout=out)
        yield out.getvalue()
