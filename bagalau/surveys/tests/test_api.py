"""/api/v1/competencies/360: the same rules as the pages; bad input is a 400 naming the field."""

from __future__ import annotations

import pytest
from django.test import Client

from bagalau.surveys import services
from bagalau.surveys.models import Invitation, Subject

pytestmark = pytest.mark.django_db

API = "/api/v1/competencies/360"


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_hr_runs_a_campaign_through_the_api(body2023, today):
    world = body2023
    hr = world.client("hrofficer")
    created = _post(hr, f"{API}/campaigns", {"body": world.body.pk, "year": 2026})
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert campaign["due_date"] == "2027-01-10" and campaign["actions"] == [
        "propose", "change_respondents", "open"
    ]  # fmt: skip
    proposed = _post(
        hr, f"{API}/campaigns/{campaign['id']}/proposal", {"revision": campaign["revision"]}
    ).json()
    assert len(proposed["subjects"]) == 8
    short = [s for s in proposed["subjects"] if s["short"]]
    refused = _post(
        hr, f"{API}/campaigns/{campaign['id']}/transitions",
        {"action": "open", "revision": proposed["revision"]},
    )  # fmt: skip
    assert refused.status_code == 400 and refused.json()["code"] == "too_few_respondents"
    subject = short[0]
    added = _post(
        hr, f"{API}/campaigns/{campaign['id']}/respondents",
        {"subject": subject["id"], "respondent": world.first_head.pk, "reason": "project",
         "revision": proposed["revision"]},
    )  # fmt: skip
    assert added.status_code == 200, added.content
    stale = _post(
        hr, f"{API}/campaigns/{campaign['id']}/respondents",
        {"subject": subject["id"], "respondent": world.head_b.pk, "reason": "project",
         "revision": proposed["revision"]},
    )  # fmt: skip
    assert stale.status_code == 409
    listed = hr.get(f"{API}/campaigns", {"body": world.body.pk}).json()
    assert [c["year"] for c in listed] == [2026]


def test_strangers_get_404_and_bad_input_400(body2023, today):
    world = body2023
    assert (
        world.client("servant").get(f"{API}/campaigns", {"body": world.body.pk}).status_code == 404
    )
    assert world.client("admin").get(f"{API}/campaigns", {"body": world.body.pk}).status_code == 404
    assert (
        world.client("otherhr").get(f"{API}/campaigns", {"body": world.body.pk}).status_code == 404
    )
    hr = world.client("hrofficer")
    bad = _post(hr, f"{API}/campaigns", {"body": world.body.pk, "year": 99999})
    assert bad.status_code == 400 and bad.json()["field"] == "year"
    late = _post(
        hr, f"{API}/campaigns", {"body": world.body.pk, "year": 2026, "due_date": "2027-01-11"}
    )
    assert late.status_code == 400 and late.json()["field"] == "due_date"
    huge = _post(hr, f"{API}/campaigns", {"body": 2**64, "year": 2026})
    assert huge.status_code == 400
    nul = _post(hr, f"{API}/campaigns/1/respondents/1/removal", {"reason": "a\x00b", "revision": 0})
    assert nul.status_code == 400
    assert hr.get(f"{API}/campaigns/{2**63 - 1}").status_code == 404
    assert Client().get(f"{API}/surveys/pending").status_code == 401


def test_a_respondent_answers_once_through_the_api(campaign, body2023):
    world = body2023
    client = world.client("colleague")
    pending = client.get(f"{API}/surveys/pending").json()
    mine = next(p for p in pending if p["subject"] == world.servant.full_name)
    survey = client.get(f"{API}/surveys/{mine['id']}").json()
    assert survey["default_questionnaire"] is True
    assert [p["value"] for p in survey["scale"]] == [1, 2, 3, 4, 5]
    assert len(survey["competencies"]) == 8  # 002 p35
    items = [i["id"] for c in survey["competencies"] for i in c["items"]]
    missing = _post(client, f"{API}/surveys/{mine['id']}/answers",
                    {"answers": [{"item": i, "value": 4} for i in items[1:]]})  # fmt: skip
    assert missing.status_code == 400 and missing.json()["field"] == f"item-{items[0]}"
    out = _post(client, f"{API}/surveys/{mine['id']}/answers",
                {"answers": [{"item": i, "value": 4} for i in items],
                 "comments": [{"competency": survey["competencies"][0]["id"], "text": "ok"}]})  # fmt: skip
    assert out.status_code == 200, out.content
    assert out.json()["answered"] is True
    again = _post(client, f"{API}/surveys/{mine['id']}/answers",
                  {"answers": [{"item": i, "value": 4} for i in items]})  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "answered"
    other = Invitation.objects.exclude(respondent=world.colleague_a).first()
    assert client.get(f"{API}/surveys/{other.pk}").status_code == 404


def test_the_report_through_the_api(campaign, body2023):
    world = body2023
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    items = services.questionnaire_of(subject)
    for invitation in subject.invitations.select_related("respondent__user"):
        value = 1 if invitation.relation == "self" else 4
        services.survey_submit(
            actor=invitation.respondent.user, invitation_id=invitation.pk,
            values={i.pk: value for i in items},
        )  # fmt: skip
    hr = world.client("hrofficer")
    assert world.client("servant").get(f"{API}/reports/{subject.pk}").status_code == 409
    state = hr.get(f"{API}/campaigns/{campaign.pk}").json()
    _post(hr, f"{API}/campaigns/{campaign.pk}/transitions",
          {"action": "close", "revision": state["revision"]})  # fmt: skip
    report = world.client("servant").get(f"{API}/reports/{subject.pk}").json()
    assert report["lines"][0]["score"] == "4.00" and report["lines"][0]["self_score"] == "1.00"
    assert world.client("hrofficer").get(f"{API}/reports/{subject.pk}").status_code == 404
    assert world.client("hrhead").get(f"{API}/reports/{subject.pk}").status_code == 200
