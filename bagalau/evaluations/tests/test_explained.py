"""Results and progress that explain themselves (issue 13 item 7).

The servant's result leads to its sheet; a year result names its quarters; HR is warned
before forming a year with missing quarters; progress lists the overdue sheets with a
reminder to their evaluators; the dashboard says what its figures count; a draft
schedule shows who will be evaluated, by whom and by when, and who will not be and why.
"""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from bagalau.core.models import AuditEvent
from bagalau.evaluations import notices, services
from bagalau.evaluations.models import OPEN_TASK_STATES, Result, Schedule, Task
from bagalau.evaluations.tests.flow import transition
from bagalau.notifications.models import Notification

pytestmark = pytest.mark.django_db

SCORES = {"quality": "4", "deadlines": "4", "initiative": "3", "discipline": "5"}


def approved_q1(w) -> Schedule:
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
    )
    services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    schedule.refresh_from_db()
    return schedule


def submit(w, task: Task, comment: str = "") -> Task:
    comments = {"quality": comment} if comment else {}
    return transition(
        actor=w.users["heada"], task_id=task.pk, action="submit",
        sheet=services.SheetInput(dict(SCORES), comments),
    )  # fmt: skip


def sheet_of(schedule: Schedule, servant) -> Task:
    return Task.objects.get(schedule=schedule, servant=servant, kind="differentiation")


# --- my results ---------------------------------------------------------------------------


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_my_result_links_to_its_sheet_with_the_scores_and_the_comment(body2023):
    w = body2023
    schedule = approved_q1(w)
    task = submit(w, sheet_of(schedule, w.servant), comment="Есептер уақытында тапсырылды")
    mine = w.client("servant").get(reverse("evaluations:my_results"))
    [result] = mine.context["results"]
    assert result.sheet_readable
    sheet_url = reverse("evaluations:sheet", args=[task.pk])
    assert f'href="{sheet_url}"'.encode() in mine.content
    sheet = w.client("servant").get(sheet_url)
    assert sheet.status_code == 200 and sheet.context["readable"]
    assert {c["line"].code: str(c["value"]) for c in sheet.context["cells"]}["quality"] == "4.00"
    assert "Есептер уақытында тапсырылды" in sheet.content.decode()
    # The one access rule: a colleague does not see the sheet at all.
    assert w.client("colleague").get(sheet_url).status_code == 404
    # Returned for correction, the sheet is the evaluator's draft again: no link meanwhile.
    transition(actor=w.users["hrofficer"], task_id=task.pk, action="return", reason="қате")
    again = w.client("servant").get(reverse("evaluations:my_results"))
    assert not again.context["results"][0].sheet_readable
    assert f'href="{sheet_url}"'.encode() not in again.content


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_year_result_names_the_quarters_it_averages_and_those_it_leaves_out(body2023):
    w = body2023
    schedule = approved_q1(w)
    task = submit(w, sheet_of(schedule, w.servant))
    services.year_results_form(actor=w.users["hrofficer"], body_id=w.body.pk, year=2026)
    year = Result.objects.get(servant=w.servant, year=2026, quarter=0)
    assert year.quarters == [1]
    page = w.client("servant").get(reverse("evaluations:my_results"))
    shown = next(r for r in page.context["results"] if r.pk == year.pk)
    assert [row["quarter"] for row in shown.quarter_rows] == [1]
    assert shown.quarter_rows[0]["readable"] and shown.left_out == [2, 3, 4]
    html = page.content.decode()
    assert f'href="{reverse("evaluations:sheet", args=[task.pk])}"' in html
    with translation.override("kk"):
        assert gettext("Q%(quarter)s") % {"quarter": 3} in html


# --- year results: the warning --------------------------------------------------------------


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_hr_is_warned_of_missing_quarters_before_the_year_is_formed(body2023):
    w = body2023
    schedule = approved_q1(w)
    submit(w, sheet_of(schedule, w.servant))
    url = reverse("evaluations:year_results", args=[w.body.pk])
    hr = w.client("hrofficer")
    warned = hr.post(url, {"year": "2026"})
    assert warned.status_code == 200
    assert warned.context["missing"] == (1, 2, 3, 4)  # Q1 has open sheets; Q2-Q4 nothing
    assert b'id="confirm-year-results"' in warned.content
    assert not Result.objects.filter(year=2026, quarter=0).exists()  # nothing formed yet
    states = {state.quarter: (state, status) for state, status in warned.context["quarters"]}
    assert states[1][0].results == 1 and states[1][0].open_sheets > 0 and states[1][1] == "approved"
    assert states[2][1] is None
    formed = hr.post(url, {"year": "2026", "confirm": "1"})
    assert formed.status_code == 302
    assert Result.objects.filter(year=2026, quarter=0, servant=w.servant).exists()
    # Bad input names the field; strangers and the wrong role are refused.
    assert hr.post(url, {"year": "abc"}, follow=True).status_code == 200
    assert w.client("otherhr").post(url, {"year": "2026"}).status_code == 404
    assert w.client("servant").post(url, {"year": "2026"}).status_code == 403


# --- progress: the overdue sheets and the reminder -------------------------------------------


@time_machine.travel("2026-04-15 10:00 +05:00")
def test_progress_lists_the_overdue_sheets_with_their_evaluators(body2023):
    w = body2023
    with time_machine.travel("2026-04-06 10:00 +05:00"):
        schedule = approved_q1(w)
        submit(w, sheet_of(schedule, w.colleague_a))  # on time: not overdue
    page = w.client("hrofficer").get(reverse("evaluations:progress", args=[schedule.pk]))
    overdue = page.context["overdue_tasks"]
    open_count = Task.objects.filter(schedule=schedule, state__in=OPEN_TASK_STATES).count()
    assert overdue.paginator.count == open_count == page.context["overdue"]
    servants = {t.servant_id for t in overdue.object_list}
    assert w.servant.pk in servants and w.colleague_a.pk not in servants
    row = next(t for t in overdue.object_list if t.servant_id == w.servant.pk)
    assert row.evaluator == w.head_a and row.reminded_on is None
    assert f'action="{reverse("evaluations:remind", args=[row.pk])}"'.encode() in page.content


@time_machine.travel("2026-04-15 10:00 +05:00")
def test_a_reminder_goes_once_to_the_evaluator_whatever_the_clicks(body2023):
    w = body2023
    with time_machine.travel("2026-04-06 10:00 +05:00"):
        schedule = approved_q1(w)
    task = sheet_of(schedule, w.servant)
    url = reverse("evaluations:remind", args=[task.pk])
    hr = w.client("hrofficer")
    first = hr.post(url, {"back": "overdue=1&late=2&x=<script>"})
    assert first.status_code == 302
    assert first["Location"] == (
        reverse("evaluations:progress", args=[schedule.pk]) + "?overdue=1&late=2#overdue"
    )
    second = hr.post(url, follow=True)  # the double click
    assert [m.level_tag for m in second.context["messages"]] == ["success", "info"]
    rows = Notification.objects.filter(kind=notices.OVERDUE_REMINDER, object_id=str(task.pk))
    assert {(r.recipient_id, r.channel) for r in rows} == {
        (w.users["heada"].pk, "email"), (w.users["heada"].pk, "in_app"),
    }  # fmt: skip
    assert AuditEvent.objects.filter(action="task.reminded", object_id=str(task.pk)).count() == 1
    with translation.override("kk"):
        assert rows[0].subject == gettext("Overdue evaluation sheet: %(servant)s") % {
            "servant": w.servant.full_name
        }
    text = rows[0].text.replace("2026", "").replace(w.servant.full_name, "")
    assert "5" not in text  # no score in it (none yet, none ever)
    progress = w.client("hrofficer").get(reverse("evaluations:progress", args=[schedule.pk]))
    row = next(t for t in progress.context["overdue_tasks"].object_list if t.pk == task.pk)
    assert row.reminded_on.isoformat() == "2026-04-15"
    # The next day, another reminder may go.
    with time_machine.travel("2026-04-16 10:00 +05:00"):
        assert services.task_remind(actor=w.users["hrhead"], task_id=task.pk)[1] is True
    assert rows.all().count() == 4  # a fresh count: `rows` holds its first reading


@time_machine.travel("2026-04-15 10:00 +05:00")
def test_only_hr_reminds_and_only_of_overdue_sheets(body2023):
    w = body2023
    with time_machine.travel("2026-04-06 10:00 +05:00"):
        schedule = approved_q1(w)
        done = submit(w, sheet_of(schedule, w.colleague_a))
    task = sheet_of(schedule, w.servant)
    url = reverse("evaluations:remind", args=[task.pk])
    assert w.client("otherhr").post(url).status_code == 404
    assert w.client("colleague").post(url).status_code == 404
    assert w.client("heada").post(url).status_code == 403  # the evaluator is not HR
    assert w.client("servant").post(url).status_code == 403
    assert w.client("anonymous").post(url).status_code == 302
    assert w.client("hrofficer").get(url).status_code == 405
    refused = w.client("hrofficer").post(reverse("evaluations:remind", args=[done.pk]), follow=True)
    assert [m.level_tag for m in refused.context["messages"]] == ["error"]
    with translation.override("kk"):
        assert str(services.MSG_NOT_OVERDUE) in [str(m) for m in refused.context["messages"]]
    assert not Notification.objects.filter(kind=notices.OVERDUE_REMINDER).exists()
    with time_machine.travel("2026-04-08 10:00 +05:00"):  # before the due date
        not_yet = w.client("hrofficer").post(url, follow=True)
        assert [m.level_tag for m in not_yet.context["messages"]] == ["error"]
    assert not AuditEvent.objects.filter(action="task.reminded").exists()


# --- the dashboard --------------------------------------------------------------------------


@time_machine.travel("2026-04-15 10:00 +05:00")
def test_dashboard_figures_say_what_they_count(body2023):
    w = body2023
    with time_machine.travel("2026-04-06 10:00 +05:00"):
        schedule = approved_q1(w)
        submit(w, sheet_of(schedule, w.servant))
    total = Task.objects.filter(schedule=schedule).count()
    hr = w.client("hrofficer").get("/").content.decode()
    head = w.client("heada").get("/").content.decode()
    with translation.override("kk"):
        submitted = ngettext(
            "%(done)s of %(total)s sheet submitted", "%(done)s of %(total)s sheets submitted", total
        ) % {"done": 1, "total": total}
        to_fill = ngettext("%(n)s sheet to fill", "%(n)s sheets to fill", 1) % {"n": 1}
    assert submitted in hr
    assert to_fill in head  # head A has colleague A's sheet left


# --- the draft schedule ----------------------------------------------------------------------


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_draft_shows_who_is_evaluated_by_whom_by_when_and_who_is_not(body2023, settings):
    w = body2023
    from datetime import date

    # Servant B came in February: under three months in the position, not evaluated (002 p6).
    w.servant_b.appointments.update(start_date=date(2026, 2, 1))
    draft = services.schedule_create(actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1)
    url = reverse("evaluations:schedule", args=[draft.pk])
    preview = w.client("hrofficer").get(url).context["preview"]
    evaluated = preview["evaluated_page"]
    assert evaluated.paginator.count == preview["evaluated"]
    row = next(
        t for t in evaluated.object_list
        if t.servant_id == w.servant.pk and t.kind == "differentiation"
    )  # fmt: skip
    assert row.evaluator == w.head_a and row.evaluator_name == w.head_a.full_name
    assert row.due_date.isoformat() == "2026-04-10"
    assert row.appointment.position.unit.code == "A"
    excluded = preview["not_evaluated_page"]
    assert {t.servant_id: t.reason for t in excluded.object_list}[w.servant_b.pk] == (
        "under_min_months"
    )
    assert excluded.paginator.count == preview["excluded"]
    assert not Task.objects.filter(schedule=draft).exists()  # nothing created before approval
    # A page at a time, each list with its own parameter.
    settings.PAGE_SIZE = 2
    second = w.client("hrofficer").get(url, {"to_fill": "2", "not_evaluated": "1"})
    page = second.context["preview"]
    assert page["evaluated_page"].number == 2 and len(page["evaluated_page"].object_list) == 2
    assert page["not_evaluated_query"] == "to_fill=2"
    assert b"to_fill=2" in second.content
