"""Reads of the methodology catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError
from bagalau.org import rules as org_rules

from . import rules
from .models import (
    Category,
    Competency,
    Indicator,
    IndicatorCatalog,
    IndicatorSet,
    MethodologyVersion,
)

MSG_NO_INDICATORS = _("No behaviour indicators are recorded for category %(category)s.")


def category_codes() -> frozenset[str]:
    return frozenset(Category.objects.values_list("code", flat=True))


def category_groups() -> dict[str, org_rules.CategoryGroups]:
    return {
        code: org_rules.CategoryGroups(head_group=head, staff_group=staff)
        for code, head, staff in Category.objects.values_list("code", "head_group", "staff_group")
    }


def coverage() -> list[rules.CatalogCoverage]:
    rows = IndicatorSet.objects.values_list(
        "catalog__code", "catalog__national", "group", "categories"
    )
    merged: dict[tuple[str, bool, int], set[str]] = {}
    for catalog, national, group, categories in rows:
        merged.setdefault((catalog, national, group), set()).update(categories)
    return [
        rules.CatalogCoverage(catalog=c, national=n, group=g, categories=frozenset(codes))
        for (c, n, g), codes in merged.items()
    ]


@dataclass
class CompetencyIndicators:
    competency: Competency
    effective: list[str] = field(default_factory=list)
    ineffective: list[str] = field(default_factory=list)


@dataclass
class IndicatorsForCategory:
    category: str
    group: int
    catalog: IndicatorCatalog
    competencies: list[CompetencyIndicators]


def indicators_for(
    raw_category: str,
    is_head: bool,
    *,
    catalog_code: str | None = None,
    provides_public_services: bool | None = None,
) -> IndicatorsForCategory:
    """The behaviour indicators that apply to a position (methodology.md §5; 001 App 3-4).

    Raises DomainError (field `category`) for an unknown code. With
    `provides_public_services=False` the two customer competencies are left out (001 App 3).
    """
    groups = category_groups()
    code = org_rules.parse_category(raw_category, groups.keys())
    group = org_rules.category_group(code, is_head, groups)
    chosen = rules.pick_catalog(code, group, coverage(), preferred=catalog_code)
    if chosen is None:
        raise DomainError(
            MSG_NO_INDICATORS, code="no_indicators", field="category", params={"category": code}
        )
    catalog = IndicatorCatalog.objects.get(code=chosen)
    sets = (
        IndicatorSet.objects.filter(catalog=catalog, group=group)
        .select_related("competency")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("-effective", "order"))
        )
        .order_by("competency__order")
    )
    competencies = []
    for indicator_set in sets:
        if code not in indicator_set.categories:
            continue
        if provides_public_services is False and indicator_set.competency.customer:
            continue
        entry = CompetencyIndicators(indicator_set.competency)
        for indicator in indicator_set.indicators.all():
            (entry.effective if indicator.effective else entry.ineffective).append(
                indicator.text_kk
            )
        competencies.append(entry)
    return IndicatorsForCategory(code, group, catalog, competencies)


def version_for(body_id: int | None, day: date) -> MethodologyVersion | None:
    """The version in force for a body on a day (its own, else the national one)."""
    rows = MethodologyVersion.objects.filter(Q(body__isnull=True) | Q(body_id=body_id)).values_list(
        "id", "body_id", "effective_from", "repealed_on"
    )
    spans = [rules.VersionSpan(*row) for row in rows]
    chosen = rules.version_in_force(spans, body_id, day)
    if chosen is None:
        return None
    return MethodologyVersion.objects.select_related("indicator_catalog").get(pk=chosen.id)


def version_detail(version: MethodologyVersion) -> dict[str, Any]:
    return {
        "kinds": list(version.kinds.all()),
        "deadlines": list(version.deadlines.all()),
        "bands": list(version.bands.all()),
        "parameters": list(version.differentiation_parameters.all()),
        "kpi_rows": list(version.kpi_score_rows.all()),
        "competencies_360": list(version.competencies_360.all()),
    }
