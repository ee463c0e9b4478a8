"""Calibration sessions end to end through the services (002 p13-14, p21, p39-43)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bagalau.calibration import services
from bagalau.calibration.models import CaseState
from bagalau.core.errors import DomainError, NotFound
from bagalau.core.models import AuditEvent
from bagalau.evaluations import access
from bagalau.evaluations.models import Result, ResultChange

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def at(day: date) -> time_machine.travel:
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 11, tzinfo=ALMATY), tick=False
    )


def apply(s, result=None, day=date(2026, 7, 9)):
    result = result or s.result
    with at(day):
        return services.case_apply(
            actor=result.servant.user, result_id=result.pk, text="My work was underrated."
        )


def accept(s, case, participants=None):
    with at(date(2026, 7, 9)):
        return services.case_accept(
            actor=s.w.users["authorized"], case_id=case.pk, revision=case.revision,
            participant_ids=[u.pk for u in (participants or s.participants)],
            session_date=date(2026, 7, 15),
        )  # fmt: skip


def test_it_accepts_an_application_on_the_5th_working_day_after_acquaintance(calibrated):
    # 002 p13: acquainted Wed 1 July 2026; 6 July is a public holiday (Capital Day), so the
    # 5th working day is Thu 9 July.
    case = apply(calibrated)
    assert case.state == CaseState.APPLIED
    assert (case.apply_due, case.decide_due, case.session_due) == (
        date(2026, 7, 9), date(2026, 7, 14), date(2026, 7, 23),  # 002 p39, p40
    )  # fmt: skip


def test_it_refuses_an_application_on_the_6th_working_day_with_the_last_allowed_date(
    calibrated,
):
    # 002 p13: Fri 10 July is the 6th working day: refused, naming 9 July.
    with pytest.raises(DomainError) as caught:
        apply(calibrated, day=date(2026, 7, 10))
    assert caught.value.code == "late" and "2026-07-09" in caught.value.text()


def test_only_the_servant_applies_on_their_own_result(calibrated):
    s = calibrated
    with at(date(2026, 7, 2)), pytest.raises(NotFound):
        services.case_apply(actor=s.w.users["colleague"], result_id=s.result.pk, text="x")


def vote_and_decide(s, case, votes):
    with at(date(2026, 7, 15)):
        for user, proposed in zip(s.participants, votes, strict=True):
            services.vote_cast(
                actor=user, case_id=case.pk, support=proposed is None, proposed=proposed,
                arguments="" if proposed is None else "Deadlines were missed twice.",
            )  # fmt: skip
        case.refresh_from_db()
        case = services.case_hold(actor=s.w.users["hrofficer"], case_id=case.pk,
                                  revision=case.revision)  # fmt: skip
        return services.case_decide(
            actor=s.w.users["hrofficer"], case_id=case.pk, revision=case.revision
        )


def test_a_session_moves_a_score_down_by_majority_and_the_year_mean_follows(calibrated):
    # 002 p42: 2 of 3 participants propose 3.00; the final score is 3.00. The band and the
    # year mean (002 p5) recompute from it, the original stays, acquaintance is due again.
    s = calibrated
    case = accept(s, apply(s))
    case = vote_and_decide(s, case, ["3.00", "3", None])
    assert case.state == CaseState.DECIDED and case.final_score == Decimal("3.00")
    assert case.tally["by"] == "majority" and case.tally["support"] == 1
    assert case.protocol_due == date(2026, 7, 20)  # 3 working days after the session
    result = Result.objects.get(pk=s.result.pk)
    year = Result.objects.get(servant=result.servant, year=2026, quarter=0)
    assert (result.original_score, result.score, result.band) == (
        Decimal("4.13"), Decimal("3.00"), "proper",
    )  # fmt: skip
    assert result.acknowledged_at is None and result.acquaintance_due == date(2026, 7, 17)
    assert (year.score, year.band) == (Decimal("3.00"), "proper")
    change = ResultChange.objects.get(result=result)
    assert change.source == "calibration"
    # 002 p12: the servant acquaints with the decided result again.
    from bagalau.evaluations import services as evaluation_services

    with at(date(2026, 7, 16)):
        evaluation_services.result_acknowledge(actor=s.applicant, result_id=result.pk)
    assert Result.objects.get(pk=result.pk).acknowledged_at is not None


def test_a_tie_keeps_the_score_by_default(calibrated):
    # 002 p42: no majority of 2 participants for a change: the version's tie rule, by
    # default the score stands.
    s = calibrated
    s.participants = s.participants[:2]
    case = accept(s, apply(s), s.participants)
    case = vote_and_decide(s, case, ["3.00", None])
    assert case.final_score == Decimal("4.13") and case.tally["by"] == "score_stands"
    assert Result.objects.get(pk=s.result.pk).score == Decimal("4.13")
    assert not ResultChange.objects.filter(result=s.result).exists()


def test_every_vote_is_in_the_audit_trail_without_a_score(calibrated):
    s = calibrated
    case = accept(s, apply(s))
    vote_and_decide(s, case, ["3.00", "4.50", None])
    votes = AuditEvent.objects.filter(action="calibration.vote", object_id=str(case.pk))
    assert sorted(v.actor_id for v in votes) == sorted(u.pk for u in s.participants)
    assert sorted(v.data["position"] for v in votes) == ["down", "support", "up"]
    for event in AuditEvent.objects.filter(action__startswith="calibration."):
        text = str(event.data)
        assert not {"score", "proposed", "final"} & set(event.data)
        assert not any(value in text for value in ("4.13", "3.00", "4.50", "4.5"))


def test_participants_see_only_their_cases_while_the_session_runs(calibrated):
    # 002 p21: participants know the cases on their agenda while they serve; everyone else
    # (another servant, the participant once the case is decided) gets 404.
    s = calibrated
    other = s.quarters[1]
    case = accept(s, apply(s))
    member = s.participants[0]
    task, roles = access.access_task(member, s.result.task_id)
    assert "panel" in roles
    access.access_result(member, s.result.pk)
    with pytest.raises(NotFound):
        access.access_task(member, other.task_id)
    with pytest.raises(NotFound):
        access.access_task(s.w.users["servantb"], s.result.task_id)
    vote_and_decide(s, case, ["3.00", "3.00", None])
    with pytest.raises(NotFound):
        access.access_task(member, s.result.task_id)


def test_a_vote_outside_the_scale_or_by_a_non_participant_is_refused(calibrated):
    s = calibrated
    case = accept(s, apply(s))
    with at(date(2026, 7, 15)):
        with pytest.raises(DomainError) as caught:
            services.vote_cast(actor=s.participants[0], case_id=case.pk, support=False,
                               proposed="7", arguments="x")  # fmt: skip
        assert caught.value.code == "score_range"
        with pytest.raises(NotFound):
            services.vote_cast(actor=s.w.users["servantb"], case_id=case.pk, support=True)
        case.refresh_from_db()
        with pytest.raises(DomainError) as caught:
            services.case_hold(actor=s.w.users["hrofficer"], case_id=case.pk,
                               revision=case.revision)  # fmt: skip
        assert caught.value.code == "not_all_voted"


def test_a_proposed_score_is_kept_to_the_versions_decimals(calibrated):
    # 002 p8: the body's version keeps score_decimals places (one here), half-up.
    from bagalau.calibration.models import Position
    from bagalau.methodology.models import MethodologyVersion

    s = calibrated
    case = accept(s, apply(s))
    MethodologyVersion.objects.filter(pk=case.version_id).update(score_decimals=1)
    with at(date(2026, 7, 15)):
        services.vote_cast(actor=s.participants[0], case_id=case.pk, support=False,
                           proposed="3,45", arguments="x")  # fmt: skip
    assert Position.objects.get(case=case, user=s.participants[0]).proposed == Decimal("3.5")


def test_feedback_and_appeal_after_the_decision(calibrated):
    # 002 p43: the feedback meeting's three topics; 002 p14: the appeal with its outcome.
    s = calibrated
    case = vote_and_decide(s, accept(s, apply(s)), ["3.00", "3.00", None])
    with at(date(2026, 7, 20)):
        case = services.feedback_record(
            actor=s.w.users["heada"], case_id=case.pk, held_on="2026-07-20",
            topics={"achievements": "a", "development": "b", "career": "c"}, notes="Well done",
        )  # fmt: skip
        appeal = services.appeal_record(
            actor=s.w.users["hrofficer"], case_id=case.pk, filed_on="2026-07-20",
            authority="Specialized administrative court", outcome="upheld",
        )  # fmt: skip
    assert case.feedback["notes"] == "Well done" and appeal.outcome == "upheld"


def test_a_session_date_past_the_10th_working_day_is_refused(calibrated):
    # 002 p40: applied on 9 July, held by 23 July (10 working days).
    s = calibrated
    case = apply(s)
    with at(date(2026, 7, 9)), pytest.raises(DomainError) as caught:
        services.case_accept(
            actor=s.w.users["authorized"], case_id=case.pk, revision=case.revision,
            participant_ids=[u.pk for u in s.participants], session_date="2026-07-24",
        )  # fmt: skip
    assert caught.value.code == "session_late" and "2026-07-23" in caught.value.text()


def test_the_authorized_person_declines_with_a_reason_and_the_servant_may_apply_again(
    calibrated,
):
    # 002 p39: the authorized person decides whether to hold a session; a refusal says why.
    s = calibrated
    case = apply(s)
    with at(date(2026, 7, 9)):
        with pytest.raises(DomainError) as caught:
            services.case_decline(
                actor=s.w.users["authorized"], case_id=case.pk, revision=case.revision, reason=""
            )
        assert caught.value.code == "reason_required"
        case = services.case_decline(
            actor=s.w.users["authorized"], case_id=case.pk, revision=case.revision,
            reason="The evaluation followed the methodology.",
        )  # fmt: skip
    assert case.state == CaseState.DECLINED


def test_hr_hears_when_the_decision_date_slips(calibrated):
    # Issue 16: the system escalates to HR when a due date slips (a periodic hook of tick).
    from bagalau.calibration import notices
    from bagalau.notifications.models import Notification

    s = calibrated
    case = apply(s)
    late = datetime(2026, 7, 15, 9, tzinfo=ALMATY)  # the decision was due on 14 July
    with time_machine.travel(late, tick=False):
        queued = notices.escalate_overdue(late)
        again = notices.escalate_overdue(late)
    assert queued > 0 and again == 0  # once per case, step and day
    rows = Notification.objects.filter(kind="calibration.overdue", object_id=str(case.pk))
    assert {r.recipient_id for r in rows} == {s.w.users["hrhead"].pk, s.w.users["hrofficer"].pk}


def test_the_versions_tie_rule_decides_without_a_majority(calibrated):
    # A version setting (MethodologyVersion.calibration_tie_rule): "most_votes" takes the
    # unique leader when no proposal has a majority of participants (002 p42).
    from bagalau.methodology.models import MethodologyVersion

    s = calibrated
    MethodologyVersion.objects.filter(pk=s.result.version_id).update(
        calibration_tie_rule="most_votes"
    )
    s.participants = [*s.participants, s.w.users["servantb"]]
    case = accept(s, apply(s), s.participants)
    case = vote_and_decide(s, case, ["3.00", "3.00", None, "4.50"])
    assert (case.final_score, case.tally["by"]) == (Decimal("3.00"), "most_votes")
