"""001 App 3 (the form of 002 Appendix 3): the 2018 competency evaluation sheet, printed.

One row per competency on the sheet, in the sheet's order: its name, «күтілген нәтижеге
сәйкес / сәйкес емес» from the marks (rules.competency.outcome, 001 p27), and the behaviour
indicators not observed where it does not meet expectations (the form's last column). The
servant's name, position and unit head it; the servant and the direct supervisor sign it.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bagalau.documents import registry
from bagalau.documents.layout import Layout, Paragraph, Signature, Table
from bagalau.documents.text import long_date
from bagalau.methodology.printed import appendix, language, version_label

from . import competency_lines, printed_parts
from .models import Task

KIND = competency_lines.COMPETENCY_KIND


def outcome_text(meets: bool | None) -> str:
    """001 p27: «күтілген нәтижеге сәйкес» or «... сәйкес емес»; blank while unmarked."""
    if meets is None:
        return ""
    return _("meets expectations") if meets else _("does not meet expectations")


def competency_sheet_authorize(user: object, object_id: int) -> Task:
    return printed_parts.printable_task(user, object_id, KIND)


def competency_sheet_build(task: Task) -> Layout:
    lang = language()
    lines = list(task.lines.order_by("order", "pk"))
    cells = competency_lines.competency_cells(lines)
    rows = []
    for number, cell in enumerate(cells, start=1):
        meets = cell["outcome"].meets
        rows.append([
            str(number),
            cell["line"].name,
            outcome_text(meets),
            "; ".join(cell["missing"]) if meets is False else "",
        ])  # fmt: skip
    position, _unit_name = printed_parts.appointment_position(task.appointment)
    evaluator_position, _unit = printed_parts.position_on(task.evaluator_id, task.schedule.end)
    submitted = printed_parts.local_day(task.submitted_at)
    return Layout(
        form="competency_sheet",
        language=lang,
        title=_("Evaluation sheet of the competencies"),
        subtitle=_("%(year)s (the year evaluated)") % {"year": task.schedule.year},
        body_name=task.body.name,
        version_label=version_label(task.version),
        appendix=appendix(3),
        issued_on=long_date(timezone.localdate(), lang),
        blocks=[
            printed_parts.evaluated_fields(task),
            Table(
                columns=[
                    _("No."),
                    _("Name of the competencies"),
                    _("Evaluation results (meets / does not meet the expected result)"),
                    _(
                        "Behaviour indicators not observed in the servant (where the result "
                        "does not meet the expected result)"
                    ),
                ],
                rows=rows,
                widths=[1, 4, 4, 8],
            ),
            Paragraph(
                _(
                    "* Servants of the “B” corps whose duties do not include "
                    "providing public services are not evaluated on the competencies "
                    "“Customer orientation” and “Informing customers”."
                )
            ),
        ],
        signatures=[
            Signature(role=_("Servant"), name=task.servant.full_name, position=position, date=""),
            Signature(
                role=_("Direct supervisor"),
                name=task.evaluator_name,
                position=evaluator_position,
                date=long_date(submitted, lang),
            ),
        ],
    )


def competency_sheet_body(task: Task) -> int:
    return task.body_id


def competency_sheet_servant(task: Task) -> int | None:
    return task.servant_id


registry.register(
    registry.FormKind(
        key="competency_sheet",
        label=gettext_lazy("Evaluation sheet of the competencies"),
        authorize=competency_sheet_authorize,
        build=competency_sheet_build,
        body_id=competency_sheet_body,
        servant_id=competency_sheet_servant,
        period=lambda task: (task.schedule.year, task.schedule.quarter),
    )
)
