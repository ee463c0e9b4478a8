"""Who may know a result (002 p16, p21), on the demo's two bodies, for every role.

002 p21 names four: the evaluated person, the evaluator, the head of HR and the calibration
participants (commission members for the 2018 model) for the cases on their agenda. HR
officers run the process without the content; a superuser manages bodies and users and sees
no scores; the evaluated person never sees the evaluator's draft. Every page and endpoint
that touches a sheet or a result is asked as each demo role.
"""

from __future__ import annotations

import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bagalau.core.models import AuditEvent, User
from bagalau.demo.tests.shared import built
from bagalau.evaluations import services
from bagalau.evaluations.models import Result, Schedule, Task
from bagalau.evaluations.rules import confidentiality as rule
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition
from bagalau.notifications.models import Notification
from bagalau.org.models import Servant

pytestmark = pytest.mark.django_db

# Distinctive values: (3.5 + 3 + 3.25 + 2.93) / 4 = 3.17.
SUBMITTED = {"quality": "3.5", "deadlines": "3", "initiative": "3.25", "discipline": "2.93"}
SECRET_COMMENT = "сыр-7Q-comment"
DRAFT = {"quality": "1.11"}
DRAFT_COMMENT = "draft-9Z-comment"
SCORE = "3.17"

# The four of 002 p21 for the submitted sheet of `servant` (evaluated by `head`).
KNOW = {"servant", "head", "hrhead"}
# Members of the body who run the process on the sheet (its state, not its content).
PROCESS = {"hr"}
EVERYONE = [
    "hr", "hrhead", "authorized", "planner", "head", "head2", "servant", "servant2",
    "firsthead", "newcomer", "hr2018", "chair2018", "member2018", "secretary2018",
    "authorized2018", "head2018", "servant2018", "admin",
]  # fmt: skip


def _client(username: str) -> Client:
    client = Client()
    if username != "anonymous":
        client.force_login(User.objects.get(username=username))
    return client


def test_the_preview_lists_a_sheet_without_an_evaluator(body2023):
    """No authorized person named: the first head's sheet would have nobody (002 p2(3))."""
    from bagalau.org.models import Role, RoleAssignment

    w = body2023
    RoleAssignment.objects.filter(body=w.body, role=Role.AUTHORIZED_PERSON).delete()
    with time_machine.travel("2026-04-03 10:00 +05:00"):
        schedule = services.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
        page = w.client("hrofficer").get(reverse("evaluations:schedule", args=[schedule.pk]))
    missing = page.context["preview"]["missing"]
    assert [t.servant_id for t in missing] == [w.first_head.pk]
    assert b'id="preview-missing"' in page.content


# The demo as of 20 March 2026: 2025 evaluated, Q4 2025 in progress, the Q1 2026 schedule
# drafted for the authorized person. Built once for the module (see demo/tests/shared.py);
# the tests that do not use it come first.
DEMO_DAY = "2026-03-20"


@pytest.fixture(scope="module")
def built_demo(django_db_setup, django_db_blocker):
    with built(django_db_blocker, DEMO_DAY):
        yield


@pytest.fixture
def demo(built_demo):
    """The demo, Q1 2026 approved; one submitted sheet with a comment, one draft."""
    with time_machine.travel("2026-04-03 10:00 +05:00"):
        schedule = Schedule.objects.get(year=2026, quarter=1)
        services.schedule_approve(
            actor=User.objects.get(username="authorized"), schedule_id=schedule.pk
        )
    head = User.objects.get(username="head")
    submitted = Task.objects.get(
        schedule=schedule, servant__user__username="servant", kind="differentiation"
    )
    draft = Task.objects.get(
        schedule=schedule, servant__user__username="servant2", kind="differentiation"
    )
    with time_machine.travel("2026-04-06 10:00 +05:00"):
        transition(
            actor=head, task_id=submitted.pk, action="submit",
            sheet=SheetInput(SUBMITTED, {"quality": SECRET_COMMENT}),
        )  # fmt: skip
        transition(
            actor=head, task_id=draft.pk, action="save_draft",
            sheet=SheetInput(DRAFT, {"quality": DRAFT_COMMENT}),
        )  # fmt: skip
    return {
        "schedule": schedule,
        "submitted": Task.objects.get(pk=submitted.pk),
        "draft": Task.objects.get(pk=draft.pk),
        "result": Result.objects.get(task=submitted),
    }


def _shows_content(response, *markers: str) -> bool:
    text = response.content.decode()
    return any(marker in text for marker in markers)


@time_machine.travel("2026-04-06 12:00 +05:00")
def test_only_the_four_of_002_p21_see_a_score_on_every_page_and_endpoint(demo):
    task, result = demo["submitted"], demo["result"]
    schedule = demo["schedule"]
    assert str(result.score) == SCORE
    for who in [*EVERYONE, "anonymous"]:
        client = _client(who)
        knows = who in KNOW
        # The sheet page: the scores, the comment and the result card.
        page = client.get(reverse("evaluations:sheet", args=[task.pk]))
        if knows:
            assert page.status_code == 200, who
            assert _shows_content(page, SCORE) and SECRET_COMMENT in page.content.decode(), who
        elif who in PROCESS:
            assert page.status_code == 200, who  # the process: state, due date, refusal act
            assert not _shows_content(page, SCORE, SECRET_COMMENT, "2.93"), who
        else:
            assert page.status_code in (302, 404), who
        # The API sheet.
        sheet = client.get(f"/api/v1/evaluations/tasks/{task.pk}")
        if knows:
            assert sheet.status_code == 200 and sheet.json()["score"] == SCORE, who
            assert sheet.json()["readable"] is True, who
        elif who in PROCESS:
            body = sheet.json()
            assert sheet.status_code == 200 and body["readable"] is False, who
            assert body["score"] is None and body["lines"] == [], who
        else:
            assert sheet.status_code in (401, 404), who
        # The result, alone and in lists.
        one = client.get(f"/api/v1/evaluations/results/{result.pk}")
        if knows:
            assert one.status_code == 200 and one.json()["score"] == SCORE, who
        elif who in PROCESS:
            assert one.status_code == 403, who
        else:
            assert one.status_code in (401, 404), who
        listed = client.get("/api/v1/evaluations/results")
        if who == "anonymous":
            assert listed.status_code == 401
        else:
            ids = {r["id"] for r in listed.json()["items"]}
            assert (result.pk in ids) == (who == "servant"), who
        for role in ("evaluator", "evaluated"):
            tasks = client.get(f"/api/v1/evaluations/tasks?role={role}")
            if who != "anonymous":
                assert "score" not in json.dumps(tasks.json()["items"]), who
        # The schedule's sheets and progress carry no scores; the band distribution is a
        # reading of results, for the head of HR only.
        listing = client.get(f"/api/v1/evaluations/schedules/{schedule.pk}/tasks?page_size=100")
        if listing.status_code == 200:
            assert "score" not in json.dumps(listing.json()), who
        for url in (
            reverse("evaluations:schedule", args=[schedule.pk]),
            reverse("evaluations:progress", args=[schedule.pk]),
            reverse("evaluations:my_results"),
            reverse("evaluations:my_sheets"),
            reverse("home"),
        ):
            response = client.get(url)
            if response.status_code == 200 and who not in KNOW:
                assert not _shows_content(response, SCORE, SECRET_COMMENT), (who, url)
        progress = client.get(reverse("evaluations:progress", args=[schedule.pk]))
        if progress.status_code == 200:
            assert (b"band-distribution" in progress.content) == (who == "hrhead"), who
        # Notifications: none carries a score, and only the servant is told of the result.
        if who != "anonymous":
            inbox = client.get("/api/v1/notifications/")
            assert SCORE not in json.dumps(inbox.json()), who
    assert not Notification.objects.filter(text__icontains=SCORE).exists()
    assert not Notification.objects.filter(subject__icontains=SCORE).exists()
    # Audit rows carry no score values or comments (the result history is ResultChange).
    for data in AuditEvent.objects.values_list("data", flat=True):
        text = json.dumps(data, ensure_ascii=False)
        assert SCORE not in text and SECRET_COMMENT not in text and DRAFT_COMMENT not in text


@time_machine.travel("2026-04-06 12:00 +05:00")
def test_the_evaluated_person_never_sees_the_draft(demo):
    draft = demo["draft"]
    servant2 = _client("servant2")
    page = servant2.get(reverse("evaluations:sheet", args=[draft.pk]))
    assert page.status_code == 200  # their own sheet exists for them, sealed
    assert DRAFT_COMMENT not in page.content.decode() and "1.11" not in page.content.decode()
    api = servant2.get(f"/api/v1/evaluations/tasks/{draft.pk}").json()
    assert api["readable"] is False and api["lines"] == [] and api["score"] is None
    # The evaluator reads and edits the draft; the head of HR reads it.
    for who in ("head", "hrhead"):
        assert (
            DRAFT_COMMENT
            in _client(who).get(reverse("evaluations:sheet", args=[draft.pk])).content.decode()
        ), who
    # Once submitted, the servant reads it.
    with time_machine.travel("2026-04-07 10:00 +05:00"):
        transition(
            actor=User.objects.get(username="head"), task_id=draft.pk, action="submit",
            sheet=SheetInput({"quality": "4", "deadlines": "4", "initiative": "4", "discipline": "4"}),
        )  # fmt: skip
    assert (
        DRAFT_COMMENT
        in servant2.get(reverse("evaluations:sheet", args=[draft.pk])).content.decode()
    )


@time_machine.travel("2026-04-06 12:00 +05:00")
def test_the_admin_shows_no_evaluation_content_to_a_superuser(demo):
    admin = _client("admin")
    index = admin.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/evaluations/" not in index.content
    for model in ("task", "result", "sheetline", "resultchange", "schedule"):
        assert admin.get(f"/admin/evaluations/{model}/").status_code == 404, model
    for url in ("/admin/core/auditevent/", "/admin/notifications/notification/"):
        response = admin.get(url)
        assert response.status_code in (200, 302, 403)
        assert SCORE not in response.content.decode()
    # And the superuser has no evaluation role anywhere.
    sheet = admin.get(reverse("evaluations:sheet", args=[demo["submitted"].pk]))
    assert sheet.status_code == 404


def test_the_2018_body_keeps_its_sheets_from_commission_roles_without_an_agenda(built_demo):
    """Commission members see only the cases on their agenda (002 p21); none is yet."""
    with time_machine.travel("2026-12-20 10:00 +05:00"):
        body = Servant.objects.get(user__username="servant2018").body
        # HR drafted the 2026 schedule in the demo (001 p29); the authorized person approves.
        schedule = Schedule.objects.get(body=body, year=2026, quarter=0, status="draft")
        services.schedule_approve(
            actor=User.objects.get(username="authorized2018"), schedule_id=schedule.pk
        )
        # Every task has an evaluator (002 p2(3)): the first head's is the authorized person.
        open_tasks = Task.objects.filter(schedule=schedule).exclude(state="excluded")
        assert open_tasks.exists()
        assert not open_tasks.filter(evaluator_user__isnull=True).exists()
        task = open_tasks.filter(servant__user__username="servant2018").first()
        assert task is not None
        for who in ("chair2018", "member2018", "secretary2018", "authorized2018", "hr", "admin"):
            assert _client(who).get(reverse("evaluations:sheet", args=[task.pk])).status_code == (
                404
            ), who
        for who in ("head2018", "hr2018", "servant2018"):
            assert _client(who).get(reverse("evaluations:sheet", args=[task.pk])).status_code == (
                200
            ), who


def test_every_demo_task_has_an_evaluator_and_the_preview_says_so(built_demo):
    with time_machine.travel("2026-04-03 10:00 +05:00"):
        schedule = Schedule.objects.get(year=2026, quarter=1)
        page = _client("hr").get(reverse("evaluations:schedule", args=[schedule.pk]))
        assert page.status_code == 200
        preview = page.context["preview"]
        assert preview["missing"] == [] and b'id="preview-ok"' in page.content
        # The first head has no supervisor in the structure: the authorized person evaluates.
        assert [t.servant.user.username for t in preview["authorized"]] == ["firsthead"]
        api = _client("hr").get(f"/api/v1/evaluations/schedules/{schedule.pk}/preview").json()
        assert api["missing"] == [] and len(api["authorized"]) == 1
        services.schedule_approve(
            actor=User.objects.get(username="authorized"), schedule_id=schedule.pk
        )
    tasks = Task.objects.filter(schedule=schedule).exclude(state="excluded")
    assert not tasks.filter(evaluator_user__isnull=True).exists()
    first = tasks.get(servant__user__username="firsthead")
    assert first.evaluator_user.username == "authorized"
    assert first.evaluator_source == "authorized_person"
    # The authorized person, who has no servant record, finds the sheet among theirs.
    mine = _client("authorized").get("/api/v1/evaluations/tasks?role=evaluator").json()
    assert [t["id"] for t in mine["items"] if t["schedule_id"] == schedule.pk] == [first.pk]
    # (and the first head's sheets of the earlier quarters of the demo's history)
    assert {t["servant_id"] for t in mine["items"]} == {first.servant_id}


class TestRule:
    """The pure rule (002 p21)."""

    def test_the_four_know_a_submitted_sheet(self):
        for role in (rule.EVALUATED, rule.EVALUATOR, rule.HR_HEAD, rule.PANEL):
            assert rule.may_read_sheet({role}, "submitted")  # 002 p21
            assert rule.may_read_result({role})  # 002 p21

    def test_hr_officers_run_the_process_without_the_content(self):
        assert not rule.may_read_sheet({rule.HR}, "submitted")  # 002 p21: the head only
        assert not rule.may_read_result({rule.HR})

    def test_the_evaluated_person_does_not_read_a_draft(self):
        for state in ("pending", "draft", "returned"):
            assert not rule.may_read_sheet({rule.EVALUATED}, state)
            assert rule.may_read_sheet({rule.EVALUATOR}, state)
        assert rule.may_read_sheet({rule.EVALUATED}, "acquainted")

    def test_nobody_else(self):
        assert not rule.may_read_sheet(set(), "submitted")
        assert not rule.may_read_result(set())
