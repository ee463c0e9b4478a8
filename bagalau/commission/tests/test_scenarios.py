"""The commission of the 2018 model end to end, each step citing its paragraph (seed 001)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from bagalau.commission import rules, services
from bagalau.commission.models import Appeal, Composition, Decision, Meeting, MeetingState
from bagalau.core.errors import DomainError, NotFound, PermissionDenied
from bagalau.core.models import AuditEvent
from bagalau.evaluations import access
from bagalau.evaluations.models import Result, ResultChange, TaskState

from .conftest import at, form


def meeting_of(c, day=date(2026, 12, 23), when="2026-12-10 10:00"):
    with at(when):
        return services.meeting_create(actor=c.w.users["hrofficer"], body_id=c.w.body.pk,
                                       year=2026, day=day, place="Зал")  # fmt: skip


def step(c, who, meeting, action, **kw):
    meeting.refresh_from_db()
    return services.meeting_transition(
        actor=c.w.users[who] if isinstance(who, str) else who, meeting_id=meeting.pk,
        action=action, revision=meeting.revision, **kw,
    )  # fmt: skip


def held(c, present=None, when="2026-12-23 10:00"):
    form(c)
    meeting = meeting_of(c)
    with at("2026-12-10 11:00"):
        step(c, c.chair, meeting, "consent")
    ids = [u.pk for u in (present if present is not None else c.voting)] + [c.secretary.pk]
    with at(when):
        step(c, "hrofficer", meeting, "hold", present=ids)
    meeting.refresh_from_db()
    return meeting


def vote(c, meeting, who, case, choice, corrected=None):
    return services.vote_cast(actor=who, meeting_id=meeting.pk, case_id=case.pk, choice=choice,
                              corrected=corrected)  # fmt: skip


def test_a_commission_of_four_voting_members_is_refused(commission):
    # 001 p5: at least five members; the secretary does not vote (001 p34).
    with pytest.raises(DomainError) as err:
        form(commission, members=3)
    assert err.value.code == "too_few_members" and "4" in err.value.text()
    assert not Composition.objects.exists()
    # Only the authorized person forms it.
    with pytest.raises(PermissionDenied):
        services.composition_form(
            actor=commission.w.users["hrofficer"], body_id=commission.w.body.pk,
            order_number="1", order_date=date(2026, 11, 2), chair_id=commission.chair.pk,
            member_ids=[m.pk for m in commission.members], secretary_id=commission.secretary.pk,
        )  # fmt: skip


def test_a_member_is_replaced_only_by_an_amending_order_and_loses_access(commission):
    # 001 p31: the chair or a member is replaced by amending the order; history kept.
    c = commission
    first = form(c)
    with pytest.raises(DomainError) as err:
        form(c)
    assert err.value.code == "in_force"
    meeting = meeting_of(c)
    task = c.tasks[0]
    leaving = c.members[0]
    found, roles = access.access_task(leaving, task.pk)
    assert "panel" in roles and access.sheet_readable(found, roles)
    newcomer = c.w.users["headb"]
    amended = services.composition_amend(
        actor=c.w.users["authorized"], composition_id=first.pk, order_number="12-к/1",
        order_date=date(2026, 12, 1), chair_id=c.chair.pk,
        member_ids=[newcomer.pk, *(m.pk for m in c.members[1:])], secretary_id=c.secretary.pk,
    )  # fmt: skip
    first.refresh_from_db()
    assert first.ended_on == date(2026, 12, 1) and amended.amends == first
    meeting.refresh_from_db()
    assert meeting.composition == amended
    with pytest.raises(NotFound):
        access.access_task(leaving, task.pk)
    with pytest.raises(NotFound):
        access.access_result(leaving, c.results[0].pk)
    assert "panel" in access.access_task(newcomer, task.pk)[1]


def test_the_agenda_and_everyone_else_gets_404(commission):
    # 002 p21 / 001 p29-39: members see only the cases on their agenda, others nothing.
    c = commission
    form(c)
    meeting = meeting_of(c)
    assert meeting.cases.count() == 4  # the KPI sheet and the competency sheet of two servants
    for who in ("colleague", "servantb", "otherhr", "admin"):
        with pytest.raises(NotFound):
            services.meeting_transition(actor=c.w.users[who], meeting_id=meeting.pk,
                                        action="consent", revision=meeting.revision)  # fmt: skip
    # A member of the commission reads the result of a case on the agenda only.
    result, roles = access.access_result(c.members[2], c.results[1].pk)
    assert "panel" in roles
    other = Result.objects.create(
        body=c.w.body, servant=c.w.servant_b, version=c.results[0].version, kind="kpi_annual",
        year=2026, original_score=D(5), score=D(5),
    )  # fmt: skip
    with pytest.raises(NotFound):
        access.access_result(c.members[2], other.pk)


def test_a_meeting_six_working_days_away_is_refused_and_seven_accepted(commission):
    # 001 p29: evaluators notified at least 7 working days before; 16 Dec is a holiday, so
    # from Thursday 10 Dec the 21st is 6 working days away and the 22nd is 7.
    c = commission
    form(c)
    meeting = meeting_of(c, day=date(2026, 12, 21))
    with at("2026-12-10 11:00"), pytest.raises(DomainError) as err:
        step(c, c.chair, meeting, "consent")
    assert err.value.code == "too_early" and err.value.params["earliest"] == "2026-12-22"
    # HR cannot consent for the chair.
    with at("2026-12-10 11:00"), pytest.raises(PermissionDenied):
        step(c, "hrofficer", meeting, "consent")
    with at("2026-12-10 11:00"):
        step(c, "hrofficer", meeting, "edit", day=date(2026, 12, 22))
        step(c, c.chair, meeting, "consent")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED and meeting.notified_on == date(2026, 12, 10)


def test_of_six_members_three_present_is_no_quorum_and_four_is(commission):
    # 001 p30: two thirds present: 3 × present ≥ 2 × members.
    c = commission
    meeting = held(c, present=c.voting[:3])
    case = meeting.cases.order_by("order").first()
    with pytest.raises(DomainError) as err:
        vote(c, meeting, c.chair, case, "approve")
    assert err.value.code == "no_quorum"
    with at("2026-12-23 10:05"):
        step(c, "hrofficer", meeting, "attendance",
             present=[u.pk for u in c.voting[:4]] + [c.secretary.pk])  # fmt: skip
    vote(c, meeting, c.chair, case, "approve")


def test_the_secretary_and_an_absent_member_do_not_vote_and_a_revision_needs_its_result(
    commission,
):
    # 001 p34: the secretary does not vote; 001 p38: a revision names the corrected result.
    c = commission
    meeting = held(c, present=c.voting[:5])
    case = meeting.cases.order_by("order").first()
    with pytest.raises(PermissionDenied):
        vote(c, meeting, c.secretary, case, "approve")
    with pytest.raises(DomainError) as err:
        vote(c, meeting, c.members[4], case, "approve")
    assert err.value.code == "not_present"
    with pytest.raises(DomainError) as err:
        vote(c, meeting, c.members[0], case, "revise")
    assert err.value.code == "corrected_required"
    with pytest.raises(DomainError) as err:
        vote(c, meeting, c.members[0], case, "revise", "6")
    assert err.value.code == "corrected_range"


def test_a_meeting_with_a_revision_a_tie_broken_by_the_chair_approved_and_appealed(commission):
    c = commission
    meeting = held(c)
    cases = list(meeting.cases.order_by("order").select_related("task", "result"))
    kpi = next(x for x in cases if x.task.kind == "kpi_annual")
    tie = next(x for x in cases if x.task.kind == "kpi_annual" and x.pk != kpi.pk)
    # Case 1: 5 of 6 revise the KPI result to 3 (001 p37-38).
    for i, who in enumerate(c.voting):
        vote(c, meeting, who, kpi, "approve" if i == 5 else "revise", "3")
    # Case 2: 3-3, the chair votes revise → revised (001 p33).
    for i, who in enumerate(c.voting):
        vote(c, meeting, who, tie, "revise" if i < 3 else "approve", "2" if i < 3 else None)
    others = [x for x in cases if x.pk not in (kpi.pk, tie.pk)]
    for case in others:
        for who in c.voting:
            vote(c, meeting, who, case, "approve")
    # 001 p32: every vote on the record, by name, without the corrected score.
    votes = AuditEvent.objects.filter(action="commission.vote")
    assert votes.count() == 6 * 4
    assert {e.actor_id for e in votes} == {u.pk for u in c.voting}
    assert all("corrected" not in e.data and "3" not in str(e.data.get("choice")) for e in votes)
    with at("2026-12-23 12:00"):
        step(c, "hrofficer", meeting, "note", case_id=kpi.pk, recommendations="Оқыту",
             conclusion="Қайта қаралды")  # fmt: skip
        step(c, "hrofficer", meeting, "close")
    first = Decision.objects.get(case=kpi)
    second = Decision.objects.get(case=tie)
    assert (first.choice, first.corrected, first.votes_for, first.tie_broken) == (
        "revise", D(3), 5, False,
    )  # fmt: skip
    assert (second.choice, second.corrected, second.tie_broken) == ("revise", D(2), True)
    assert AuditEvent.objects.filter(action="commission.decision").count() == 4
    # 001 p39: the authorized person approves; the chair cannot.
    with at("2026-12-24 10:00"), pytest.raises(PermissionDenied):
        step(c, c.chair, meeting, "approve")
    with at("2026-12-24 10:00"):
        step(c, "authorized", meeting, "approve")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.APPROVED
    # 001 p40-41: acquaintance within 2 working days of the approval.
    assert meeting.acquaintance_due == date(2026, 12, 28)
    result = Result.objects.get(pk=kpi.result_id)
    assert (result.original_score, result.score, result.provisional) == (D(4), D(3), False)
    assert result.acquaintance_due == date(2026, 12, 28)
    change = ResultChange.objects.get(result=result)
    assert change.source == "commission" and change.decided_by == c.w.users["authorized"]
    assert not AuditEvent.objects.filter(action__startswith="commission.", data__has_key="score")
    # 001 p40-41: the servant acknowledges the decided result on the engine's flow (the
    # other servant's, still provisional elsewhere, is refused: see the test below).
    from bagalau.evaluations import services as evaluations

    with at("2026-12-25 10:00"):
        evaluations.result_acknowledge(actor=c.w.users["servant"], result_id=result.pk)
    kpi.task.refresh_from_db()
    assert kpi.task.state == TaskState.ACQUAINTED
    assert Result.objects.get(pk=result.pk).acknowledged_at is not None
    # 001 p42: appeal within 10 working days of the decision; later flagged, not refused.
    # (1-2 and 7 January are holidays: the 10th working day after 24 Dec is 12 Jan.)
    assert meeting.appeal_due == date(2027, 1, 12)
    with at("2027-01-12 10:00"):
        on_time = services.appeal_file(actor=c.w.users["hrofficer"], case_id=kpi.pk)
    with at("2027-01-13 10:00"):
        late = services.appeal_file(actor=c.w.users["hrofficer"], case_id=tie.pk)
    assert not on_time.late and late.late
    # The outcome: cancel and re-evaluate reopens the KPI sheet, the link kept.
    with at("2027-01-20 10:00"):
        services.appeal_transition(actor=c.w.users["hrofficer"], appeal_id=on_time.pk,
                                   action="reevaluate", revision=0, reason="Шешім күшін жою")  # fmt: skip
        services.appeal_transition(actor=c.w.users["hrofficer"], appeal_id=late.pk,
                                   action="unchanged", revision=0)  # fmt: skip
    on_time.refresh_from_db()
    kpi.task.refresh_from_db()
    assert on_time.state == rules.REEVALUATE and on_time.reopened_task == kpi.task
    assert kpi.task.state == TaskState.DRAFT
    assert Appeal.objects.get(pk=late.pk).state == rules.UNCHANGED
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.APPROVED


def test_a_result_the_commission_has_not_decided_is_not_acknowledged(commission):
    # 001 p39-40: the evaluation ends with the authorized person's approval.
    from bagalau.core.errors import Conflict
    from bagalau.evaluations import services as evaluations

    c = commission
    with pytest.raises(Conflict) as err:
        evaluations.result_acknowledge(actor=c.w.users["servant"], result_id=c.results[0].pk)
    assert err.value.code == "provisional"


def test_the_chair_is_asked_to_consent_and_the_evaluators_are_notified(
    commission, django_capture_on_commit_callbacks
):
    # 001 p29: the schedule with the chair's consent; the evaluators notified.
    from bagalau.notifications.models import Notification

    c = commission
    form(c)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_of(c, day=date(2026, 12, 22))
    assert Notification.objects.filter(recipient=c.chair, kind="commission.consent").exists()
    with at("2026-12-10 11:00"), django_capture_on_commit_callbacks(execute=True):
        step(c, c.chair, meeting, "consent")
    notified = set(
        Notification.objects.filter(kind="commission.scheduled").values_list("recipient", flat=True)
    )
    assert c.w.head_a.user_id in notified and c.members[0].pk in notified


def test_a_secretary_outside_the_working_body_is_refused(commission):
    # 001 p34: the secretary is an employee of the HR service (the working body).
    c = commission
    with pytest.raises(DomainError) as err:
        services.composition_form(
            actor=c.w.users["authorized"], body_id=c.w.body.pk, order_number="1",
            order_date=date(2026, 11, 2), chair_id=c.chair.pk,
            member_ids=[m.pk for m in c.members], secretary_id=c.w.users["colleague"].pk,
        )  # fmt: skip
    assert err.value.code == "secretary_not_hr"
    # The head of HR is from the working body.
    hr_unit_head = c.w.users["hrhead"]
    services.composition_form(
        actor=c.w.users["authorized"], body_id=c.w.body.pk, order_number="1",
        order_date=date(2026, 11, 2), chair_id=c.chair.pk,
        member_ids=[m.pk for m in c.members], secretary_id=hr_unit_head.pk,
    )  # fmt: skip
