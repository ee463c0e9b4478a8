"""Eligibility of a servant for a period under a methodology version, from stored data."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from bagalau.methodology.models import MethodologyVersion, Participation, VersionKind
from bagalau.org.models import Absence, Appointment, EndReason, Servant
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from .rules import eligibility as rule


def params_for(version: MethodologyVersion, kind: VersionKind) -> rule.Params:
    """The rule's parameters from a version and one of its evaluation kinds."""
    deferral = (
        version.deadlines.filter(code="deferred_after_return")
        .values_list("amount", flat=True)
        .first()
    )
    return rule.Params(
        min_months=version.min_months_in_position,
        probation_excludes=version.probation_excludes,
        defer_when_absent=kind.when_absent == Participation.DEFER,
        deferral_working_days=deferral if deferral is not None else 5,
    )


def eligibility_for(
    *,
    servant: Servant,
    period_start: date,
    period_end: date,
    evaluation_date: date,
    version: MethodologyVersion,
    kind: VersionKind,
) -> rule.Eligibility:
    """Whether and how `servant` is evaluated for the period (001 p4; 002 p6-7).

    The servant's last appointment touching the period is the evaluated one; absences are
    the servant's own; working days follow the body's calendar.
    """
    appointment = (
        Appointment.objects.filter(servant=servant, start_date__lte=period_end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period_start))
        .order_by("-start_date")
        .first()
    )
    stint = None
    if appointment is not None:
        stint = rule.Stint(
            start=appointment.start_date,
            end=appointment.end_date,
            probation_end=appointment.probation_end,
            dismissed=appointment.end_reason == EndReason.DISMISSAL,
        )
    absences = [
        rule.Away(a.start_date, a.end_date, a.kind)
        for a in Absence.objects.filter(
            servant=servant,
            end_date__gte=period_start,
            start_date__lte=evaluation_date + timedelta(days=366),
        )
    ]
    calendar = workday_services.calendar_for(
        servant.body_id, evaluation_date - timedelta(days=31), evaluation_date + timedelta(days=800)
    )
    return rule.eligibility(
        stint=stint,
        absences=absences,
        period_start=period_start,
        period_end=period_end,
        evaluation_date=evaluation_date,
        params=params_for(version, kind),
        add_working_days=lambda day, n: workday_rules.add_working_days(day, n, calendar),
    )
