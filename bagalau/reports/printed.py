"""The service record as an official form (қызметтік тізім, 004; 001 p41).

Declared in the documents registry; the documents app renders and stores it. Who may print it
is who may read the page (`selectors.service_record`: the engine's one result rule).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bagalau.documents import text
from bagalau.documents.layout import Fields, Layout, Paragraph, Signature, Table
from bagalau.documents.registry import FormKind, register
from bagalau.org.models import Role, RoleAssignment, Servant

from . import selectors
from .selectors import ServiceRecord


def _acquaintance(row: selectors.RecordRow, language: str) -> str:
    result = row.result
    if result.acknowledged_at is not None:
        return _("acknowledged %(date)s") % {
            "date": text.short_date(timezone.localtime(result.acknowledged_at).date())
        }
    if result.refused_at is not None:
        return _("refusal act of %(date)s") % {"date": row.refusal_date}
    return "—"


def _changes(row: selectors.RecordRow, language: str) -> str:
    return "; ".join(
        _("%(from)s → %(to)s, %(source)s, %(date)s")
        % {
            "from": text.score(c.score_from, language),
            "to": text.score(c.score_to, language),
            "source": selectors.change_source_label(c.source),
            "date": text.short_date(timezone.localtime(c.decided_at).date()),
        }
        for c in row.changes
    )


def _period(row: selectors.RecordRow) -> str:
    title = row.period_title
    if row.result.provisional:
        title += " (" + _("provisional until the commission decides") + ")"
    return title


def _hr_head(body_id: int) -> Servant | None:
    user_id = (
        RoleAssignment.objects.filter(body_id=body_id, role=Role.HR_HEAD)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if user_id is None:
        return None
    return Servant.objects.filter(user_id=user_id).first()


def build(record: ServiceRecord) -> Layout:
    language = (translation.get_language() or "kk")[:2]
    servant = record.servant
    appointment = record.appointment
    position = ""
    if appointment is not None:
        position = f"{appointment.position.title}, {appointment.position.unit.name}"
    rows = [
        [
            _period(row),
            row.result.get_kind_display(),
            text.score(row.result.score, language),
            row.band_name,
            _acquaintance(row, language),
            _changes(row, language),
        ]
        for row in record.rows
    ]
    versions: list[str] = []
    for row in record.rows:
        label = selectors.version_label(row.result)
        if label and label not in versions:
            versions.append(label)
    blocks: list[Any] = [
        Fields(items=[(_("Servant"), servant.full_name), (_("Position"), position)]),
        Table(
            columns=[
                _("period"),
                _("kind"),
                _("score"),
                _("band"),
                _("acquaintance"),
                _("changes"),
            ],
            rows=rows,
            widths=[14, 20, 8, 18, 16, 24],
        ),  # fmt: skip
    ]
    if not record.whole:
        blocks.append(Paragraph(_("Only the results you may know are shown (002 p21).")))
    head = _hr_head(servant.body_id)
    today = timezone.localdate()
    return Layout(
        form="service_record",
        language=language,
        title=_("Service record"),
        body_name=servant.body.name,
        version_label="; ".join(versions),
        blocks=blocks,
        signatures=[
            Signature(
                role=_("Head of the HR service"),
                name=head.full_name if head else "",
                date=text.long_date(today, language),
            )
        ],
        orientation="landscape",
        issued_on=text.long_date(today, language),
    )


SERVICE_RECORD = register(
    FormKind(
        key="service_record",
        label=gettext_lazy("Service record"),
        authorize=selectors.service_record,
        build=build,
        body_id=lambda record: record.servant.body_id,
        servant_id=lambda record: record.servant.pk,
    )
)
