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


# --- version settings: 2018 versions (001 p4) and those built from 002 (p6) -------------


def run_2018(servant, kind_code="kpi_annual", on=date(2027, 1, 20)):
    version = MethodologyVersion.objects.get(body__isnull=True, model="2018")
    return eligibility_for(
        servant=servant,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        evaluation_date=on,
        version=version,
        kind=version.kinds.get(kind=kind_code),
    )


def test_national_versions_set_probation_and_return_per_model(world):
    # 001 p4: 2018 versions exclude probation and count from the return; 002 p6 does
    # neither, so the 2023 and 2025 versions (built from 002) ship with both off.
    settings = dict(
        MethodologyVersion.objects.filter(body__isnull=True).values_list(
            "model", "probation_excludes"
        )
    )
    assert settings == {"2018": True, "2023": False, "2025": False}
    returns = dict(
        MethodologyVersion.objects.filter(body__isnull=True).values_list(
            "model", "months_from_return"
        )
    )
    assert returns == {"2018": True, "2023": False, "2025": False}


def test_an_adopted_version_keeps_the_settings_and_hr_can_switch_them(world):
    from bagalau.methodology import services as methodology_services

    template = MethodologyVersion.objects.get(body__isnull=True, model="2018")
    version = methodology_services.version_adopt(
        actor=None, body=world.other_body, template=template, effective_from=date(2018, 3, 1)
    )
    assert (version.probation_excludes, version.months_from_return) == (True, True)
    version.months_from_return = False
    version.save(update_fields=["months_from_return"])
    assert template.copies.get().months_from_return is False


def test_2018_version_counts_from_the_return_from_social_leave(world):
    # 001 p4: back from social leave on 2 October 2026: under three months in the year.
    services.absence_save(
        actor=None,
        servant=world.servant,
        kind="social_leave",
        start_date=date(2025, 2, 1),
        end_date=date(2026, 10, 1),
    )
    result = run_2018(world.servant)
    assert (result.status, result.reason) == (
        Status.NOT_EVALUATED,
        Reason.UNDER_MIN_MONTHS_SINCE_RETURN,
    )


def test_2018_version_back_exactly_three_months_before_the_end_is_evaluated(world):
    # 001 p4: back on 1 October: 1 October – 31 December is three months.
    services.absence_save(
        actor=None,
        servant=world.servant,
        kind="studies",
        start_date=date(2024, 9, 1),
        end_date=date(2026, 9, 30),
    )
    assert run_2018(world.servant).status == Status.EVALUATED


def test_2023_version_does_not_restart_the_count_after_social_leave(world):
    # 002 p6: the months in the position count from the appointment only.
    services.absence_save(
        actor=None,
        servant=world.servant,
        kind="social_leave",
        start_date=date(2025, 2, 1),
        end_date=date(2026, 1, 10),
    )
    assert run(world.servant, "differentiation").status == Status.EVALUATED
