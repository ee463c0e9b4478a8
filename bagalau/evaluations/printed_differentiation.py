"""The 2023 differentiation evaluation sheet (саралау әдісі бойынша бағалау парағы; the
typical methodology's Appendix 4, 002 p30-33), printed.

One row per parameter on the sheet (the DifferentiationParameter rows of the sheet's own
version, copied onto its lines when the schedule was approved), in their order: the
parameter, the score from 0 to 5 in its column (002 p32), the evaluator's comment; then the
sheet's score and its band (002 p8). The evaluated servant and the evaluator sign it.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bagalau.documents import registry
from bagalau.documents.layout import Fields, Layout, Signature, Table
from bagalau.documents.text import long_date, score
from bagalau.methodology.printed import appendix, language, version_label

from . import printed_parts
from .models import Result, Task

KIND = "differentiation"


def differentiation_sheet_authorize(user: object, object_id: int) -> Task:
    return printed_parts.printable_task(user, object_id, KIND)


def differentiation_sheet_build(task: Task) -> Layout:
    lang = language()
    lines = list(task.lines.order_by("order", "pk"))
    rows = [
        [str(number), line.name, score(line.score, lang), line.comment]
        for number, line in enumerate(lines, start=1)
    ]
    result = Result.objects.filter(task=task).first()
    band = ""
    if result is not None and result.band:
        found = task.version.bands.filter(scale="score", code=result.band).first()
        band = found.name if found is not None else ""
    position, _unit_name = printed_parts.appointment_position(task.appointment)
    evaluator_position, _unit = printed_parts.position_on(task.evaluator_id, task.schedule.end)
    submitted = printed_parts.local_day(task.submitted_at)
    acknowledged = printed_parts.local_day(result.acknowledged_at if result else None)
    return Layout(
        form="differentiation_sheet",
        language=lang,
        title=_("Evaluation sheet by the differentiation method"),
        subtitle=_("Evaluation period: %(period)s") % {"period": task.schedule.title},
        body_name=task.body.name,
        version_label=version_label(task.version),
        appendix=appendix(4),
        issued_on=long_date(timezone.localdate(), lang),
        blocks=[
            printed_parts.evaluated_fields(task),
            Table(
                columns=[
                    _("No."),
                    _("Evaluation parameters"),
                    _("Score (from 0 to 5)"),
                    _("Evaluator's comment"),
                ],
                rows=rows,
                widths=[1, 6, 2, 6],
            ),
            Fields(
                items=[
                    (_("Score of the sheet"), score(task.score, lang)),
                    (_("Evaluation result"), band),
                ]
            ),  # fmt: skip
        ],
        signatures=[
            Signature(
                role=_("Servant evaluated"),
                name=task.servant.full_name,
                position=position,
                date=long_date(acknowledged, lang),
            ),
            Signature(
                role=_("Evaluator"),
                name=task.evaluator_name,
                position=evaluator_position,
                date=long_date(submitted, lang),
            ),
        ],
    )


registry.register(
    registry.FormKind(
        key="differentiation_sheet",
        label=gettext_lazy("Evaluation sheet by the differentiation method"),
        authorize=differentiation_sheet_authorize,
        build=differentiation_sheet_build,
        body_id=lambda task: task.body_id,
        servant_id=lambda task: task.servant_id,
        period=lambda task: (task.schedule.year, task.schedule.quarter),
    )
)
