"""The calibration screens by clicking (issue 16 item 3): apply, decide, vote, hold, decide,
protocol, feedback; who sees what (002 p21); the HR view's bounded queries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bagalau.calibration.models import CalibrationCase, CaseState
from bagalau.evaluations.models import Result
from bagalau.org.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
PDF = b"%PDF-1.4\n%signed\n"


def at(day: date) -> time_machine.travel:
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 11, tzinfo=ALMATY), tick=False
    )


def login(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def run_case(s, votes=("3.00", "3.00", None)):
    w = s.w
    servant = login(s.applicant)
    with at(date(2026, 7, 9)):
        page = servant.get(reverse("evaluations:my_results"))
        assert reverse("calibration:apply", args=[s.result.pk]).encode() in page.content
        page = servant.get(reverse("calibration:apply", args=[s.result.pk]))
        assert b"2026-07-09" in page.content  # the last day to apply (002 p13)
        response = servant.post(
            reverse("calibration:apply", args=[s.result.pk]), {"text": "Underrated."}
        )
        case = CalibrationCase.objects.get(result=s.result)
        assert response.url == reverse("calibration:case", args=[case.pk])
        url = response.url
        page = w.client("authorized").get(url)
        assert b"2026-07-14" in page.content and b"case-accept" in page.content
        assert b"4.13" not in page.content  # the authorized person does not know the score
        w.client("authorized").post(url, {
            "action": "accept", "revision": case.revision, "session_date": "2026-07-15",
            "participants": [u.pk for u in s.participants],
        })  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    with at(date(2026, 7, 14)):
        w.client("hrofficer").post(url, {"action": "prepare_card", "revision": case.revision})
        case.refresh_from_db()
        w.client("heada").post(
            url, {"action": "summary", "revision": case.revision, "summary": "Justified."}
        )
    with at(date(2026, 7, 15)):
        member = login(s.participants[0])
        page = member.get(url)
        assert b"case-vote" in page.content and b"Justified." in page.content
        for user, score in zip(s.participants, votes, strict=True):
            data = {"action": "vote", "position": "support"}
            if score is not None:
                data = {"action": "vote", "position": "change", "score": score,
                        "arguments": "Missed deadlines."}  # fmt: skip
            login(user).post(url, data)
        case.refresh_from_db()
        hr = w.client("hrofficer")
        hr.post(url, {"action": "hold", "revision": case.revision})
        case.refresh_from_db()
        hr.post(url, {"action": "decide", "revision": case.revision})
        case.refresh_from_db()
        assert case.state == CaseState.DECIDED
        page = w.client("hrhead").get(reverse("calibration:protocol", args=[case.pk]))
        assert page.status_code == 200 and b"3.00" in page.content
        hr.post(url, {
            "action": "upload_protocol", "revision": case.revision,
            "file": SimpleUploadedFile("protocol.pdf", PDF, content_type="application/pdf"),
        })  # fmt: skip
    with at(date(2026, 7, 16)):
        w.client("heada").post(url, {
            "action": "feedback", "held_on": "2026-07-16", "achievements": "a",
            "development": "b", "career": "c", "notes": "Keep going",
        })  # fmt: skip
    case.refresh_from_db()
    return case


def test_a_calibration_from_the_application_to_the_feedback_meeting_by_clicking(
    calibrated, settings, tmp_path
):
    settings.EVIDENCE_ROOT = tmp_path
    s = calibrated
    case = run_case(s)
    assert case.state == CaseState.PROTOCOL_UPLOADED and case.feedback_on == date(2026, 7, 16)
    assert Result.objects.get(pk=s.result.pk).score == 3
    page = login(s.applicant).get(reverse("calibration:case", args=[case.pk]))
    assert b"Keep going" in page.content
    signed = s.w.client("hrhead").get(reverse("calibration:protocol_file", args=[case.pk]))
    assert signed.status_code == 200
    # An HR officer uploads the signed protocol but does not read it: it carries the scores
    # (002 p21); nor the printed one.
    officer = s.w.client("hrofficer")
    assert officer.get(reverse("calibration:protocol_file", args=[case.pk])).status_code == 403
    assert officer.get(reverse("calibration:protocol", args=[case.pk])).status_code == 403
    # Once the session is closed a participant no longer knows the case (002 p21).
    assert (
        login(s.participants[0]).get(reverse("calibration:case", args=[case.pk])).status_code == 404
    )


def test_strangers_get_404_on_the_case_and_its_protocol(calibrated, settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    s = calibrated
    case = run_case(s)
    for who in ("servantb", "colleague", "otherhr"):
        for name in ("case", "protocol"):
            response = s.w.client(who).get(reverse(f"calibration:{name}", args=[case.pk]))
            assert response.status_code == 404, (who, name)


def test_the_hr_view_per_unit_shows_moved_cases_in_bounded_queries(calibrated, settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    s = calibrated
    run_case(s)
    client = s.w.client("hrhead")
    url = reverse("calibration:units", args=[s.w.body.pk]) + "?year=2026"
    with CaptureQueriesContext(connection) as one:
        page = client.get(url)
    assert page.status_code == 200 and b"4.13" in page.content and b"3.00" in page.content
    assert len(one) <= 20
    # Two more decided cases in the unit: the same number of queries.
    first = CalibrationCase.objects.get(result=s.result)
    for result in s.quarters[1:]:
        CalibrationCase.objects.create(
            body=first.body, result=result, task=result.task, servant=result.servant,
            version=first.version, unit=first.unit, state=CaseState.DECIDED, text="x",
            applied_on=first.applied_on, acquainted_on=first.acquainted_on,
            apply_due=first.apply_due, decide_due=first.decide_due,
            session_due=first.session_due, score_before=result.score, final_score=2,
            tally={"support": 0, "proposals": [["2.00", 3]], "by": "majority",
                   "participants": 3, "final": "2.00"},
        )  # fmt: skip
    with CaptureQueriesContext(connection) as three:
        page = client.get(url)
    assert page.content.count(b'href="/calibration/') >= 6
    assert len(three) == len(one)
    # HR officers run the process without knowing results (002 p21): 403; strangers 404.
    assert s.w.client("hrofficer").get(url).status_code == 403
    assert s.w.client("servantb").get(url).status_code == 404


def test_dashboard_cards_show_the_due_dates(calibrated):
    s = calibrated
    with at(date(2026, 7, 9)):
        login(s.applicant).post(
            reverse("calibration:apply", args=[s.result.pk]), {"text": "Underrated."}
        )
        page = s.w.client("authorized").get(reverse("home"))
    assert b"calibration-to-decide" in page.content and b"2026-07-14" in page.content
    RoleAssignment.objects.get_or_create(body=s.w.body, user=s.w.users["authorized"],
                                         role=Role.AUTHORIZED_PERSON)  # fmt: skip
    with at(date(2026, 7, 9)):
        page = login(s.applicant).get(reverse("home"))
    assert b"calibration-mine" in page.content


def test_hr_records_an_appeal_and_later_its_outcome(calibrated, settings, tmp_path):
    # 002 p14: the calibration decision is appealed under the Administrative Procedural Code;
    # HR records it, then its outcome.
    settings.EVIDENCE_ROOT = tmp_path
    s = calibrated
    case = run_case(s)
    url = reverse("calibration:case", args=[case.pk])
    hr = s.w.client("hrofficer")
    with at(date(2026, 7, 20)):
        hr.post(url, {"action": "appeal", "filed_on": "2026-07-20", "authority": "Court",
                      "outcome": "pending"})  # fmt: skip
        appeal = case.appeals.get()
        assert b"appeal-outcome" in hr.get(url).content
        hr.post(url, {"action": "appeal", "appeal": appeal.pk, "filed_on": "2026-07-20",
                      "authority": "Court", "outcome": "upheld", "outcome_on": "2026-08-20"})  # fmt: skip
    appeal.refresh_from_db()
    assert (appeal.outcome, appeal.outcome_on) == ("upheld", date(2026, 8, 20))
    assert case.appeals.count() == 1
