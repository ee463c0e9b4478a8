"""The protocol of a calibration session (калибрлеу сессиясының хаттамасы; 002 p39-42),
printed from the case: the servant, the evaluator, the application, the score before the
session and the final score with how it was decided (by majority of the participants, else
the version's tie rule), the evaluator's justification, each participant's position with
their arguments, and the participants' signatures.

Printing follows the protocol page (views.protocol): `access_case` answers 404 to anyone with
no role on the case and for a session not held yet; the protocol carries the scores, so a
caller who may not read them (an HR officer who is not the head of HR, the authorized person)
gets 403 (002 p16, p21).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.documents import registry
from bagalau.documents.layout import Fields, Layout, Paragraph, Signature, Table
from bagalau.documents.text import long_date, score
from bagalau.evaluations import access as evaluation_access
from bagalau.evaluations.printed_parts import positions_on, signers
from bagalau.methodology.printed import language, version_label

from . import selectors
from .models import CalibrationCase, CaseState

PRINTABLE = (CaseState.HELD, CaseState.DECIDED, CaseState.PROTOCOL_UPLOADED)


def calibration_protocol_authorize(user: Any, object_id: int) -> CalibrationCase:
    case, roles = selectors.access_case(user, object_id)
    if case.state not in PRINTABLE:
        raise NotFound(selectors.MSG_NOT_FOUND, code="not_found")
    if not selectors.may_read_scores(roles, selectors.held(user, case.body_id)):
        raise PermissionDenied(evaluation_access.MSG_FORBIDDEN, code="forbidden")
    return case


def _how(case: CalibrationCase) -> str:
    by = case.tally.get("by", "")
    if by == "majority":
        return _("by majority vote of the participants (002 p42)")
    if by == "most_votes":
        return _("no majority: the score with the most votes (the version's rule)")
    return _("no majority: the score stands (the version's rule)")


def calibration_protocol_build(case: CalibrationCase) -> Layout:
    lang = language()
    day = case.held_on or case.session_date or case.applied_on
    positions = list(case.positions.all())
    people = signers(
        case.body_id,
        [p.user for p in case.participants.all()]
        + [p.user for p in positions]
        + [case.evaluator_user],
        day,
    )
    servant_position = positions_on([case.servant_id], day).get(case.servant_id, ("", ""))
    rows = [
        [
            str(number),
            *people[p.user_id],
            _("supports the score") if p.supports else score(p.proposed, lang),
            p.arguments,
        ]
        for number, p in enumerate(positions, start=1)
    ]
    held = long_date(case.held_on, lang)
    return Layout(
        form="calibration_protocol",
        language=lang,
        title=_("Protocol No. %(number)s of the calibration session")
        % {"number": case.protocol_number or case.pk},
        subtitle=", ".join(t for t in (held, case.session_place) if t),
        body_name=case.body.name,
        version_label=version_label(case.version),
        issued_on=long_date(timezone.localdate(), lang),
        blocks=[
            Fields(
                items=[
                    (_("Servant evaluated"), case.servant.full_name),
                    (_("Position of the servant evaluated"), servant_position[0]),
                    (_("Structural unit of the servant evaluated"), servant_position[1]),
                    (_("Evaluator"), people.get(case.evaluator_user_id or 0, ("", ""))[0]),
                    (_("Application of"), long_date(case.applied_on, lang)),
                    (_("Score before the session"), score(case.score_before, lang)),
                    (_("Final score"), score(case.final_score, lang)),
                    (_("How it was decided"), _how(case)),
                ]
            ),  # fmt: skip
            Paragraph(_("The evaluator's summary and justification"), bold=True),
            Paragraph(case.summary),
            Table(
                heading=_("Positions of the participants (002 p42)"),
                columns=[
                    _("No."),
                    _("Participant"),
                    _("Position held"),
                    _("Supports the score or proposes"),
                    _("Arguments"),
                ],
                rows=rows,
                widths=[1, 4, 4, 3, 7],
            ),
            Paragraph(
                _("%(support)s of %(participants)s participants supported the score.")
                % {
                    "support": case.tally.get("support", 0),
                    "participants": case.tally.get("participants", len(people)),
                }
            ),
        ],
        signatures=[
            Signature(
                role=_("Participant of the calibration session"),
                name=people[p.user_id][0],
                position=people[p.user_id][1],
                date=held,
            )
            for p in case.participants.all()
        ],
    )


registry.register(
    registry.FormKind(
        key="calibration_protocol",
        label=gettext_lazy("Protocol of the calibration session"),
        authorize=calibration_protocol_authorize,
        build=calibration_protocol_build,
        body_id=lambda case: case.body_id,
        servant_id=lambda case: case.servant_id,
        period=lambda case: (case.result.year, case.result.quarter),
    )
)
