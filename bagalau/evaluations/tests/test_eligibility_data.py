"""Eligibility from stored data, under the national 2023 version (002 p6-7)."""

from datetime import date

import pytest

from bagalau.evaluations.rules.eligibility import Reason, Status
from bagalau.evaluations.selectors import eligibility_for
from bagalau.methodology.models import MethodologyVersion
from bagalau.org import services
from bagalau.org.models import EndReason

pytestmark = pytest.mark.django_db


def run(servant, kind_code, start=date(2026, 1, 1), end=date(2026, 3, 31), on=date(2026, 4, 10)):
    version = MethodologyVersion.objects.get(body__isnull=True, model="2023")
    kind = version.kinds.get(kind=kind_code)
    return eligibility_for(
        servant=servant,
        period_start=start,
        period_end=end,
        evaluation_date=on,
        version=version,
        kind=kind,
    )


def test_absent_at_evaluation_kpis_defer_on_the_kazakh_calendar(world):
    # 002 p6: KPIs within 5 working days after return; back on Thu 19 Mar 2026 → Nauryz
    # (21-25 March) is skipped: 20, 26, 27, 30, 31 March.
    services.absence_save(
        actor=None,
        servant=world.head_a,
        kind="sick_leave",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 18),
    )
    result = run(
        world.head_a,
        "kpi_quarterly",
        start=date(2025, 10, 1),
        end=date(2025, 12, 31),
        on=date(2026, 3, 10),
    )
    assert result.status == Status.DEFERRED
    assert result.returns_on == date(2026, 3, 19)
    assert result.due == date(2026, 3, 31)


def test_absent_at_evaluation_differentiation_runs_without_them(world):
    # 002 p6: differentiation runs on the usual dates without the servant.
    services.absence_save(
        actor=None,
        servant=world.servant,
        kind="annual_leave",
        start_date=date(2026, 4, 1),
        end_date=date(2026, 4, 24),
    )
    result = run(world.servant, "differentiation")
    assert (result.status, result.reason) == (Status.WITHOUT_PARTICIPATION, Reason.ABSENT)


def test_dismissed_before_the_end_is_evaluated_without_participation(world):
    # 002 p7.
    appointment = world.servant.appointments.get()
    services.appointment_end(
        actor=None, appointment=appointment, end_date=date(2026, 4, 5), reason=EndReason.DISMISSAL
    )
    result = run(world.servant, "differentiation")
    assert (result.status, result.reason) == (Status.WITHOUT_PARTICIPATION, Reason.DISMISSED)


def test_a_newcomer_is_not_evaluated(world):
    # 002 p6: under three months in the position within the quarter.
    appointment = world.servant.appointments.get()
    services.appointment_end(
        actor=None, appointment=appointment, end_date=date(2025, 12, 31), reason=EndReason.DISMISSAL
    )
    newcomer_post = appointment.position
    services.appointment_create(
        actor=None, servant=world.servant, position=newcomer_post, start_date=date(2026, 2, 2)
    )
    assert run(world.servant, "differentiation").reason == Reason.UNDER_MIN_MONTHS
