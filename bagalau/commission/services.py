"""Every write of the commission: compositions, meetings, votes, decisions, appeals.

`meeting_transition` and `vote_cast` are the meeting's use of the one workflow runner
(evaluations.rules.workflow): inside a transaction they lock the meeting row, derive the
caller's roles, check role (403) before state (409), the revision read and the rules of the
action (quorum, the date, the vote), apply it, bump the revision, write the audit event and
queue the notices after commit. The authorized person's approval (001 p39) applies every
case through `evaluations.results.decide`, the one path of a decided change. Audit rows
name choices, never a score (the scores live in Vote, Decision and ResultChange).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError, NotFound, PermissionDenied
from bagalau.core.models import audit, audit_many
from bagalau.evaluations import results
from bagalau.evaluations.models import Result, Task, TaskState
from bagalau.evaluations.rules.workflow import HR, check_revision, check_transition, next_state
from bagalau.methodology import selectors as methodology_selectors
from bagalau.org.models import HR_ROLES, Role, RoleAssignment
from bagalau.workdays import services as workday_services

from . import notices, rules, selectors
from .models import (
    Appeal,
    AppealState,
    Attendance,
    Case,
    Composition,
    Decision,
    Meeting,
    MeetingState,
    Seat,
    SeatRole,
    Vote,
)

MSG_FORBIDDEN = _("You do not have access to this.")
MSG_IN_FORCE = _(
    "Composition: the commission is already formed by order № %(number)s; a chair or member "
    "is replaced only by amending that order (001 p31)."
)
MSG_NOT_IN_FORCE = _("Composition: only the order in force is amended (001 p31).")
MSG_ORDER = _("Order: give the order's number and date.")
MSG_ORDER_DATE = _("Order date: an amending order is dated on or after the order it amends.")
MSG_NO_COMMISSION = _("The commission is not formed: the authorized person's order comes first.")
MSG_NO_AGENDA = _("Agenda: no sheets of %(year)s are ready for the commission.")
MSG_YEAR = _("Year: from 2000 to 2100.")
MSG_BEFORE_DATE = _("The meeting is held on its date (%(date)s), not before.")
MSG_NOT_SEATED = _("Attendance: only the commission's chair, members and secretary are listed.")
MSG_CASE = _("Case: not on this meeting's agenda.")
MSG_NOT_APPROVED = _("Appeal: the commission's results are appealed once approved (001 p39, p42).")
MSG_FUTURE = _("Filed on: the date cannot be in the future.")
MSG_TOO_LONG = _("%(field)s: at most %(max)s characters.")
DEFAULT_AUTHORITY = _("the authorized body for civil-service affairs (its territorial department)")
KINDS = ("kpi_annual", "competency")


def _today() -> date:
    return timezone.localdate()


def _add(body_id: int, day: date, n: int) -> date:
    return workday_services.deadline_for(body_id, day, n)


def _deadline(body_id: int, year: int, code: str, default: int) -> int:
    """The version's working days (methodology rows), else the law's number (cited in rules)."""
    version = methodology_selectors.version_for(body_id, date(year, 12, 31))
    if version is None:
        return default
    row = version.deadlines.filter(code=code).values_list("amount", flat=True).first()
    return int(row) if row is not None else default


def _text(value: str, label: Any, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(MSG_TOO_LONG, code="too_long", params={"field": label, "max": limit})
    return value


# --- compositions (001 p5, p31) ------------------------------------------------------------


def _check_authorized(actor: Any, body_id: int) -> None:
    held = selectors.held_roles(actor, body_id)
    if Role.AUTHORIZED_PERSON in held:
        return
    if held & HR_ROLES or selectors.serving_seat(actor, body_id):
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    raise NotFound(_("Not found."), code="not_found")


def _seats(
    body_id: int, chair_id: int, member_ids: Sequence[int], secretary_id: int
) -> list[rules.Seat]:
    seats = [rules.Seat(int(chair_id), rules.CHAIR)]
    seats += [rules.Seat(int(m), rules.MEMBER) for m in member_ids]
    seats.append(rules.Seat(int(secretary_id), rules.SECRETARY))
    rules.check_composition(seats)
    rules.check_secretary(_in_working_body(body_id, int(secretary_id)))
    return seats


def _in_working_body(body_id: int, user_id: int) -> bool:
    """An HR officer or head of HR of the body, or appointed now in its HR unit (004)."""
    from bagalau.org.models import Appointment, StateBody

    if RoleAssignment.objects.filter(body_id=body_id, user_id=user_id, role__in=HR_ROLES).exists():
        return True
    hr_unit = StateBody.objects.filter(pk=body_id).values_list("hr_unit_id", flat=True).first()
    today = _today()
    return (
        hr_unit is not None
        and Appointment.objects.filter(
            servant__user_id=user_id, position__unit_id=hr_unit, start_date__lte=today
        )
        .exclude(end_date__lt=today)
        .exists()
    )


def _write_seats(actor: Any, composition: Composition, seats: Sequence[rules.Seat]) -> None:
    from bagalau.core.models import User

    found = set(User.objects.filter(pk__in=[s.user_id for s in seats]).values_list("pk", flat=True))
    if len(found) != len({s.user_id for s in seats}):
        raise DomainError(
            _("Members: choose people who exist."), code="unknown_user", field="members"
        )
    Seat.objects.bulk_create(
        Seat(composition=composition, user_id=s.user_id, role=s.role) for s in seats
    )
    # The body's commission roles follow the order in force (menus, dashboards), through the
    # org services so that each change is audited.
    from bagalau.org import services as org_services

    role_of = {
        rules.CHAIR: Role.COMMISSION_CHAIR,
        rules.MEMBER: Role.COMMISSION_MEMBER,
        rules.SECRETARY: Role.COMMISSION_SECRETARY,
    }
    wanted = {(s.user_id, role_of[s.role]) for s in seats}
    existing = list(
        RoleAssignment.objects.filter(
            body_id=composition.body_id, role__in=list(role_of.values())
        ).select_related("body")
    )
    have = {(a.user_id, a.role) for a in existing}
    for assignment in existing:
        if (assignment.user_id, assignment.role) not in wanted:
            org_services.role_revoke(actor=actor, assignment=assignment)
    users = {u.pk: u for u in User.objects.filter(pk__in=[u for u, _r in wanted - have])}
    for user_id, role in sorted(wanted - have):
        org_services.role_assign(actor=actor, body=composition.body, user=users[user_id], role=role)


@transaction.atomic
def composition_form(
    *,
    actor: Any,
    body_id: int,
    order_number: str,
    order_date: date,
    chair_id: int,
    member_ids: Sequence[int],
    secretary_id: int,
    working_body: str = "",
) -> Composition:
    """The authorized person's order forming the commission (001 p5): at least five voting
    members, a chair and a non-voting secretary from the working body (001 p34; 004)."""
    _check_authorized(actor, body_id)
    seats = _seats(body_id, chair_id, member_ids, secretary_id)
    number = _text(order_number, _("Order number"), 64)
    if not number or order_date is None:
        raise DomainError(MSG_ORDER, code="order", field="order_number")
    current = (
        Composition.objects.select_for_update()
        .filter(body_id=body_id, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        raise DomainError(
            MSG_IN_FORCE, code="in_force", field="order_number",
            params={"number": current.order_number},
        )  # fmt: skip
    composition = Composition.objects.create(
        body_id=body_id, order_number=number, order_date=order_date,
        working_body=_text(working_body, _("Working body"), 300), created_by=actor,
    )  # fmt: skip
    _write_seats(actor, composition, seats)
    audit(actor=actor, action="commission.formed", obj=composition, body=composition.body,
          data={"order": number, "date": order_date.isoformat(), "voting": len(seats) - 1})  # fmt: skip
    return composition


@transaction.atomic
def composition_amend(
    *,
    actor: Any,
    composition_id: int,
    order_number: str,
    order_date: date,
    chair_id: int,
    member_ids: Sequence[int],
    secretary_id: int,
) -> Composition:
    """001 p31: a chair or member is replaced only by amending the order; the amended order
    ends on the amending order's date and stays in the history."""
    old = Composition.objects.select_for_update().filter(pk=composition_id).first()
    if old is None:
        raise NotFound(_("Not found."), code="not_found")
    _check_authorized(actor, old.body_id)
    if not old.in_force:
        raise DomainError(MSG_NOT_IN_FORCE, code="not_in_force", field="composition")
    seats = _seats(old.body_id, chair_id, member_ids, secretary_id)
    number = _text(order_number, _("Order number"), 64)
    if not number or order_date is None:
        raise DomainError(MSG_ORDER, code="order", field="order_number")
    if order_date < old.order_date:
        raise DomainError(MSG_ORDER_DATE, code="order_date", field="order_date")
    old.ended_on = order_date
    old.save(update_fields=["ended_on"])
    new = Composition.objects.create(
        body_id=old.body_id, order_number=number, order_date=order_date, amends=old,
        working_body=old.working_body, created_by=actor,
    )  # fmt: skip
    _write_seats(actor, new, seats)
    # Meetings not yet approved continue under the amended composition.
    Meeting.objects.filter(composition=old).exclude(state=MeetingState.APPROVED).update(
        composition=new
    )
    before = {s.user_id for s in Seat.objects.filter(composition=old)}
    after = {s.user_id for s in seats}
    audit(actor=actor, action="commission.amended", obj=new, body=new.body,
          data={"order": number, "date": order_date.isoformat(), "amends": old.order_number,
                "left": sorted(before - after), "joined": sorted(after - before)})  # fmt: skip
    return new


# --- meetings (001 p29-39) --------------------------------------------------------------------


def _agenda_tasks(body_id: int, year: int, meeting_id: int | None = None) -> list[Task]:
    """The body's sheets of the year "for commission", not decided at another meeting."""
    decided = Case.objects.filter(task__body_id=body_id, reopened_at__isnull=True)
    if meeting_id is not None:
        decided = decided.exclude(meeting_id=meeting_id)
    return list(
        Task.objects.filter(
            body_id=body_id, kind__in=KINDS, schedule__year=year, state=TaskState.FOR_COMMISSION
        )
        .exclude(pk__in=decided.values("task_id"))
        .select_related("servant")
        .order_by("servant__last_name_kk", "servant__first_name_kk", "servant_id", "-kind")
    )


def _refresh_agenda(meeting: Meeting) -> int:
    tasks = _agenda_tasks(meeting.body_id, meeting.year, meeting.pk)
    have = set(meeting.cases.values_list("task_id", flat=True))
    result_of = dict(
        Result.objects.filter(task_id__in=[t.pk for t in tasks]).values_list("task_id", "pk")
    )
    # Sheets that left "for commission" (reopened) leave a draft agenda.
    meeting.cases.exclude(task_id__in=[t.pk for t in tasks]).delete()
    new = [
        Case(
            meeting=meeting, order=0, servant_id=t.servant_id, task=t, result_id=result_of.get(t.pk)
        )
        for t in tasks
        if t.pk not in have
    ]
    Case.objects.bulk_create(new)
    order = {t.pk: i for i, t in enumerate(tasks, start=1)}
    cases = list(meeting.cases.all())
    for case in cases:
        case.order = order.get(case.task_id, 0)
    Case.objects.bulk_update(cases, ["order"])
    return len(cases)


@transaction.atomic
def meeting_create(*, actor: Any, body_id: int, year: int, day: date, place: str = "") -> Meeting:
    """HR drafts the meeting and its agenda (001 p29, p36); the chair's consent follows."""
    if not selectors.held_roles(actor, body_id) & HR_ROLES:
        if selectors.serving_seat(actor, body_id) is None:
            raise NotFound(_("Not found."), code="not_found")
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if not 2000 <= int(year) <= 2100:
        raise DomainError(MSG_YEAR, code="year", field="year")
    composition = selectors.composition_in_force(body_id)
    if composition is None:
        raise DomainError(MSG_NO_COMMISSION, code="no_commission", field="composition")
    meeting = Meeting.objects.create(
        body_id=body_id, composition=composition, year=year, date=day,
        place=_text(place, _("Place"), 300), created_by=actor,
    )  # fmt: skip
    if not _refresh_agenda(meeting):
        raise DomainError(MSG_NO_AGENDA, code="no_agenda", field="year", params={"year": year})
    audit(actor=actor, action="commission.meeting_created", obj=meeting, body=meeting.body,
          data={"date": day.isoformat(), "year": year, "cases": meeting.cases.count()})  # fmt: skip
    meeting_id = meeting.pk
    transaction.on_commit(lambda: notices.meeting_changed(meeting_id, "create"))
    return meeting


def _present_ids(meeting: Meeting, present: Sequence[int]) -> set[int]:
    seated = set(Seat.objects.filter(composition_id=meeting.composition_id).values_list(
        "user_id", flat=True))  # fmt: skip
    chosen = {int(p) for p in present}
    if not chosen <= seated:
        raise DomainError(MSG_NOT_SEATED, code="not_seated", field="attendance")
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user_id=u, present=u in chosen) for u in sorted(seated)
    )
    return chosen


def _quorum(meeting: Meeting) -> tuple[int, int]:
    seats = selectors.seats_of(meeting.composition_id)
    present = set(meeting.attendance.filter(present=True).values_list("user_id", flat=True))
    voting = rules.voting_count([rules.Seat(s.user_id, s.role) for s in seats])
    return sum(1 for s in seats if s.role in rules.VOTING and s.user_id in present), voting


def meeting_transition(
    *,
    actor: Any,
    meeting_id: int,
    action: str,
    revision: int | None = None,
    reason: str = "",
    day: date | None = None,
    place: str | None = None,
    present: Sequence[int] | None = None,
    case_id: int | None = None,
    recommendations: str = "",
    conclusion: str = "",
) -> Meeting:
    """One step of the meeting (rules.MEETING): edit, consent, hold, attendance, note, close,
    approve. Votes go through `vote_cast`."""
    if action == "vote":
        raise DomainError(_("Unknown action."), code="unknown_action", field="action")
    with transaction.atomic():
        meeting, roles = selectors.access_meeting(actor, meeting_id, for_update=True)
        transition = check_transition(
            action, meeting.state, roles, reason=reason,
            state_label=str(meeting.get_state_display()), machine=rules.MEETING,
        )  # fmt: skip
        check_revision(revision, meeting.revision, required=transition.needs_revision)
        today = _today()
        data: dict[str, Any] = {"from": meeting.state}
        fields = ["state", "revision", "updated_at"]
        decisions: list[Decision] = []
        if action == "edit":
            if day is not None:
                meeting.date = day
            if place is not None:
                meeting.place = _text(place, _("Place"), 300)
            fields += ["date", "place"]
            data.update(date=meeting.date.isoformat(), cases=_refresh_agenda(meeting))
        elif action == "consent":
            # 001 p29: the evaluators are notified at least 7 working days before.
            days = _deadline(meeting.body_id, meeting.year, "schedule_notice",
                             rules.NOTICE_WORKING_DAYS)  # fmt: skip
            rules.check_meeting_date(
                meeting.date, today, lambda d, n: _add(meeting.body_id, d, n), days
            )
            if not _refresh_agenda(meeting):
                raise DomainError(MSG_NO_AGENDA, code="no_agenda", field="year",
                                  params={"year": meeting.year})  # fmt: skip
            meeting.notified_on = today
            fields.append("notified_on")
            data.update(date=meeting.date.isoformat(), notified=today.isoformat())
        elif action in ("hold", "attendance"):
            if today < meeting.date:
                raise DomainError(MSG_BEFORE_DATE, code="before_date", field="date",
                                  params={"date": meeting.date.isoformat()})  # fmt: skip
            chosen = _present_ids(meeting, present or [])
            count, voting = _quorum(meeting)
            data.update(present=sorted(chosen), quorum=rules.has_quorum(count, voting))
        elif action == "note":
            case = meeting.cases.filter(pk=case_id).first() if case_id else None
            if case is None:
                raise DomainError(MSG_CASE, code="case", field="case")
            case.recommendations = _text(recommendations, _("Recommendations"), 4000)
            case.conclusion = _text(conclusion, _("Conclusion"), 4000)
            case.save(update_fields=["recommendations", "conclusion"])
            data["case"] = case.pk
        elif action == "close":
            count, voting = _quorum(meeting)
            rules.check_quorum(count, voting)
            chair = next((s.user_id for s in selectors.seats_of(meeting.composition_id)
                          if s.role == rules.CHAIR), None)  # fmt: skip
            for case in meeting.cases.prefetch_related("votes").order_by("order"):
                ballots = [
                    rules.Ballot(v.voter_id, v.choice, v.corrected) for v in case.votes.all()
                ]
                outcome = rules.decide(ballots, chair, order=case.order)
                decisions.append(Decision(
                    case=case, choice=outcome.choice, corrected=outcome.corrected,
                    votes_for=outcome.votes_for, cast=outcome.cast, tie_broken=outcome.tie_broken,
                ))  # fmt: skip
            Decision.objects.filter(case__meeting=meeting).delete()
            Decision.objects.bulk_create(decisions)
            data["cases"] = len(decisions)
        elif action == "approve":
            _approve(actor, meeting, today)
            fields += ["approved_on", "approved_by", "acquaintance_due", "appeal_due"]
            data.update(day=today.isoformat(), acquaintance_due=meeting.acquaintance_due.isoformat()
                        if meeting.acquaintance_due else None)  # fmt: skip
        meeting.state = next_state(transition, meeting.state)
        data["to"] = meeting.state
        meeting.revision += 1
        meeting.save(update_fields=list(dict.fromkeys(fields)))
        audit(actor=actor, action=f"commission.{action}", obj=meeting, body=meeting.body, data=data)
        if decisions:
            # 001 p32-33: every decision on the record, naming the choice, never a score.
            audit_many(
                (actor, "commission.decision", d.case, meeting.body,
                 {"meeting": meeting.pk, "case": d.case.pk, "choice": d.choice,
                  "votes_for": d.votes_for, "cast": d.cast, "tie_broken": d.tie_broken})
                for d in decisions
            )  # fmt: skip
        meeting_pk = meeting.pk
        transaction.on_commit(lambda: notices.meeting_changed(meeting_pk, action))
    return meeting


def _approve(actor: Any, meeting: Meeting, today: date) -> None:
    """001 p39: the authorized person approves the results; the evaluation ends and
    acquaintance is due within 2 working days (001 p40-41) — through results.decide."""
    items = []
    for case in meeting.cases.select_related("decision", "result"):
        decision = getattr(case, "decision", None)
        if case.result is None or decision is None:
            continue
        score = decision.corrected if decision.choice == rules.REVISE else case.result.score
        reason = str(_("Commission meeting of %(date)s: %(choice)s")) % {
            "date": meeting.date.isoformat(), "choice": decision.get_choice_display(),
        }  # fmt: skip
        items.append(results.Decision(case.result.pk, Decimal(score), "commission", reason, today))
    results.decide(actor=actor, body_id=meeting.body_id, decisions=items)
    acquaintance = _deadline(meeting.body_id, meeting.year, "acquaintance",
                             rules.ACQUAINTANCE_WORKING_DAYS)  # fmt: skip
    appeal = _deadline(meeting.body_id, meeting.year, "appeal", rules.APPEAL_WORKING_DAYS)
    meeting.approved_on, meeting.approved_by = today, actor
    meeting.acquaintance_due = _add(meeting.body_id, today, acquaintance)
    meeting.appeal_due = rules.appeal_due(today, lambda d, n: _add(meeting.body_id, d, n), appeal)


def _parse_score(value: Any) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(
            rules.MSG_CORRECTED, code="corrected_required", field="corrected"
        ) from None


@transaction.atomic
def vote_cast(
    *, actor: Any, meeting_id: int, case_id: int, choice: str, corrected: Any = None
) -> Vote:
    """001 p32-34: an open vote by name of a present voting member, with quorum (001 p30);
    recorded under the meeting's lock, audited without the corrected score."""
    meeting, roles = selectors.access_meeting(actor, meeting_id, for_update=True)
    check_transition("vote", meeting.state, roles, state_label=str(meeting.get_state_display()),
                     machine=rules.MEETING)  # fmt: skip
    case = meeting.cases.select_related("task").filter(pk=case_id).first()
    if case is None:
        raise DomainError(MSG_CASE, code="case", field="case")
    seat = selectors.serving_seat(actor, meeting.body_id)
    role = seat.role if seat else ""
    present = meeting.attendance.filter(user=actor, present=True).exists()
    score = _parse_score(corrected)
    high = Decimal(case.task.lines.count() or 5)
    rules.check_vote(role=role, present=present, choice=choice, corrected=score,
                     low=Decimal(0), high=high)  # fmt: skip
    count, voting = _quorum(meeting)
    rules.check_quorum(count, voting)
    vote, _created = Vote.objects.update_or_create(
        case=case, voter=actor,
        defaults={"choice": choice, "corrected": score if choice == rules.REVISE else None},
    )  # fmt: skip
    audit(actor=actor, action="commission.vote", obj=case, body=meeting.body,
          data={"meeting": meeting.pk, "case": case.pk, "voter": actor.pk, "role": role,
                "choice": choice})  # fmt: skip
    return vote


# --- appeals (001 p42-43) ---------------------------------------------------------------------


@transaction.atomic
def appeal_file(
    *, actor: Any, case_id: int, filed_on: date | None = None, authority: str = ""
) -> Appeal:
    """HR records the servant's appeal to the authorized body (001 p42): due 10 working days
    after the decision; a later one is flagged late, not refused."""
    case = Case.objects.select_related("meeting__body").filter(pk=case_id).first()
    if case is None or not selectors.held_roles(actor, case.meeting.body_id) & HR_ROLES:
        raise NotFound(_("Not found."), code="not_found")
    meeting = case.meeting
    if meeting.state != MeetingState.APPROVED or meeting.appeal_due is None:
        raise DomainError(MSG_NOT_APPROVED, code="not_approved", field="case")
    filed = filed_on or _today()
    if filed > _today():
        raise DomainError(MSG_FUTURE, code="future", field="filed_on")
    appeal = Appeal.objects.create(
        case=case, body=meeting.body, filed_on=filed, due=meeting.appeal_due,
        late=rules.appeal_late(filed, meeting.appeal_due),
        authority=_text(authority, _("Filed with"), 300) or str(DEFAULT_AUTHORITY),
        recorded_by=actor,
    )  # fmt: skip
    audit(actor=actor, action="commission.appeal_filed", obj=appeal, body=meeting.body,
          data={"case": case.pk, "filed": filed.isoformat(), "late": appeal.late})  # fmt: skip
    return appeal


@transaction.atomic
def appeal_transition(
    *, actor: Any, appeal_id: int, action: str, revision: int | None = None, reason: str = ""
) -> Appeal:
    """HR records the outcome (001 p42): cancel and re-evaluate — the sheet is reopened
    through the engine's `reopen`, with the link kept — or left unchanged; or a court case
    (001 p43)."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",)).select_related("case__task", "body")
        .filter(pk=appeal_id).first()
    )  # fmt: skip
    if appeal is None:
        raise NotFound(_("Not found."), code="not_found")
    roles = {HR} if selectors.held_roles(actor, appeal.body_id) & HR_ROLES else set()
    if not roles:
        raise NotFound(_("Not found."), code="not_found")
    transition = check_transition(
        action, appeal.state, roles, reason=reason, state_label=str(appeal.get_state_display()),
        machine=rules.APPEAL,
    )  # fmt: skip
    check_revision(revision, appeal.revision, required=transition.needs_revision)
    text = _text(reason, _("Reason"), 4000)
    fields = ["state", "revision", "outcome_on", "outcome_note"]
    data: dict[str, Any] = {"from": appeal.state, "case": appeal.case_id}
    if action == "court":
        appeal.court = text
        fields = ["court", "revision"]
    else:
        appeal.outcome_on, appeal.outcome_note = _today(), text
    if action == "reevaluate":
        from bagalau.evaluations import services as evaluations

        task = appeal.case.task
        evaluations.task_transition(
            actor=actor, task_id=task.pk, action="reopen", revision=task.revision,
            reason=text or str(_("Appeal: re-evaluation")),
        )  # fmt: skip
        appeal.reopened_task = task
        fields.append("reopened_task")
        Case.objects.filter(pk=appeal.case_id).update(reopened_at=timezone.now())
        data["reopened_task"] = task.pk
    appeal.state = next_state(transition, appeal.state)
    data["to"] = appeal.state
    appeal.revision += 1
    appeal.save(update_fields=fields if action == "court" else [*fields])
    audit(
        actor=actor, action=f"commission.appeal_{action}", obj=appeal, body=appeal.body, data=data
    )
    return appeal


__all__ = [
    "AppealState",
    "SeatRole",
    "appeal_file",
    "appeal_transition",
    "composition_amend",
    "composition_form",
    "meeting_create",
    "meeting_transition",
    "vote_cast",
]
