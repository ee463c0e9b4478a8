"""/api/v1/decisions/commission: the commission as JSON, the same rules as the services."""

from __future__ import annotations

import json

from django.test import Client

from bagalau.core.models import AuditEvent

from .conftest import at

BASE = "/api/v1/decisions/commission"


def call(user, method, url, data=None):
    c = Client()
    c.force_login(user)
    if method == "get":
        return c.get(url, data or {})
    return c.post(url, json.dumps(data or {}), content_type="application/json")


def test_the_commission_through_the_api(commission):
    c = commission
    w = c.w
    order = {"body": w.body.pk, "order_number": "7", "order_date": "2026-11-02",
             "chair": c.chair.pk, "members": [m.pk for m in c.members[:3]],
             "secretary": c.secretary.pk}  # fmt: skip
    refused = call(w.users["authorized"], "post", f"{BASE}/compositions", order)
    assert refused.status_code == 400 and refused.json()["code"] == "too_few_members"  # 001 p5
    order["members"] = [m.pk for m in c.members]
    formed = call(w.users["authorized"], "post", f"{BASE}/compositions", order)
    assert formed.status_code == 200 and len(formed.json()["seats"]) == 7
    with at("2026-12-10 10:00"):
        made = call(w.users["hrofficer"], "post", f"{BASE}/meetings",
                    {"body": w.body.pk, "year": 2026, "date": "2026-12-21"})  # fmt: skip
        assert made.status_code == 200, made.content
        meeting = made.json()
        url = f"{BASE}/meetings/{meeting['id']}"
        assert len(meeting["cases"]) == 4 and meeting["actions"] == ["edit"]
        # The secretary (an HR officer here) serves on the commission: reads the agenda.
        assert all(case["result"] is not None for case in meeting["cases"])
        early = call(c.chair, "post", f"{url}/transitions", {"action": "consent", "revision": 0})
        assert early.status_code == 400 and early.json()["code"] == "too_early"  # 001 p29
        call(w.users["hrofficer"], "post", f"{url}/transitions",
             {"action": "edit", "revision": 0, "date": "2026-12-22"})  # fmt: skip
        ok = call(c.chair, "post", f"{url}/transitions", {"action": "consent", "revision": 1})
        assert ok.status_code == 200 and ok.json()["state"] == "scheduled"
        # The chair reads the results on the agenda; an evaluator of the body reads only
        # the ones he evaluated.
        assert all(case["result"] is not None for case in ok.json()["cases"])
    with at("2026-12-22 10:00"):
        present = [u.pk for u in c.voting[:3]] + [c.secretary.pk]
        held = call(w.users["hrofficer"], "post", f"{url}/transitions",
                    {"action": "hold", "revision": 2, "present": present})  # fmt: skip
        assert held.json()["quorum"] is False  # 3 of 6 (001 p30)
        case = held.json()["cases"][0]["id"]
        no_quorum = call(c.chair, "post", f"{url}/votes", {"case": case, "choice": "approve"})
        assert no_quorum.status_code == 400 and no_quorum.json()["code"] == "no_quorum"
        call(w.users["hrofficer"], "post", f"{url}/transitions",
             {"action": "attendance", "revision": 3, "present": [*present, c.members[2].pk]})  # fmt: skip
        bare = call(c.chair, "post", f"{url}/votes", {"case": case, "choice": "revise"})
        assert bare.status_code == 400 and bare.json()["code"] == "corrected_required"
        voted = call(c.chair, "post", f"{url}/votes",
                     {"case": case, "choice": "revise", "corrected": "3"})  # fmt: skip
        assert voted.status_code == 200
        secretary = call(c.secretary, "post", f"{url}/votes", {"case": case, "choice": "approve"})
        assert secretary.status_code == 403  # 001 p34
    assert AuditEvent.objects.filter(action="commission.vote", actor=c.chair).count() == 1
    for who in ("colleague", "otherhr", "admin"):
        assert call(w.users[who], "get", url).status_code == 404
        assert call(w.users[who], "get", f"{BASE}/meetings", {"body": w.body.pk}).status_code == 404
