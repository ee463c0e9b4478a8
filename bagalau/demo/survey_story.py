"""The demo's 360 campaigns (issue 15), replayed through the services.

The 2023-model body's HR creates the previous year's campaign in late November, proposes
the respondents from the structure, adds people from elsewhere where a person has fewer
than three (002 p36) and starts it; the respondents answer on their days in December and
early January, a few never do; HR closes it before the 10th of January (002 p5); the head
of unit 01 holds the feedback conversation with the demo's "servant", whose four
respondents (the head and three colleagues of the unit) and self-assessment all answered.
The current year's campaign runs the same way up to the demo's day, so a respondent finds
surveys waiting in "My surveys".
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from bagalau.surveys import services as surveys
from bagalau.surveys.models import Answered, Campaign, Invitation, Relation, Subject

if TYPE_CHECKING:
    from .history import Body, Timeline

REASON = "Бірлескен жобада тығыз жұмыс істейді (002 36-т.)"
FEEDBACK = {
    "strengths": "Әріптестермен тиімді коммуникация, тапсырмаларды уақытында орындау.",
    "development": "Өзгерістерді басқару және шешім қабылдаудағы дербестік.",
    "actions": "«Өзгерістерді басқару» курсы (ҚР Президенті жанындағы МБА), тәлімгерлік.",
}


def _level(seed: str) -> float:
    return 3.0 + random.Random(seed).random() * 1.5  # noqa: S311 - demo data


def _value(subject: Subject, competency_code: str, respondent_id: int, is_self: bool) -> int:
    base = _level(f"s{subject.servant_id}")
    bias = random.Random(f"{subject.servant_id}:{competency_code}").uniform(-1.2, 0.8)  # noqa: S311
    noise = random.Random(f"{subject.pk}:{respondent_id}:{competency_code}").uniform(-0.8, 0.8)  # noqa: S311
    raw = base + bias + (0.6 if is_self else noise)
    return max(1, min(5, round(raw)))


def _start(b: Body, year: int) -> None:
    hr = b.users["hr"]
    campaign = surveys.campaign_create(actor=hr, body=b.body, year=year)
    surveys.campaign_propose(actor=hr, campaign_id=campaign.pk, revision=campaign.revision)
    heads = [s for code, s in sorted(b.by_position.items()) if code.endswith("-01")]
    for subject in surveys.short_subjects(campaign):
        taken = set(subject.invitations.values_list("respondent_id", flat=True))
        for head in heads:
            if subject.invitations.exclude(relation=Relation.SELF).count() >= 3:
                break
            if head.pk in taken or head.pk == subject.servant_id:
                continue
            campaign.refresh_from_db()
            surveys.respondent_add(
                actor=hr, campaign_id=campaign.pk, subject_id=subject.pk, respondent_id=head.pk,
                relation=Relation.OTHER, reason=REASON, revision=campaign.revision,
            )  # fmt: skip


def _open(b: Body, year: int) -> None:
    campaign = Campaign.objects.get(body=b.body, year=year)
    surveys.campaign_transition(
        actor=b.users["hr"], campaign_id=campaign.pk, action="open", revision=campaign.revision
    )


def _answer(b: Body, year: int, part: int, parts: int, *, keep: set[int]) -> None:
    """The `part`-th slice of the invitations answers (some never do, except those `keep`)."""
    campaign = Campaign.objects.filter(body=b.body, year=year, state="open").first()
    if campaign is None:
        return
    done = set(
        Answered.objects.filter(campaign=campaign).values_list("subject_id", "respondent_id")
    )
    questionnaires: dict[int, list] = {}
    invitations = (
        Invitation.objects.filter(campaign=campaign)
        .select_related("respondent__user", "subject")
        .order_by("pk")
    )
    for n, invitation in enumerate(invitations):
        if n % parts != part or (invitation.subject_id, invitation.respondent_id) in done:
            continue
        if invitation.subject.servant_id not in keep and n % 9 == 4:
            continue  # never answers: HR sees "not yet"
        user = invitation.respondent.user
        if user is None:
            continue
        subject = invitation.subject
        if subject.pk not in questionnaires:
            questionnaires[subject.pk] = surveys.questionnaire_of(subject)
        items = questionnaires[subject.pk]
        is_self = invitation.relation == Relation.SELF
        values = {
            i.pk: _value(subject, i.competency.code, invitation.respondent_id, is_self)
            for i in items
        }
        comments = {}
        if n % 4 == 0 and items:
            comments[items[0].competency_id] = "Жұмысқа жауапкершілікпен қарайды."
        surveys.survey_submit(
            actor=user, invitation_id=invitation.pk, values=values, comments=comments
        )


def _close(b: Body, year: int) -> None:
    campaign = Campaign.objects.filter(body=b.body, year=year, state="open").first()
    if campaign is not None:
        surveys.campaign_transition(
            actor=b.users["hr"], campaign_id=campaign.pk, action="close",
            revision=campaign.revision,
        )  # fmt: skip


def _feedback(b: Body, year: int, held_on: date) -> None:
    servant = b.users.get("servant")
    subject = Subject.objects.filter(
        campaign__body=b.body, campaign__year=year, servant__user=servant
    ).first()
    if subject is None or subject.evaluator_user is None:
        return
    surveys.feedback_record(
        actor=subject.evaluator_user, subject_id=subject.pk, held_on=held_on, **FEEDBACK
    )


def story_2023(tl: Timeline, b: Body) -> None:
    """The previous year's campaign, closed with reports; this year's up to the demo's day."""
    keep = {s.pk for s in b.by_position.values() if s.user and s.user.username == "servant"}
    for year in (tl.story.today.year - 1, tl.story.today.year):
        _year(tl, b, year, keep)


def _year(tl: Timeline, b: Body, year: int, keep: set[int]) -> None:
    from .history import moment

    parts = 5
    tl.add(moment(date(year, 11, 20), 10), "360 campaign created", partial(_start, b, year))
    tl.add(moment(date(year, 11, 25), 10), "360 campaign started", partial(_open, b, year))
    for part in range(parts):
        day = date(year, 11, 26) + timedelta(days=7 * part)
        tl.add(moment(day, 12), "360 answers", partial(_answer, b, year, part, parts, keep=keep))
    tl.add(moment(date(year + 1, 1, 9), 16), "360 campaign closed", partial(_close, b, year))
    held = date(year + 1, 1, 15)
    tl.add(moment(held, 11), "360 feedback", partial(_feedback, b, year, held))
