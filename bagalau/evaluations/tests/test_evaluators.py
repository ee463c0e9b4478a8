"""Who evaluates, by the version (002 p30; 2025 model: acting evaluator, chief of staff)."""

from datetime import date

import pytest
import time_machine

from bagalau.core.tests.factories import AppointmentFactory, PositionFactory, ServantFactory
from bagalau.evaluations import services
from bagalau.evaluations.models import EvaluatorSource, Task
from bagalau.org import services as org_services
from bagalau.org.models import ActingAssignment

pytestmark = pytest.mark.django_db


def approve(w, year=2026, quarter=1):
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=year, quarter=quarter
    )
    services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    return schedule


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_the_head_of_the_unit_evaluates_and_heads_by_the_first_head(body2025):
    # 002 p30; 2025 model: everyone on differentiation, heads evaluated by their supervisor.
    w = body2025
    schedule = approve(w)
    assert Task.objects.get(schedule=schedule, servant=w.servant).evaluator == w.head_a
    head_task = Task.objects.get(schedule=schedule, servant=w.head_a)
    assert (head_task.evaluator, head_task.evaluator_source) == (
        w.first_head,
        EvaluatorSource.STRUCTURE,
    )
    assert head_task.due_date == date(2026, 4, 20)  # §4a: by the 20th


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_the_chief_of_staff_evaluates_the_first_heads_subordinates_when_decided(body2025):
    # §4a: by the first head's decision, the chief of staff evaluates the first head's
    # direct subordinates.
    w = body2025
    lead = w.body.units.get(code="LEAD")
    chief_post = PositionFactory(unit=lead, body=w.body, category="D-2", code="CHIEF")
    chief = ServantFactory(body=w.body)
    AppointmentFactory(servant=chief, position=chief_post, start_date=date(2020, 1, 1))
    w.body.chief_of_staff_position = chief_post
    w.body.chief_of_staff_evaluates = True
    w.body.save()
    schedule = approve(w)
    head_task = Task.objects.get(schedule=schedule, servant=w.head_a)
    assert (head_task.evaluator, head_task.evaluator_source) == (
        chief,
        EvaluatorSource.CHIEF_OF_STAFF,
    )
    # The chief of staff is not their own evaluator, and staff keep their unit head.
    assert Task.objects.get(schedule=schedule, servant=chief).evaluator == w.first_head
    assert Task.objects.get(schedule=schedule, servant=w.servant).evaluator == w.head_a


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_the_acting_person_evaluates_when_the_evaluator_is_away(body2025):
    # §4a: the acting evaluator (the person standing in) evaluates when the evaluator is absent.
    w = body2025
    org_services.absence_save(
        actor=None,
        servant=w.head_a,
        kind="annual_leave",
        start_date=date(2026, 4, 13),
        end_date=date(2026, 4, 30),
    )
    ActingAssignment.objects.create(
        position=w.head_a.appointments.get().position, servant=w.colleague_a,
        start_date=date(2026, 4, 13), end_date=date(2026, 4, 30), order="№ 12-ж",
    )  # fmt: skip
    schedule = approve(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant)
    assert (task.evaluator, task.evaluator_source) == (w.colleague_a, EvaluatorSource.ACTING)
    # The acting person never evaluates themself: their own sheet stays with the head.
    assert Task.objects.get(schedule=schedule, servant=w.colleague_a).evaluator == w.head_a


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_the_2023_model_has_no_acting_evaluator(body2023):
    w = body2023
    org_services.absence_save(
        actor=None,
        servant=w.head_a,
        kind="annual_leave",
        start_date=date(2026, 4, 6),
        end_date=date(2026, 4, 30),
    )
    ActingAssignment.objects.create(
        position=w.head_a.appointments.get().position, servant=w.colleague_a,
        start_date=date(2026, 4, 6), end_date=date(2026, 4, 30),
    )  # fmt: skip
    schedule = approve(w)
    assert Task.objects.get(schedule=schedule, servant=w.servant).evaluator == w.head_a


@time_machine.travel("2026-04-02 10:00 +05:00")
def test_a_seconded_servant_is_evaluated_by_the_host_body(body2025):
    # §4a: seconded servants are evaluated by the host body for the period of secondment.
    from bagalau.core.errors import NotFound
    from bagalau.evaluations import access
    from bagalau.org.models import Role, RoleAssignment

    w = body2025
    host = w.other_body
    unit_x = host.units.get(code="X")
    host_head_post = PositionFactory(
        unit=unit_x, body=host, category="D-3", is_head=True, code="XH"
    )
    host_head = ServantFactory(body=host)
    AppointmentFactory(servant=host_head, position=host_head_post, start_date=date(2020, 1, 1))
    host_post = PositionFactory(unit=unit_x, body=host, category="D-4", code="XS")
    proposal = org_services.secondment_propose(
        actor=w.users["hrofficer"], servant=w.servant, host_bin=host.bin, host_position_code="XS",
        start_date=date(2025, 12, 1), end_date=date(2026, 6, 30), order="№ 5",
    )  # fmt: skip
    org_services.secondment_transition(
        actor=w.users["otherhr"], secondment_id=proposal.pk, action="accept",
        host_position=host_post,
    )  # fmt: skip
    home = approve(w)
    home_task = Task.objects.get(schedule=home, servant=w.servant)
    assert (home_task.state, home_task.reason) == ("excluded", "seconded")
    host_authorized = w.users["admin"]
    RoleAssignment.objects.create(body=host, user=host_authorized, role=Role.AUTHORIZED_PERSON)
    host_schedule = services.schedule_create(
        actor=w.users["otherhr"], body=host, year=2026, quarter=1
    )
    services.schedule_approve(actor=host_authorized, schedule_id=host_schedule.pk)
    host_task = Task.objects.get(schedule=host_schedule, servant=w.servant)
    assert (host_task.state, host_task.evaluator) == ("pending", host_head)
    assert host_task.lines.count() == 4
    # The host's HR sees the sheet; the home body's HR does not (002 p16).
    assert "hr" in access.task_roles(w.users["otherhr"], host_task)
    with pytest.raises(NotFound):
        access.access_task(w.users["hrofficer"], host_task.pk)
    # After the secondment the home body evaluates again (Q3).
    home_q3 = approve(w, quarter=3)
    assert Task.objects.get(schedule=home_q3, servant=w.servant).state == "pending"


def test_a_secondment_is_to_another_body(body2025):
    from bagalau.core.errors import DomainError

    w = body2025
    with pytest.raises(DomainError) as err:
        org_services.secondment_propose(
            actor=w.users["hrofficer"], servant=w.servant, host_bin=w.body.bin,
            host_position_code=w.head_b.appointments.get().position.code,
            start_date=date(2026, 1, 1), end_date=date(2026, 3, 31),
        )  # fmt: skip
    assert err.value.field == "host_bin"


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_the_version_may_name_the_superior_as_evaluator(body2025):
    # 002 p2(3): the direct supervisor and/or the superior, depending on the body's specifics.
    w = body2025
    from bagalau.methodology.selectors import version_for

    version = version_for(w.body.pk, date(2026, 3, 31))
    version.evaluator_rule = "superior"
    version.save(update_fields=["evaluator_rule"])
    schedule = approve(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant)
    # The servant's direct supervisor is the head of unit A; the superior is the first head.
    assert (task.evaluator, task.evaluator_user) == (w.first_head, w.first_head.user)
    # The head of unit A has the first head as direct supervisor and no superior: the
    # direct supervisor evaluates.
    assert Task.objects.get(schedule=schedule, servant=w.head_a).evaluator == w.first_head


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_the_authorized_person_evaluates_the_first_head(body2025):
    # 002 p2(3); methodology.md §7: the structure gives the first head nobody.
    w = body2025
    schedule = approve(w)
    task = Task.objects.get(schedule=schedule, servant=w.first_head)
    assert task.evaluator_source == EvaluatorSource.AUTHORIZED_PERSON
    assert task.evaluator_user == w.users["authorized"]
    assert task.evaluator_name  # shown on the pages even without a servant record
    w.client("authorized")  # the authorized person fills the sheet like any evaluator
    filled = services.task_transition(
        actor=w.users["authorized"], task_id=task.pk, action="save_draft",
        revision=task.revision, sheet=services.SheetInput({"quality": "4"}),
    )  # fmt: skip
    assert filled.state == "draft"


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_hr_reassigning_names_the_new_evaluators_login(body2025):
    w = body2025
    schedule = approve(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant)
    services.task_reassign(
        actor=w.users["hrofficer"], task_id=task.pk, evaluator=w.head_b, reason="Іссапар"
    )
    task.refresh_from_db()
    assert task.evaluator_user == w.head_b.user
    assert w.client("heada").get(f"/api/v1/evaluations/tasks/{task.pk}").status_code == 404
    assert w.client("headb").get(f"/api/v1/evaluations/tasks/{task.pk}").status_code == 200
