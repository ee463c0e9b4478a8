"""The demo's work plans and KPI sheets, replayed through the services (issue 14 item 7).

Both bodies open the year's plans in January (HR), the drafters draw them up and submit
them, the reviewers return or approve them (the SMART checklist ticked), the drafters
record the quarterly monitoring (001 p16); one plan is changed after approval with its
reason (002 p26); one is still being drawn up and one waits for its correction, so the
demo's users find that work too.

The 2023-model body (heads' KPIs, 002 p23-28): after each quarter HR enters and sends the
actual values, the first head scores each KPI within the allowed range, the heads read
their results. The 2018-model body (001 p17-24): the previous year's KPI sheets are filled
in January; the first head (the superior) agrees them — one returned for thin evidence and
corrected late — and HR passes some to the commission; the heads' own sheets wait for the
first head.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from bagalau.evaluations import services as evaluations
from bagalau.evaluations.models import Schedule, SheetLine, Task, TaskState
from bagalau.evaluations.rules import kpi as kpi_rules
from bagalau.evaluations.services import SheetInput
from bagalau.methodology.models import KpiScoreRow
from bagalau.notifications import services as notifications
from bagalau.plans import services as plans
from bagalau.plans.models import PlanState, WorkPlan
from bagalau.plans.rules import CHECKLIST
from bagalau.plans.services import KpiInput

if TYPE_CHECKING:
    from .history import Body, Timeline

SMART = {code: True for code, _label in CHECKLIST}

# (name, source, unit, planned, higher is better, key result)
KPIS = [
    ("Мәслихат сессиясына шешім жобаларын белгіленген мерзімде дайындау", "strategic_plan", "%",
     "100", True, "Сессия шешімдері кешіктірілмей қабылданады"),
    ("Азаматтардың өтініштерін заңда белгіленген мерзімде қарау", "effectiveness", "%", "100",
     True, "Мерзімі өткен өтініштер болмайды"),
    ("Өтінішке жауап берудің орташа мерзімі", "effectiveness", "жұмыс күні", "10", False,
     "Азаматтар жауапты тезірек алады"),
    ("Құқықтық сараптамадан өткен нормативтік құқықтық актілер жобалары", "state_planning",
     "бірлік", "24", True, "Заңнамаға сәйкес емес шешімдер қабылданбайды"),
    ("Депутаттарға арналған оқыту іс-шаралары", "national_project", "бірлік", "6", True,
     "Депутаттардың құқықтық сауаттылығы артады"),
    ("Ашық деректер порталында жарияланған материалдар", "memorandum", "бірлік", "40", True,
     "Мәслихат қызметінің ашықтығы артады"),
]  # fmt: skip
SOURCE_DETAIL = {
    "strategic_plan": "Облыс дамуының 2021-2025 жылдарға арналған жоспары",
    "national_project": "«Заң мен тәртіп» ұлттық жобасы",
    "state_planning": "Мемлекеттік органның стратегиялық жоспары",
    "memorandum": "«А» корпусы қызметшісінің меморандумы",
    "effectiveness": "",
}


def kpi_inputs(seed: str, count: int, year: int, *, changed: bool = False) -> list[KpiInput]:
    rng = random.Random(seed)  # noqa: S311 - demo data
    chosen = rng.sample(KPIS, count)
    items = []
    for i, (name, source, unit, planned, higher, result) in enumerate(chosen):
        value = Decimal(planned)
        if changed and i == count - 1:
            value = (value * Decimal("1.25")).quantize(Decimal(1))  # the corrected target
        items.append(
            KpiInput(
                name=name,
                source=source,
                source_detail=SOURCE_DETAIL[source],
                unit=unit,
                planned=str(value),
                higher_is_better=higher,
                deadline=date(year, 12, 20).isoformat(),
                key_result=result,
            )  # fmt: skip
        )
    return items


def _plan(b: Body, year: int, position: str) -> WorkPlan | None:
    servant = b.by_position.get(position)
    if servant is None:
        return None
    return WorkPlan.objects.filter(body=b.body, year=year, servant=servant).first()


def _user(plan: WorkPlan) -> Any:
    return plan.drafter_user


def _draw_up(b: Body, year: int, position: str, count: int, *, changed: bool = False) -> None:
    plan = _plan(b, year, position)
    if plan is None or plan.state not in (PlanState.DRAFT, PlanState.RETURNED):
        return
    user = _user(plan)
    seed = f"{b.body.pk}:{position}:{year}"
    plans.plan_save(
        actor=user, plan_id=plan.pk, revision=plan.revision,
        kpis=kpi_inputs(seed, count, year, changed=changed or plan.state == PlanState.RETURNED),
    )  # fmt: skip
    plan.refresh_from_db()
    plans.plan_transition(actor=user, plan_id=plan.pk, action="submit", revision=plan.revision)


def _review(b: Body, year: int, position: str, who: str, action: str, reason: str = "") -> None:
    plan = _plan(b, year, position)
    if plan is None or plan.state != PlanState.IN_REVIEW:
        return
    user = b.users.get(who, plan.approver_user)
    ticks = SMART if action != "return" else {**SMART, "measurable": False}
    plans.plan_transition(
        actor=user, plan_id=plan.pk, action=action, revision=plan.revision, reason=reason,
        checklist=ticks,
    )  # fmt: skip


def _amend(b: Body, year: int, position: str, reason: str) -> None:
    plan = _plan(b, year, position)
    if plan is None or plan.state != PlanState.APPROVED:
        return
    plans.plan_transition(
        actor=_user(plan), plan_id=plan.pk, action="amend", revision=plan.revision, reason=reason
    )


def _monitor(b: Body, year: int, quarter: int) -> None:
    for plan in WorkPlan.objects.filter(body=b.body, year=year, state=PlanState.APPROVED).order_by(
        "pk"
    ):
        if plan.drafter_user is None or plan.monitoring.filter(quarter=quarter).exists():
            continue
        kpis = plan.approved_revision.kpis.all() if plan.approved_revision else []
        plans.monitoring_record(
            actor=plan.drafter_user, plan_id=plan.pk, revision=plan.revision, quarter=quarter,
            progress={str(k.order): "Жоспар бойынша орындалуда." for k in kpis},
            recommendations=(
                "Тоқсан қорытындысы бойынша: растайтын құжаттарды уақтылы жинаңыз, "
                "кешігу қаупі бар НМИ бойынша ай сайын есеп беріңіз."
            ),
        )  # fmt: skip


def _first_working_day(b: Body, day: date) -> date:
    return b.working_days(day - timedelta(days=1), 1)


def plan_year(
    tl: Timeline,
    b: Body,
    year: int,
    *,
    hr: str,
    reviewers: list[str],
    count: int,
    left_draft: set[str],
    left_returned: set[str],
    returned_once: set[str],
    amended: set[str],
) -> None:
    """One year of plans: opened, drawn up, reviewed (001 p9-13; 002 p23), monitored, amended."""
    opened = _first_working_day(b, date(year, 1, 5))
    tl.add(
        moment(opened, 10), f"plans {year} opened",
        lambda: plans.plans_open(actor=b.users[hr], body=b.body, year=year),
    )  # fmt: skip
    positions = sorted(b.by_position)
    for n, position in enumerate(positions):
        if position in left_draft:
            continue
        day = b.working_days(opened, 3 + n % 4)
        tl.add(
            moment(day, 11, n % 60), "plan drawn up", partial(_draw_up, b, year, position, count)
        )
        review_day = b.working_days(day, 1)
        if position in returned_once or position in left_returned:
            tl.add(
                moment(review_day, 10, n % 60), "plan returned",
                partial(_review, b, year, position, reviewers[0], "return",
                        "3-НМИ өлшенбейді: жоспарлы мәні мен өлшем бірлігін нақтылаңыз."),
            )  # fmt: skip
            if position in left_returned:
                continue
            day = b.working_days(review_day, 1)
            tl.add(
                moment(day, 11, n % 60), "plan corrected",
                partial(_draw_up, b, year, position, count, changed=True),
            )  # fmt: skip
            review_day = b.working_days(day, 1)
        for i, who in enumerate(reviewers):
            last = i == len(reviewers) - 1
            tl.add(
                moment(review_day, 14 + i, n % 60), "plan reviewed",
                partial(_review, b, year, position, who, "approve" if last else "agree"),
            )  # fmt: skip
    for position in sorted(amended):
        day = b.working_days(date(year, 6, 1), 1)
        reason = (
            "Бөлімнің функциялары өзгерді (аппарат басшысының бұйрығы): 3-НМИ қайта белгіленеді."
        )
        tl.add(moment(day, 10), "plan amended", partial(_amend, b, year, position, reason))
        tl.add(
            moment(day, 11), "plan changed",
            partial(_draw_up, b, year, position, count, changed=True),
        )  # fmt: skip
        for i, who in enumerate(reviewers):
            last = i == len(reviewers) - 1
            tl.add(
                moment(b.working_days(day, 1 + i), 15), "plan re-approved",
                partial(_review, b, year, position, who, "approve" if last else "agree"),
            )  # fmt: skip
    for quarter in (1, 2, 3):
        end = date(year, 3 * quarter, 1) + timedelta(days=31)
        end = end.replace(day=1) - timedelta(days=1)
        tl.add(
            moment(b.working_days(end, 3), 16),
            f"monitoring Q{quarter}",
            partial(_monitor, b, year, quarter),
        )


def moment(day: date, hour: int, minute: int = 0) -> Any:
    from .history import moment as at_moment

    return at_moment(day, hour, minute)


# --- 2023: heads' quarterly KPI sheets -------------------------------------------------------------

PERCENTS = [Decimal(p) for p in ("100", "110", "95", "100", "85", "60", "100", "120")]


def _actual(line: SheetLine, rng: random.Random) -> Decimal:
    percent = rng.choice(PERCENTS)
    planned = line.planned or Decimal(0)
    value = planned * percent / 100 if line.higher_is_better else planned * 100 / percent
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _schedule(b: Body, year: int, quarter: int) -> Schedule | None:
    return Schedule.objects.filter(body=b.body, year=year, quarter=quarter).first()


def send_actuals(b: Body, year: int, quarter: int, hr: str) -> None:
    """002 p23: HR (with strategic planning) enters the actual values and sends them."""
    schedule = _schedule(b, year, quarter)
    if schedule is None:
        return
    tasks = Task.objects.filter(
        schedule=schedule, kind="kpi_quarterly", state=TaskState.ACTUALS_DUE, lines__isnull=False
    ).distinct()
    items = []
    for task in tasks.order_by("pk"):
        rng = random.Random(f"{task.servant_id}:{year}:{quarter}")  # noqa: S311 - demo data
        actuals = {line.code: str(_actual(line, rng)) for line in task.lines.all()}
        items.append(
            evaluations.SheetItem(
                task.pk, "send_actuals", task.revision, SheetInput(actuals=actuals)
            )
        )
    if items:
        done = evaluations.tasks_transition(actor=b.users[hr], items=items)
        errors = [str(e) for e in done.values() if not isinstance(e, Task)]
        if errors:
            raise RuntimeError(f"demo: actuals {errors}")


def score_kpis(b: Body, year: int, quarter: int, evaluator: str, *, skip: set[str]) -> None:
    """002 p28: the evaluator scores each KPI within the range its percent allows."""
    schedule = _schedule(b, year, quarter)
    if schedule is None:
        return
    user = b.users[evaluator]
    rows = [
        kpi_rules.ScoreRow(r.percent_from, r.percent_to, r.score_min, r.score_max)
        for r in KpiScoreRow.objects.filter(version=schedule.version)
    ]
    items = []
    for task in Task.objects.filter(
        schedule=schedule, kind="kpi_quarterly", evaluator_user=user,
        state__in=(TaskState.PENDING, TaskState.DRAFT),
    ).select_related("appointment__position").order_by("pk"):  # fmt: skip
        if task.appointment and task.appointment.position.code in skip:
            continue
        scores = {}
        for line in task.lines.all():
            allowed = kpi_rules.allowed_scores(line.percent or Decimal(0), rows)
            low, high = allowed if allowed else (Decimal(0), Decimal(5))
            scores[line.code] = str(high if line.order % 3 else low)
        items.append(evaluations.SheetItem(task.pk, "submit", task.revision, SheetInput(scores)))
    if items:
        done = evaluations.tasks_transition(actor=user, items=items)
        errors = [str(e) for e in done.values() if not isinstance(e, Task)]
        if errors:
            raise RuntimeError(f"demo: KPI scores {errors}")
    notifications.notification_mark_all_read(user=user)


def acknowledge_kpis(b: Body, year: int, quarter: int) -> None:
    schedule = _schedule(b, year, quarter)
    if schedule is None:
        return
    for task in Task.objects.filter(
        schedule=schedule, kind="kpi_quarterly", state=TaskState.SUBMITTED
    ).select_related("servant__user"):
        user = task.servant.user
        if user is not None and task.servant_id % 4:
            evaluations.task_transition(actor=user, task_id=task.pk, action="acknowledge")


def kpi_quarter(
    tl: Timeline, b: Body, year: int, quarter: int, end: date, *, closed: bool, hr: str,
    evaluator: str,
) -> None:  # fmt: skip
    tl.add(
        moment(b.working_days(end, 2), 15),
        f"KPI actuals {year}Q{quarter}",
        partial(send_actuals, b, year, quarter, hr),
    )
    skip = set() if closed else {"02-01", "03-01", "05-01", "06-01"}
    day = b.working_days(end, 4)
    tl.add(
        moment(day, 12), f"KPI scored {year}Q{quarter}",
        partial(score_kpis, b, year, quarter, evaluator, skip=skip),
    )  # fmt: skip
    if closed:
        tl.add(
            moment(b.working_days(day, 1), 9, 40),
            "KPI results read",
            partial(acknowledge_kpis, b, year, quarter),
        )


def story_2023(
    tl: Timeline, b: Body, quarters: list[tuple[int, int]], last: tuple[int, int]
) -> None:
    """The 2023-model body: heads' plans of both years and their quarterly KPI sheets."""
    today = tl.story.today
    for year in sorted({q[0] for q in quarters} | {today.year}):
        current = year == today.year
        plan_year(
            tl, b, year, hr="hr", reviewers=["planner", "hr"], count=3 + year % 2,
            left_draft={"06-01"} if current else set(),
            left_returned={"05-01"} if current else set(),
            returned_once={"02-01"}, amended={"04-01"} if current else set(),
        )  # fmt: skip
    from .history import bounds

    for year, quarter in quarters:
        kpi_quarter(tl, b, year, quarter, bounds((year, quarter))[1], closed=(year, quarter) != last,
                    hr="hr", evaluator="firsthead")  # fmt: skip


# --- 2018: the year-end KPI sheets ------------------------------------------------------------------


def fill_year_sheets(b: Body, year: int, *, evaluators: list[str]) -> None:
    """001 p17-18: each evaluator enters the actual values; achieved follows from them."""
    schedule = Schedule.objects.filter(body=b.body, year=year, quarter=0).first()
    if schedule is None:
        return
    for who in evaluators:
        user = b.users[who]
        items = []
        for task in Task.objects.filter(
            schedule=schedule, kind="kpi_annual", evaluator_user=user,
            state__in=(TaskState.PENDING, TaskState.DRAFT, TaskState.RETURNED), lines__isnull=False,
        ).distinct().order_by("pk"):  # fmt: skip
            rng = random.Random(f"{task.servant_id}:{year}")  # noqa: S311 - demo data
            actuals = {line.code: str(_actual(line, rng)) for line in task.lines.all()}
            comments = {"kpi1": "Растайтын құжаттар: есеп № 12, хаттама № 4."}
            items.append(evaluations.SheetItem(task.pk, "submit", task.revision,
                                               SheetInput(actuals=actuals, comments=comments)))  # fmt: skip
        if items:
            done = evaluations.tasks_transition(actor=user, items=items)
            errors = [str(e) for e in done.values() if not isinstance(e, Task)]
            if errors:
                raise RuntimeError(f"demo: year sheets {errors}")


def _year_task(b: Body, year: int, position: str) -> Task | None:
    servant = b.by_position.get(position)
    return Task.objects.filter(
        body=b.body, schedule__year=year, schedule__quarter=0, kind="kpi_annual", servant=servant
    ).first()


def review_year_sheets(b: Body, year: int, *, returned: str, reason: str) -> None:
    """001 p19-22: the superior agrees the submitted sheets, one returned for its evidence."""
    for task in Task.objects.filter(
        body=b.body, schedule__year=year, schedule__quarter=0, kind="kpi_annual",
        state=TaskState.SUBMITTED,
    ).select_related("reviewer_user", "appointment__position").order_by("pk"):  # fmt: skip
        code = task.appointment.position.code if task.appointment else ""
        action = "return" if code == returned and task.correction_due is None else "agree"
        evaluations.task_transition(
            actor=task.reviewer_user, task_id=task.pk, action=action, revision=task.revision,
            reason=reason if action == "return" else "",
        )  # fmt: skip


def correct_year_sheet(b: Body, year: int, position: str) -> None:
    task = _year_task(b, year, position)
    if task is None or task.state != TaskState.RETURNED or task.evaluator_user is None:
        return
    actuals = {line.code: str(line.actual) for line in task.lines.all() if line.actual is not None}
    comments = {
        line.code: "Растайтын құжаттар қосылды: акт № 7, есеп № 15." for line in task.lines.all()
    }
    evaluations.task_transition(
        actor=task.evaluator_user, task_id=task.pk, action="submit", revision=task.revision,
        sheet=SheetInput(actuals=actuals, comments=comments),
    )  # fmt: skip


def to_commission(b: Body, year: int, hr: str, *, keep: int) -> None:
    """001 p24: HR passes the agreed sheets to the commission (a few still waiting)."""
    agreed = Task.objects.filter(
        body=b.body, schedule__year=year, schedule__quarter=0, kind="kpi_annual",
        state=TaskState.AGREED,
    ).order_by("pk")  # fmt: skip
    for task in list(agreed)[keep:]:
        evaluations.task_transition(
            actor=b.users[hr], task_id=task.pk, action="to_commission", revision=task.revision
        )


def fill_competency_sheets(
    b: Body, year: int, *, evaluators: list[str], leave: set[str], draft: set[str]
) -> None:
    """001 p25-27: each direct supervisor marks the behaviour indicators of their people's
    competency sheets and signs them; a pattern per servant gives some competencies that do
    not meet expectations. The sheets of `leave` wait for their supervisor (the demo's
    supervisor fills one), those of `draft` are left as a draft."""
    schedule = Schedule.objects.filter(body=b.body, year=year, quarter=0).first()
    if schedule is None:
        return
    for who in evaluators:
        user = b.users[who]
        items = []
        for task in (
            Task.objects.filter(
                schedule=schedule, kind="competency", evaluator_user=user,
                state__in=(TaskState.PENDING, TaskState.DRAFT), lines__isnull=False,
            ).select_related("appointment__position").distinct().order_by("pk")
        ):  # fmt: skip
            code = task.appointment.position.code if task.appointment else ""
            if code in leave:
                continue
            rng = random.Random(f"competency:{task.servant_id}:{year}")  # noqa: S311 - demo data
            marks = {
                f"{line.code}-{mark.order}": "0" if rng.random() < 0.2 else "1"
                for line in task.lines.prefetch_related("marks")
                for mark in line.marks.all()
            }
            action = "save_draft" if code in draft else "submit"
            comments = {"management": "Бөлім жұмысын жоспарлауда бастамашыл."}
            items.append(evaluations.SheetItem(task.pk, action, task.revision,
                                               SheetInput(marks=marks, comments=comments)))  # fmt: skip
        if items:
            done = evaluations.tasks_transition(actor=user, items=items)
            errors = [str(e) for e in done.values() if not isinstance(e, Task)]
            if errors:
                raise RuntimeError(f"demo: competency sheets {errors}")


def competency_to_commission(b: Body, year: int, hr: str, *, keep: int) -> None:
    """001 p28: HR passes the signed competency sheets to the commission (a few waiting)."""
    signed = Task.objects.filter(
        body=b.body, schedule__year=year, schedule__quarter=0, kind="competency",
        state=TaskState.SUBMITTED,
    ).order_by("pk")  # fmt: skip
    for task in list(signed)[keep:]:
        evaluations.task_transition(
            actor=b.users[hr], task_id=task.pk, action="to_commission", revision=task.revision
        )


def story_2018(tl: Timeline, b: Body) -> None:
    today = tl.story.today
    previous = today.year - 1
    for year in (previous, today.year):
        current = year == today.year
        plan_year(
            tl, b, year, hr="hr2018", reviewers=["approver"], count=5,
            left_draft={"01-01"} if current else set(),
            left_returned={"03-02"} if current else set(),
            returned_once={"01-02"}, amended={"02-02"} if current else set(),
        )  # fmt: skip
    # The previous year's sheets, in January: filled by the unit heads (the heads' own
    # sheets wait for the first head), agreed, one returned for its evidence and corrected
    # after its due date (late), some passed to the commission.
    start = _first_working_day(b, date(today.year, 1, 12))
    tl.add(
        moment(start, 11), "2018: year sheets filled",
        partial(fill_year_sheets, b, previous, evaluators=["head2018", "chair2018", "head03-2018"]),
    )  # fmt: skip
    review = b.working_days(start, 1)
    tl.add(
        moment(review, 15), "2018: year sheets agreed",
        partial(review_year_sheets, b, previous, returned="01-02",
                reason="2-НМИ бойынша нақты мәнді растайтын құжат жоқ."),
    )  # fmt: skip
    corrected = b.working_days(review, 4)  # after the 2 working days of 001 p23: late
    tl.add(
        moment(corrected, 10),
        "2018: sheet corrected",
        partial(correct_year_sheet, b, previous, "01-02"),
    )
    tl.add(
        moment(b.working_days(corrected, 1), 12), "2018: corrected sheet agreed",
        partial(review_year_sheets, b, previous, returned="", reason=""),
    )  # fmt: skip
    tl.add(
        moment(b.working_days(corrected, 2), 10),
        "2018: to the commission",
        partial(to_commission, b, previous, "hr2018", keep=2),
    )
    # The competency sheets of the previous year (001 p25-28): signed by the supervisors in
    # January (those of unit 02 still wait for chair2018, their head); servant2018's waits
    # for head2018 (the demo's supervisor fills it), another of unit 01 is a draft; HR
    # passes most signed sheets to the commission.
    tl.add(
        moment(b.working_days(start, 2), 11), "2018: competency sheets signed",
        partial(fill_competency_sheets, b, previous,
                evaluators=["head2018", "head03-2018", "firsthead2018"],
                leave={"01-02"}, draft={"01-03"}),
    )  # fmt: skip
    tl.add(
        moment(b.working_days(start, 3), 15), "2018: competency sheets to the commission",
        partial(competency_to_commission, b, previous, "hr2018", keep=2),
    )  # fmt: skip
    # The commission decides (001 p29-41): bagalau/demo/commission_story.py.
    from . import commission_story

    passed = max(b.working_days(corrected, 2), b.working_days(start, 3))
    commission_story.story_2018(tl, b, start=start, passed=passed)
