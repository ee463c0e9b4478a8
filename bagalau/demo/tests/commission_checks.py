"""The demo's 2018 body holds its commission meeting (issue 16 acceptance, 001 p29-41)."""

from __future__ import annotations

import pytest
from django.test import Client

from bagalau.commission import rules
from bagalau.commission.models import Decision, Meeting, MeetingState
from bagalau.core.models import AuditEvent, User
from bagalau.demo.tests.shared import at
from bagalau.evaluations.models import ResultChange

pytestmark = pytest.mark.django_db


def test_the_2018_body_holds_a_meeting_with_quorum_a_revision_and_a_tie(demo):
    meeting = Meeting.objects.get(body__name_kk__contains="Бесқарағай")
    assert meeting.state == MeetingState.APPROVED
    assert meeting.approved_by.username == "authorized2018"  # 001 p39
    present = meeting.attendance.filter(present=True).count() - 1  # less the secretary
    assert present == 4 and rules.has_quorum(present, 5)  # 001 p30
    decisions = Decision.objects.filter(case__meeting=meeting)
    assert decisions.filter(choice="revise", tie_broken=False).count() == 1
    tie = decisions.get(tie_broken=True)  # 2-2, the chair's vote decides (001 p33)
    assert (tie.choice, tie.votes_for, tie.cast) == ("revise", 2, 4)
    assert ResultChange.objects.filter(source="commission").count() == 2
    votes = AuditEvent.objects.filter(action="commission.vote").count()
    cast = sum(d.cast for d in decisions)
    assert votes == cast and cast > 3 * meeting.cases.count()  # every vote on record (001 p32)
    # The acquaintance follows the approval (001 p40), not the evaluator's submission.
    assert meeting.acquaintance_due is not None and meeting.acquaintance_due > meeting.approved_on


@pytest.mark.parametrize("username", ["chair2018", "member2018", "secretary2018", "authorized2018"])
def test_the_commission_reads_its_protocol(demo, username):
    meeting = Meeting.objects.get(body__name_kk__contains="Бесқарағай")
    client = Client()
    with at(demo):
        client.force_login(User.objects.get(username=username))
        page = client.get(f"/commission/meetings/{meeting.pk}/protocol/")
    assert page.status_code == 200
    assert page.content.count(b"<tr><td>") == meeting.cases.count()


@pytest.mark.parametrize("username", ["servant2018", "servant", "hr"])
def test_others_get_404_on_the_protocol(demo, username):
    meeting = Meeting.objects.get(body__name_kk__contains="Бесқарағай")
    user = User.objects.filter(username=username).first()
    if user is None:
        pytest.skip("no such demo login")
    client = Client()
    with at(demo):
        client.force_login(user)
        assert client.get(f"/commission/meetings/{meeting.pk}/protocol/").status_code == 404


def test_the_servant_sees_the_commissions_decision_and_the_last_day_to_appeal(demo):
    # 001 p39-42: once the authorized person approves, the servant is told of the decision
    # and may appeal within 10 working days: the dashboard shows the last day.
    from bagalau.commission.models import Case

    case = Case.objects.filter(meeting__state="approved", servant__user__isnull=False).first()
    assert case is not None
    client = Client()
    client.force_login(case.servant.user)
    with at(demo):
        page = client.get("/").content.decode()
    assert 'id="commission-mine"' in page and case.meeting.appeal_due.isoformat() in page
