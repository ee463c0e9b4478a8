"""Who is evaluated for a period (001 p4; 002 p6-7, p23)."""

from datetime import date, timedelta

from bagalau.evaluations.rules.eligibility import (
    Away,
    Params,
    Reason,
    Status,
    Stint,
    eligibility,
    served_at_least,
)

Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q2 = (date(2026, 4, 1), date(2026, 6, 30))
Q3 = (date(2026, 7, 1), date(2026, 9, 30))
DIFFERENTIATION = Params(defer_when_absent=False)  # 002 p6: without participation
KPI = Params(defer_when_absent=True)  # 002 p6: KPIs within 5 working days after return


def weekdays_only(start: date, n: int) -> date:
    """A stand-in calendar for these tests: Monday-Friday, no holidays."""
    day, step, left = start, (1 if n >= 0 else -1), abs(n)
    while left:
        day += timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


def check(stint, period, *, on, params=DIFFERENTIATION, absences=()):
    return eligibility(
        stint=stint,
        absences=list(absences),
        period_start=period[0],
        period_end=period[1],
        evaluation_date=on,
        params=params,
        add_working_days=weekdays_only,
    )


def test_a_servant_in_post_all_quarter_is_evaluated():
    result = check(Stint(date(2020, 1, 1)), Q1, on=date(2026, 4, 10))
    assert result.status == Status.EVALUATED


def test_exactly_three_months_in_the_position_is_enough():
    # 002 p6: "less than three months" excludes; 1 Jan – 31 Mar is exactly three.
    result = check(Stint(date(2026, 1, 1)), Q1, on=date(2026, 4, 10))
    assert result.status == Status.EVALUATED


def test_one_day_short_of_three_months_is_not_evaluated():
    # 002 p6; 001 p4: appointed 2 January, in the position under three months in Q1.
    result = check(Stint(date(2026, 1, 2)), Q1, on=date(2026, 4, 10))
    assert (result.status, result.reason) == (Status.NOT_EVALUATED, Reason.UNDER_MIN_MONTHS)


def test_a_mid_year_appointment_is_evaluated_from_the_next_full_quarter():
    # 002 p6: appointed 15 May → not in Q2, evaluated in Q3.
    stint = Stint(date(2026, 5, 15))
    assert check(stint, Q1, on=date(2026, 4, 10)).reason == Reason.NOT_IN_POSITION
    assert check(stint, Q2, on=date(2026, 7, 10)).reason == Reason.UNDER_MIN_MONTHS
    assert check(stint, Q3, on=date(2026, 10, 10)).status == Status.EVALUATED


def test_three_months_is_counted_on_the_calendar():
    # 001 p4: 30 November to 28 February (non-leap) is three calendar months.
    assert served_at_least(date(2026, 11, 30), date(2027, 2, 27), 3)
    assert not served_at_least(date(2026, 11, 30), date(2027, 2, 26), 3)


def test_probation_excludes_the_servant():
    # 001 p4: "сынақ мерзімінде бағалау өткізілмейді".
    stint = Stint(date(2025, 12, 1), probation_end=date(2026, 4, 30))
    result = check(stint, Q1, on=date(2026, 4, 10))
    assert (result.status, result.reason) == (Status.NOT_EVALUATED, Reason.PROBATION)


def test_probation_ended_before_the_evaluation_does_not_exclude():
    stint = Stint(date(2025, 9, 1), probation_end=date(2025, 12, 1))
    assert check(stint, Q1, on=date(2026, 4, 10)).status == Status.EVALUATED


def test_probation_can_be_switched_off_by_the_version():
    stint = Stint(date(2025, 12, 1), probation_end=date(2026, 4, 30))
    params = Params(probation_excludes=False)
    assert check(stint, Q1, on=date(2026, 4, 10), params=params).status == Status.EVALUATED


def test_dismissed_before_the_evaluation_is_evaluated_without_participation():
    # 002 p7.
    stint = Stint(date(2020, 1, 1), end=date(2026, 8, 31), dismissed=True)
    assert check(stint, Q3, on=date(2026, 10, 10)).reason == Reason.UNDER_MIN_MONTHS
    stint = Stint(date(2020, 1, 1), end=date(2026, 9, 30), dismissed=True)
    result = check(stint, Q3, on=date(2026, 10, 10))
    assert (result.status, result.reason) == (Status.WITHOUT_PARTICIPATION, Reason.DISMISSED)


def test_absent_for_differentiation_is_evaluated_without_participation():
    # 002 p6: differentiation and 360 run without the servant on the usual dates.
    leave = Away(date(2026, 4, 1), date(2026, 4, 24), "annual_leave")
    result = check(Stint(date(2020, 1, 1)), Q1, on=date(2026, 4, 10), absences=[leave])
    assert (result.status, result.reason) == (Status.WITHOUT_PARTICIPATION, Reason.ABSENT)


def test_absent_for_kpis_is_deferred_five_working_days_after_return():
    # 002 p6 (KPIs), 001 p4: within five working days after returning to work.
    leave = Away(date(2026, 4, 1), date(2026, 4, 24), "annual_leave")  # ends Friday
    result = check(Stint(date(2020, 1, 1)), Q1, on=date(2026, 4, 10), params=KPI, absences=[leave])
    assert result.status == Status.DEFERRED
    assert result.returns_on == date(2026, 4, 27)  # back at work on Monday
    assert result.due == date(2026, 5, 4)  # five weekdays after it: 28, 29, 30, 1, 4


def test_a_leave_ending_on_the_evaluation_day_still_counts_as_absent():
    leave = Away(date(2026, 4, 1), date(2026, 4, 10))
    result = check(Stint(date(2020, 1, 1)), Q1, on=date(2026, 4, 10), params=KPI, absences=[leave])
    assert result.status == Status.DEFERRED
    assert result.returns_on == date(2026, 4, 13)  # 10 April is a Friday
    assert result.due == weekdays_only(date(2026, 4, 13), 5)


def test_a_leave_ending_the_day_before_does_not_defer():
    leave = Away(date(2026, 4, 1), date(2026, 4, 9))
    result = check(Stint(date(2020, 1, 1)), Q1, on=date(2026, 4, 10), params=KPI, absences=[leave])
    assert result.status == Status.EVALUATED


def test_absences_separated_by_a_weekend_are_chained():
    # Leave to Friday, sick leave from Monday: back only after the sick leave.
    absences = [
        Away(date(2026, 4, 1), date(2026, 4, 10)),
        Away(date(2026, 4, 13), date(2026, 4, 15)),
    ]
    result = check(Stint(date(2020, 1, 1)), Q1, on=date(2026, 4, 10), params=KPI, absences=absences)
    assert result.returns_on == date(2026, 4, 16)


def test_back_to_back_absences_defer_to_the_end_of_the_last():
    # Annual leave followed by sick leave across the quarter boundary.
    absences = [
        Away(date(2026, 3, 23), date(2026, 4, 10), "annual_leave"),
        Away(date(2026, 4, 11), date(2026, 4, 20), "sick_leave"),
    ]
    result = check(Stint(date(2020, 1, 1)), Q1, on=date(2026, 4, 10), params=KPI, absences=absences)
    assert result.returns_on == date(2026, 4, 21)


def test_an_absence_spanning_the_quarter_does_not_reduce_time_in_position():
    # 002 p6 counts time in the position, not time at work: a long leave inside Q1 still
    # leaves the servant evaluated (without participation if absent on the day).
    leave = Away(date(2026, 1, 10), date(2026, 3, 20))
    assert (
        check(Stint(date(2020, 1, 1)), Q1, on=date(2026, 4, 10), absences=[leave]).status
        == Status.EVALUATED
    )


def test_not_in_the_position_during_the_period():
    assert check(None, Q1, on=date(2026, 4, 10)).reason == Reason.NOT_IN_POSITION
    ended = Stint(date(2020, 1, 1), end=date(2025, 12, 31))
    assert check(ended, Q1, on=date(2026, 4, 10)).reason == Reason.NOT_IN_POSITION


# --- 001 p4: the three months count from the return from social leave or studies ---------

YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))
FROM_RETURN = Params(defer_when_absent=True, months_from_return=True)  # 2018-model versions


def social_leave(end, start=date(2024, 3, 1), kind="social_leave"):
    return Away(start, end, kind)


def test_back_from_social_leave_exactly_three_months_before_the_period_end_is_evaluated():
    # 001 p4: "әлеуметтік демалыстан шыққаннан ... кейін": back on 1 October, the period ends
    # on 31 December: 1 October – 31 December is three calendar months.
    stint = Stint(date(2019, 5, 1))
    result = check(
        stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN,
        absences=[social_leave(date(2026, 9, 30))],
    )  # fmt: skip
    assert result.status == Status.EVALUATED


def test_back_from_social_leave_one_day_later_is_not_evaluated():
    # 001 p4: back on 2 October: one day short of three months since the return.
    stint = Stint(date(2019, 5, 1))
    result = check(
        stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN,
        absences=[social_leave(date(2026, 10, 1))],
    )  # fmt: skip
    assert (result.status, result.reason) == (
        Status.NOT_EVALUATED,
        Reason.UNDER_MIN_MONTHS_SINCE_RETURN,
    )


def test_end_of_studies_restarts_the_count_too():
    # 001 p4: "оқуды аяқтағаннан кейін".
    stint = Stint(date(2019, 5, 1))
    studies = social_leave(date(2026, 10, 15), start=date(2025, 9, 1), kind="studies")
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN, absences=[studies])
    assert result.reason == Reason.UNDER_MIN_MONTHS_SINCE_RETURN
    studies = social_leave(date(2026, 9, 30), start=date(2025, 9, 1), kind="studies")
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN, absences=[studies])
    assert result.status == Status.EVALUATED


def test_social_leave_running_over_the_period_end_is_not_three_months_since_return():
    # 001 p4: no return within the period: the count has not started again.
    stint = Stint(date(2019, 5, 1))
    leave = social_leave(date(2027, 6, 30), start=date(2026, 11, 1))
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN, absences=[leave])
    assert result.reason == Reason.UNDER_MIN_MONTHS_SINCE_RETURN


def test_the_later_of_appointment_and_return_counts():
    # 001 p4: a social leave before the appointment (in another post) does not matter; the
    # appointment on 1 October is exactly three months before the end of the year.
    stint = Stint(date(2026, 10, 1))
    leave = social_leave(date(2026, 6, 30))
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN, absences=[leave])
    assert result.status == Status.EVALUATED


def test_other_absences_do_not_restart_the_count():
    # 001 p4: only social leave and studies; a long sick leave is an absence, not a return.
    stint = Stint(date(2019, 5, 1))
    sick = social_leave(date(2026, 11, 30), start=date(2026, 9, 1), kind="sick_leave")
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN, absences=[sick])
    assert result.status == Status.EVALUATED


def test_counting_from_the_appointment_only_when_the_version_says_so():
    # 002 p6 counts the months in the position from the appointment: the 2023 versions
    # leave months_from_return off, so a return on 2 October does not exclude.
    stint = Stint(date(2019, 5, 1))
    leave = social_leave(date(2026, 10, 1))
    Q4 = (date(2026, 10, 1), date(2026, 12, 31))
    assert check(stint, Q4, on=date(2027, 1, 10), absences=[leave]).status == Status.EVALUATED
    result = check(stint, Q4, on=date(2027, 1, 10), absences=[leave], params=FROM_RETURN)
    assert result.reason == Reason.UNDER_MIN_MONTHS_SINCE_RETURN


def test_002_does_not_exclude_probation():
    # 002 p6 names only the three months: a 2023-model version evaluates a servant on
    # probation (probation_excludes off), a 2018-model one does not (001 p4).
    stint = Stint(date(2025, 12, 1), probation_end=date(2026, 4, 30))
    model_2023 = Params(probation_excludes=False)
    assert check(stint, Q1, on=date(2026, 4, 10), params=model_2023).status == Status.EVALUATED
    model_2018 = Params(probation_excludes=True, months_from_return=True)
    assert check(stint, Q1, on=date(2026, 4, 10), params=model_2018).reason == Reason.PROBATION
