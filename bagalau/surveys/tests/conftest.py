from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from bagalau.evaluations.tests.conftest import body2023
from bagalau.surveys import services
from bagalau.surveys.models import Answered, Campaign, Invitation, Subject

__all__ = ["body2023", "campaign", "fill_short", "today"]


@pytest.fixture
def today():
    """Early December 2026: the 360 of 2026 runs until 10 January 2027 (002 p5)."""
    with time_machine.travel(date(2026, 12, 1), tick=False):
        yield date(2026, 12, 1)


def fill_short(world: Any, campaign: Campaign) -> None:
    """HR adds people from elsewhere to everyone with fewer than three (002 p36)."""
    hr = world.users["hrofficer"]
    pool = [world.first_head, world.head_b, world.hr_head, world.head_a, world.servant_b]
    for subject in services.short_subjects(campaign):
        taken = set(subject.invitations.values_list("respondent_id", flat=True))
        for person in pool:
            n = subject.invitations.exclude(relation="self").count()
            if n >= 3:
                break
            if person.pk in taken or person.pk == subject.servant_id:
                continue
            campaign.refresh_from_db()
            services.respondent_add(
                actor=hr, campaign_id=campaign.pk, subject_id=subject.pk,
                respondent_id=person.pk, relation="other", reason="works closely on a project",
                revision=campaign.revision,
            )  # fmt: skip


@pytest.fixture
def campaign(body2023, today, django_capture_on_commit_callbacks):
    """The world's 2026 campaign, proposed, completed by HR and open."""
    world = body2023
    hr = world.users["hrofficer"]
    created = services.campaign_create(actor=hr, body=world.body, year=2026)
    services.campaign_propose(actor=hr, campaign_id=created.pk, revision=created.revision)
    created.refresh_from_db()
    fill_short(world, created)
    created.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        return services.campaign_transition(
            actor=hr, campaign_id=created.pk, action="open", revision=created.revision
        )


def answer_all(world: Any, subject: Subject, values: dict[str, int], comment: str = "") -> None:
    """Every invited respondent of `subject` who has not yet answered answers every item with their value (by username;
    missing usernames answer 3)."""
    items = services.questionnaire_of(subject)
    done = set(Answered.objects.filter(subject=subject).values_list("respondent_id", flat=True))
    for invitation in Invitation.objects.filter(subject=subject).select_related("respondent__user"):
        if invitation.respondent_id in done:
            continue
        user = invitation.respondent.user
        value = values.get(user.username, 3)
        comments = {items[0].competency_id: comment.format(user=user.username)} if comment else {}
        services.survey_submit(
            actor=user, invitation_id=invitation.pk, values={i.pk: value for i in items},
            comments=comments,
        )  # fmt: skip
