"""Reads of calibration cases: who holds which role on a case, the panel source of the one
access rule (002 p21), the dashboard cards and HR's calibration view per unit."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import NotFound
from bagalau.evaluations.access import body_roles
from bagalau.evaluations.rules.confidentiality import HR_HEAD, PANEL, may_read_result
from bagalau.evaluations.rules.workflow import HR
from bagalau.org.models import HR_ROLES, Role, RoleAssignment

from . import rules
from .models import CalibrationCase, CaseState, Participant, Position

MSG_NOT_FOUND = _("Not found.")
DASHBOARD_ROWS = 10


# The user's roles in a body: the engine's reader (one query).
held = body_roles


def panel_tasks(user: Any, task_ids: Collection[int]) -> set[int]:
    """The access rule's panel source: the sheets on the agenda of a session whose approved
    participants include the user, while the session is not closed (002 p21)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        CalibrationCase.objects.filter(
            task_id__in=list(task_ids), state__in=rules.SERVING, participants__user=user
        ).values_list("task_id", flat=True)
    )


def case_roles(
    user: Any, case: CalibrationCase, body_roles: frozenset[str] | None = None
) -> set[str]:
    """The caller's roles on a case: the servant, the authorized person of the body, HR, the
    evaluator, a participant (only while the session runs: 002 p21)."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    body_roles = held(user, case.body_id) if body_roles is None else body_roles
    if case.servant.user_id == user.pk:
        roles.add(rules.EVALUATED)
    if Role.AUTHORIZED_PERSON in body_roles:
        roles.add(rules.AUTHORIZED)
    if body_roles & HR_ROLES:
        roles.add(HR)
    if case.evaluator_user_id == user.pk:
        roles.add(rules.EVALUATOR)
    if case.state in rules.SERVING and any(p.user_id == user.pk for p in case.participants.all()):
        roles.add(rules.PARTICIPANT)
    return roles


def case_queryset() -> Any:
    return CalibrationCase.objects.select_related(
        "servant", "servant__user", "result", "task", "version", "body", "evaluator_user", "unit"
    ).prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("user")),
        Prefetch("positions", queryset=Position.objects.select_related("user")),
        "appeals",
    )


def access_case(
    user: Any, case_id: int, *, for_update: bool = False
) -> tuple[CalibrationCase, set[str]]:
    """The case and the caller's roles; 404 to anyone with none (colleagues, other bodies,
    a participant once the session is closed)."""
    qs = case_queryset()
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.filter(pk=case_id).first()
    if case is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = case_roles(user, case)
    if not roles:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return case, roles


def may_read_scores(roles: set[str], body_roles: frozenset[str]) -> bool:
    """Who knows the scores of a case (002 p16, p21): the servant, the evaluator, the head of
    HR, the participants while they serve. HR officers run the process without the content;
    the authorized person decides on holding a session and approves its participants."""
    known = {r for r in roles if r in (rules.EVALUATED, rules.EVALUATOR)}
    if rules.PARTICIPANT in roles:
        known.add(PANEL)
    if Role.HR_HEAD in body_roles:
        known.add(HR_HEAD)
    return may_read_result(known)  # the one rule of 002 p21


def due_dates(case: CalibrationCase) -> list[tuple[str, Any, bool]]:
    """The case's due dates as (label, date, overdue) for every page that shows the case."""
    today = timezone.localdate()
    rows: list[tuple[str, Any, bool]] = [
        (str(_("application due (002 p13)")), case.apply_due, False),
        (
            str(_("decision due (002 p39)")),
            case.decide_due,
            case.state == CaseState.APPLIED and case.decide_due < today,
        ),
        (
            str(_("session due (002 p40)")),
            case.session_due,
            case.state in (CaseState.APPLIED, CaseState.ACCEPTED) and case.session_due < today,
        ),
    ]
    if case.protocol_due:
        rows.append((
            str(_("signed protocol due (002 p42)")), case.protocol_due,
            case.state == CaseState.DECIDED and case.protocol_due < today,
        ))  # fmt: skip
    return rows


def dashboard(user: Any) -> dict[str, Any]:
    """The calibration cards: to decide (authorized person), to vote (participants), to run
    (HR), to present or follow up (the evaluator), my applications (the servant). A fixed
    number of queries whatever the number of cases."""
    empty: dict[str, Any] = {
        "calibration_to_decide": [], "calibration_to_vote": [], "calibration_to_run": [],
        "calibration_as_evaluator": [], "calibration_mine": [], "calibration_units_body": None,
    }  # fmt: skip
    if not getattr(user, "is_authenticated", False):
        return empty
    roles = list(RoleAssignment.objects.filter(user=user).values_list("body_id", "role"))
    authorized = {b for b, r in roles if r == Role.AUTHORIZED_PERSON}
    hr = {b for b, r in roles if r in HR_ROLES}
    base = CalibrationCase.objects.select_related("servant")
    out = dict(empty)
    if authorized:
        out["calibration_to_decide"] = list(
            base.filter(body_id__in=authorized, state=CaseState.APPLIED).order_by("decide_due")[
                :DASHBOARD_ROWS
            ]
        )
    out["calibration_to_vote"] = list(
        base.filter(participants__user=user, state=CaseState.ACCEPTED)
        .exclude(positions__user=user)
        .order_by("session_date", "pk")[:DASHBOARD_ROWS]
    )
    # The view by unit carries scores: the head of HR's only (002 p21).
    heads = sorted(b for b, r in roles if r == Role.HR_HEAD)
    out["calibration_units_body"] = heads[0] if heads else None
    if hr:
        out["calibration_to_run"] = list(
            base.filter(body_id__in=hr)
            .filter(state__in=[CaseState.ACCEPTED, CaseState.HELD, CaseState.DECIDED])
            .order_by("session_due", "pk")[:DASHBOARD_ROWS]
        )
    out["calibration_as_evaluator"] = list(
        base.filter(evaluator_user=user)
        .filter(
            Q(state=CaseState.ACCEPTED, summary="")
            | Q(state__in=[CaseState.DECIDED, CaseState.PROTOCOL_UPLOADED], feedback_on=None)
        )
        .order_by("session_due", "pk")[:DASHBOARD_ROWS]
    )
    out["calibration_mine"] = list(
        base.filter(servant__user=user).order_by("-applied_on", "-pk")[:DASHBOARD_ROWS]
    )
    return out


def unit_view(body_id: int, year: int) -> list[dict[str, Any]]:
    """HR's calibration view per unit (issue 16): the distribution of scores before and after
    calibration (by band of 002 p8, each score kept to its version's decimals) and each
    moved case with its tally. Four queries."""
    from bagalau.evaluations.rules import scoring
    from bagalau.methodology.models import Band, MethodologyVersion, Scale

    cases = list(
        CalibrationCase.objects.filter(body_id=body_id, result__year=year)
        .filter(state__in=[CaseState.DECIDED, CaseState.PROTOCOL_UPLOADED])
        .select_related("unit", "servant", "result")
        .order_by("unit_id", "pk")
    )
    versions = {c.version_id for c in cases}
    bands: dict[int, list[scoring.BandRow]] = defaultdict(list)
    for version_id, code, lower, upper in Band.objects.filter(
        version_id__in=versions, scale=Scale.SCORE
    ).values_list("version_id", "code", "lower", "upper"):
        bands[version_id].append(scoring.BandRow(code, lower, upper))

    decimals = dict(
        MethodologyVersion.objects.filter(pk__in=versions).values_list("pk", "score_decimals")
    )

    def band(case: CalibrationCase, score: Decimal | None) -> str:
        if score is None:
            return ""
        kept = scoring.quantize(score, decimals.get(case.version_id, 2))  # 002 p8
        row = scoring.band_for(kept, bands[case.version_id])
        return row.code if row else ""

    units: dict[Any, dict[str, Any]] = {}
    for case in cases:
        entry = units.setdefault(
            case.unit_id,
            {"unit": case.unit, "before": Counter(), "after": Counter(), "moved": [], "cases": 0},
        )
        entry["cases"] += 1
        entry["before"][band(case, case.score_before)] += 1
        entry["after"][band(case, case.final_score)] += 1
        if case.final_score is not None and case.final_score != case.score_before:
            entry["moved"].append(case)
    out = []
    codes = sorted({r.code for rows in bands.values() for r in rows})
    for entry in units.values():
        entry["rows"] = [(code, entry["before"][code], entry["after"][code]) for code in codes]
        out.append(entry)
    return out
