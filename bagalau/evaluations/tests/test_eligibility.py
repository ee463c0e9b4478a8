"""Who is evaluated for a period (001 p4; 002 p6-7, p23)."""

from datetime import date, timedelta

import pytest

from bagalau.evaluations.rules.eligibility import (
    Away,
    Eligibility,
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


# --- Edge days (issue 18 item 2): each date worked out on the 2026 calendar ---------------
# Q1 2026 ends on Tuesday 31 March; the evaluation on Friday 10 April 2026.
ON = date(2026, 4, 10)


def test_the_version_defaults_are_those_of_001_p4():
    # 001 p4: three months, probation excludes, five working days after the return;
    # 002 p6: differentiation runs without the absent servant (no deferral by default).
    params = Params()
    assert (params.min_months, params.probation_excludes, params.months_from_return) == (
        3, True, False,
    )  # fmt: skip
    assert (params.defer_when_absent, params.deferral_working_days) == (False, 5)
    on_probation = Stint(date(2025, 6, 1), probation_end=ON)
    assert check(on_probation, Q1, on=ON, params=params).reason == Reason.PROBATION
    leave = Away(date(2026, 4, 6), date(2026, 4, 17))
    result = check(Stint(date(2020, 1, 1)), Q1, on=ON, params=params, absences=[leave])
    assert (result.status, result.reason) == (Status.WITHOUT_PARTICIPATION, Reason.ABSENT)
    back_in_october = [social_leave(date(2026, 10, 1))]
    result = check(Stint(date(2019, 5, 1)), YEAR_2026, on=date(2027, 1, 20), params=params,
                   absences=back_in_october)  # fmt: skip
    assert result.status == Status.EVALUATED  # from the appointment only unless told


def test_appointed_on_the_last_day_of_the_period_is_in_it_but_under_three_months():
    # 002 p6: in the position one day of the quarter.
    result = check(Stint(date(2026, 3, 31)), Q1, on=ON)
    assert (result.status, result.reason) == (Status.NOT_EVALUATED, Reason.UNDER_MIN_MONTHS)
    assert check(Stint(date(2026, 4, 1)), Q1, on=ON).reason == Reason.NOT_IN_POSITION


def test_left_on_the_first_day_of_the_period_is_in_it_but_under_three_months():
    # 002 p6: one day of the quarter in the position.
    result = check(Stint(date(2020, 1, 1), end=date(2026, 1, 1)), Q1, on=ON)
    assert (result.status, result.reason) == (Status.NOT_EVALUATED, Reason.UNDER_MIN_MONTHS)


def test_leaving_one_day_before_the_period_end_is_under_three_months():
    # 002 p6: 1 January – 30 March is one day short of three months.
    stint = Stint(date(2020, 1, 1), end=date(2026, 3, 30))
    assert check(stint, Q1, on=ON).reason == Reason.UNDER_MIN_MONTHS


def test_a_transfer_before_the_evaluation_is_evaluated_for_the_part_served():
    # 002 p7 speaks of dismissal only: moved to another position on 31 March after the whole
    # quarter in this one, the servant is evaluated here as usual.
    transfer = Stint(date(2020, 1, 1), end=date(2026, 3, 31), dismissed=False)
    assert check(transfer, Q1, on=ON) == rules_result(Status.EVALUATED)
    dismissal = Stint(date(2020, 1, 1), end=date(2026, 3, 31), dismissed=True)
    assert check(dismissal, Q1, on=ON) == rules_result(
        Status.WITHOUT_PARTICIPATION, Reason.DISMISSED
    )


def test_dismissed_on_the_evaluation_day_is_still_in_post_that_day():
    # 002 p7: "dismissed before the evaluation ends": on the day itself the servant still
    # works, so is evaluated as usual; dismissed the day before, without participation.
    on_the_day = Stint(date(2020, 1, 1), end=ON, dismissed=True)
    assert check(on_the_day, Q1, on=ON).status == Status.EVALUATED
    the_day_before = Stint(date(2020, 1, 1), end=date(2026, 4, 9), dismissed=True)
    assert check(the_day_before, Q1, on=ON).reason == Reason.DISMISSED


@pytest.mark.parametrize(
    ("probation_end", "excluded"),
    [
        (ON, True),  # 001 p4: the last day of probation is the evaluation day
        (date(2026, 4, 9), True),  # on probation on the quarter's last day and after it
        (date(2026, 3, 31), True),  # the quarter's last day
        (date(2026, 3, 30), False),  # done with probation within the quarter
    ],
)
def test_probation_ending_around_the_evaluation(probation_end, excluded):
    # 001 p4: "сынақ мерзімінде бағалау өткізілмейді".
    stint = Stint(date(2025, 6, 1), probation_end=probation_end)
    result = check(stint, Q1, on=ON, params=Params(probation_excludes=True))
    expected = (Status.NOT_EVALUATED, Reason.PROBATION) if excluded else (Status.EVALUATED, "")
    assert (result.status, result.reason) == expected


@pytest.mark.parametrize(
    ("probation_end", "excluded"),
    [(date(2026, 12, 20), True), (date(2026, 12, 25), True), (date(2026, 12, 19), False)],
)
def test_probation_on_an_evaluation_day_inside_the_period(probation_end, excluded):
    # 001 p4: evaluated on 20 December within the year: on probation that day or not.
    stint = Stint(date(2025, 6, 1), probation_end=probation_end)
    result = check(stint, YEAR_2026, on=date(2026, 12, 20), params=Params())
    assert (result.reason == Reason.PROBATION) is excluded


def test_an_absence_starting_on_the_evaluation_day_defers():
    # 001 p4; 002 p6: away on the day (Friday 10 April to Friday 17 April): back on Monday
    # 20 April, evaluated within five working days: 21, 22, 23, 24, 27 April.
    leave = Away(ON, date(2026, 4, 17), "annual_leave")
    result = check(Stint(date(2020, 1, 1)), Q1, on=ON, params=KPI, absences=[leave])
    assert result == rules_result(
        Status.DEFERRED, Reason.ABSENT, due=date(2026, 4, 27), returns_on=date(2026, 4, 20)
    )
    the_day_after = Away(date(2026, 4, 11), date(2026, 4, 17))
    assert check(
        Stint(date(2020, 1, 1)), Q1, on=ON, params=KPI, absences=[the_day_after]
    ) == rules_result(Status.EVALUATED)


def test_three_chained_absences_listed_in_any_order_defer_to_the_last():
    # 001 p4: back at work only after the last of them. Leave 1-10 April (to Friday), sick
    # leave Monday 13 to Friday 17, a business trip Monday 20 to Wednesday 22: back on
    # Thursday 23 April; five working days: 24, 27, 28, 29, 30 April.
    leave = Away(date(2026, 4, 1), ON, "annual_leave")
    sick = Away(date(2026, 4, 13), date(2026, 4, 17), "sick_leave")
    trip = Away(date(2026, 4, 20), date(2026, 4, 22), "business_trip")
    for absences in ([trip, sick, leave], [leave, sick, trip], [sick, trip, leave]):
        result = check(Stint(date(2020, 1, 1)), Q1, on=ON, params=KPI, absences=absences)
        assert (result.returns_on, result.due) == (date(2026, 4, 23), date(2026, 4, 30))


def test_an_absence_after_a_working_day_back_is_not_chained():
    # 001 p4: back on Monday 13 April; a sick leave from Tuesday 14 is a new absence. One
    # inside the leave and one before it change nothing.
    absences = [
        Away(date(2026, 4, 14), date(2026, 4, 17), "sick_leave"),
        Away(date(2026, 4, 2), date(2026, 4, 3), "sick_leave"),
        Away(date(2026, 4, 1), ON, "annual_leave"),
        Away(date(2026, 3, 2), date(2026, 3, 6), "annual_leave"),
    ]
    result = check(Stint(date(2020, 1, 1)), Q1, on=ON, params=KPI, absences=absences)
    assert (result.returns_on, result.due) == (date(2026, 4, 13), date(2026, 4, 20))


def test_the_deferral_takes_the_versions_number_of_working_days():
    # 001 p4 names five; a version may set another: back Monday 13 April + 2 → Wednesday 15.
    leave = Away(date(2026, 4, 1), ON)
    params = Params(defer_when_absent=True, deferral_working_days=2)
    result = check(Stint(date(2020, 1, 1)), Q1, on=ON, params=params, absences=[leave])
    assert (result.returns_on, result.due) == (date(2026, 4, 13), date(2026, 4, 15))


def test_a_social_leave_starting_on_the_last_day_of_the_period_restarts_the_count():
    # 001 p4: a social leave begun on 31 December has no return within the year.
    stint = Stint(date(2019, 5, 1))
    leave = social_leave(date(2027, 6, 30), start=date(2026, 12, 31))
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN, absences=[leave])
    assert result.reason == Reason.UNDER_MIN_MONTHS_SINCE_RETURN
    later = social_leave(date(2027, 6, 30), start=date(2027, 1, 1))  # after the period
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN, absences=[later])
    assert (result.status, result.reason) == (Status.DEFERRED, Reason.ABSENT)  # away that day


def test_a_social_leave_ending_on_the_appointment_day_restarts_the_count():
    # 001 p4: appointed 1 October while still on social leave that day: back on 2 October,
    # one day short of three months; a leave that ended on 30 September does not count.
    stint = Stint(date(2026, 10, 1))
    on_the_day = social_leave(date(2026, 10, 1))
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN,
                   absences=[on_the_day])  # fmt: skip
    assert result.reason == Reason.UNDER_MIN_MONTHS_SINCE_RETURN
    before = social_leave(date(2026, 9, 30))
    result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN, absences=[before])
    assert result.status == Status.EVALUATED


def test_the_last_of_several_returns_counts():
    # 001 p4: back from studies on 1 April and from social leave on 2 October (one day
    # short of three months before 31 December), in either order.
    stint = Stint(date(2019, 5, 1))
    studies = social_leave(date(2026, 3, 31), start=date(2025, 9, 1), kind="studies")
    leave = social_leave(date(2026, 10, 1), start=date(2026, 5, 1))
    for absences in ([studies, leave], [leave, studies]):
        result = check(stint, YEAR_2026, on=date(2027, 1, 20), params=FROM_RETURN,
                       absences=absences)  # fmt: skip
        assert result.reason == Reason.UNDER_MIN_MONTHS_SINCE_RETURN


def test_a_return_before_the_period_does_not_shorten_it():
    # 001 p4: back from social leave in 2025, the whole of 2026 in the position.
    stint = Stint(date(2019, 5, 1))
    leave = social_leave(date(2025, 6, 30))
    result = check(stint, Q1, on=ON, params=FROM_RETURN, absences=[leave])
    assert result.status == Status.EVALUATED


def test_three_months_from_the_end_of_a_month_to_the_end_of_another():
    # 001 p4: calendar months: 31 October → 30 January is three; 1 February → 30 April too.
    assert served_at_least(date(2026, 10, 31), date(2027, 1, 30), 3)
    assert served_at_least(date(2026, 2, 1), date(2026, 4, 30), 3)
    assert not served_at_least(date(2026, 2, 1), date(2026, 4, 29), 3)
    assert served_at_least(date(2026, 2, 1), date(2026, 2, 28), 1)
    assert not served_at_least(date(2026, 2, 2), date(2026, 2, 28), 1)


def rules_result(status, reason=Reason.NONE, *, due=None, returns_on=None):
    return Eligibility(status, reason, due=due, returns_on=returns_on)


def test_not_in_position_is_not_evaluated_and_a_one_day_absence_on_the_day_back_chains():
    # 002 p6: outside the position, not evaluated.
    assert check(None, Q1, on=ON) == rules_result(Status.NOT_EVALUATED, Reason.NOT_IN_POSITION)
    # 001 p4: leave to Friday 10 April, sick on Monday 13 only: back on Tuesday 14.
    absences = [Away(date(2026, 4, 1), ON), Away(date(2026, 4, 13), date(2026, 4, 13))]
    result = check(Stint(date(2020, 1, 1)), Q1, on=ON, params=KPI, absences=absences)
    assert result.returns_on == date(2026, 4, 14)
