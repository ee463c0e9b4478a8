"""A bounded schemathesis run over the whole OpenAPI schema: no input gives a 5xx.

Run by `make fuzz` (SQLite, and PostgreSQL when it answers: NUL bytes only fail there),
not by the default pytest run (`-m "not fuzz"`). Every operation is tried with generated
data (positive and negative) twice: with the path ids schemathesis invents, and with the
ids of a real body, schedule, sheet, servant, result, notification and work plan, so the handlers
behind the 404s are reached too. The calls go in-process through the WSGI application,
authenticated as an HR officer and as an evaluator (Bearer token and session, writes included);
each call runs in a savepoint rolled back afterwards, so the examples do not depend on each
other. FUZZ_EXAMPLES sets the examples per operation and mode (default 12); FUZZ_ONLY, a path
regex, limits the run to some operations.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
import time_machine
from django.conf import settings as django_settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from bagalau.api.models import ApiToken

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI app; requests must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def ids(world: Any) -> dict[str, int]:
    """An approved 2026 Q1 schedule of the world's body (2023 model), a submitted sheet, a plan."""
    from bagalau.evaluations import services
    from bagalau.evaluations.models import Task
    from bagalau.evaluations.services import SheetInput
    from bagalau.methodology import services as methodology_services
    from bagalau.methodology.models import MethodologyVersion
    from bagalau.notifications.models import Notification

    template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
    methodology_services.version_adopt(
        actor=None, body=world.body, template=template, effective_from=date(2023, 4, 24)
    )
    schedule = services.schedule_create(
        actor=world.users["hrofficer"], body=world.body, year=2026, quarter=1, note=""
    )
    services.schedule_approve(actor=world.users["authorized"], schedule_id=schedule.pk)
    task = Task.objects.get(schedule=schedule, servant=world.servant, kind="differentiation")
    full = {"quality": "4", "deadlines": "4.5", "initiative": "3.75", "discipline": "5"}
    services.task_transition(
        actor=world.users["heada"], task_id=task.pk, action="submit", revision=task.revision,
        sheet=SheetInput(full, {}),
    )  # fmt: skip
    task.refresh_from_db()
    open_task = Task.objects.filter(schedule=schedule, evaluator=world.head_a).exclude(pk=task.pk)
    notification = Notification.objects.order_by("id").first()
    # A work plan in draft (issue 14), so the work-plans handlers meet a real one.
    from bagalau.plans import services as plans
    from bagalau.plans.models import WorkPlan

    plans.plans_open(actor=world.users["hrofficer"], body=world.body, year=2026)
    plan = WorkPlan.objects.get(servant=world.head_a, year=2026)
    # A calibration case applied for (issue 16), so its handlers meet a real one.
    from bagalau.calibration import services as calibration

    services.result_acknowledge(actor=world.servant.user, result_id=task.result.pk)
    case = calibration.case_apply(
        actor=world.servant.user, result_id=task.result.pk, text="I disagree."
    )
    return {
        "calibration_id": case.pk,
        "plan_id": plan.pk,
        "body_id": world.body.pk,
        "schedule_id": schedule.pk,
        "task_id": (open_task.first() or task).pk,
        "servant_id": world.servant.pk,
        "result_id": task.result.pk,
        "notification_id": notification.pk if notification else 1,
    }


STATUSES: Counter[int] = Counter()
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


Auth = tuple[dict[str, str], dict[str, str]]


def _auth(user: Any) -> Auth:
    """Headers and cookies of `user`: a Bearer token, and a session with its CSRF pair.

    The session makes the writes reach their handlers whether or not Bearer requests are
    spared the CSRF check (SessionAuth, tried first, checks it).
    """
    _token, key = ApiToken.issue(user, "fuzz")
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    headers = {"Authorization": f"Bearer {key}", "X-CSRFToken": csrf}
    cookies = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value,
        django_settings.CSRF_COOKIE_NAME: csrf,
    }
    return headers, cookies


def _send(case: Any, auth: Auth, failures: list[str]) -> None:
    """Call the app in a savepoint rolled back afterwards; note a 5xx."""
    headers, cookies = auth
    with transaction.atomic():
        response = case.call(headers=headers, cookies=cookies)
        transaction.set_rollback(True)
    STATUSES[response.status_code] += 1
    if response.status_code >= 500:
        failures.append(
            f"{case.method} {case.formatted_path} query={case.query!r} "
            f"body={getattr(case, 'body', None)!r} ({case.media_type}) -> {response.status_code} "
            f"{response.text[:200]!r}"
        )


def _real_ids(operation: Any, ids: dict[str, int]) -> dict[str, int] | None:
    names = [p.name for p in operation.path_parameters]
    if not names or any(name not in ids for name in names):
        return None
    return {name: ids[name] for name in names}


def _coverage(schema: Any, operation: Any, auth: Auth, ids: dict[str, int]) -> list[str]:
    """Schemathesis' coverage phase: boundary and invalid values of every parameter."""
    failures: list[str] = []
    generation = schema.config.generation_for(operation=operation, phase="coverage")
    real = _real_ids(operation, ids)
    for case in schema.iter_coverage_cases(
        operation, generation_modes=MODES, generation_config=generation
    ):
        _send(case, auth, failures)
        if real is not None or not operation.path_parameters:
            case.path_parameters = {**(case.path_parameters or {}), **(real or {})}
            _send(case, auth, failures)
            # The same with a NUL byte in every string (PostgreSQL refuses it in text).
            query, body = _with_nul(case.query), _with_nul(getattr(case, "body", None))
            if query != case.query or body != getattr(case, "body", None):
                case.query, case.body = query, body
                _send(case, auth, failures)
    return failures


def _with_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value + "\x00"
    if isinstance(value, dict):
        return {key: _with_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_nul(item) for item in value]
    return value


def _fuzz(operation: Any, auth: Auth, path_ids: dict[str, int] | None) -> list[str]:
    """Generated examples (positive and negative) of one operation."""
    failures: list[str] = []
    for mode in MODES:
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_ids)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def fuzz(case: Any) -> None:
            _send(case, auth, failures)

        try:
            fuzz()
        except Unsatisfiable:
            continue  # nothing to make invalid (no parameters, no body): positive is enough
    return failures


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_no_input_gives_a_server_error(world: Any, ids: dict[str, int], wsgi_app: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures: list[str] = []
    operations = 0
    hr, evaluator = _auth(world.users["hrofficer"]), _auth(world.users["heada"])
    only = os.environ.get("FUZZ_ONLY")  # a path regex, to retry one operation
    if only:
        schema = schema.include(path_regex=only)
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        failures += _coverage(schema, operation, hr, ids)
        failures += _fuzz(operation, hr, None)
        real = _real_ids(operation, ids)
        if real is not None or not operation.path_parameters:
            failures += _fuzz(operation, hr, real)
            failures += _fuzz(operation, evaluator, real)
    print(f"fuzz: {operations} operations, responses by status: {dict(sorted(STATUSES.items()))}")
    assert operations >= (1 if only else 30)
    assert failures == [], "\n".join(sorted(set(failures))[:50])
