"""/api/v1/evaluations: the same rules as the pages, as JSON."""

import json

import pytest
import time_machine

from bagalau.evaluations.models import Schedule, Task

pytestmark = pytest.mark.django_db
FULL = {"quality": "4", "deadlines": "4.5", "initiative": 3.75, "discipline": "5"}


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def put(client, url, data):
    return client.put(url, json.dumps(data), content_type="application/json")


def approved(w):
    response = post(
        w.client("hrofficer"),
        f"/api/v1/evaluations/bodies/{w.body.pk}/schedules",
        {"year": 2026, "quarter": 1},
    )
    assert response.status_code == 201, response.content
    schedule_id = response.json()["id"]
    assert (
        post(
            w.client("hrofficer"), f"/api/v1/evaluations/schedules/{schedule_id}/approve"
        ).status_code
        == 403
    )
    response = post(w.client("authorized"), f"/api/v1/evaluations/schedules/{schedule_id}/approve")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    return Schedule.objects.get(pk=schedule_id)


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_the_flow_through_the_api(body2023):
    w = body2023
    schedule = approved(w)
    head = w.client("heada")
    mine = head.get("/api/v1/evaluations/tasks").json()
    task_id = next(t["id"] for t in mine["items"] if t["servant_id"] == w.servant.pk)
    sheet = head.get(f"/api/v1/evaluations/tasks/{task_id}").json()
    assert [line["code"] for line in sheet["lines"]] == [
        "quality",
        "deadlines",
        "initiative",
        "discipline",
    ]
    draft = put(
        head,
        f"/api/v1/evaluations/tasks/{task_id}/sheet",
        {"revision": sheet["revision"], "scores": {"quality": "4"}},
    )
    assert draft.status_code == 200 and draft.json()["state"] == "draft"
    stale = put(
        head,
        f"/api/v1/evaluations/tasks/{task_id}/sheet",
        {"revision": sheet["revision"], "scores": {"quality": "1"}},
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    current = draft.json()["revision"]
    unnamed = post(head, f"/api/v1/evaluations/tasks/{task_id}/submit", {"scores": FULL})
    assert unnamed.status_code == 400  # a write names the revision it read (issue 11 item 10)
    bad = post(
        head,
        f"/api/v1/evaluations/tasks/{task_id}/submit",
        {"revision": current, "scores": {**FULL, "quality": "9"}},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "score_quality"
    done = post(
        head, f"/api/v1/evaluations/tasks/{task_id}/submit", {"revision": current, "scores": FULL}
    )
    assert done.status_code == 200 and done.json()["score"] == "4.31"
    again = post(
        head,
        f"/api/v1/evaluations/tasks/{task_id}/submit",
        {"revision": done.json()["revision"], "scores": FULL},
    )
    assert again.status_code == 409
    results = w.client("servant").get("/api/v1/evaluations/results").json()["items"]
    assert results[0]["band"] == "effective"
    ack = post(w.client("servant"), f"/api/v1/evaluations/results/{results[0]['id']}/acknowledge")
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    assert schedule.tasks.get(pk=task_id).state == "acquainted"


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_refusal_and_reopen_through_the_api(body2023):
    w = body2023
    approved(w)
    task = Task.objects.get(servant=w.servant, kind="differentiation")
    post(
        w.client("heada"),
        f"/api/v1/evaluations/tasks/{task.pk}/submit",
        {"revision": task.revision, "scores": FULL},
    )
    hr = w.client("hrofficer")
    revision = Task.objects.get(pk=task.pk).revision
    short = post(
        hr,
        f"/api/v1/evaluations/tasks/{task.pk}/record_refusal",
        {"revision": revision, "act": {"date": "2026-04-08", "signers": ["A"]}},
    )
    assert short.status_code == 400
    ok = post(
        hr,
        f"/api/v1/evaluations/tasks/{task.pk}/record_refusal",
        {"revision": revision, "act": {"date": "2026-04-08", "signers": ["A", "B", "C"]}},
    )
    assert ok.status_code == 200 and ok.json()["state"] == "acquainted"
    # HR runs the process without the content (002 p21).
    assert ok.json()["readable"] is False and ok.json()["lines"] == []
    assert ok.json()["score"] is None
    revision = ok.json()["revision"]
    no_reason = post(hr, f"/api/v1/evaluations/tasks/{task.pk}/reopen", {"revision": revision})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    reopened = post(
        hr, f"/api/v1/evaluations/tasks/{task.pk}/reopen", {"revision": revision, "reason": "Қате"}
    )
    assert reopened.json()["state"] == "draft"


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_outsiders_on_every_endpoint(body2023):
    w = body2023
    schedule = approved(w)
    task = Task.objects.get(servant=w.servant, kind="differentiation")
    post(
        w.client("heada"),
        f"/api/v1/evaluations/tasks/{task.pk}/submit",
        {"revision": task.revision, "scores": FULL},
    )
    result_id = task.result.pk
    reads = [
        f"/api/v1/evaluations/tasks/{task.pk}",
        f"/api/v1/evaluations/results/{result_id}",
        f"/api/v1/evaluations/schedules/{schedule.pk}",
        f"/api/v1/evaluations/schedules/{schedule.pk}/tasks",
        f"/api/v1/evaluations/bodies/{w.body.pk}/schedules",
    ]
    for url in reads:
        assert w.client("otherhr").get(url).status_code == 404, url
        assert w.client("anonymous").get(url).status_code == 401, url
    for who in ("colleague", "headb", "authorized"):
        assert w.client(who).get(reads[0]).status_code == 404, who
        assert w.client(who).get(reads[1]).status_code == 404, who
        assert (
            post(w.client(who), f"/api/v1/evaluations/results/{result_id}/acknowledge").status_code
            == 404
        )
    assert w.client("colleague").get(reads[3]).status_code == 403
    assert (
        put(
            w.client("otherhr"),
            f"/api/v1/evaluations/tasks/{task.pk}/sheet",
            {"revision": 0, "scores": {}},
        ).status_code
        == 404
    )
    # The results list is only ever the caller's own.
    assert w.client("colleague").get("/api/v1/evaluations/results").json()["count"] == 0


def test_the_api_is_documented_under_the_evaluations_tag(db):
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    tagged = [
        p
        for p, ops in schema["paths"].items()
        if any("evaluations" in op.get("tags", []) for op in ops.values())
    ]
    assert "/api/v1/evaluations/tasks/{task_id}/submit" in tagged
    assert len(tagged) >= 10
