"""/api/v1/decisions/calibration (tag `decisions`): the same rules as the services."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db
URL = "/api/v1/decisions/calibration"
ALMATY = ZoneInfo("Asia/Almaty")


def at(day: date) -> time_machine.travel:
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 11, tzinfo=ALMATY), tick=False
    )


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_api_runs_a_case_and_hides_scores_from_those_who_do_not_know_them(calibrated):
    s = calibrated
    servant = client_of(s.applicant)
    with at(date(2026, 7, 10)):
        late = send(servant, URL, {"result": s.result.pk, "text": "x"})
    assert late.status_code == 400 and "2026-07-09" in late.json()["message"]  # 002 p13
    with at(date(2026, 7, 9)):
        made = send(servant, URL, {"result": s.result.pk, "text": "Underrated."})
        assert made.status_code == 201, made.content
        case = made.json()
        assert case["score_before"] == "4.13" and case["decide_due"] == "2026-07-14"
        authorized = client_of(s.w.users["authorized"])
        seen = authorized.get(f"{URL}/{case['id']}").json()
        assert seen["score_before"] is None and seen["actions"] == ["accept", "decline"]
        accepted = send(authorized, f"{URL}/{case['id']}/transitions", {
            "action": "accept", "revision": seen["revision"], "session_date": "2026-07-15",
            "participants": [u.pk for u in s.participants],
        })  # fmt: skip
        assert accepted.status_code == 200, accepted.content
    with at(date(2026, 7, 15)):
        for user, score in zip(s.participants, ("3.00", "3.00", None), strict=True):
            body = {"support": score is None, "score": score, "arguments": "Missed."}
            assert send(client_of(user), f"{URL}/{case['id']}/votes", body).status_code == 200
        hr = client_of(s.w.users["hrofficer"])
        rev = hr.get(f"{URL}/{case['id']}").json()["revision"]
        held = send(hr, f"{URL}/{case['id']}/transitions", {"action": "hold", "revision": rev})
        assert held.status_code == 200 and held.json()["final_score"] is None  # HR officer
        decided = send(hr, f"{URL}/{case['id']}/transitions",
                       {"action": "decide", "revision": held.json()["revision"]})  # fmt: skip
        assert decided.json()["state"] == "decided"
    assert servant.get(f"{URL}/{case['id']}").json()["final_score"] == "3.00"
    assert client_of(s.w.users["servantb"]).get(f"{URL}/{case['id']}").status_code == 404
    assert client_of(s.participants[0]).get(f"{URL}/{case['id']}").status_code == 404


def test_the_api_bounds_its_inputs(calibrated):
    s = calibrated
    servant = client_of(s.applicant)
    assert send(servant, URL, {"result": 2**70, "text": "x"}).status_code == 400
    assert send(servant, URL, {"result": 1, "text": "x" * 9000}).status_code == 400
    assert servant.get(f"{URL}/{2**70}").status_code in (400, 404)
