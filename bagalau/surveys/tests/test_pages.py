"""The 360 pages: HR's campaign, the respondent's inbox and form, the report and feedback.

Each page's query count is bounded and does not grow with the number of people.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bagalau.core.tests.factories import (
    AppointmentFactory,
    PositionFactory,
    ServantFactory,
    UserFactory,
)
from bagalau.org.models import Position
from bagalau.surveys import services
from bagalau.surveys.models import Answered, Campaign, Invitation, Subject

from .conftest import answer_all

pytestmark = pytest.mark.django_db


def _grow(world, n: int) -> None:
    """`n` more servants in unit A (peers of the servant)."""
    unit = Position.objects.get(pk=world.servant.appointments.get().position_id).unit
    for i in range(n):
        user = UserFactory(username=f"extra{i}")
        servant = ServantFactory(body=world.body, user=user)
        post = PositionFactory(unit=unit, body=world.body, category="D-4")
        AppointmentFactory(servant=servant, position=post, start_date=date(2020, 1, 1))


def test_hr_creates_proposes_and_starts_a_campaign_on_the_pages(body2023, today):
    world = body2023
    hr = world.client("hrofficer")
    listing = hr.get(reverse("surveys:list", args=[world.body.pk]))
    assert listing.status_code == 200
    late = hr.post(reverse("surveys:list", args=[world.body.pk]),
                   {"year": "2026", "due_date": "2027-01-11"})  # fmt: skip
    assert late.status_code == 200 and "2027-01-10" in late.content.decode()  # 002 p5
    created = hr.post(reverse("surveys:list", args=[world.body.pk]), {"year": "2026"})
    campaign = Campaign.objects.get()
    assert created.url == reverse("surveys:campaign", args=[campaign.pk])
    url = reverse("surveys:campaign", args=[campaign.pk])
    hr.post(url, {"action": "propose", "revision": campaign.revision})
    page = hr.get(url).content.decode()
    assert 'id="short-warning"' in page and world.servant_b.full_name in page
    campaign.refresh_from_db()
    refused = hr.post(url, {"action": "open", "revision": campaign.revision}).content.decode()
    assert "002 36-т." in refused and world.servant_b.full_name in refused  # kk: 002 p36
    subject = Subject.objects.get(campaign=campaign, servant=world.servant_b)
    no_reason = hr.post(url, {"action": "add", "revision": campaign.revision,
                              "subject": subject.pk, "respondent": world.head_a.pk,
                              "relation": "other", "reason": ""})  # fmt: skip
    assert no_reason.status_code == 200
    assert not Invitation.objects.filter(subject=subject, respondent=world.head_a).exists()
    hr.post(url, {"action": "add", "revision": campaign.revision, "subject": subject.pk,
                  "respondent": world.head_a.pk, "relation": "other", "reason": "project"})  # fmt: skip
    assert Invitation.objects.get(subject=subject, respondent=world.head_a).reason == "project"
    # Not HR: no such page.
    for who in ("servant", "heada", "admin", "otherhr"):
        assert world.client(who).get(url).status_code == 404
        assert (
            world.client(who).get(reverse("surveys:list", args=[world.body.pk])).status_code == 404
        )


def test_the_survey_form_works_once_and_keeps_typed_values(campaign, body2023):
    world = body2023
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    invitation = Invitation.objects.get(subject=subject, respondent=world.colleague_a)
    client = world.client("colleague")
    inbox = client.get(reverse("surveys:inbox")).content.decode()
    assert reverse("surveys:survey", args=[invitation.pk]) in inbox and "2027-01-10" in inbox
    url = reverse("surveys:survey", args=[invitation.pk])
    form = client.get(url).content.decode()
    assert 'name="viewport"' in form and 'type="radio"' in form
    items = services.questionnaire_of(subject)
    partial = {f"item-{i.pk}": "4" for i in items[1:]}
    partial[f"comment-{items[0].competency_id}"] = "kept text"
    again = client.post(url, partial).content.decode()
    assert "kept text" in again and 'value="4" required checked' in again
    assert not Answered.objects.exists()
    full = {**partial, f"item-{items[0].pk}": "5"}
    assert client.post(url, full).status_code == 302
    assert Answered.objects.count() == 1
    assert 'id="already"' in client.get(url).content.decode()
    client.post(url, full)
    assert Answered.objects.count() == 1
    assert world.client("servant").get(url).status_code == 404


def test_the_report_and_feedback_pages(campaign, body2023):
    world = body2023
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    answer_all(world, subject, {"servant": 1}, comment="text-{user}")
    url = reverse("surveys:report", args=[subject.pk])
    assert world.client("servant").get(url).status_code == 409  # before the close
    campaign = Campaign.objects.get(pk=campaign.pk)
    services.campaign_transition(
        actor=world.users["hrofficer"], campaign_id=campaign.pk, action="close",
        revision=campaign.revision,
    )  # fmt: skip
    page = world.client("servant").get(url).content.decode()
    assert 'id="report"' in page and "3.00" in page and "1.00" in page
    feedback = reverse("surveys:feedback", args=[subject.pk])
    assert 'id="feedback-form"' not in world.client("servant").get(feedback).content.decode()
    evaluator = world.client("heada")
    bad = evaluator.post(feedback, {"held_on": "tomorrow", "strengths": "kept"}).content.decode()
    assert "errorlist" in bad and "kept" in bad
    evaluator.post(feedback, {"held_on": "2027-01-05", "strengths": "clear talk",
                              "development": "x", "actions": "course"})  # fmt: skip
    read = world.client("servant").get(feedback).content.decode()
    assert "clear talk" in read and "course" in read


def _queries(client, url, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("extra", [0, 25])
def test_page_query_counts_do_not_grow(
    extra, body2023, today, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    world = body2023
    _grow(world, extra)
    hr = world.users["hrofficer"]
    campaign = services.campaign_create(actor=hr, body=world.body, year=2026)
    services.campaign_propose(actor=hr, campaign_id=campaign.pk, revision=campaign.revision)
    campaign.refresh_from_db()
    from .conftest import fill_short

    fill_short(world, campaign)
    campaign.refresh_from_db()
    services.campaign_transition(
        actor=hr, campaign_id=campaign.pk, action="open", revision=campaign.revision
    )
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    invitation = Invitation.objects.get(subject=subject, respondent=world.head_a)
    _queries(world.client("hrofficer"), reverse("surveys:campaign", args=[campaign.pk]),
             django_assert_max_num_queries, 16)  # fmt: skip
    _queries(world.client("heada"), reverse("surveys:inbox"), django_assert_max_num_queries, 12)
    _queries(world.client("heada"), reverse("surveys:survey", args=[invitation.pk]),
             django_assert_max_num_queries, 14)  # fmt: skip
    answer_all(world, subject, {})
    campaign = Campaign.objects.get(pk=campaign.pk)
    services.campaign_transition(
        actor=hr, campaign_id=campaign.pk, action="close", revision=campaign.revision
    )
    for url in (reverse("surveys:report", args=[subject.pk]),
                reverse("surveys:feedback", args=[subject.pk])):  # fmt: skip
        # 20 for the page, and the report's print links ask the report's access rule.
        _queries(world.client("servant"), url, django_assert_max_num_queries, 24)
    _queries(world.client("hrhead"), reverse("surveys:topics", args=[campaign.pk]),
             django_assert_max_num_queries, 14)  # fmt: skip
    page = _queries(world.client("hrhead"), reverse("surveys:campaign", args=[campaign.pk]),
                    django_assert_max_num_queries, 17)  # fmt: skip
    # The head of HR produces the individual reports (002 p37): each is a link.
    assert reverse("surveys:report", args=[subject.pk]) in page.content.decode()
