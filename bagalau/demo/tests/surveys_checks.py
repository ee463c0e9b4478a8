"""The demo's 360 campaign (issue 15): four respondents answered, the person has a report."""

from __future__ import annotations

import re

import pytest

from bagalau.demo.tests.shared import at, signed_in
from bagalau.surveys.models import Answered, Campaign, Subject

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"


def test_the_previous_years_campaign_is_closed_with_the_servants_report(demo):
    campaign = Campaign.objects.get(year=2025)
    assert campaign.state == "closed"
    subject = Subject.objects.get(campaign=campaign, servant__user__username="servant")
    others = Answered.objects.filter(subject=subject).exclude(respondent=subject.servant)
    assert others.count() >= 4
    assert Answered.objects.filter(subject=subject, respondent=subject.servant).exists()
    with at(demo):
        for who in ("servant", "head", "hrhead"):
            page = signed_in(who).get(f"/surveys/reports/{subject.pk}/")
            assert page.status_code == 200, who
            assert 'class="row-score">' in page.content.decode()
        assert signed_in("hr").get(f"/surveys/reports/{subject.pk}/").status_code == 404
        topics = signed_in("hr").get(f"/surveys/{campaign.pk}/topics/").content.decode()
        assert 'id="topics"' in topics and "<td>" in topics


def test_this_years_campaign_waits_in_the_respondents_inbox(demo):
    campaign = Campaign.objects.get(year=2026)
    assert campaign.state == "open"
    with at(demo):
        inbox = signed_in("servant2").get("/my/surveys/").content.decode()
    assert re.search(r'href="/my/surveys/\d+/"', inbox)
