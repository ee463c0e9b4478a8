"""Records are never lost by a delete (001 p8, 002 p15: kept three years); audit rows hold no
scores (the result history is ResultChange)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db.models import ProtectedError
from django.urls import reverse

from bagalau.core.models import AuditEvent
from bagalau.core.tests.factories import AppointmentFactory, PositionFactory, ServantFactory
from bagalau.evaluations import services
from bagalau.evaluations.models import Result, Schedule, Task
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition
from bagalau.methodology.models import MethodologyVersion
from bagalau.org.models import Servant, StateBody

pytestmark = pytest.mark.django_db
FULL = {"quality": "4", "deadlines": "4.5", "initiative": "3.75", "discipline": "5"}


@pytest.fixture
def scored(body2023):
    """Q1 2026 approved; the servant's sheet submitted (a result exists)."""
    w = body2023
    with time_machine.travel("2026-04-06 10:00 +05:00"):
        schedule = services.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
        services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
        task = Task.objects.get(schedule=schedule, servant=w.servant, kind="differentiation")
        transition(actor=w.users["heada"], task_id=task.pk, action="submit", sheet=SheetInput(FULL))
    return w, schedule, task


def test_a_submitted_sheet_leaves_no_score_in_the_audit_trail(scored):
    w, schedule, task = scored
    result = Result.objects.get(task=task)
    assert str(result.score) == "4.31"
    submit = AuditEvent.objects.get(action="task.submit", object_id=str(task.pk))
    assert submit.data == {"from": "pending", "to": "submitted", "late": False}
    for data in AuditEvent.objects.values_list("data", flat=True):
        assert "score" not in data and "4.31" not in str(data)


def test_a_servant_with_evaluation_records_cannot_be_deleted(scored):
    w, schedule, task = scored
    with pytest.raises(ProtectedError):
        Servant.objects.get(pk=w.servant.pk).delete()  # evaluated
    with pytest.raises(ProtectedError):
        Servant.objects.get(pk=w.head_a.pk).delete()  # the evaluator of a sheet
    admin = w.client("admin")
    response = admin.post(reverse("admin:org_servant_delete", args=[w.servant.pk]), {"post": "yes"})
    assert response.status_code == 200  # "cannot delete: protected", not a redirect
    assert Servant.objects.filter(pk=w.servant.pk).exists()
    assert Result.objects.filter(task=task).exists()


def test_a_body_with_records_cannot_be_deleted(scored):
    w, schedule, task = scored
    with pytest.raises(ProtectedError):
        StateBody.objects.get(pk=w.body.pk).delete()
    admin = w.client("admin")
    admin.post(reverse("admin:org_statebody_delete", args=[w.body.pk]), {"post": "yes"})
    assert StateBody.objects.filter(pk=w.body.pk).exists()
    assert (
        Task.objects.filter(body=w.body).count() == Task.objects.filter(schedule=schedule).count()
    )


def test_a_schedule_with_tasks_cannot_be_deleted(scored):
    w, schedule, task = scored
    with pytest.raises(ProtectedError):
        Schedule.objects.get(pk=schedule.pk).delete()
    with pytest.raises(ProtectedError):
        Task.objects.get(pk=task.pk).delete()  # its result holds it
    assert Task.objects.filter(pk=task.pk).exists()


def test_a_methodology_version_with_records_cannot_be_deleted(scored):
    w, schedule, task = scored
    version = MethodologyVersion.objects.get(pk=schedule.version_id)
    with pytest.raises(ProtectedError):
        version.delete()
    admin = w.client("admin")
    admin.post(
        reverse("admin:methodology_methodologyversion_delete", args=[version.pk]), {"post": "yes"}
    )
    assert MethodologyVersion.objects.filter(pk=version.pk).exists()


def test_org_data_without_records_can_still_be_deleted(world):
    position = PositionFactory(body=world.body, unit=world.body.hr_unit, category="D-5")
    newcomer = ServantFactory(body=world.body)
    AppointmentFactory(servant=newcomer, position=position, start_date=date(2026, 1, 5))
    newcomer.delete()  # a mistaken entry, never evaluated: its appointment goes with it
    assert not Servant.objects.filter(pk=newcomer.pk).exists()
