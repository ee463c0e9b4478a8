"""The demo's calibration (issue 16 item 4): one case decided (score moved, protocol,
feedback meeting, appeal), one awaiting its session (002 p13-14, p39-43)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bagalau.calibration.models import CalibrationCase, CaseState
from bagalau.core.models import AuditEvent, User
from bagalau.demo.tests.shared import at, signed_in
from bagalau.evaluations.models import ResultChange

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"


def test_the_demo_has_a_decided_case_and_one_awaiting_its_session(demo):
    decided = CalibrationCase.objects.get(state=CaseState.PROTOCOL_UPLOADED)
    assert decided.final_score < decided.score_before and decided.tally["by"] == "majority"
    assert decided.feedback_on is not None and decided.appeals.count() == 1
    assert ResultChange.objects.filter(result=decided.result, source="calibration").exists()
    assert (
        AuditEvent.objects.filter(action="calibration.vote", object_id=str(decided.pk)).count() == 3
    )
    waiting = CalibrationCase.objects.get(state=CaseState.ACCEPTED)
    assert waiting.session_date is not None and waiting.session_date >= waiting.applied_on
    with at(demo):
        assert signed_in("hrhead").get(f"/calibration/{decided.pk}/protocol/").status_code == 200
        page = signed_in("head").get("/").content.decode()
        assert 'id="calibration-to-vote"' in page  # head is a participant of the waiting case
        page = signed_in("hr").get("/").content.decode()
        assert 'id="calibration-to-run"' in page


def test_a_demo_servant_calibrates_from_the_application_to_the_feedback_meeting_by_clicking(
    demo,
):
    # Issue 16 acceptance: in the 2023 demo body a servant reads a result, applies for
    # calibration (002 p13), the authorized person appoints the session (002 p39), HR
    # prepares the card (002 p20), the evaluator presents, the participants vote and the
    # majority moves the score (002 p42), HR applies it and uploads the signed protocol, the
    # evaluator holds the feedback meeting (002 p43) — through the pages only.
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from bagalau.evaluations.models import Result
    from bagalau.org.models import Servant

    taken = set(CalibrationCase.objects.values_list("result_id", flat=True))
    result = (
        Result.objects.filter(
            body__name_en__startswith="Apparatus of the Mangystau",
            kind="differentiation",
            quarter__gt=0,
            acknowledged_at__isnull=True,
            refused_at__isnull=True,
            acquaintance_due__gte=DAY,
            servant__user__isnull=False,
            task__evaluator_user__isnull=False,
        )
        .exclude(pk__in=taken)
        .select_related("servant__user", "task__evaluator_user")
        .order_by("-year", "-quarter", "pk")
        .first()
    )
    assert result is not None, "the demo has a result waiting for acquaintance"
    servant, evaluator = result.servant.user, result.task.evaluator_user
    participants = list(
        Servant.objects.filter(body_id=result.body_id, user__isnull=False)
        .exclude(pk=result.servant_id)
        .exclude(user=evaluator)
        .order_by("pk")
        .values_list("user_id", flat=True)[:3]
    )
    with at(demo):
        me = signed_in(servant.username)
        assert me.post(reverse("evaluations:acknowledge", args=[result.pk])).status_code == 302
        page = me.get(reverse("evaluations:my_results")).content.decode()
        assert reverse("calibration:apply", args=[result.pk]) in page
        applied = me.post(reverse("calibration:apply", args=[result.pk]),
                          {"text": "Бағам төмен деп санаймын."})  # fmt: skip
        case = CalibrationCase.objects.get(result=result)
        url = reverse("calibration:case", args=[case.pk])
        assert applied.status_code == 302 and applied.url == url
        signed_in("authorized").post(url, {
            "action": "accept", "revision": case.revision, "session_date": DAY,
            "participants": participants,
        })  # fmt: skip
        case.refresh_from_db()
        assert case.state == CaseState.ACCEPTED, case.state
        signed_in("hr").post(url, {"action": "prepare_card", "revision": case.revision})
        case.refresh_from_db()
        signed_in(evaluator.username).post(
            url, {"action": "summary", "revision": case.revision, "summary": "Негізделген."}
        )
        lower = f"{max(result.score - 1, case.version.score_min):.2f}"
        votes = [lower, lower, None]  # two of three propose a point less: the majority
        for user_id, score in zip(participants, votes, strict=True):
            data = {"action": "vote", "position": "support"}
            if score is not None:
                data = {"action": "vote", "position": "change", "score": score,
                        "arguments": "Мерзімдер бұзылды."}  # fmt: skip
            signed_in(User.objects.get(pk=user_id).username).post(url, data)
        case.refresh_from_db()
        hr = signed_in("hr")
        hr.post(url, {"action": "hold", "revision": case.revision})
        case.refresh_from_db()
        hr.post(url, {"action": "decide", "revision": case.revision})
        case.refresh_from_db()
        assert case.state == CaseState.DECIDED, case.state
        hr.post(url, {
            "action": "upload_protocol", "revision": case.revision,
            "file": SimpleUploadedFile("protocol.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
                                       content_type="application/pdf"),
        })  # fmt: skip
        case.refresh_from_db()
        signed_in(evaluator.username).post(url, {
            "action": "feedback", "held_on": DAY, "achievements": "Жоспар орындалды.",
            "development": "Курстар.", "career": "Сектор меңгерушісі.", "notes": "Жалғастырыңыз",
        })  # fmt: skip
        case.refresh_from_db()
        page = me.get(url).content.decode()
    result.refresh_from_db()
    assert case.state == CaseState.PROTOCOL_UPLOADED and case.feedback_on is not None
    assert result.score == Decimal(lower) and result.original_score != result.score
    assert result.acknowledged_at is None  # acquainted again with the decided score
    assert "Жалғастырыңыз" in page and lower in page
    assert AuditEvent.objects.filter(action="calibration.vote", object_id=str(case.pk)).count() == 3
