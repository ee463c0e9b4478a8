"""The demo's calibration (issue 16 item 4): one case decided (score moved, protocol,
feedback meeting, appeal), one awaiting its session (002 p13-14, p39-43)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from bagalau.calibration.models import CalibrationCase, CaseState
from bagalau.core.models import AuditEvent, User
from bagalau.demo.tests.shared import at, built
from bagalau.evaluations.models import ResultChange

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[str]:
    from django.test.utils import override_settings

    evidence = override_settings(EVIDENCE_ROOT=tmp_path_factory.mktemp("evidence"))
    with evidence, built(django_db_blocker, DAY):
        yield DAY


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_demo_has_a_decided_case_and_one_awaiting_its_session(demo):
    decided = CalibrationCase.objects.get(state=CaseState.PROTOCOL_UPLOADED)
    assert decided.final_score < decided.score_before and decided.tally["by"] == "majority"
    assert decided.feedback_on is not None and decided.appeals.count() == 1
    assert ResultChange.objects.filter(result=decided.result, source="calibration").exists()
    assert (
        AuditEvent.objects.filter(action="calibration.vote", object_id=str(decided.pk)).count() == 3
    )
    waiting = CalibrationCase.objects.get(state=CaseState.ACCEPTED)
    assert waiting.session_date is not None and waiting.session_date >= waiting.applied_on
    with at(demo):
        assert _client("hrhead").get(f"/calibration/{decided.pk}/protocol/").status_code == 200
        page = _client("head").get("/").content.decode()
        assert 'id="calibration-to-vote"' in page  # head is a participant of the waiting case
        page = _client("hr").get("/").content.decode()
        assert 'id="calibration-to-run"' in page
