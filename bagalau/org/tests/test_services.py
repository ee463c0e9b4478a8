"""Writes of org data: validation, history, audit."""

from datetime import date

import pytest

from bagalau.core.errors import Conflict, DomainError
from bagalau.core.models import AuditEvent
from bagalau.core.tests.factories import PositionFactory, make_iin
from bagalau.org import selectors, services
from bagalau.org.models import Appointment, EndReason

pytestmark = pytest.mark.django_db


def test_a_transfer_closes_one_appointment_and_opens_another(world):
    # History is kept: a transfer closes the old appointment the day before the new one.
    new_post = PositionFactory(
        unit=world.servant_b.appointments.get().position.unit, body=world.body, category="D-5"
    )
    actor = world.users["hrofficer"]
    services.servant_transfer(
        actor=actor, servant=world.servant, position=new_post, start_date=date(2026, 7, 1)
    )
    rows = list(world.servant.appointments.order_by("start_date"))
    assert [(a.end_date, a.end_reason) for a in rows] == [
        (date(2026, 6, 30), EndReason.TRANSFER),
        (None, ""),
    ]
    assert rows[1].position == new_post
    assert AuditEvent.objects.filter(action="appointment.ended", actor=actor).count() == 1
    assert AuditEvent.objects.filter(action="appointment.created", actor=actor).count() == 1


def test_the_supervisor_follows_the_transfer(world):
    post_b = PositionFactory(
        unit=world.servant_b.appointments.get().position.unit, body=world.body, category="D-5"
    )
    before = selectors.OrgSnapshot(world.body.pk, date(2026, 6, 1)).chain_of(world.servant.pk)
    services.servant_transfer(
        actor=None, servant=world.servant, position=post_b, start_date=date(2026, 7, 1)
    )
    after = selectors.OrgSnapshot(world.body.pk, date(2026, 7, 1)).chain_of(world.servant.pk)
    assert before.direct_supervisor_id == world.head_a.pk
    assert after.direct_supervisor_id == world.head_b.pk
    assert after.superior_id == world.first_head.pk
    assert after.first_head_id == world.first_head.pk


def test_a_head_reports_to_the_first_head_and_has_no_superior(world):
    chain = selectors.OrgSnapshot(world.body.pk, date(2026, 6, 1)).chain_of(world.head_a.pk)
    assert chain.direct_supervisor_id == world.first_head.pk
    assert chain.superior_id is None


def test_a_vacant_head_position_passes_the_question_up(world):
    head = world.head_a.appointments.get()
    services.appointment_end(
        actor=None, appointment=head, end_date=date(2026, 5, 31), reason=EndReason.DISMISSAL
    )
    chain = selectors.OrgSnapshot(world.body.pk, date(2026, 6, 1)).chain_of(world.servant.pk)
    assert chain.direct_supervisor_id == world.first_head.pk


def test_an_explicit_supervisor_override_wins(world):
    appointment = world.servant.appointments.get()
    appointment.supervisor_override = world.head_b.appointments.get().position
    appointment.save()
    chain = selectors.OrgSnapshot(world.body.pk, date(2026, 6, 1)).chain_of(world.servant.pk)
    assert chain.direct_supervisor_id == world.head_b.pk


def test_overlapping_appointments_are_refused(world):
    post = PositionFactory(unit=world.servant.appointments.get().position.unit, body=world.body)
    with pytest.raises(DomainError) as err:
        services.appointment_create(
            actor=None, servant=world.servant, position=post, start_date=date(2026, 1, 1)
        )
    assert err.value.code == "appointment_overlap"


def test_a_position_cannot_have_two_holders(world):
    newcomer = services.servant_save(
        actor=None, body=world.body, iin=make_iin(4242), last_name_kk="Жаңа", first_name_kk="Адам"
    )
    with pytest.raises(DomainError) as err:
        services.appointment_create(
            actor=None,
            servant=newcomer,
            position=world.servant.appointments.get().position,
            start_date=date(2026, 1, 1),
        )
    assert (err.value.code, err.value.field) == ("position_occupied", "position")


def test_an_ended_appointment_cannot_end_again(world):
    appointment = world.servant.appointments.get()
    services.appointment_end(
        actor=None, appointment=appointment, end_date=date(2026, 8, 31), reason=EndReason.DISMISSAL
    )
    with pytest.raises(Conflict):
        services.appointment_end(
            actor=None,
            appointment=appointment,
            end_date=date(2026, 9, 30),
            reason=EndReason.DISMISSAL,
        )


def test_a_bad_iin_is_refused_and_nothing_is_saved(world):
    before = world.body.servants.count()
    with pytest.raises(DomainError) as err:
        services.servant_save(
            actor=None, body=world.body, iin="900101300001", last_name_kk="А", first_name_kk="Б"
        )
    assert err.value.field == "iin"
    assert world.body.servants.count() == before


def test_a_duplicate_iin_is_refused(world):
    with pytest.raises(DomainError) as err:
        services.servant_save(
            actor=None, body=world.body, iin=world.servant.iin, last_name_kk="А", first_name_kk="Б"
        )
    assert err.value.code == "iin_taken"


def test_categories_are_normalised_and_unknown_ones_refused(world):
    unit = world.servant.appointments.get().position.unit
    post = services.position_save(
        actor=None,
        body=world.body,
        code="NEW",
        unit=unit,
        title_kk="Маман",
        category="С-0-4",
        is_head=False,
    )
    assert post.category == "C-O-4"
    with pytest.raises(DomainError) as err:
        services.position_save(
            actor=None, body=world.body, code="BAD", unit=unit, title_kk="Маман", category="Q-1"
        )
    assert err.value.field == "category"


def test_one_head_position_per_unit(world):
    unit = world.servant.appointments.get().position.unit
    with pytest.raises(DomainError) as err:
        services.position_save(
            actor=None,
            body=world.body,
            code="H2",
            unit=unit,
            title_kk="Басшы",
            category="D-3",
            is_head=True,
        )
    assert err.value.field == "is_head"


def test_a_unit_cannot_be_put_under_its_own_child(world):
    lead = world.body.units.get(code="LEAD")
    child = world.body.units.get(code="A")
    with pytest.raises(DomainError) as err:
        services.unit_save(
            actor=None, body=world.body, unit=lead, code="LEAD", name_kk="Басшылық", parent=child
        )
    assert err.value.code == "unit_cycle"


def test_overlapping_absences_are_refused(world):
    services.absence_save(
        actor=None,
        servant=world.servant,
        kind="annual_leave",
        start_date=date(2026, 7, 1),
        end_date=date(2026, 7, 20),
    )
    with pytest.raises(DomainError) as err:
        services.absence_save(
            actor=None,
            servant=world.servant,
            kind="sick_leave",
            start_date=date(2026, 7, 20),
            end_date=date(2026, 7, 25),
        )
    assert err.value.code == "absence_overlap"


class TestForms:
    def test_a_bad_iin_is_shown_next_to_the_field_and_the_input_kept(self, world):
        response = world.client("hrofficer").post(
            f"/bodies/{world.body.pk}/staff/new/",
            {
                "iin": "900101300001",
                "last_name_kk": "Сәрсен",
                "first_name_kk": "Айгүл",
                "language": "kk",
            },
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["iin"]
        assert form["last_name_kk"].value() == "Сәрсен"

    def test_hr_records_an_absence_and_a_dismissal_by_form(self, world):
        client = world.client("hrofficer")
        response = client.post(
            f"/bodies/servants/{world.servant.pk}/absences/new/",
            {
                "kind": "annual_leave",
                "start_date": "2026-07-01",
                "end_date": "2026-07-20",
                "note": "",
            },
        )
        assert response.status_code == 302
        appointment = world.servant.appointments.get()
        response = client.post(
            f"/bodies/appointments/{appointment.pk}/end/",
            {"end_date": "2026-08-31", "reason": "dismissal"},
        )
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert appointment.end_date == date(2026, 8, 31)

    def test_an_end_before_start_is_refused_by_form(self, world):
        appointment = world.servant.appointments.get()
        response = world.client("hrofficer").post(
            f"/bodies/appointments/{appointment.pk}/end/",
            {"end_date": "2019-01-01", "reason": "dismissal"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["end_date"]
        assert Appointment.objects.get(pk=appointment.pk).end_date is None

    def test_hr_assigns_and_revokes_a_role(self, world):
        client = world.client("hrhead")
        response = client.post(
            f"/bodies/{world.body.pk}/roles/", {"username": "heada", "role": "commission_member"}
        )
        assert response.status_code == 302
        assignment = world.body.role_assignments.get(role="commission_member")
        client.post(f"/bodies/{world.body.pk}/roles/", {"revoke": assignment.pk})
        assert not world.body.role_assignments.filter(role="commission_member").exists()
        assert AuditEvent.objects.filter(action__in=["role.assigned", "role.revoked"]).count() == 2

    def test_an_unknown_user_is_named_in_the_role_form(self, world):
        response = world.client("hrhead").post(
            f"/bodies/{world.body.pk}/roles/", {"username": "nobody", "role": "hr_officer"}
        )
        assert response.context["form"].errors["username"]


class TestActing:
    def test_hr_records_an_acting_head_and_others_cannot(self, world):
        head_post = world.head_a.appointments.get().position
        url = f"/bodies/servants/{world.colleague_a.pk}/acting/new/"
        data = {
            "position": head_post.pk,
            "start_date": "2026-04-13",
            "end_date": "2026-04-30",
            "order": "№ 12-ж",
        }
        assert world.client("servant").post(url, data).status_code in (403, 404)
        assert world.client("otherhr").post(url, data).status_code == 404
        assert world.client("hrofficer").post(url, data).status_code == 302
        acting = world.colleague_a.acting_for.get()
        assert (acting.position, acting.order) == (head_post, "№ 12-ж")
        assert AuditEvent.objects.filter(action="acting.assigned").exists()
        page = world.client("hrofficer").get(f"/bodies/servants/{world.colleague_a.pk}/")
        assert page.context["acting"] == [acting]

    def test_two_people_cannot_act_for_one_position_at_once(self, world):
        head_post = world.head_a.appointments.get().position
        services.acting_assign(
            actor=None,
            servant=world.colleague_a,
            position=head_post,
            start_date=date(2026, 4, 13),
            end_date=date(2026, 4, 30),
        )
        with pytest.raises(DomainError) as err:
            services.acting_assign(
                actor=None,
                servant=world.servant,
                position=head_post,
                start_date=date(2026, 4, 20),
                end_date=date(2026, 5, 5),
            )
        assert err.value.field == "start_date"


def test_hr_proposes_a_secondment_by_bin_and_position_code(world):
    # The form takes any code: whether it exists in another body is not told (issue 11 item 6).
    url = f"/bodies/servants/{world.servant.pk}/secondments/new/"
    data = {
        "host_bin": world.other_body.bin,
        "host_position_code": "NOPE",
        "start_date": "2026-01-01",
        "end_date": "2026-06-30",
    }
    assert world.client("servant").post(url, data).status_code in (403, 404)
    ok = world.client("hrofficer").post(url, data)
    assert ok.status_code == 302
    proposal = world.servant.secondments.get()
    assert (proposal.status, proposal.host_position_code, proposal.host_position) == (
        "proposed",
        "NOPE",
        None,
    )
