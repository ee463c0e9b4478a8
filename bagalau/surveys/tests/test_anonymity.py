"""Anonymity of the 360 survey: nobody can tie an answer to a respondent (issue 15; 002 p34).

Three colleagues and the person answer; the campaign closes. Then the evaluated person,
their evaluator, an HR officer, the head of HR and a superuser each fetch every page and
API response of the campaign and the report, and the test searches every body — and the
notification outbox and the audit rows — for the respondents' names, IINs, usernames and
ids. HR's campaign page names who has answered (that is its job) and is searched for what
they answered instead: the comments and the scores.

A mutation check: adding a respondent's name to the report template makes
`test_no_response_ties_an_answer_to_a_respondent` fail (see the report of issue 15).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bagalau.core.models import AuditEvent
from bagalau.notifications.models import Notification
from bagalau.surveys import services
from bagalau.surveys.models import Campaign, Invitation, Subject

pytestmark = pytest.mark.django_db

VIEWERS = ("servant", "heada", "hrofficer", "hrhead", "admin")
API = "/api/v1/competencies/360"


def _mark(world: Any) -> None:
    """Give every servant a name that cannot occur by chance in a page."""
    for servant in Subject._meta.get_field("servant").related_model.objects.filter(body=world.body):
        tag = f"Q{servant.pk}Z"
        servant.last_name_kk = f"Жасыратын{tag}"
        servant.first_name_kk = f"Есім{tag}"
        servant.last_name_ru = f"Скрытов{tag}"
        servant.first_name_ru = f"Имярек{tag}"
        servant.save()
    for key, user in world.users.items():
        user.username = f"login{user.pk}x{key}"
        user.first_name = f"Given{user.pk}x"
        user.save()


@pytest.fixture
def closed(campaign, body2023, django_capture_on_commit_callbacks):
    """The servant's 360: three others and the servant answer, with comments; then closed."""
    world = body2023
    _mark(world)
    subject = Subject.objects.get(campaign=campaign, servant=world.servant)
    items = services.questionnaire_of(subject)
    invitations = list(Invitation.objects.filter(subject=subject).select_related("respondent"))
    comments: list[str] = []
    values: list[int] = []
    for n, invitation in enumerate(invitations):
        text = f"comment-text-{n}-plain"
        comments.append(text)
        value = 2 + n % 3
        values.append(value)
        services.survey_submit(
            actor=invitation.respondent.user, invitation_id=invitation.pk,
            values={i.pk: value for i in items}, comments={items[0].competency_id: text},
        )  # fmt: skip
    campaign = Campaign.objects.get(pk=campaign.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_transition(
            actor=world.users["hrofficer"], campaign_id=campaign.pk, action="close",
            revision=campaign.revision,
        )  # fmt: skip
    respondents = [i.respondent for i in invitations if i.respondent_id != world.servant.pk]
    assert len(respondents) >= 3
    return {
        "world": world, "campaign": campaign, "subject": subject, "respondents": respondents,
        "comments": comments, "invitations": invitations,
    }  # fmt: skip


def _secrets(respondents: list[Any]) -> list[str]:
    """What identifies a respondent: each name part, the IIN, the username, the user's name."""
    out: list[str] = []
    for s in respondents:
        out += [s.last_name_kk, s.first_name_kk, s.last_name_ru, s.first_name_ru, s.iin,
                s.full_name, s.user.username]  # fmt: skip
        if s.user.first_name:
            out.append(s.user.first_name)
    return [x for x in out if x]


def _ids(respondents: list[Any]) -> set[int]:
    return {s.pk for s in respondents} | {s.user_id for s in respondents}


def _main(html: str) -> str:
    """The page without the top menu (which names the viewer, not a respondent)."""
    return html.split("<main ", 1)[-1]


def _found(text: str, secrets: list[str]) -> list[str]:
    lowered = text.casefold()
    return [s for s in secrets if re.search(rf"(?<!\w){re.escape(s.casefold())}(?!\w)", lowered)]


def _json_ids(value: Any, ids: set[int], path: str = "") -> list[str]:
    """Paths of JSON values under an *id key (or a respondent/author/user key) that are a
    respondent's servant or user id."""
    hits: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}"
            keyish = key.endswith("id") or key in ("respondent", "author", "user", "by")
            if keyish and isinstance(item, int) and not isinstance(item, bool) and item in ids:
                hits.append(sub)
            if any(w in key for w in ("respondent", "author", "user")):
                hits.append(f"{sub} (key)")
            hits += _json_ids(item, ids, sub)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            hits += _json_ids(item, ids, f"{path}[{n}]")
    return hits


def _report_urls(subject: Subject) -> list[str]:
    """The report and the feedback page: the responses that carry the answers."""
    return [
        reverse("surveys:report", args=[subject.pk]),
        reverse("surveys:feedback", args=[subject.pk]),
    ]


def test_no_response_ties_an_answer_to_a_respondent(closed):
    world, subject = closed["world"], closed["subject"]
    secrets = _secrets(closed["respondents"])
    ids = _ids(closed["respondents"]) - {subject.pk, subject.campaign_id}
    seen_report = 0
    for who in VIEWERS:
        client = world.client(who)
        for url in _report_urls(subject):
            response = client.get(url)
            assert response.status_code in (200, 404), (who, url, response.status_code)
            body = _main(response.content.decode())
            assert _found(body, secrets) == [], (who, url)
            if url == _report_urls(subject)[0] and response.status_code == 200:
                seen_report += 1
                assert "comment-text-" in body  # the comments are there, without author
        api = client.get(f"{API}/reports/{subject.pk}")
        assert api.status_code in (200, 404), (who, api.status_code)
        text = api.content.decode()
        assert _found(text, secrets) == [], who
        if api.status_code == 200:
            assert _json_ids(api.json(), ids) == [], who
        topics = client.get(f"{API}/campaigns/{closed['campaign'].pk}/training-topics")
        assert _found(topics.content.decode(), secrets) == [], who
        # The inbox and the pending list name colleagues (surveys to answer, reports one
        # reads as their evaluator): never with an answer, a comment or a score.
        for url in (reverse("surveys:inbox"), f"{API}/surveys/pending"):
            text = client.get(url).content.decode()
            assert "comment-text-" not in text and "score" not in text, (who, url)
    assert seen_report == 3  # the person, the evaluator, the head of HR


def test_the_report_is_hidden_from_hr_officers_and_superusers(closed):
    world, subject = closed["world"], closed["subject"]
    for who in ("hrofficer", "admin", "colleague", "otherhr"):
        client = world.client(who)
        assert client.get(reverse("surveys:report", args=[subject.pk])).status_code == 404
        assert client.get(f"{API}/reports/{subject.pk}").status_code == 404
    admin = world.client("admin")
    for model in ("answer", "comment", "answered"):
        assert admin.get(f"/admin/surveys/{model}/").status_code == 404


def test_a_respondents_own_survey_page_shows_no_answers_after_sending(closed):
    for invitation in closed["invitations"]:
        client = Client()
        client.force_login(invitation.respondent.user)
        page = client.get(reverse("surveys:survey", args=[invitation.pk])).content.decode()
        assert not any(c in page for c in closed["comments"])
        api = client.get(f"{API}/surveys/{invitation.pk}").json()
        assert api["answered"] is True
        assert not any(c in json.dumps(api) for c in closed["comments"])


def test_hr_sees_who_answered_never_what(closed):
    world, campaign = closed["world"], closed["campaign"]
    for who in ("hrofficer", "hrhead"):
        client = world.client(who)
        page = _main(client.get(reverse("surveys:campaign", args=[campaign.pk])).content.decode())
        api = client.get(f"{API}/campaigns/{campaign.pk}").content.decode()
        for body in (page, api):
            assert not any(c in body for c in closed["comments"])
            assert "comment-text" not in body and "self_score" not in body and "score" not in body
        # who answered is there
        assert closed["respondents"][0].full_name in page


def test_the_outbox_and_the_audit_trail_name_no_respondent(closed):
    world = closed["world"]
    secrets = _secrets(closed["respondents"])
    rows = list(Notification.objects.all())
    assert rows  # invitations, the report-ready notices
    by_subject = {
        str(s.pk): set(_secrets([s.servant]))
        for s in Subject.objects.filter(campaign=closed["campaign"]).select_related("servant__user")
    }
    for row in rows:
        text = f"{row.subject}\n{row.text}\n{row.url}\n{row.dedupe_key}"
        named = set(_found(text, secrets))
        if row.kind == "survey.report_ready":
            # "The report of X is ready", to X or X's evaluator: X's own report.
            named -= by_subject[row.object_id]
        assert named == set(), row.kind
        assert not any(c in text for c in closed["comments"])
    hr_users = {world.users["hrofficer"].pk, world.users["hrhead"].pk}
    respondent_users = {s.user_id for s in closed["respondents"]}
    for event in AuditEvent.objects.filter(body=world.body):
        blob = json.dumps(event.data, ensure_ascii=False, default=str)
        assert _found(blob, secrets) == [], event.action
        assert not any(c in blob for c in closed["comments"]), event.action
        assert not {"answers", "values", "value", "score", "comment"} & set(event.data)
        if event.action.startswith("survey."):
            # Only HR's acts: nobody's answer left a row (none carries a respondent as actor).
            assert event.actor_id in hr_users, event.action
            assert event.actor_id not in respondent_users - hr_users
    assert not AuditEvent.objects.filter(object_type__startswith="surveys.answer").exists()
    # The respondent ids appear only in HR's respondent changes (not tied to any answer).
    for event in AuditEvent.objects.filter(body=world.body).exclude(
        action__in=["survey.respondent_added", "survey.respondent_removed"]
    ):
        assert "respondent" not in event.data
