"""The demo lives in today (issue 13 item 8): built as of a day, every role finds work waiting.

Acceptance: "On a fresh clone on any date, make demo shows each role work waiting on its
dashboard." The demo is built at pinned days (`demo --date`) and each demo login opens
its dashboard on that day with the test client. What counts, by role:

- an evaluator: sheets to fill (the "Sheets to fill" card);
- a servant: a result to acknowledge (002 p12) or an unread notification (002 p27, p31);
- HR: the cycle to run — a schedule in progress with open sheets and a draft (002 p11);
- the authorized person: a schedule to approve (002 p11; 001 p29).

The history behind it went through the workflow: results, acknowledgements, a refusal
act, a returned sheet, late and overdue sheets, notices delivered by `tick`, an audit
trail that verifies, and nothing dated after the demo's day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.test import Client

from bagalau.core.models import AuditEvent, User
from bagalau.demo import history
from bagalau.demo.tests.shared import at, built
from bagalau.evaluations.models import (
    OPEN_TASK_STATES,
    Result,
    ResultChange,
    Schedule,
    ScheduleStatus,
    Task,
    TaskState,
)
from bagalau.notifications import selectors as inbox
from bagalau.notifications.models import Notification
from bagalau.org.models import StateBody

pytestmark = pytest.mark.django_db

# The brief's two days, and a day before the due date of the quarter in progress.
DAYS = ["2026-12-01", "2027-05-15", "2026-10-02"]
PASSWORD = "bagalau-demo"


@pytest.fixture(scope="module", params=DAYS)
def demo(request: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with built(django_db_blocker, request.param) as printed:
        yield {"day": request.param, "printed": printed}


def dashboard(username: str, day: str) -> tuple[Any, str, User]:
    user = User.objects.get(username=username)
    client = Client()
    with at(day):
        client.force_login(user)
        page = client.get("/")
    assert page.status_code == 200, username
    return page.context, page.content.decode(), user


# --- what counts as work, by role --------------------------------------------------------


def sheets_to_fill(ctx: Any, html: str, user: User) -> bool:
    rows = ctx["evaluator"]
    open_sheets = Task.objects.filter(evaluator_user=user, state__in=OPEN_TASK_STATES)
    return (
        bool(rows)
        and 'id="to-evaluate"' in html
        and open_sheets.count() == sum(r["n"] for r in rows)
    )


def schedule_to_approve(ctx: Any, html: str, user: User) -> bool:
    drafts = [s for s in ctx["to_approve"] if s.status == ScheduleStatus.DRAFT]
    return bool(drafts) and 'id="to-approve"' in html


def cycle_to_run(ctx: Any, html: str, user: User) -> bool:
    schedules = ctx["hr_schedules"]
    running = [s for s in schedules if s.status == ScheduleStatus.APPROVED and s.done < s.n]
    drafted = [s for s in schedules if s.status == ScheduleStatus.DRAFT]
    return bool(running and drafted) and 'id="hr-progress"' in html


def result_to_acknowledge(ctx: Any, html: str, user: User) -> bool:
    pending = Result.objects.filter(
        servant__user=user, acknowledged_at__isnull=True, refused_at__isnull=True
    ).count()
    return ctx["unacknowledged"] == pending > 0


def unread_notice(ctx: Any, html: str, user: User) -> bool:
    unread = inbox.unread_count(user)
    return unread > 0 and f'<span class="badge">{unread}</span>' in html


def commission_protocol(ctx: Any, html: str, user: User) -> bool:
    """A commission seat (001 p29-39): the card of the meeting held with its approved
    protocol, whose agenda (the sheets decided) the user reads."""
    from bagalau.commission.models import Case

    cards = [c for c in ctx["commission_cards"] if c.protocol]
    return (
        bool(cards)
        and 'id="commission-card"' in html
        and 'class="commission-protocol"' in html
        and Case.objects.filter(meeting_id=cards[0].meeting_id).exists()
    )


def sheets_and_commission(ctx: Any, html: str, user: User) -> bool:
    return sheets_to_fill(ctx, html, user) and commission_protocol(ctx, html, user)


WORK: dict[str, Callable[[Any, str, User], bool]] = {
    "hr": cycle_to_run,
    "hrhead": cycle_to_run,
    "authorized": schedule_to_approve,
    "planner": result_to_acknowledge,  # planning agrees KPI plans: not built yet (report)
    "head": sheets_to_fill,
    "head2": sheets_to_fill,
    "servant": result_to_acknowledge,
    "servant2": unread_notice,  # "you are being evaluated" (002 p31), their sheet a draft
    "firsthead": sheets_to_fill,  # the heads' KPI sheets
    "newcomer": unread_notice,  # evaluated for the first time (002 p6)
    "hr2018": cycle_to_run,
    # The head of unit 02 evaluates its staff and chairs the commission (001 p29-39).
    "chair2018": sheets_and_commission,
    "authorized2018": schedule_to_approve,
    "head2018": sheets_to_fill,
    "firsthead2018": sheets_to_fill,  # the heads' year-end KPI sheets (001 p17)
    # 2018-model servants: their work plan approved, its quarterly monitoring (001 p16); the
    # commission's member and secretary: the meeting held and its approved protocol.
    "servant2018": unread_notice,
    "member2018": commission_protocol,
    "secretary2018": commission_protocol,
}


def printed_logins(printed: str) -> set[str]:
    rows = printed.split("-" * 96)[1].split("Password for every demo user")[0]
    return {line.split()[0] for line in rows.strip().splitlines()}


def test_two_bodies_with_a_login_for_each_role(demo):
    from bagalau.methodology.selectors import version_for
    from bagalau.org.models import Role, RoleAssignment

    assert printed_logins(demo["printed"]) == {*WORK, "admin"}
    assert f"The demo's day: {demo['day']}" in demo["printed"]
    assert "Password for every demo user: bagalau-demo" in demo["printed"]
    bodies = StateBody.objects.filter(name_kk__endswith="(демо)")
    sizes = sorted(b.servants.count() for b in bodies)
    assert 13 <= sizes[0] <= 17 and 38 <= sizes[1] <= 46
    assert {r for (r,) in RoleAssignment.objects.values_list("role")} == set(Role.values)
    day = date.fromisoformat(demo["day"])
    assert {version_for(b.pk, day).model for b in bodies} == {"2018", "2023"}
    # Every servant has an account (each acknowledges their own results).
    from bagalau.org.models import Servant

    assert not Servant.objects.filter(body__in=bodies, user__isnull=True).exists()


@pytest.mark.parametrize("username", sorted(WORK))
def test_every_role_finds_work_waiting_on_its_dashboard(demo, username):
    ctx, html, user = dashboard(username, demo["day"])
    assert WORK[username](ctx, html, user), username


def test_the_superuser_has_no_evaluation_work(demo):
    """002 p21: the admin manages bodies and users; no sheet, result or schedule is theirs."""
    ctx, _html, _user = dashboard("admin", demo["day"])
    assert not ctx["to_approve"] and not ctx["evaluator"] and not ctx["hr_schedules"]


def test_a_demo_user_signs_in_with_the_printed_password(demo):
    client = Client()
    with at(demo["day"]):
        response = client.post("/accounts/login/", {"username": "servant", "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/").context["user"].username == "servant"


# --- the history went through the workflow ---------------------------------------------


def _body(model: str) -> StateBody:
    return StateBody.objects.get(name_kk__endswith="(демо)", methodology_versions__model=model)


def test_the_2023_quarters_before_the_last_are_closed_with_results(demo):
    day = date.fromisoformat(demo["day"])
    story = history.Story(today=day, now=history.moment(day, 9))
    body = _body("2023")
    last = Schedule.objects.get(body=body, year=story.last[0], quarter=story.last[1])
    straggler_allowed = day <= last.tasks.values_list("due_date", flat=True).first()
    for year, quarter in story.closed:
        schedule = Schedule.objects.get(body=body, year=year, quarter=quarter)
        assert schedule.status == ScheduleStatus.APPROVED
        assert schedule.approved_by.username == "authorized"
        sheets = schedule.tasks.filter(kind="differentiation").exclude(state=TaskState.EXCLUDED)
        open_sheets = sheets.filter(state__in=OPEN_TASK_STATES).count()
        allowed = 1 if straggler_allowed and (year, quarter) == story.closed[-1] else 0
        assert open_sheets == allowed, (year, quarter)
        results = Result.objects.filter(task__schedule=schedule, kind="differentiation")
        assert results.count() == sheets.count() - allowed
        assert sheets.filter(state=TaskState.ACQUAINTED).count() >= sheets.count() - 2
    # One refusal act signed by three (001 p41; 004), one returned and corrected sheet,
    # one late submission; the first quarter's results of the previous year all there.
    refused = Result.objects.get(body=body, refused_at__isnull=False)
    assert len(refused.refusal_act["signers"]) == 3
    assert ResultChange.objects.filter(result__body=body, source="correction").count() == 1
    assert AuditEvent.objects.filter(body=body, action="task.return").count() == 1
    assert Task.objects.filter(body=body, late=True).exists()
    if (day.year - 1, 4) in story.closed:
        year_results = Result.objects.filter(body=body, year=day.year - 1, quarter=0)
        assert year_results.exists() and year_results.first().quarters == [1, 2, 3, 4]
        assert year_results.filter(acknowledged_at__isnull=False).exists()


def test_the_last_quarter_is_in_progress_and_the_current_one_drafted(demo):
    day = date.fromisoformat(demo["day"])
    story = history.Story(today=day, now=history.moment(day, 9))
    body = _body("2023")
    last = Schedule.objects.get(body=body, year=story.last[0], quarter=story.last[1])
    sheets = last.tasks.filter(kind="differentiation")
    states = set(sheets.values_list("state", flat=True))
    assert {TaskState.SUBMITTED, TaskState.DRAFT, TaskState.PENDING} <= states
    due = sheets.values_list("due_date", flat=True).first()
    overdue = Task.objects.filter(body=body, state__in=OPEN_TASK_STATES, kind="differentiation")
    overdue = overdue.filter(due_date__lt=day)
    assert overdue.exists()
    assert overdue.filter(schedule=last).exists() == (day > due)
    assert overdue.filter(overdue=True).count() == overdue.count()  # tick flagged them
    current = Schedule.objects.get(body=body, year=story.current[0], quarter=story.current[1])
    assert current.status == ScheduleStatus.DRAFT and current.created_by.username == "hr"
    # The newcomer is evaluated for the first time in the last quarter (002 p6).
    newcomer = Task.objects.filter(servant__user__username="newcomer", kind="differentiation")
    assert list(newcomer.order_by("schedule__start").values_list("state", flat=True))[-2:] == [
        TaskState.EXCLUDED,
        TaskState.PENDING,
    ]


def test_the_2018_body_runs_its_annual_cycle(demo):
    day = date.fromisoformat(demo["day"])
    body = _body("2018")
    previous = Schedule.objects.get(body=body, year=day.year - 1, quarter=0)
    assert previous.status == ScheduleStatus.APPROVED
    assert previous.approved_by.username == "authorized2018"
    assert previous.tasks.exclude(state=TaskState.EXCLUDED).count() > 0
    current = Schedule.objects.get(body=body, year=day.year, quarter=0)
    assert current.status == ScheduleStatus.DRAFT


def test_notices_were_delivered_and_nothing_is_dated_after_the_demos_day(demo):
    day = date.fromisoformat(demo["day"])
    end = history.moment(day, 9) + timedelta(minutes=5)
    assert not Notification.objects.filter(status=Notification.Status.PENDING).exists()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {
        "evaluation.schedule_approved",
        "evaluation.result_ready",
        "evaluation.reminder",
        "evaluation.differentiation_notice",
        "evaluation.kpi_notice",
        "evaluation.sheet_returned",
    } <= kinds
    for model, column in ((AuditEvent, "created_at"), (Notification, "created_at")):
        assert model.objects.aggregate(m=Max(column))["m"] <= end, model
    assert Result.objects.aggregate(m=Max("formed_at"))["m"] <= end
    # The history is spread over its days, not written at one moment.
    first = AuditEvent.objects.filter(action="schedule.approved").order_by("created_at").first()
    assert first.created_at.date() <= date(day.year - 1, 3, 31)
    # And the audit trail verifies.
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "OK" in out.getvalue()


def test_plans_in_every_state_and_kpi_sheets_at_every_step(demo):
    """Issue 14 item 7: plans drawn up, returned, approved, changed after approval; KPI
    sheets filled, returned and agreed — in both bodies, each role with its work."""
    from bagalau.plans.models import Monitoring, PlanReview, PlanState, WorkPlan

    day = date.fromisoformat(demo["day"])
    for model in ("2018", "2023"):
        body = _body(model)
        plans = WorkPlan.objects.filter(body=body, year=day.year)
        states = set(plans.values_list("state", flat=True))
        assert {PlanState.DRAFT, PlanState.RETURNED, PlanState.APPROVED} <= states, model
        reviews = PlanReview.objects.filter(plan__body=body)
        assert (
            reviews.filter(action="return").exists() and reviews.filter(action="approve").exists()
        )
        if day.month >= 6:  # the change after approval happens in June (002 p26)
            amended = plans.filter(reviews__action="amend").distinct()
            assert amended.filter(state=PlanState.APPROVED).exists(), model
            assert amended.first().approved_revision.reason
        if day.month >= 4:
            assert Monitoring.objects.filter(plan__body=body, plan__year=day.year).exists(), model
    body = _body("2023")
    kpi = Task.objects.filter(body=body, kind="kpi_quarterly")
    assert kpi.filter(state=TaskState.ACQUAINTED).exists()
    assert kpi.filter(actuals_sent_at__isnull=False).exists()
    assert kpi.filter(state=TaskState.ACTUALS_DUE).exists()  # the plan not approved yet
    body = _body("2018")
    year = Task.objects.filter(body=body, kind="kpi_annual", schedule__year=day.year - 1)
    assert year.filter(state=TaskState.FOR_COMMISSION).exists()
    assert year.filter(state=TaskState.AGREED).exists()
    assert year.filter(late=True, correction_due__isnull=False).exists()  # 001 p23
    assert AuditEvent.objects.filter(body=body, action="task.return").exists()
    provisional = Result.objects.filter(body=body, kind="kpi_annual", provisional=True)
    assert provisional.exists() and not provisional.filter(acquaintance_due__isnull=False).exists()


def test_the_demo_is_kept_unless_reset(demo):
    out = StringIO()
    call_command("demo", "--date", demo["day"], stdout=out)
    assert "already there" in out.getvalue()
    assert StateBody.objects.filter(name_kk__endswith="(демо)").count() == 2


def test_a_bad_date_is_refused_with_the_option_named():
    with pytest.raises(CommandError, match="--date"):
        call_command("demo", "--date", "01.12.2026", stdout=StringIO())
