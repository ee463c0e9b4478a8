"""Cross-body secondments: the home body proposes, the host body's HR accepts (issue 11 item 6).

2025 model (methodology.md §4a): a seconded servant is evaluated by the host body, in the host
position, by the host's head. Only an accepted secondment counts; until then the home body
learns nothing about the host's positions, and the proposal form answers the same whatever
BIN and code are typed.
"""

from __future__ import annotations

import importlib
import re
from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import transaction

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import AuditEvent
from bagalau.core.tests.factories import (
    AppointmentFactory,
    BodyFactory,
    PositionFactory,
    ServantFactory,
    UserFactory,
    make_bin,
)
from bagalau.evaluations import services as evaluation_services
from bagalau.evaluations.models import Task
from bagalau.methodology import services as methodology_services
from bagalau.methodology.models import MethodologyVersion
from bagalau.notifications.models import Notification
from bagalau.org import rules, services
from bagalau.org.models import Role, RoleAssignment, Secondment, SecondmentStatus

pytestmark = pytest.mark.django_db

START, END = date(2025, 12, 1), date(2026, 6, 30)
BIN_TYPED = make_bin(9001)


@pytest.fixture
def w(world: Any) -> Any:
    """The world on the 2025 model, with a host unit X: its head XH and a post XS."""
    template = MethodologyVersion.objects.get(body__isnull=True, model="2025")
    methodology_services.version_adopt(
        actor=None, body=world.body, template=template, effective_from=date(2025, 7, 1)
    )
    host = world.other_body
    host.name_kk = "Қабылдаушы-Зета"  # a name no other text on the pages contains
    host.save()
    unit_x = host.units.get(code="X")
    head_post = PositionFactory(unit=unit_x, body=host, category="D-3", is_head=True, code="XH")
    world.host_head = ServantFactory(body=host)
    AppointmentFactory(servant=world.host_head, position=head_post, start_date=date(2020, 1, 1))
    world.host_post = PositionFactory(unit=unit_x, body=host, category="D-4", code="XS")
    world.users["hostauth"] = UserFactory(username="hostauth")
    RoleAssignment.objects.create(
        body=host, user=world.users["hostauth"], role=Role.AUTHORIZED_PERSON
    )
    third = BodyFactory(name_kk="Үшінші орган")
    world.users["thirdhr"] = UserFactory(username="thirdhr")
    RoleAssignment.objects.create(body=third, user=world.users["thirdhr"], role=Role.HR_OFFICER)
    host_member = ServantFactory(body=host, user=UserFactory(username="hostmember"))
    world.users["hostmember"] = host_member.user
    return world


def propose(w: Any, **kwargs: Any) -> Secondment:
    fields = {
        "actor": w.users["hrofficer"], "servant": w.servant, "host_bin": w.other_body.bin,
        "host_position_code": "XS", "start_date": START, "end_date": END, "order": "№ 5",
    }  # fmt: skip
    return services.secondment_propose(**{**fields, **kwargs})


def decide(w: Any, secondment: Secondment, who: str, action: str, **kwargs: Any) -> Secondment:
    return services.secondment_transition(
        actor=w.users[who], secondment_id=secondment.pk, action=action, **kwargs
    )


def approve(w: Any, body: Any, hr: str, authorized: str) -> Any:
    schedule = evaluation_services.schedule_create(
        actor=w.users[hr], body=body, year=2026, quarter=1
    )
    evaluation_services.schedule_approve(actor=w.users[authorized], schedule_id=schedule.pk)
    return schedule


# --- the proposal reveals nothing -----------------------------------------------------------


def _normalise(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    # PostgreSQL sequences do not roll back: each case's proposal gets a new id.
    html = re.sub(r"/secondments/\d+/", "/secondments/N/", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def _propose_by_form(w: Any, world_change: Any) -> tuple[int, str, str]:
    """POST the same form in a changed world (rolled back after): status, Location, page."""
    with transaction.atomic():
        world_change()
        client = w.client("hrofficer")
        response = client.post(
            f"/bodies/servants/{w.servant.pk}/secondments/new/",
            {
                "host_bin": BIN_TYPED,
                "host_position_code": "XS",
                "start_date": "2025-12-01",
                "end_date": "2026-06-30",
            },
        )
        page = client.get(response["Location"]).content.decode()
        transaction.set_rollback(True)
    return response.status_code, response["Location"], _normalise(page)


def test_the_form_answers_the_same_whether_the_bin_and_code_exist(w):
    # Issue 11 item 6: nothing about another body's positions is revealed before acceptance.
    host = w.other_body

    def body_and_position_exist() -> None:
        host.bin = BIN_TYPED
        host.save()

    def body_exists_without_the_position() -> None:
        body_and_position_exist()
        w.host_post.code = "XS-OLD"
        w.host_post.save()

    def no_body_has_the_bin() -> None:
        pass

    answers = [
        _propose_by_form(w, change)
        for change in (
            body_and_position_exist,
            body_exists_without_the_position,
            no_body_has_the_bin,
        )
    ]
    assert answers[0][0] == 302
    assert answers[0] == answers[1] == answers[2]
    page = answers[0][2]
    from django.utils import translation
    from django.utils.html import escape

    from bagalau.org.views import MSG_SECONDMENT_SENT

    with translation.override("kk"):
        assert escape(str(MSG_SECONDMENT_SENT)) in page
    assert host.name_kk not in page and w.host_post.title_kk not in page
    assert Secondment.objects.count() == 0  # every case was rolled back


def test_a_proposal_keeps_what_was_typed_and_notifies_the_host_hr(
    w, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(w, host_position_code=" XS ")
    assert (proposal.status, proposal.host_bin, proposal.host_position_code) == (
        SecondmentStatus.PROPOSED,
        w.other_body.bin,
        "XS",
    )
    assert proposal.host_body == w.other_body and proposal.host_position is None
    notice = Notification.objects.get(kind="org.secondment_proposed", channel="in_app")
    assert notice.recipient == w.users["otherhr"]
    assert notice.url == f"/bodies/{w.other_body.pk}/secondments/"
    event = AuditEvent.objects.get(action="secondment.proposed")
    assert (event.body, event.actor, event.data["host_bin"]) == (
        w.body,
        w.users["hrofficer"],
        w.other_body.bin,
    )
    assert "host" not in event.data  # the home body's log does not name the host either


def test_a_proposal_to_an_unknown_bin_notifies_nobody(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(w, host_bin=BIN_TYPED)
    assert proposal.host_body is None
    assert not Notification.objects.filter(kind="org.secondment_proposed").exists()
    # A body registered later with that BIN finds the proposal among its incoming ones.
    later = BodyFactory(bin=BIN_TYPED)
    assert list(Secondment.objects.incoming(later)) == [proposal]


def test_a_proposal_is_checked_for_its_own_values_only(w):
    with pytest.raises(DomainError) as err:
        propose(w, host_bin="123")
    assert err.value.field == "host_bin"
    with pytest.raises(DomainError) as err:
        propose(w, host_bin=w.body.bin)  # §4a: a secondment is to another body
    assert (err.value.code, err.value.field) == ("same_body", "host_bin")
    with pytest.raises(DomainError) as err:
        propose(w, start_date=END, end_date=START)
    assert err.value.field == "end_date"
    propose(w)
    with pytest.raises(DomainError) as err:
        propose(w, host_bin=BIN_TYPED)
    assert err.value.code == "secondment_overlap"


# --- acceptance moves the evaluation -----------------------------------------------------------


@time_machine.travel("2026-04-02 10:00 +05:00")
def test_the_host_evaluates_only_after_its_hr_accepts(w, django_capture_on_commit_callbacks):
    # §4a: the host body evaluates a seconded servant, in the host position, by its head.
    with django_capture_on_commit_callbacks(execute=True):
        home = approve(w, w.body, "hrofficer", "authorized")
        host = approve(w, w.other_body, "otherhr", "hostauth")
        proposal = propose(w)
    assert not Task.objects.filter(schedule=host, servant=w.servant).exists()
    home_task = Task.objects.get(schedule=home, servant=w.servant)
    assert home_task.state == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        accepted = decide(w, proposal, "otherhr", "accept", host_position=w.host_post)
    assert (accepted.status, accepted.host_position, accepted.decided_by) == (
        SecondmentStatus.ACCEPTED,
        w.host_post,
        w.users["otherhr"],
    )
    host_task = Task.objects.get(schedule=host, servant=w.servant)
    assert (host_task.state, host_task.evaluator) == ("pending", w.host_head)
    home_task.refresh_from_db()
    assert (home_task.state, home_task.reason) == ("excluded", "seconded")
    event = AuditEvent.objects.get(action="secondment.accepted")
    assert (event.body, event.actor, event.data["host_position"]) == (
        w.other_body,
        w.users["otherhr"],
        "XS",
    )
    notice = Notification.objects.get(kind="org.secondment_accepted", channel="in_app")
    assert notice.recipient == w.users["hrofficer"]


@time_machine.travel("2026-04-02 10:00 +05:00")
def test_a_declined_or_withdrawn_proposal_has_no_effect(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        home = approve(w, w.body, "hrofficer", "authorized")
        host = approve(w, w.other_body, "otherhr", "hostauth")
        proposal = propose(w)
    with pytest.raises(DomainError) as err:
        decide(w, proposal, "otherhr", "decline", reason="  ")
    assert (err.value.code, err.value.field) == ("reason_required", "reason")
    with django_capture_on_commit_callbacks(execute=True):
        declined = decide(w, proposal, "otherhr", "decline", reason="No vacancy.")
    assert (declined.status, declined.reason) == (SecondmentStatus.DECLINED, "No vacancy.")
    with pytest.raises(Conflict):
        decide(w, proposal, "otherhr", "accept", host_position=w.host_post)
    assert not Task.objects.filter(schedule=host, servant=w.servant).exists()
    assert Task.objects.get(schedule=home, servant=w.servant).state == "pending"
    notice = Notification.objects.get(kind="org.secondment_declined", channel="in_app")
    assert "No vacancy." in notice.text and w.other_body.name_kk not in notice.text

    again = propose(w)  # a declined proposal does not block a new one
    assert decide(w, again, "hrofficer", "withdraw").status == SecondmentStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="secondment.withdrawn", body=w.body).exists()
    with pytest.raises(Conflict):
        decide(w, again, "otherhr", "accept", host_position=w.host_post)
    assert Secondment.objects.in_effect().count() == 0


def test_only_the_host_bodys_hr_accepts(w):
    proposal = propose(w)
    with pytest.raises(NotFound):  # HR of a third body: a stranger to both
        decide(w, proposal, "thirdhr", "accept", host_position=w.host_post)
    with pytest.raises(NotFound):  # a member of the host body without an HR role
        decide(w, proposal, "hostmember", "accept", host_position=w.host_post)
    with pytest.raises(PermissionDenied):  # the home body's HR cannot accept its own proposal
        decide(w, proposal, "hrofficer", "accept", host_position=w.host_post)
    with pytest.raises(PermissionDenied):  # and the host's HR does not withdraw it
        decide(w, proposal, "otherhr", "withdraw")
    with pytest.raises(DomainError) as err:  # the host position is one of the host's own
        decide(w, proposal, "otherhr", "accept", host_position=w.head_a.appointments.get().position)
    assert err.value.field == "host_position"
    assert Secondment.objects.get(pk=proposal.pk).status == SecondmentStatus.PROPOSED


def test_the_proposer_never_accepts_even_when_hr_of_both_bodies(w):
    # Two people take part: a superuser (HR everywhere) who proposed cannot accept.
    proposal = propose(w, actor=w.users["admin"])
    with pytest.raises(PermissionDenied):
        decide(w, proposal, "admin", "accept", host_position=w.host_post)
    assert decide(w, proposal, "otherhr", "accept", host_position=w.host_post).in_effect


def test_a_second_acceptance_over_the_same_dates_is_refused(w):
    first = propose(w)
    decide(w, first, "otherhr", "accept", host_position=w.host_post)
    # A proposal made before (written directly, as the race would leave it).
    late = Secondment.objects.create(
        servant=w.servant, host_bin=w.other_body.bin, host_body=w.other_body,
        host_position_code="XS", start_date=START, end_date=END,
    )  # fmt: skip
    with pytest.raises(Conflict):
        decide(w, late, "otherhr", "accept", host_position=w.host_post)


# --- the screens -----------------------------------------------------------------------------


def test_the_host_hr_accepts_on_the_secondments_page(w):
    proposal = propose(w)
    url = f"/bodies/{w.other_body.pk}/secondments/"
    page = w.client("otherhr").get(url)
    assert page.status_code == 200
    assert w.servant.last_name_kk in page.content.decode()
    accept_url = f"{url}{proposal.pk}/accept/"
    form = w.client("otherhr").get(accept_url)
    assert form.context["form"].initial["host_position"] == w.host_post.pk  # by the typed code
    done = w.client("otherhr").post(accept_url, {"host_position": w.host_post.pk})
    assert (done.status_code, done["Location"]) == (302, url)
    assert Secondment.objects.get(pk=proposal.pk).status == SecondmentStatus.ACCEPTED
    # The home body now sees the host's name and position.
    servant_page = w.client("hrofficer").get(f"/bodies/servants/{w.servant.pk}/")
    assert w.other_body.name_kk in servant_page.content.decode()


def test_the_host_hr_declines_with_a_reason_on_the_page(w):
    proposal = propose(w)
    url = f"/bodies/{w.other_body.pk}/secondments/{proposal.pk}/decline/"
    empty = w.client("otherhr").post(url, {"reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    assert w.client("otherhr").post(url, {"reason": "No vacancy."}).status_code == 302
    assert Secondment.objects.get(pk=proposal.pk).status == SecondmentStatus.DECLINED
    again = w.client("otherhr").post(url, {"reason": "Twice."})
    assert again.status_code == 200 and again.context["form"].non_field_errors()


def test_the_home_hr_withdraws_on_the_page(w):
    proposal = propose(w)
    url = f"/bodies/{w.body.pk}/secondments/{proposal.pk}/withdraw/"
    assert w.client("hrofficer").get(url).status_code == 405
    assert w.client("hrofficer").post(url).status_code == 302
    assert Secondment.objects.get(pk=proposal.pk).status == SecondmentStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        # Strangers to the body get 404; members without an HR role 403.
        ("thirdhr", "/bodies/{host}/secondments/", 404),
        ("hostmember", "/bodies/{host}/secondments/", 403),
        ("servant", "/bodies/{home}/secondments/", 403),
        ("thirdhr", "/bodies/{host}/secondments/{id}/accept/", 404),
        ("hrofficer", "/bodies/{host}/secondments/{id}/accept/", 404),
        ("hrofficer", "/bodies/{home}/secondments/{id}/accept/", 404),  # not incoming there
        ("hostmember", "/bodies/{host}/secondments/{id}/accept/", 403),
        ("thirdhr", "/bodies/{host}/secondments/{id}/decline/", 404),
        ("otherhr", "/bodies/{host}/secondments/{id}/withdraw/", 404),
        ("thirdhr", "/bodies/{home}/secondments/{id}/withdraw/", 404),
        ("otherhr", "/bodies/servants/{servant}/secondments/new/", 404),
    ],
)
def test_outsiders_are_refused(w, who, path, status):
    proposal = propose(w)
    url = path.format(host=w.other_body.pk, home=w.body.pk, id=proposal.pk, servant=w.servant.pk)
    client = w.client(who)
    assert client.post(url, {"host_position": w.host_post.pk, "reason": "x"}).status_code == status
    assert Secondment.objects.get(pk=proposal.pk).status == SecondmentStatus.PROPOSED


def test_anonymous_is_sent_to_log_in(w):
    proposal = propose(w)
    response = w.client("anonymous").get(
        f"/bodies/{w.other_body.pk}/secondments/{proposal.pk}/accept/"
    )
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_servant_page_names_the_host_only_after_acceptance(w):
    propose(w)
    page = w.client("hrofficer").get(f"/bodies/servants/{w.servant.pk}/").content.decode()
    assert w.other_body.bin in page and w.other_body.name_kk not in page


# --- rules and data ---------------------------------------------------------------------------


def test_the_transition_table():
    check = rules.check_secondment_transition
    assert check("accept", "proposed", {rules.HOST_HR}).target == "accepted"
    assert check("decline", "proposed", {rules.HOST_HR}, reason="r").target == "declined"
    assert check("withdraw", "proposed", {rules.HOME_HR}).target == "withdrawn"
    with pytest.raises(PermissionDenied):
        check("accept", "proposed", {rules.HOME_HR})
    with pytest.raises(PermissionDenied):  # the role before the state
        check("accept", "accepted", set())
    with pytest.raises(Conflict):
        check("withdraw", "accepted", {rules.HOME_HR})
    with pytest.raises(DomainError) as err:
        check("approve", "proposed", {rules.HOST_HR})
    assert err.value.code == "unknown_action"


def test_the_migration_puts_earlier_secondments_in_effect(w):
    from django.apps import apps

    row = Secondment.objects.create(
        servant=w.servant, host_bin="", host_body=w.other_body, host_position=w.host_post,
        start_date=START, end_date=END,
    )  # fmt: skip
    migration = importlib.import_module("bagalau.org.migrations.0005_secondment_acceptance")
    migration.accept_existing(apps, None)
    row.refresh_from_db()
    assert (row.status, row.host_bin, row.host_position_code) == (
        SecondmentStatus.ACCEPTED,
        w.other_body.bin,
        "XS",
    )
