"""001 App 5 (the form of 002 Appendix 5): the protocol of a meeting of the evaluation
commission, printed from the meeting (001 p36-39).

The seed's columns in its order — No., the servant's full name, the evaluation result, the
result as corrected by the commission (where it was, 001 p38), the commission's
recommendations — then the open vote by name on each case (001 p32-33), the commission's
conclusion, the signatures of the secretary, the chair and the members, and the authorized
person's «БЕКІТЕМІН» once the results are approved (001 p39).

Printing follows the protocol page (views._context): `access_meeting` answers 404 to anyone
with no role on the meeting; the protocol carries every result on its agenda, so a caller who
may not read one of them (an HR officer who is not the head of HR) gets 403 (002 p21).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bagalau.core.errors import PermissionDenied
from bagalau.documents import registry
from bagalau.documents.layout import Approval, Layout, Paragraph, Signature, Table
from bagalau.documents.text import long_date, score
from bagalau.evaluations import access
from bagalau.evaluations.printed_parts import signers
from bagalau.evaluations.rules.confidentiality import may_read_result
from bagalau.methodology import selectors as methodology_selectors
from bagalau.methodology.models import Band
from bagalau.methodology.printed import appendix, language, version_label

from . import rules, selectors
from .models import Meeting, MeetingState


@dataclass(frozen=True)
class Protocol:
    """What `authorize` hands to `build`: the meeting and the view the page shows."""

    meeting: Meeting
    view: selectors.MeetingView


def commission_protocol_authorize(user: Any, object_id: int) -> Protocol:
    meeting, roles = selectors.access_meeting(user, object_id)
    view = selectors.meeting_view(user, meeting, roles)
    held = access.body_roles(user, meeting.body_id)
    panel = access.panel_tasks(user, [r.case.task_id for r in view.rows])
    for row in view.rows:
        task_roles = access.task_roles(user, row.case.task, held, row.case.task_id in panel)
        if not (may_read_result(task_roles) and access.sheet_readable(row.case.task, task_roles)):
            raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    return Protocol(meeting=meeting, view=view)


def _result_text(row: selectors.Row, bands: dict[tuple[str, str], str]) -> str:
    case, task = row.case, row.case.task
    original = case.result.original_score if case.result else task.score
    text = f"{task.get_kind_display()}: {score(original, language())}"
    if case.result is not None and case.result.band:
        scale = "kpi_count" if task.kind == "kpi_annual" else "score"  # 001 p18
        name = bands.get((scale, case.result.band))
        if name:
            text += f" ({name})"
    return text


def commission_protocol_build(protocol: Protocol) -> Layout:
    lang = language()
    meeting, view = protocol.meeting, protocol.view
    version = next((r.case.task.version for r in view.rows), None) or (
        methodology_selectors.version_for(meeting.body_id, meeting.date)
    )
    bands = {
        (b.scale, b.code): b.name for b in Band.objects.filter(version_id=version.pk)
    } if version else {}  # fmt: skip
    people = signers(
        meeting.body_id,
        [s.user for s in view.seats]
        + [v.voter for r in view.rows for v in r.votes]
        + [meeting.approved_by],
        meeting.date,
    )
    rows, votes, conclusions = [], [], []
    for number, row in enumerate(view.rows, start=1):
        decision = row.decision
        corrected = (
            score(decision.corrected, lang)
            if decision is not None and decision.choice == rules.REVISE
            else ""
        )
        rows.append([
            str(number), row.case.servant.full_name, _result_text(row, bands), corrected,
            row.case.recommendations,
        ])  # fmt: skip
        for vote in row.votes:
            votes.append([
                str(number), row.case.servant.full_name, people[vote.voter_id][0],
                str(vote.get_choice_display()),
                score(vote.corrected, lang) if vote.choice == rules.REVISE else "",
            ])  # fmt: skip
        if decision is not None:
            text = _("%(choice)s, %(votes)s of %(cast)s votes") % {
                "choice": decision.get_choice_display(),
                "votes": decision.votes_for,
                "cast": decision.cast,
            }
            if decision.tie_broken:
                text += "; " + _("the tie decided by the chair's vote (001 p33)")
            if row.case.conclusion:
                text = f"{row.case.conclusion} ({text})"
            conclusions.append(f"{number}. {row.case.servant.full_name}: {text}")
    held_on = long_date(meeting.date, lang) if meeting.state != MeetingState.DRAFT else ""
    signatures = []
    if view.secretary is not None:
        signatures.append(Signature(
            _("Secretary of the commission"), *people[view.secretary.user_id], held_on,
        ))  # fmt: skip
    if view.chair is not None:
        signatures.append(Signature(
            _("Chair of the commission"), *people[view.chair.user_id], held_on,
        ))  # fmt: skip
    for seat in view.members:
        signatures.append(Signature(
            _("Member of the commission"), *people[seat.user_id],
            held_on if seat.user_id in view.present else "",
        ))  # fmt: skip
    approval = None
    if meeting.approved_by is not None:
        approval = Approval(
            heading=_("APPROVED"),
            lines=[
                people[meeting.approved_by.pk][1] or _("the authorized person"),
                people[meeting.approved_by.pk][0],
                long_date(meeting.approved_on, lang),
            ],
        )
    return Layout(
        form="commission_protocol",
        language=lang,
        title=_("Protocol of the meeting of the evaluation commission"),
        subtitle=_("Evaluation of %(year)s; the meeting of %(day)s")
        % {
            "year": meeting.year,
            "day": long_date(meeting.date, lang),
        },  # fmt: skip
        body_name=meeting.body.name,
        version_label=version_label(version) if version else "",
        appendix=appendix(5),
        approval=approval,
        orientation="landscape",
        issued_on=long_date(timezone.localdate(), lang),
        blocks=[
            Paragraph(
                _("Present: %(present)s of %(voting)s voting members.")
                % {"present": view.present_voting, "voting": view.voting}
            ),
            Table(
                heading=_("Evaluation results"),
                columns=[
                    _("No."),
                    _("Surname, name, patronymic (if any) of the servants"),
                    _("Information on the evaluation results"),
                    _("Evaluation results as corrected by the commission (if any)"),
                    _("Recommendations of the commission"),
                ],
                rows=rows,
                widths=[1, 5, 5, 4, 6],
            ),
            Table(
                heading=_("Open vote (001 p32-33)"),
                columns=[
                    _("No."),
                    _("Servant evaluated"),
                    _("Member of the commission"),
                    _("Vote cast"),
                    _("Result as corrected"),
                ],
                rows=votes,
                widths=[1, 5, 5, 3, 3],
            ),
            Paragraph(_("Conclusion of the commission:"), bold=True),
            *[Paragraph(text) for text in conclusions],
            Paragraph(_("Checked:"), bold=True),
        ],
        signatures=signatures,
    )


registry.register(
    registry.FormKind(
        key="commission_protocol",
        label=gettext_lazy("Protocol of the meeting of the evaluation commission"),
        authorize=commission_protocol_authorize,
        build=commission_protocol_build,
        body_id=lambda protocol: protocol.meeting.body_id,
        period=lambda protocol: (protocol.meeting.year, 0),
    )
)
