"""The commission's pages: every step by clicking, 404 for everyone else, bounded queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from bagalau.commission.models import Decision, Meeting, MeetingState

from .conftest import at, form


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(user, meeting, data):
    meeting.refresh_from_db()
    return client(user).post(
        reverse("commission:meeting", args=[meeting.pk]), {"revision": meeting.revision, **data}
    )


def test_a_meeting_by_clicking_from_the_order_to_the_approved_protocol(commission):
    c = commission
    w = c.w
    home = reverse("commission:home", args=[w.body.pk])
    # The authorized person forms the commission: four voting members are refused (001 p5).
    data = {"action": "form", "order_number": "12-к", "order_date": "2026-11-02",
            "chair": c.chair.pk, "members": [m.pk for m in c.members[:3]],
            "secretary": c.secretary.pk}  # fmt: skip
    page = client(w.users["authorized"]).post(home, data)
    assert page.status_code == 200 and b"commission-error" in page.content
    data["members"] = [m.pk for m in c.members]
    assert client(w.users["authorized"]).post(home, data).status_code == 302
    # HR draws up the meeting; the chair consents.
    with at("2026-12-10 10:00"):
        page = client(w.users["hrofficer"]).post(
            home, {"action": "create_meeting", "year": "2026", "date": "2026-12-21", "place": "Зал"}
        )
    assert page.status_code == 302
    meeting = Meeting.objects.get()
    with at("2026-12-10 11:00"):
        page = post(c.chair, meeting, {"action": "consent"})
        assert page.status_code == 200 and b"2026-12-22" in page.content  # 001 p29
        post(
            w.users["hrofficer"], meeting, {"action": "edit", "date": "2026-12-22", "place": "Зал"}
        )
        assert post(c.chair, meeting, {"action": "consent"}).status_code == 302
        home_page = client(c.members[0]).get(reverse("home"))
    assert b"commission-card" in home_page.content
    with at("2026-12-22 10:00"):
        present = [u.pk for u in c.voting] + [c.secretary.pk]
        assert (
            post(w.users["hrofficer"], meeting, {"action": "hold", "present": present}).status_code
            == 302
        )
        cases = list(meeting.cases.order_by("order"))
        for i, who in enumerate(c.voting):
            for case in cases:
                choice = (
                    {"choice": "revise", "corrected": "3"}
                    if (case == cases[0] and i < 3)
                    else {"choice": "approve"}
                )
                assert (
                    post(who, meeting, {"action": "vote", "case": case.pk, **choice}).status_code
                    == 302
                )
        # The secretary cannot vote (001 p34): 403.
        assert post(c.secretary, meeting, {"action": "vote", "case": cases[0].pk,
                                           "choice": "approve"}).status_code == 403  # fmt: skip
        assert post(w.users["hrofficer"], meeting, {"action": "close"}).status_code == 302
    decision = Decision.objects.get(case=cases[0])
    assert decision.tie_broken and decision.choice == "revise"  # 3-3, the chair revised (001 p33)
    with at("2026-12-23 10:00"):
        assert post(w.users["authorized"], meeting, {"action": "approve"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.APPROVED
    protocol = client(c.chair).get(reverse("commission:protocol", args=[meeting.pk]))
    assert protocol.status_code == 200
    text = protocol.content.decode()
    assert 'id="protocol"' in text and 'id="signatures"' in text
    assert c.w.servant.full_name in text


@pytest.mark.parametrize("who", ["colleague", "servantb", "otherhr", "admin", "heada"])
def test_everyone_outside_the_commission_gets_404(commission, who):
    c = commission
    composition = form(c)
    meeting = Meeting.objects.create(
        body=c.w.body, composition=composition, year=2026, date=date(2026, 12, 22)
    )
    user = c.w.users[who]
    for url in (reverse("commission:meeting", args=[meeting.pk]),
                reverse("commission:protocol", args=[meeting.pk]),
                reverse("commission:home", args=[c.w.body.pk])):  # fmt: skip
        assert client(user).get(url).status_code == 404
    assert client(user).post(reverse("commission:meeting", args=[meeting.pk]),
                             {"action": "consent", "revision": 0}).status_code == 404  # fmt: skip


def test_a_member_sees_the_agenda_sheet_while_serving_and_not_after(commission):
    from bagalau.commission import services

    c = commission
    first = form(c)
    with at("2026-12-10 10:00"):
        services.meeting_create(actor=c.w.users["hrofficer"], body_id=c.w.body.pk, year=2026,
                                day=date(2026, 12, 22))  # fmt: skip
    sheet = reverse("evaluations:sheet", args=[c.tasks[0].pk])
    leaving = c.members[0]
    assert client(leaving).get(sheet).status_code == 200
    services.composition_amend(
        actor=c.w.users["authorized"], composition_id=first.pk, order_number="12-к/1",
        order_date=date(2026, 12, 1), chair_id=c.chair.pk,
        member_ids=[c.w.users["headb"].pk, *(m.pk for m in c.members[1:])],
        secretary_id=c.secretary.pk,
    )  # fmt: skip
    assert client(leaving).get(sheet).status_code == 404
    assert client(c.w.users["colleague"]).get(sheet).status_code == 404


def test_the_meeting_page_runs_a_bounded_number_of_queries(
    commission, django_assert_max_num_queries
):
    from bagalau.commission import services

    c = commission
    form(c)
    with at("2026-12-10 10:00"):
        meeting = services.meeting_create(actor=c.w.users["hrofficer"], body_id=c.w.body.pk,
                                          year=2026, day=date(2026, 12, 22))  # fmt: skip
    url = reverse("commission:meeting", args=[meeting.pk])
    chair = client(c.chair)
    chair.get(url)
    # 25 for the page, and its print links ask the protocol's own access rule (issue 17).
    with django_assert_max_num_queries(30) as few:
        page = chair.get(url)
    assert page.status_code == 200 and page.content.count(b'id="case-') == 4
    # Twice the agenda, the same number of queries.
    from .conftest import _sheet

    schedule = c.tasks[0].schedule
    for servant in (c.w.servant_b, c.w.head_b):
        _sheet(c.w, schedule, servant, "kpi_annual", 4, 5)
        _sheet(c.w, schedule, servant, "competency", 8, 11)
    meeting.refresh_from_db()
    services.meeting_transition(actor=c.w.users["hrofficer"], meeting_id=meeting.pk,
                                action="edit", revision=meeting.revision)  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = chair.get(url)
    assert page.content.count(b'id="case-') == 8


def test_hr_records_an_appeal_and_its_outcome_on_the_meeting_page(commission):
    # 001 p42-43: filed within 10 working days (a later one flagged); the outcome; a court case.
    from bagalau.commission import services
    from bagalau.commission.models import Appeal

    c = commission
    form(c)
    with at("2026-12-10 10:00"):
        meeting = services.meeting_create(actor=c.w.users["hrofficer"], body_id=c.w.body.pk,
                                          year=2026, day=date(2026, 12, 22))  # fmt: skip
    with at("2026-12-10 11:00"):
        assert post(c.chair, meeting, {"action": "consent"}).status_code == 302
    with at("2026-12-22 10:00"):
        present = [u.pk for u in c.voting] + [c.secretary.pk]
        post(c.secretary, meeting, {"action": "hold", "present": present})
        for case in meeting.cases.all():
            for who in c.voting:
                post(who, meeting, {"action": "vote", "case": case.pk, "choice": "approve"})
        post(c.secretary, meeting, {"action": "close"})
        post(c.w.users["authorized"], meeting, {"action": "approve"})
    case = meeting.cases.order_by("order").first()
    hr = c.w.users["hrofficer"]
    with at("2027-01-20 10:00"):
        page = post(
            hr, meeting, {"action": "appeal_file", "case": case.pk, "filed_on": "2027-01-20"}
        )
        assert page.status_code == 302
        appeal = Appeal.objects.get()
        assert appeal.late and appeal.due == date(2027, 1, 8)
        page = client(hr).get(reverse("commission:meeting", args=[meeting.pk]))
        assert f'id="appeal-{appeal.pk}"'.encode() in page.content
        post(hr, meeting, {"action": "appeal_unchanged", "appeal": appeal.pk, "revision": 0})
        post(hr, meeting, {"action": "appeal_court", "appeal": appeal.pk, "revision": 1,
                           "reason": "Аудандық сот, № 2-123"})  # fmt: skip
    appeal.refresh_from_db()
    assert appeal.state == "unchanged" and appeal.court == "Аудандық сот, № 2-123"
    # Outsiders cannot file one.
    outsider = post(c.w.users["colleague"], meeting, {"action": "appeal_file", "case": case.pk,
                                                      "filed_on": "2027-01-20"})  # fmt: skip
    assert outsider.status_code == 404
