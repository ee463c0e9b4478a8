"""Official forms of the methodology: the behaviour indicators of a category group (001 App 4;
the table of 002 Appendix 4), and the few words every form's header shares.

`indicator_table` prints one group of one catalog (the catalog and group of an IndicatorSet,
named by its id) under the body's methodology version in force: the HR officers, the head of
HR and the evaluators of the body print it. It holds no result, so it is not confidential.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.documents import registry
from bagalau.documents.layout import Layout, Table
from bagalau.documents.text import long_date
from bagalau.org.models import HR_ROLES, RoleAssignment, StateBody
from bagalau.org.selectors import access_body

from . import selectors
from .models import IndicatorSet, MethodologyVersion

MSG_NOT_FOUND = selectors.MSG_NOT_FOUND
MSG_FORBIDDEN = gettext_lazy("You do not have access to this.")


# --- the header every form shares -------------------------------------------------------------


def language() -> str:
    """The document's language: the one `build` runs under (kk or ru)."""
    code = (get_language() or "kk")[:2]
    return code if code in ("kk", "ru") else "kk"


def version_label(version: MethodologyVersion) -> str:
    """The methodology version a document was made under, with the day it took effect."""
    return _("%(name)s, in force from %(day)s") % {
        "name": version.name,
        "day": long_date(version.effective_from, language()),
    }


def appendix(number: int) -> str:
    """The form's place in the methodology, as the seed's top right corner says it."""
    return _("Appendix %(number)s to the evaluation methodology") % {"number": number}


def appendix_form(number: int) -> str:
    """The long corner label of the plan and KPI sheet forms (001 App 1-2), then «Form»."""
    return (
        _(
            "Appendix %(number)s to the methodology of evaluating the activity of "
            "administrative civil servants of the “B” corps"
        )
        % {"number": number}
        + "\n"
        + _("Form")
    )


# --- 001 App 4 (002 Appendix 4): the behaviour indicators of a category group -----------------

GROUP_NAMES = {
    1: gettext_lazy("first heads"),
    2: gettext_lazy("heads of structural units"),
    3: gettext_lazy("other servants"),
}


@dataclass(frozen=True)
class IndicatorTable:
    """One group of a catalog printed for a body: what `authorize` finds."""

    body: StateBody
    version: MethodologyVersion
    indicator_set: IndicatorSet


def _printing_bodies(user: Any) -> list[int]:
    """The bodies where the user is an HR officer, the head of HR or an evaluator."""
    from bagalau.evaluations.models import Task

    hr = set(
        RoleAssignment.objects.filter(user=user, role__in=HR_ROLES).values_list(
            "body_id", flat=True
        )
    )
    evaluating = set(Task.objects.filter(evaluator_user=user).values_list("body_id", flat=True))
    return sorted(hr | evaluating)


def indicator_table_authorize(user: Any, object_id: int) -> IndicatorTable:
    """404 to an unknown set or to anyone with no body; a member of a body who neither runs
    HR there nor evaluates anyone gets 403 (access_body answers strangers 404)."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    found = (
        IndicatorSet.objects.select_related("catalog", "competency").filter(pk=object_id).first()
    )
    if found is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    bodies = _printing_bodies(user)
    if not bodies:
        member = Q(servants__user=user) | Q(role_assignments__user=user)
        body_id = StateBody.objects.filter(member).values_list("pk", flat=True).first()
        if body_id is None:
            raise NotFound(MSG_NOT_FOUND, code="not_found")
        access_body(user, body_id)  # a member: known, so 403 below
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    today = timezone.localdate()
    chosen: tuple[StateBody, MethodologyVersion] | None = None
    for body_id in bodies:
        version = selectors.version_for(body_id, today)
        if version is None:
            continue
        if chosen is None or version.indicator_catalog_id == found.catalog_id:
            chosen = (StateBody.objects.get(pk=body_id), version)
        if version.indicator_catalog_id == found.catalog_id:
            break
    if chosen is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return IndicatorTable(body=chosen[0], version=chosen[1], indicator_set=found)


def _joined(texts: list[str]) -> str:
    return ";\n".join(t.strip().rstrip(";") for t in texts if t.strip())


def indicator_table_build(table: IndicatorTable) -> Layout:
    lang = language()
    found = table.indicator_set
    sets = (
        IndicatorSet.objects.filter(catalog_id=found.catalog_id, group=found.group)
        .select_related("competency")
        .prefetch_related("indicators")
        .order_by("competency__order", "pk")
    )
    rows = []
    for s in sets:
        indicators = sorted(s.indicators.all(), key=lambda i: i.order)

        def text(i: Any) -> str:
            return str(i.text_ru if lang == "ru" and i.text_ru else i.text_kk)

        rows.append([
            s.competency.name,
            s.categories_text.strip() or "; ".join(s.categories),
            _joined([text(i) for i in indicators if i.effective]),
            _joined([text(i) for i in indicators if not i.effective]),
        ])  # fmt: skip
    columns = [
        _("Name of the competencies"),
        _("Category of the administrative state positions"),
        _("Effective behaviour indicators"),
        _("Ineffective behaviour indicators"),
    ]
    group = GROUP_NAMES.get(found.group)
    subtitle = _("Category group %(group)s: %(name)s") % {
        "group": found.group,
        "name": str(group) if group else "",
    }
    return Layout(
        form="indicator_table",
        language=lang,
        title=_("Behaviour indicators of the competencies"),
        subtitle=subtitle,
        body_name=table.body.name,
        version_label=version_label(table.version),
        appendix=appendix(4),
        orientation="landscape",
        issued_on=long_date(timezone.localdate(), lang),
        blocks=[Table(columns=columns, rows=rows, widths=[3, 2, 6, 6])],
    )


registry.register(
    registry.FormKind(
        key="indicator_table",
        label=gettext_lazy("Behaviour indicators of the competencies"),
        authorize=indicator_table_authorize,
        build=indicator_table_build,
        body_id=lambda table: table.body.pk,
    )
)
