"""The demo's evaluation history, replayed through the real services up to the demo's day.

Every step is a call of the service a person would make — HR drafts a schedule
(`schedule_create`), the authorized person approves it (`schedule_approve`), evaluators
save and submit sheets (`tasks_transition`), servants acknowledge (`task_transition`,
`result_acknowledge`), HR returns a sheet or records a refusal act, forms the year results
(`year_results_form`), and `tick` runs as cron would — each at its own moment of the past:
the clock is moved there (time-machine) and the work the service queued for after its
commit (notices) runs there too, so audit rows, results, due dates, late and overdue flags
and notifications carry the dates they would have had.

The 2023-model body (quarterly, 002 p5): the quarters of the previous year and of this one
are closed — sheets submitted (one late, one returned for correction), results
acknowledged, one refusal act (001 p41; 004), the previous year's results formed once its
fourth quarter is in — the last ended quarter is in progress (some sheets submitted, some
drafts, some not started and overdue once its due date has passed), and HR has drafted the
current quarter's schedule for the authorized person (002 p11).

The 2018-model body (annual, 001): the previous year's schedule is approved; its KPI sheets
are filled from the approved work plans, agreed by the superior (one returned and
corrected late) and partly passed to the commission; this year's schedule is drafted for
approval (001 p29). The competency sheet and the commission are not built yet, so those
sheets stay open: the demo does not invent their content.

The work plans of both bodies and the 2023 heads' KPI sheets: `plans_story`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from io import StringIO
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from bagalau.core.errors import DomainError
from bagalau.core.models import User
from bagalau.evaluations import services as evaluations
from bagalau.evaluations.models import (
    DONE_TASK_STATES,
    OPEN_TASK_STATES,
    Result,
    Schedule,
    ScheduleStatus,
    Task,
    TaskState,
)
from bagalau.evaluations.rules import deadlines as deadline_rules
from bagalau.evaluations.services import SheetInput, SheetItem
from bagalau.methodology import selectors as methodology_selectors
from bagalau.notifications import services as notifications
from bagalau.notifications.models import Notification
from bagalau.org import services as org
from bagalau.org.models import AbsenceKind, EndReason, Position, Servant, StateBody
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from . import calibration_story, plans_story, survey_story

if TYPE_CHECKING:
    from bagalau.demo.build import DemoBuilder

Quarter = tuple[int, int]
DIFFERENTIATION = "differentiation"


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    """`day` at `hour:minute` in the country's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _run_on_commit_work(since: int) -> None:
    """Run the work queued with `transaction.on_commit` since `since`, as a commit would.

    The demo is built in one transaction (all or nothing); each step is a commit point of
    its own, so its notices are queued at its moment, not at the end. Work queued by that
    work runs too (as Django's captureOnCommitCallbacks does); what ran is taken off the list.
    """
    connection = transaction.get_connection()
    while len(connection.run_on_commit) > since:
        queued = connection.run_on_commit[since:]
        del connection.run_on_commit[since:]
        for _savepoints, callback, _robust in queued:
            callback()


@contextmanager
def at(when: datetime) -> Iterator[None]:
    """Run what follows as of `when`: the clock is there, and so is the after-commit work."""
    since = len(transaction.get_connection().run_on_commit)
    with time_machine.travel(when, tick=True):
        yield
        _run_on_commit_work(since)


def next_quarter(quarter: Quarter) -> Quarter:
    year, q = quarter
    return (year + 1, 1) if q == 4 else (year, q + 1)


def previous_quarter(quarter: Quarter) -> Quarter:
    year, q = quarter
    return (year - 1, 4) if q == 1 else (year, q - 1)


def bounds(quarter: Quarter) -> tuple[date, date]:
    return deadline_rules.period_bounds(*quarter)


@dataclass(frozen=True)
class Story:
    """The demo's day and the periods and dates that follow from it."""

    today: date
    now: datetime  # the moment of the last step (the final tick)

    @property
    def current(self) -> Quarter:
        return (self.today.year, (self.today.month - 1) // 3 + 1)

    @property
    def last(self) -> Quarter:
        """The last ended quarter: in progress."""
        return previous_quarter(self.current)

    @property
    def closed(self) -> list[Quarter]:
        """The quarters from the previous year's first to the one before the last ended."""
        quarters, quarter = [], (self.today.year - 1, 1)
        while quarter != self.last:
            quarters.append(quarter)
            quarter = next_quarter(quarter)
        return quarters

    @property
    def setup(self) -> datetime:
        """When the staff is there: mid-December of the year before last."""
        return moment(date(self.today.year - 2, 12, 15), 10)

    @property
    def newcomer_start(self) -> date:
        """Under three months in the quarter before last, evaluated in the last (002 p6)."""
        return bounds(previous_quarter(self.last))[0] + timedelta(days=45)


@dataclass(order=True)
class Step:
    when: datetime
    seq: int
    label: str = field(compare=False)
    run: Callable[[], Any] = field(compare=False)


@dataclass
class Timeline:
    story: Story
    steps: list[Step] = field(default_factory=list)

    def add(self, when: datetime, label: str, run: Callable[[], Any]) -> None:
        if when < self.story.now:  # nothing happens after the demo's day
            self.steps.append(Step(when, len(self.steps), label, run))

    def tick_on(self, day: date, hour: int = 9) -> None:
        self.add(moment(day, hour), "tick", _tick)

    def run(self) -> None:
        """The steps in time order; cron's tick delivers, in the evening, what a day queued."""
        steps = sorted(self.steps)
        for i, step in enumerate(steps):
            with at(step.when):
                step.run()
            following = steps[i + 1].when if i + 1 < len(steps) else self.story.now
            evening = moment(step.when.date(), 19)
            if following.date() > step.when.date() and evening < self.story.now and _queued():
                with at(evening):
                    _tick()


def _queued() -> bool:
    return Notification.objects.filter(status=Notification.Status.PENDING).exists()


def _tick() -> None:
    call_command("tick", "--worker", "demo", stdout=StringIO())


# --- the people and their sheets -------------------------------------------------------------


@dataclass
class Body:
    """One demo body during the replay: its users, servants by position, working days."""

    body: StateBody
    users: dict[str, User]
    by_position: dict[str, Servant]
    calendar: workday_rules.Calendar

    @classmethod
    def load(cls, body: StateBody, story: Story) -> Body:
        servants = Servant.objects.filter(body=body).select_related("user")
        by_position = {
            code: s
            for s, code in (
                (
                    s,
                    s.appointments.order_by("-start_date")
                    .values_list("position__code", flat=True)
                    .first(),
                )
                for s in servants
            )
            if code
        }
        users = {s.user.username: s.user for s in servants if s.user is not None}
        extra = User.objects.filter(role_assignments__body=body).distinct()
        users.update({u.username: u for u in extra})
        calendar = workday_services.calendar_for(
            body.pk, date(story.today.year - 2, 1, 1), date(story.today.year + 1, 12, 31)
        )
        return cls(body, users, by_position, calendar)

    def working_days(self, day: date, n: int) -> date:
        return workday_rules.add_working_days(day, n, self.calendar)


def scores(servant: Servant, quarter: Quarter, codes: list[str]) -> dict[str, str]:
    """Four parameters 0-5 in quarter points (002 p33): each servant keeps a level."""
    level = [3.5, 3.75, 4.0, 4.25, 3.25, 4.5, 3.75, 4.0][servant.pk % 8]
    if servant.pk % 11 == 5:
        level = 2.75  # one servant performs satisfactorily
    rng = random.Random(f"{servant.iin}:{quarter[0]}:{quarter[1]}")  # noqa: S311 - demo data
    values = {}
    for code in codes:
        value = level + rng.choice((-0.5, -0.25, 0, 0, 0.25, 0.5))
        values[code] = str(Decimal(str(min(5.0, max(1.0, value)))).normalize())
    return values


def _open_tasks(schedule: Schedule, evaluator: User) -> list[Task]:
    return list(
        Task.objects.filter(
            schedule=schedule, evaluator_user=evaluator, kind=DIFFERENTIATION,
            state__in=OPEN_TASK_STATES,
        ).select_related("servant", "appointment__position").order_by("appointment__position__code")
    )  # fmt: skip


def _codes(schedule: Schedule) -> list[str]:
    return list(schedule.version.differentiation_parameters.values_list("code", flat=True))


def fill(
    schedule_of: Callable[[], Schedule],
    evaluator: User,
    *,
    submit: set[str] | None = None,
    draft: set[str] | None = None,
    quarter: Quarter,
) -> None:
    """The evaluator saves or submits the sheets of the servants in these positions (None: all).

    One `tasks_transition` call, as the bulk page makes it; an error stops the demo.
    """
    schedule = schedule_of()
    codes = _codes(schedule)
    items = []
    for task in _open_tasks(schedule, evaluator):
        position = task.appointment.position.code if task.appointment else ""
        values = scores(task.servant, quarter, codes)
        if task.state == TaskState.RETURNED:
            values[codes[-1]] = str(max(Decimal(1), Decimal(values[codes[-1]]) - Decimal("0.5")))
        if submit is None or position in submit:
            items.append(SheetItem(task.pk, "submit", task.revision, SheetInput(values)))
        elif draft is not None and position in draft:
            partial = {code: values[code] for code in codes[:2]}
            items.append(SheetItem(task.pk, "save_draft", task.revision, SheetInput(partial)))
    if not items:
        return
    done = evaluations.tasks_transition(actor=evaluator, items=items)
    errors = [str(e) for e in done.values() if isinstance(e, DomainError)]
    if errors:
        raise RuntimeError(f"demo: {evaluator.username}: {errors}")


def _task(schedule: Schedule, servant: Servant) -> Task | None:
    return Task.objects.filter(schedule=schedule, servant=servant, kind=DIFFERENTIATION).first()


def acknowledge(schedule_of: Callable[[], Schedule], b: Body, code: str) -> None:
    """The servant in `code` reads the result and acknowledges it (002 p12), then the inbox."""
    servant = b.by_position.get(code)
    task = _task(schedule_of(), servant) if servant else None
    if servant is None or servant.user is None or task is None:
        return
    if task.state == TaskState.SUBMITTED:
        evaluations.task_transition(actor=servant.user, task_id=task.pk, action="acknowledge")
        notifications.notification_mark_all_read(user=servant.user)


# --- the 2023-model body -----------------------------------------------------------------------

UNITS_2023 = {  # the unit's head (evaluator of its staff) → staff positions
    "01": ("head", ["01-02", "01-03", "01-04", "01-05", "01-06"]),
    "02": ("head2", ["02-02", "02-03", "02-04", "02-05", "02-06"]),
    "03": ("head03", ["03-02", "03-03", "03-04", "03-05", "03-06"]),
    "04": ("hrhead", ["04-02", "04-03", "04-04", "04-05", "04-06"]),
    "05": ("head05", ["05-02", "05-03", "05-04", "05-05", "05-06"]),
    "06": ("head06", ["06-02", "06-03", "06-04", "06-05", "06-06"]),
    "07": ("head07", ["07-02", "07-03", "07-04", "07-05", "07-06"]),
}


@dataclass
class Quarter2023:
    """The dates of one quarter's evaluation in the 2023-model body."""

    quarter: Quarter
    start: date
    end: date
    due: date  # the version's evaluation_due (002 p5: the 10th of the next month)

    def schedule(self, body: StateBody) -> Callable[[], Schedule]:
        year, q = self.quarter
        return lambda: Schedule.objects.select_related("version").get(
            body=body, year=year, quarter=q
        )


def _due(b: Body, quarter: Quarter) -> date:
    end = bounds(quarter)[1]
    version = methodology_selectors.version_for(b.body.pk, end)
    if version is None:  # pragma: no cover - the demo body adopts its version first
        raise RuntimeError(f"demo: no methodology version for {quarter}")
    deadline = version.deadlines.get(code="evaluation_due")
    return deadline_rules.due_date(
        deadline.rule, deadline.amount, period_end=end, add_working_days=b.working_days
    )


def _schedule_steps(tl: Timeline, b: Body, qd: Quarter2023, hr: str, approver: str) -> None:
    year, q = qd.quarter
    body = b.body
    tl.add(
        moment(qd.end - timedelta(days=20), 10),
        f"schedule {qd.quarter} drafted",
        lambda: evaluations.schedule_create(actor=b.users[hr], body=body, year=year, quarter=q),
    )
    schedule = qd.schedule(body)
    tl.add(
        moment(qd.end - timedelta(days=14), 11),
        f"schedule {qd.quarter} approved",
        lambda: evaluations.schedule_approve(actor=b.users[approver], schedule_id=schedule().pk),
    )
    # tick: the evaluated people's notices after the quarter (002 p27, p31), the
    # reminders 3 and 1 working days before the due date, the overdue flags after it
    tl.tick_on(qd.end + timedelta(days=1))
    for n in (3, 1):
        tl.tick_on(b.working_days(qd.due, -n))
    tl.tick_on(qd.due + timedelta(days=1))


def _closed_quarter(tl: Timeline, b: Body, qd: Quarter2023, *, index: int, count: int) -> None:
    """A quarter evaluated in full: every sheet submitted, every result acquainted."""
    schedule = qd.schedule(b.body)
    story = tl.story
    straggler = (
        # the last ended quarter has nothing overdue yet: one sheet of the quarter
        # before it is still with its evaluator
        "02-04" if index == count - 1 and story.today <= qd_due_of_last(tl, b) else None
    )
    # the last working day on or before the due date (a Saturday 10th is not worked)
    last_working_day = b.working_days(qd.due + timedelta(days=1), -1)
    for n, (unit, (head, staff)) in enumerate(UNITS_2023.items()):
        evaluator = b.users[head]
        late = index == 0 and unit == "07"  # one evaluator is late once
        day = (
            b.working_days(qd.due, 2)
            if late
            else min(last_working_day, b.working_days(qd.end, 1 + n % 5))
        )
        submitted = {code for code in staff if code != straggler}
        tl.add(
            moment(day, 10, n),
            f"{qd.quarter} {head} submits",
            partial(fill, schedule, evaluator, submit=submitted, quarter=qd.quarter),
        )
        tl.add(moment(day, 10, 30), "inbox read", _read(evaluator))
        for code in staff:
            if code == straggler:
                continue
            if index == count - 1 and code == "06-04":
                # 001 p41; 004: the servant refuses to sign; HR records the act, the result stands
                tl.add(
                    moment(b.working_days(day, 3), 12),
                    "refusal act",
                    partial(_refusal, b, schedule, code, day),
                )
                continue
            day_ack = b.working_days(day, 1)
            if index == max(0, count - 2) and code == "03-03":
                # HR returns a sheet for correction; the evaluator corrects and resubmits
                tl.add(
                    moment(b.working_days(day, 1), 15),
                    "sheet returned",
                    partial(_return, b, schedule, code),
                )
                tl.add(
                    moment(b.working_days(day, 2), 10),
                    "sheet resubmitted",
                    partial(_resubmit, schedule, evaluator, qd.quarter),
                )
                day_ack = b.working_days(day, 3)
            tl.add(
                moment(day_ack, 9, 10),
                "acknowledged",
                partial(acknowledge, schedule, b, code),
            )

    # The first head and the authorized person read their notices once the quarter is done.
    for who in ("firsthead", "authorized"):
        tl.add(moment(qd.due + timedelta(days=5), 17), "inbox read", _read(b.users[who]))


def qd_due_of_last(tl: Timeline, b: Body) -> date:
    return _due(b, tl.story.last)


def _read(user: User) -> Callable[[], Any]:
    return lambda: notifications.notification_mark_all_read(user=user)


def _refusal(b: Body, schedule: Callable[[], Schedule], position: str, day: date) -> None:
    servant = b.by_position[position]
    task = _task(schedule(), servant)
    if task is None or task.state != TaskState.SUBMITTED:
        return
    code = position.split("-")[0]
    head = b.by_position[f"{code}-01"]
    colleagues = [
        s.full_name
        for c, s in sorted(b.by_position.items())
        if c.startswith(f"{code}-") and s.pk not in (servant.pk, head.pk)
    ][:2]
    evaluations.task_transition(
        actor=b.users["hr"],
        task_id=task.pk,
        action="record_refusal",
        revision=task.revision,
        act={
            "date": b.working_days(day, 2).isoformat(),
            "signers": [head.full_name, *colleagues],
            "note": "Қызметші бағалау нәтижесімен танысқаны туралы қол қоюдан бас тартты.",
        },
    )


def _return(b: Body, schedule: Callable[[], Schedule], position: str) -> None:
    task = _task(schedule(), b.by_position[position])
    if task is None or task.state != TaskState.SUBMITTED:
        return
    evaluations.task_transition(
        actor=b.users["hr"],
        task_id=task.pk,
        action="return",
        revision=task.revision,
        reason="Еңбек тәртібінің бағасы табельмен сәйкес келмейді: тексеріп, қайта жіберіңіз.",
    )


def _resubmit(schedule: Callable[[], Schedule], evaluator: User, quarter: Quarter) -> None:
    """The returned sheet, corrected (its last parameter half a point lower) and resubmitted."""
    fill(schedule, evaluator, submit=None, quarter=quarter)
    notifications.notification_mark_all_read(user=evaluator)


def _last_quarter(tl: Timeline, b: Body, qd: Quarter2023) -> None:
    """The last ended quarter, in progress: some sheets submitted, some drafts, some not."""
    schedule = qd.schedule(b.body)
    story = tl.story
    yesterday = story.today - timedelta(days=1)
    window_end = min(qd.due, yesterday)

    def day_after_end(n: int) -> date:
        return max(qd.end - timedelta(days=1), min(window_end, b.working_days(qd.end, n)))

    plans = {  # head: (submitted, drafts, when, acknowledged)
        "head": ({"01-02", "01-04"}, {"01-03"}, day_after_end(2), set()),
        "head2": (set(), {"02-02"}, day_after_end(3), set()),
        "head03": (None, set(), day_after_end(1), {"03-02", "03-04"}),
        "hrhead": (None, set(), day_after_end(2), {"04-03", "04-04", "04-05"}),
        "head05": ({"05-02", "05-03"}, {"05-04", "05-05"}, day_after_end(3), set()),
        "head06": (set(), {"06-03", "06-04", "06-05"}, day_after_end(4), set()),
        # late when the due date has passed: submitted yesterday
        "head07": (None, set(), yesterday if yesterday > qd.due else window_end, set()),
    }
    for n, (head, (submit, draft, day, acquainted)) in enumerate(plans.items()):
        evaluator = b.users[head]
        tl.add(
            moment(day, 11, n),
            f"{qd.quarter} {head} works",
            partial(fill, schedule, evaluator, submit=submit, draft=draft, quarter=qd.quarter),
        )
        if submit is None:
            tl.add(moment(day, 11, 30), "inbox read", _read(evaluator))
        for code in sorted(acquainted):
            tl.add(
                moment(b.working_days(day, 1), 9, 15),
                "acknowledged",
                partial(acknowledge, schedule, b, code),
            )


def _staff_events_2023(tl: Timeline, builder: DemoBuilder, b: Body) -> None:
    """Who arrives, leaves and is away around the quarters in progress (002 p6-7)."""
    story = tl.story
    body = b.body
    last_start, last_end = bounds(story.last)
    current_end = bounds(story.current)[1]

    def position(code: str) -> Position:
        return Position.objects.get(body=body, code=code)

    def hire(code: str, start: date, **kwargs: Any) -> Callable[[], Any]:
        def run() -> None:
            servant = builder.servant(body, position(code), start=start, **kwargs)
            b.by_position[code] = servant
            if servant.user is not None:
                b.users[servant.user.username] = servant.user

        return run

    newcomer = story.newcomer_start
    tl.add(
        moment(newcomer, 9),
        "newcomer appointed",
        hire("01-05", newcomer, username="newcomer", born_year=1998),
    )
    # On probation: 002 names no probation exclusion (the 2023 version has it off),
    # but under three months in the last quarter (002 p6).
    probation = last_end - timedelta(days=30)
    tl.add(
        moment(probation, 9),
        "probationer appointed",
        hire("02-06", probation, probation_end=probation + timedelta(days=91), born_year=1999),
    )
    # Dismissed after the quarter, before its evaluation: evaluated without participation
    # (002 p7) on the usual dates.
    dismissal = last_end + timedelta(days=5)

    def dismiss() -> None:
        servant = b.by_position["03-06"]
        org.appointment_end(
            actor=b.users["hr"],
            appointment=servant.appointments.get(end_date__isnull=True),
            end_date=dismissal,
            reason=EndReason.DISMISSAL,
        )

    tl.add(moment(dismissal, 16), "dismissal", dismiss)

    def away(code: str, kind: str, start: date, end: date) -> Callable[[], Any]:
        return lambda: org.absence_save(
            actor=b.users["hr"],
            servant=b.by_position[code],
            kind=kind,
            start_date=start,
            end_date=end,
        )

    # Away over the quarter's end: the differentiation runs without them (002 p6).
    tl.add(
        moment(last_end - timedelta(days=6), 15),
        "annual leave",
        away(
            "01-04",
            AbsenceKind.ANNUAL_LEAVE,
            last_end - timedelta(days=1),
            last_end + timedelta(days=24),
        ),
    )
    tl.add(
        moment(last_end - timedelta(days=2), 15),
        "sick leave",
        away(
            "02-03",
            AbsenceKind.SICK_LEAVE,
            last_end - timedelta(days=2),
            last_end + timedelta(days=9),
        ),
    )
    # A business trip planned over the current quarter's end.
    tl.add(
        moment(max(story.today - timedelta(days=2), last_start), 14),
        "business trip",
        away(
            "06-02",
            AbsenceKind.BUSINESS_TRIP,
            current_end - timedelta(days=3),
            current_end + timedelta(days=12),
        ),
    )


def _story_2023(tl: Timeline, builder: DemoBuilder, b: Body) -> None:
    story = tl.story
    _staff_events_2023(tl, builder, b)
    closed = story.closed
    for quarter in [*closed, story.last]:
        start, end = bounds(quarter)
        qd = Quarter2023(quarter, start, end, _due(b, quarter))
        _schedule_steps(tl, b, qd, "hr", "authorized")
        if quarter == story.last:
            _last_quarter(tl, b, qd)
        else:
            _closed_quarter(tl, b, qd, index=closed.index(quarter), count=len(closed))
    previous_year = story.today.year - 1
    if (previous_year, 4) in closed:
        # The previous year's result: the mean of its quarters (002 p5), formed by HR once
        # the fourth quarter is in; the servants acknowledge it.
        formed = moment(date(story.today.year, 1, 20), 10)
        tl.add(
            formed,
            "year results",
            lambda: evaluations.year_results_form(
                actor=b.users["hr"], body_id=b.body.pk, year=previous_year
            ),
        )
        tl.add(
            formed + timedelta(days=2),
            "year results read",
            lambda: _acknowledge_year(b, previous_year),
        )
    # HR drafts the current quarter's schedule for the authorized person (002 p11).
    year, q = story.current
    tl.add(
        moment(story.today - timedelta(days=1), 16),
        "current schedule drafted",
        lambda: evaluations.schedule_create(actor=b.users["hr"], body=b.body, year=year, quarter=q),
    )


def _acknowledge_year(b: Body, year: int) -> None:
    rows = Result.objects.filter(
        body=b.body, year=year, quarter=0, acknowledged_at__isnull=True, refused_at__isnull=True
    ).select_related("servant__user")
    for result in rows:
        user = result.servant.user
        if user is not None and result.servant_id % 5:  # a few have not read it yet
            evaluations.result_acknowledge(actor=user, result_id=result.pk)


# --- the 2018-model body -----------------------------------------------------------------------


def _story_2018(tl: Timeline, b: Body) -> None:
    """The annual cycle (001): last year's schedule approved in December, this year's drafted."""
    story = tl.story
    previous = story.today.year - 1
    body = b.body
    tl.add(
        moment(date(previous, 12, 1), 10),
        "2018: year schedule drafted",
        lambda: evaluations.schedule_create(
            actor=b.users["hr2018"], body=body, year=previous, quarter=0
        ),
    )
    tl.add(
        moment(date(previous, 12, 8), 11),
        "2018: year schedule approved",
        lambda: evaluations.schedule_approve(
            actor=b.users["authorized2018"],
            schedule_id=Schedule.objects.get(body=body, year=previous, quarter=0).pk,
        ),
    )
    # 001 p29: HR drafts the schedule with the chair's consent; the authorized person approves.
    tl.add(
        moment(story.today - timedelta(days=1), 15),
        "2018: this year's schedule drafted",
        lambda: evaluations.schedule_create(
            actor=b.users["hr2018"], body=body, year=story.today.year, quarter=0
        ),
    )


# --- the replay ------------------------------------------------------------------------------


def replay(
    story: Story, builder: DemoBuilder, body_2023: StateBody, body_2018: StateBody
) -> list[str]:
    """Replay both bodies' history up to `story.now`, then tick; returns a summary."""
    tl = Timeline(story)
    b2023 = Body.load(body_2023, story)
    b2018 = Body.load(body_2018, story)
    _story_2023(tl, builder, b2023)
    _story_2018(tl, b2018)
    # The work plans and KPI sheets of both bodies (issue 14).
    plans_story.story_2023(tl, b2023, [*story.closed, story.last], story.last)
    plans_story.story_2018(tl, b2018)
    survey_story.story_2023(tl, b2023)
    calibration_story.story_2023(tl, b2023, bounds)
    # The demo's addresses are fictitious (@demo.bagalau.kz): its mail stays in memory.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        tl.run()
        with at(story.now):
            _tick()
    return summary(story, body_2023, body_2018)


def summary(story: Story, *bodies: StateBody) -> list[str]:
    """What waits, as of the demo's day, per schedule (no scores)."""
    from django.db.models import Count, Q

    lines = [f"The demo's day: {story.today.isoformat()}"]
    for body in bodies:
        for s in (
            Schedule.objects.filter(body=body)
            .annotate(
                n=Count("tasks", filter=~Q(tasks__state=TaskState.EXCLUDED)),
                done=Count("tasks", filter=Q(tasks__state__in=DONE_TASK_STATES)),
                drafts=Count("tasks", filter=Q(tasks__state="draft")),
                overdue=Count(
                    "tasks",
                    filter=Q(tasks__state__in=OPEN_TASK_STATES, tasks__due_date__lt=story.today),
                ),
            )
            .order_by("-year", "-quarter")[:3]
        ):
            state = (
                "drafted, awaiting approval"
                if s.status == ScheduleStatus.DRAFT
                else f"{s.done}/{s.n} submitted, {s.drafts} drafts, {s.overdue} overdue"
            )
            lines.append(f"  {body.name_en[:40]}: {s.title}: {state}")
    return lines
