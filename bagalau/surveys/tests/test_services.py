"""The 360 campaign through its services: creation, proposal, changes, start, answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import AuditEvent
from bagalau.notifications.models import Notification
from bagalau.org.models import Absence
from bagalau.surveys import selectors, services
from bagalau.surveys.models import Answer, Answered, Campaign, Comment, Invitation, Subject

from .conftest import answer_all, fill_short

pytestmark = pytest.mark.django_db


def _created(world):
    return services.campaign_create(actor=world.users["hrofficer"], body=world.body, year=2026)


def test_it_creates_the_campaign_due_by_the_tenth_of_january(body2023, today):
    # 002 p5: yearly, no later than the 10th of the month after the year.
    campaign = _created(body2023)
    assert campaign.due_date == date(2027, 1, 10)
    assert campaign.state == "draft"
    assert campaign.version.survey_scale.is_default  # the default set, labelled as such
    assert campaign.version.survey_items.filter(competency__audience="heads").count() == 24
    with pytest.raises(DomainError) as late:
        services.campaign_create(
            actor=body2023.users["hrofficer"], body=body2023.body, year=2025,
            due_date=date(2026, 1, 11),
        )  # fmt: skip
    assert late.value.field == "due_date"
    with pytest.raises(Conflict):
        _created(body2023)


def test_only_hr_of_the_body_creates_a_campaign(body2023, today):
    for who in ("servant", "heada", "otherhr", "admin"):
        with pytest.raises(PermissionDenied):
            services.campaign_create(actor=body2023.users[who], body=body2023.body, year=2026)


def test_the_proposal_follows_the_structure_and_tells_hr_of_the_short(
    body2023, today, django_capture_on_commit_callbacks
):
    # 002 p36: supervisor, subordinates, peers; fewer than 3 → HR is told.
    world = body2023
    campaign = _created(world)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.campaign_propose(
            actor=world.users["hrofficer"], campaign_id=campaign.pk, revision=campaign.revision
        )
    assert done.subjects == 8
    subject = Subject.objects.get(campaign=campaign, servant=world.head_a)
    assert subject.audience == "heads" and subject.evaluator_id == world.first_head.pk
    relations = dict(subject.invitations.values_list("respondent_id", "relation"))
    assert relations == {
        world.first_head.pk: "supervisor", world.servant.pk: "subordinate",
        world.colleague_a.pk: "subordinate", world.head_b.pk: "peer", world.hr_head.pk: "peer",
        world.head_a.pk: "self",
    }  # fmt: skip
    short = {s.servant_id for s in services.short_subjects(campaign)}
    assert short == {world.servant.pk, world.colleague_a.pk, world.servant_b.pk,
                     world.hr_officer.pk}  # fmt: skip
    notices = Notification.objects.filter(kind="survey.short")
    assert {n.recipient.username for n in notices} == {"hrofficer", "hrhead"}
    # The start is refused, naming those with too few respondents.
    campaign.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.campaign_transition(
            actor=world.users["hrofficer"], campaign_id=campaign.pk, action="open",
            revision=campaign.revision,
        )  # fmt: skip
    assert refused.value.code == "too_few_respondents"
    assert world.servant_b.full_name in refused.value.text()


def test_an_absent_servant_is_not_asked_but_is_evaluated(body2023, today):
    # 002 p6: the 360 runs without those away for the campaign; their own 360 still runs.
    world = body2023
    Absence.objects.create(
        servant=world.colleague_a, kind="sick_leave", start_date=date(2026, 11, 20),
        end_date=date(2027, 1, 31),
    )  # fmt: skip
    campaign = _created(world)
    services.campaign_propose(
        actor=world.users["hrofficer"], campaign_id=campaign.pk, revision=campaign.revision
    )
    own = Subject.objects.get(campaign=campaign, servant=world.colleague_a)
    assert own.absent
    assert not Invitation.objects.filter(campaign=campaign, respondent=world.colleague_a).exists()
    assert own.invitations.exclude(relation="self").count() == 2  # head_a and servant
    campaign.refresh_from_db()
    with pytest.raises(DomainError) as absent:
        services.respondent_add(
            actor=world.users["hrofficer"], campaign_id=campaign.pk,
            subject_id=Subject.objects.get(campaign=campaign, servant=world.servant_b).pk,
            respondent_id=world.colleague_a.pk, relation="other", reason="project",
            revision=campaign.revision,
        )  # fmt: skip
    assert absent.value.code == "absent"


def test_hr_changes_respondents_with_a_reason_and_it_is_audited(body2023, today):
    # 002 p36: the system or HR chooses the respondents.
    world = body2023
    hr = world.users["hrofficer"]
    campaign = _created(world)
    services.campaign_propose(actor=hr, campaign_id=campaign.pk, revision=campaign.revision)
    campaign.refresh_from_db()
    subject = Subject.objects.get(campaign=campaign, servant=world.servant_b)
    with pytest.raises(DomainError) as no_reason:
        services.respondent_add(
            actor=hr, campaign_id=campaign.pk, subject_id=subject.pk,
            respondent_id=world.head_a.pk, relation="other", reason=" ",
            revision=campaign.revision,
        )  # fmt: skip
    assert no_reason.value.code == "reason_required"
    services.respondent_add(
        actor=hr, campaign_id=campaign.pk, subject_id=subject.pk, respondent_id=world.head_a.pk,
        relation="other", reason="joint project", revision=campaign.revision,
    )  # fmt: skip
    event = AuditEvent.objects.filter(action="survey.respondent_added").get()
    assert event.data["reason"] == "joint project"
    with pytest.raises(Conflict):  # the revision read is stale
        services.respondent_add(
            actor=hr, campaign_id=campaign.pk, subject_id=subject.pk,
            respondent_id=world.first_head.pk, relation="other", reason="x",
            revision=campaign.revision,
        )  # fmt: skip
    campaign.refresh_from_db()
    added = Invitation.objects.get(subject=subject, respondent=world.head_a)
    services.respondent_remove(
        actor=hr, campaign_id=campaign.pk, invitation_id=added.pk, reason="left the project",
        revision=campaign.revision,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="survey.respondent_removed").count() == 1
    # Not HR: a stranger learns nothing (404).
    with pytest.raises(NotFound):
        services.respondent_add(
            actor=world.users["heada"], campaign_id=campaign.pk, subject_id=subject.pk,
            respondent_id=world.head_a.pk, relation="other", reason="x", revision=0,
        )  # fmt: skip


def test_opening_notifies_each_respondent_once_without_names(campaign, body2023):
    world = body2023
    assert campaign.state == "open" and campaign.opened_on == date(2026, 12, 1)
    invited = Notification.objects.filter(kind="survey.invited", channel="in_app")
    assert invited.filter(recipient=world.users["servant"]).count() == 1
    for n in invited:
        assert world.servant.full_name not in n.text or n.recipient == world.users["servant"]


def test_double_answering_is_refused(campaign, body2023):
    # issue 15: the ledger refuses a second answer; it holds no reference to the answers.
    world = body2023
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    invitation = Invitation.objects.get(subject=subject, respondent=world.head_a)
    items = services.questionnaire_of(subject)
    assert len({i.competency_id for i in items}) == 8  # 002 p35: 8 for servants
    values = {i.pk: 4 for i in items}
    services.survey_submit(actor=world.users["heada"], invitation_id=invitation.pk, values=values)
    with pytest.raises(Conflict) as twice:
        services.survey_submit(
            actor=world.users["heada"], invitation_id=invitation.pk, values=values
        )
    assert twice.value.code == "answered"
    assert Answer.objects.filter(subject=subject).count() == len(items)
    assert Answered.objects.filter(subject=subject).count() == 1
    assert {f.name for f in Answered._meta.get_fields()} == {
        "id", "campaign", "subject", "respondent"
    }  # fmt: skip


def test_answers_carry_no_respondent_no_time_and_a_random_key(campaign, body2023):
    # issue 15: anonymity is a property of the data.
    fields = {f.name: f for f in Answer._meta.get_fields()}
    assert set(fields) == {"id", "subject", "item", "competency", "value", "is_self"}
    assert fields["id"].get_internal_type() == "UUIDField"
    assert {f.name for f in Comment._meta.get_fields()} == {
        "id", "subject", "competency", "text", "is_self"
    }  # fmt: skip


def test_only_the_respondent_answers_with_every_item_in_the_scale(campaign, body2023):
    world = body2023
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    invitation = Invitation.objects.get(subject=subject, respondent=world.head_a)
    items = services.questionnaire_of(subject)
    with pytest.raises(NotFound):
        services.survey_submit(
            actor=world.users["servant"], invitation_id=invitation.pk,
            values={i.pk: 4 for i in items},
        )  # fmt: skip
    with pytest.raises(DomainError) as missing:
        services.survey_submit(
            actor=world.users["heada"], invitation_id=invitation.pk,
            values={i.pk: 4 for i in items[1:]},
        )  # fmt: skip
    assert missing.value.field == f"item-{items[0].pk}"
    with pytest.raises(DomainError):
        services.survey_submit(
            actor=world.users["heada"], invitation_id=invitation.pk,
            values={i.pk: 6 for i in items},
        )  # fmt: skip
    assert not Answered.objects.exists() and not Answer.objects.exists()


def test_no_audit_row_and_no_notice_per_answer(campaign, body2023):
    # issue 15: audit campaign transitions and respondent changes only.
    world = body2023
    audits, notices = AuditEvent.objects.count(), Notification.objects.count()
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    answer_all(world, subject, {}, comment="fine")
    assert AuditEvent.objects.count() == audits
    assert Notification.objects.count() == notices


def test_the_report_excludes_the_self_and_needs_three(
    campaign, body2023, django_capture_on_commit_callbacks
):
    # 002 p36: the self-assessment is not counted; a result is shown from three answers.
    world = body2023
    hr = world.users["hrofficer"]
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    answer_all(world, subject, {"heada": 5, "colleague": 4, "servant": 1})
    # the third respondent has not answered yet
    others = subject.invitations.exclude(relation="self").count()
    assert Answered.objects.filter(subject=subject).count() == others + 1
    campaign = Campaign.objects.get(pk=campaign.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_transition(
            actor=hr, campaign_id=campaign.pk, action="close", revision=campaign.revision
        )
    found, roles = selectors.access_report(world.users["servant"], subject.pk)
    data = selectors.report(found)
    line = data["lines"][0]
    assert line.self_score == Decimal("1.00")
    values = {"heada": 5, "colleague": 4}
    expected = (Decimal(sum(values.values())) + 3 * (others - 2)) / others
    assert line.score == expected.quantize(Decimal("0.01"))
    assert line.respondents == others
    assert Notification.objects.filter(kind="survey.report_ready").exists()


def test_a_competency_with_two_answers_is_not_shown(campaign, body2023):
    world = body2023
    hr = world.users["hrofficer"]
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    items = services.questionnaire_of(subject)
    for invitation in subject.invitations.exclude(relation="self")[:2]:
        services.survey_submit(
            actor=invitation.respondent.user, invitation_id=invitation.pk,
            values={i.pk: 5 for i in items}, comments={items[0].competency_id: "secret"},
        )  # fmt: skip
    campaign = Campaign.objects.get(pk=campaign.pk)
    services.campaign_transition(
        actor=hr, campaign_id=campaign.pk, action="close", revision=campaign.revision
    )
    data = selectors.report(Subject.objects.get(pk=subject.pk))
    assert all(line.score is None for line in data["lines"])
    assert all(line.comments == [] for line in data["lines"])  # comments go with the score


def test_the_report_is_known_to_the_person_the_evaluator_and_the_head_of_hr(campaign, body2023):
    # 002 p16, p21: strictly confidential.
    world = body2023
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    with pytest.raises(Conflict):  # not before the campaign is closed
        selectors.access_report(world.users["servant"], subject.pk)
    campaign = Campaign.objects.get(pk=campaign.pk)
    services.campaign_transition(
        actor=world.users["hrofficer"], campaign_id=campaign.pk, action="close",
        revision=campaign.revision,
    )  # fmt: skip
    for who in ("servant", "heada", "hrhead"):
        selectors.access_report(world.users[who], subject.pk)
    for who in ("hrofficer", "colleague", "firsthead", "admin", "otherhr", "authorized"):
        with pytest.raises(NotFound):
            selectors.access_report(world.users[who], subject.pk)


def test_training_topics_need_three_people(campaign, body2023):
    # 002 p37: the weakest competencies across people choose the training topics.
    world = body2023
    for servant in (world.servant, world.colleague_a, world.head_b):
        subject = Subject.objects.get(campaign=campaign, servant=servant)
        items = services.questionnaire_of(subject)
        weak = items[0].competency_id
        for invitation in subject.invitations.exclude(relation="self"):
            services.survey_submit(
                actor=invitation.respondent.user, invitation_id=invitation.pk,
                values={i.pk: (2 if i.competency_id == weak else 4) for i in items},
            )  # fmt: skip
    campaign = Campaign.objects.get(pk=campaign.pk)
    services.campaign_transition(
        actor=world.users["hrofficer"], campaign_id=campaign.pk, action="close",
        revision=campaign.revision,
    )  # fmt: skip
    topics = selectors.training_topics(Campaign.objects.get(pk=campaign.pk))
    assert topics[0]["code"] == "communication" and topics[0]["people"] == 2
    assert fill_short  # imported for the fixture module


def test_reminders_go_to_those_who_have_not_answered(campaign, body2023):
    from datetime import date, datetime

    from django.utils import timezone

    world = body2023
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    answer_all(world, Subject.objects.get(pk=subject.pk), {})
    # 3 working days before 10 January 2027 (a Sunday; 7 January is a holiday): 5 January.
    assert campaign.due_date == date(2027, 1, 10)
    early = timezone.make_aware(datetime(2027, 1, 6, 9, 0))
    assert services.send_reminders(early) == 0  # 2 working days before: no offset
    now = timezone.make_aware(datetime(2027, 1, 5, 9, 0))
    first = services.send_reminders(now)
    assert first > 0
    assert services.send_reminders(now) == 0  # idempotent
    reminded = {n.recipient.username for n in Notification.objects.filter(kind="survey.reminder")}
    assert "servant" in reminded  # the servant still has others' surveys to answer


def test_the_close_rewrites_the_answers_in_a_new_random_order(campaign, body2023):
    # issue 15: the physical order of the rows must not group one respondent's answers.
    world = body2023
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    answer_all(world, subject, {"heada": 5}, comment="c")
    before = set(Answer.objects.values_list("id", flat=True))
    values = sorted(Answer.objects.values_list("item_id", "value", "is_self"))
    notes = Comment.objects.count()
    campaign = Campaign.objects.get(pk=campaign.pk)
    services.campaign_transition(
        actor=world.users["hrofficer"], campaign_id=campaign.pk, action="close",
        revision=campaign.revision,
    )  # fmt: skip
    assert not before & set(Answer.objects.values_list("id", flat=True))
    assert sorted(Answer.objects.values_list("item_id", "value", "is_self")) == values
    assert Comment.objects.count() == notes


def test_a_version_gets_the_default_questionnaire_once(body2023, today):
    # The typical methodology's forms 5-6 are not in the seeds: a default set, labelled.
    from bagalau.methodology import selectors as methodology_selectors
    from bagalau.surveys import questionnaire
    from bagalau.surveys.models import SurveyItem

    version = methodology_selectors.version_for(body2023.body.pk, date(2026, 12, 31))
    questionnaire.ensure(version)
    questionnaire.ensure(version)
    items = SurveyItem.objects.filter(version=version)
    assert items.count() == 12 * 2 + 8 * 2 and all(i.is_default for i in items)
    assert version.survey_scale.low == 1 and version.survey_scale.high == 5


def test_an_open_campaign_locks_its_methodology_version(campaign):
    # Answers hold the version's 360 competencies and questionnaire: once a campaign opens,
    # the version is in use and its data locked, like a version with an approved schedule.
    from bagalau.methodology.selectors import version_in_use

    assert version_in_use(campaign.version_id)


def test_the_dashboard_lists_the_surveys_to_answer(campaign):
    # issue 15 item 3: a respondent's inbox with due dates, on the dashboard too.
    from django.test import Client

    invitation = (
        campaign.invitations.exclude(relation="self").select_related("respondent__user").first()
    )
    client = Client()
    client.force_login(invitation.respondent.user)
    page = client.get("/").content.decode()
    assert 'id="surveys-card"' in page and f"/my/surveys/{invitation.pk}/" in page
    assert campaign.due_date.isoformat() in page
