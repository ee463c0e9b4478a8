"""Notices to the evaluated people (002 p27: heads by the 5th; 002 p31: servants by the 10th)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from bagalau.evaluations import services
from bagalau.evaluations.models import Task, TaskState
from bagalau.evaluations.notices import (
    DIFFERENTIATION_NOTICE,
    KPI_NOTICE,
    evaluated_notices,
)
from bagalau.notifications.models import Notification
from bagalau.org import services as org_services
from bagalau.org.models import EndReason

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
NOTICES = (KPI_NOTICE, DIFFERENTIATION_NOTICE)


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=ALMATY)


def approve_q1(w):
    with time_machine.travel(at(date(2026, 3, 20))):
        schedule = services.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
        services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    return schedule


def tick(day, hour=10):
    with time_machine.travel(at(day, hour)):
        return evaluated_notices(at(day, hour))


def notices():
    return Notification.objects.filter(kind__in=NOTICES, channel="in_app")


def recipients(kind):
    return set(notices().filter(kind=kind).values_list("recipient__username", flat=True))


def test_nothing_before_the_quarter_ends(body2023):
    # 002 p27, p31: "тоқсаннан кейінгі айдың ...": the notices follow the quarter.
    approve_q1(body2023)
    assert tick(date(2026, 3, 31), hour=23) == 0
    assert not notices().exists()


def test_the_first_tick_after_the_quarter_notifies_heads_and_servants(body2023):
    # 002 p27: heads (KPIs) no later than the 5th; 002 p31: servants (differentiation) no
    # later than the 10th of the month after the quarter.
    w = body2023
    schedule = approve_q1(w)
    assert tick(date(2026, 4, 1)) > 0
    heads = set(
        Task.objects.filter(schedule=schedule, kind="kpi_quarterly")
        .exclude(state=TaskState.EXCLUDED)
        .values_list("servant__user__username", flat=True)
    )
    assert "heada" in heads
    assert recipients(KPI_NOTICE) == heads
    assert {"servant", "colleague", "servantb"} <= recipients(DIFFERENTIATION_NOTICE)
    assert "heada" not in recipients(DIFFERENTIATION_NOTICE)
    row = notices().get(recipient=w.users["servant"])
    assert "2026 ж. 1-тоқсан" in row.subject  # in the recipient's language (kk)
    assert "2026-04-10" in row.text  # the evaluation's due date (002 p5)
    assert row.object_type == "evaluations.task"


def test_two_ticks_send_once(body2023):
    approve_q1(body2023)
    first = tick(date(2026, 4, 1))
    assert first > 0
    count = Notification.objects.filter(kind__in=NOTICES).count()
    assert tick(date(2026, 4, 1), hour=11) == 0
    assert tick(date(2026, 4, 3)) == 0
    with time_machine.travel(at(date(2026, 4, 3), 12)):
        call_command("tick", worker="w1")
        call_command("tick", worker="w2")
    assert Notification.objects.filter(kind__in=NOTICES).count() == count
    per_task = Notification.objects.filter(kind__in=NOTICES, channel="in_app").values_list(
        "object_id", flat=True
    )
    assert len(per_task) == len(set(per_task))


def test_two_workers_racing_queue_one_row_per_task(body2023):
    # Both workers found the tasks before either inserted: the outbox's unique dedupe key
    # keeps one row per task and channel.
    from bagalau.notifications.services import NotifyItem, notify_many

    w = body2023
    schedule = approve_q1(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="differentiation")
    item = NotifyItem(
        recipient=w.users["servant"],
        kind=DIFFERENTIATION_NOTICE,
        context={"quarter": 1, "year": 2026, "due": "2026-04-10"},
        dedupe_key=f"evaluated-notice:{task.pk}",
        object_type="evaluations.task",
        object_id=str(task.pk),
    )
    notify_many([item])
    assert tick(date(2026, 4, 1)) > 0
    assert notices().filter(object_id=str(task.pk)).count() == 1


def test_each_notice_only_until_its_deadline(body2023):
    # 002 p27: the heads' notice is due by the 5th; 002 p31: the servants' by the 10th.
    approve_q1(body2023)
    assert tick(date(2026, 4, 6)) > 0
    assert recipients(KPI_NOTICE) == set()
    assert "servant" in recipients(DIFFERENTIATION_NOTICE)


def test_nothing_after_the_deadlines(body2023):
    approve_q1(body2023)
    assert tick(date(2026, 4, 11)) == 0


def test_the_last_day_of_the_deadline_still_sends(body2023):
    approve_q1(body2023)
    tick(date(2026, 4, 5), hour=23)
    assert "heada" in recipients(KPI_NOTICE)


def test_servants_not_evaluated_get_no_notice(body2023):
    # 002 p6: under three months in the position → not evaluated, so not notified.
    w = body2023
    appointment = w.servant.appointments.get()
    org_services.appointment_end(
        actor=None, appointment=appointment, end_date=date(2025, 12, 31), reason=EndReason.DISMISSAL
    )
    org_services.appointment_create(
        actor=None, servant=w.servant, position=appointment.position, start_date=date(2026, 2, 2)
    )
    schedule = approve_q1(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="differentiation")
    assert task.state == TaskState.EXCLUDED
    tick(date(2026, 4, 1))
    assert "servant" not in recipients(DIFFERENTIATION_NOTICE)
    assert "colleague" in recipients(DIFFERENTIATION_NOTICE)


def test_a_finished_sheet_gets_no_notice(body2023):
    # Only open sheets: a servant already evaluated and acquainted is not told again.
    w = body2023
    schedule = approve_q1(w)
    Task.objects.filter(schedule=schedule, servant=w.servant).update(state=TaskState.SUBMITTED)
    tick(date(2026, 4, 1))
    assert "servant" not in recipients(DIFFERENTIATION_NOTICE)


def test_the_notice_is_in_the_recipients_language(body2023):
    w = body2023
    user = w.users["servant"]
    user.language = "ru"
    user.save(update_fields=["language"])
    approve_q1(w)
    tick(date(2026, 4, 1))
    assert notices().get(recipient=user).language == "ru"
    assert notices().get(recipient=w.users["colleague"]).language == "kk"


def test_no_score_goes_into_a_notice(body2023):
    w = body2023
    schedule = approve_q1(w)
    Task.objects.filter(schedule=schedule).update(score="4.75")
    tick(date(2026, 4, 1))
    assert not notices().filter(text__contains="4.75").exists()
    assert not notices().filter(subject__contains="4.75").exists()


def test_a_version_without_the_notice_rows_sends_none(body2025):
    # The 2025 model (methodology.md §4a) names no such notice: no deadline row, no notice.
    approve_q1(body2025)
    assert tick(date(2026, 4, 1)) == 0


def test_the_hook_runs_a_bounded_number_of_queries(body2023, django_assert_max_num_queries):
    approve_q1(body2023)
    with time_machine.travel(at(date(2026, 4, 1))), django_assert_max_num_queries(8):
        evaluated_notices(at(date(2026, 4, 1)))
