"""The 2018-model body's evaluation commission (001 p5, p29-41), replayed through the services.

In January, before the previous year's sheets reach the commission, the authorized person
forms it by order: the chair (chair2018), four members (member2018 among them) and the
secretary from the HR unit (secretary2018). Once HR has passed the sheets on, HR draws up
the meeting; the chair consents on the same day, the date 7 working days later (001 p29).
On the day four of the five voting members attend (a quorum: 3 × 4 ≥ 2 × 5, 001 p30); they
vote openly on each case: one KPI result revised by majority, one case 2-2 decided by the
chair's vote (001 p33), the others approved; the secretary draws up the protocol and the
authorized person approves it the next working day (001 p39), which sets acquaintance due
within 2 working days (001 p40).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from bagalau.commission import selectors, services
from bagalau.commission.models import Meeting, MeetingState
from bagalau.evaluations.models import Task, TaskState

from .history import Body, Timeline, moment

VOTING = ("chair2018", "member2018", "head2018", "head03-2018")  # present; a fifth is absent


def _fifth(b: Body) -> Any:
    """The fifth voting member: a servant of unit 02 (the HR unit), position 02-04."""
    servant = b.by_position.get("02-04")
    return servant.user if servant is not None else None


def form(b: Body, day: date) -> None:
    fifth = _fifth(b)
    if fifth is None or selectors.composition_in_force(b.body.pk) is not None:
        return
    services.composition_form(
        actor=b.users["authorized2018"], body_id=b.body.pk, order_number="3-ж", order_date=day,
        chair_id=b.users["chair2018"].pk,
        member_ids=[b.users[u].pk for u in VOTING[1:]] + [fifth.pk],
        secretary_id=b.users["secretary2018"].pk, working_body="Қаржы және кадр бөлімі",
    )  # fmt: skip


def _meeting(b: Body) -> Meeting | None:
    return Meeting.objects.filter(body=b.body).order_by("-pk").first()


def draw_up(b: Body, year: int, day: date) -> None:
    if selectors.composition_in_force(b.body.pk) is None:
        return
    if not Task.objects.filter(body=b.body, schedule__year=year,
                               state=TaskState.FOR_COMMISSION).exists():  # fmt: skip
        return
    services.meeting_create(actor=b.users["hr2018"], body_id=b.body.pk, year=year, day=day,
                            place="Мәжіліс залы, 2-қабат")  # fmt: skip


def consent(b: Body) -> None:
    meeting = _meeting(b)
    if meeting is None or meeting.state != MeetingState.DRAFT:
        return
    services.meeting_transition(actor=b.users["chair2018"], meeting_id=meeting.pk,
                                action="consent", revision=meeting.revision)  # fmt: skip


def hold_and_vote(b: Body) -> None:
    meeting = _meeting(b)
    if meeting is None or meeting.state != MeetingState.SCHEDULED:
        return
    present = [b.users[u].pk for u in VOTING] + [b.users["secretary2018"].pk]
    meeting = services.meeting_transition(
        actor=b.users["hr2018"], meeting_id=meeting.pk, action="hold",
        revision=meeting.revision, present=present,
    )  # fmt: skip
    cases = list(meeting.cases.select_related("task", "result", "servant").order_by("order"))
    voters = {b.users[u].pk for u in VOTING}
    kpis = [c for c in cases if c.task.kind == "kpi_annual" and c.result is not None
            and c.servant.user_id not in voters]  # fmt: skip
    revised = next((c for c in kpis if c.result and c.result.score > 0), None)
    tie = next((c for c in kpis if c is not revised), None)
    for case in cases:
        for i, who in enumerate(VOTING):
            if case.servant.user_id == b.users[who].pk:
                continue  # a member abstains on their own evaluation (the demo's choice)
            choice, corrected = "approve", None
            if case is revised and i < 3:  # 3 of 4: one KPI less achieved (001 p37-38)
                choice, corrected = "revise", Decimal(revised.result.score) - 1  # type: ignore[union-attr]
            elif case is tie and tie.result is not None and i in (0, 2):  # 2-2, the chair revises
                score, top = Decimal(tie.result.score), Decimal(case.task.lines.count())
                choice, corrected = "revise", score + 1 if score < top else score - 1
            services.vote_cast(actor=b.users[who], meeting_id=meeting.pk, case_id=case.pk,
                               choice=choice, corrected=corrected)  # fmt: skip
        if case is revised:
            services.meeting_transition(
                actor=b.users["secretary2018"], meeting_id=meeting.pk, action="note",
                revision=Meeting.objects.get(pk=meeting.pk).revision, case_id=case.pk,
                recommendations="2-НМИ бойынша растайтын құжаттарды уақытында ұсыну.",
                conclusion="Нәтиже комиссия шешімімен түзетілді.",
            )  # fmt: skip
    meeting.refresh_from_db()
    services.meeting_transition(actor=b.users["secretary2018"], meeting_id=meeting.pk,
                                action="close", revision=meeting.revision)  # fmt: skip


def approve(b: Body) -> None:
    meeting = _meeting(b)
    if meeting is None or meeting.state != MeetingState.CLOSED:
        return
    services.meeting_transition(actor=b.users["authorized2018"], meeting_id=meeting.pk,
                                action="approve", revision=meeting.revision)  # fmt: skip


def story_2018(tl: Timeline, b: Body, *, start: date, passed: date) -> None:
    """`start`: the first working day the sheets are filled; `passed`: the day HR has passed
    the last of them to the commission."""
    previous = tl.story.today.year - 1
    tl.add(moment(b.working_days(start, -3), 10), "2018: commission formed",
           partial(form, b, b.working_days(start, -3)))  # fmt: skip
    drawn = b.working_days(passed, 1)
    day = b.working_days(drawn, 7)  # 001 p29
    tl.add(moment(drawn, 10), "2018: commission meeting drawn up",
           partial(draw_up, b, previous, day))  # fmt: skip
    tl.add(moment(drawn, 11), "2018: chair's consent", partial(consent, b))
    tl.add(moment(day, 10), "2018: commission meeting held", partial(hold_and_vote, b))
    tl.add(moment(b.working_days(day, 1), 10), "2018: protocol approved", partial(approve, b))
