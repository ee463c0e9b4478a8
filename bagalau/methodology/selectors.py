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
MSG_ERRATUM = _("Erratum: kept as published (“%(word)s”); %(sources)s read “%(reading)s” here.")


def category_codes() -> frozenset[str]:
    return frozenset(Category.objects.values_list("code", flat=True))


def category_groups() -> dict[str, org_rules.CategoryGroups]:
    rows = Category.objects.values_list(
        "code", "head_group", "staff_group", "deputy_group", "group_overrides"
    )
    return {
        code: org_rules.CategoryGroups(
            head_group=head,
            staff_group=staff,
            deputy_group=deputy,
            overrides=tuple(
                org_rules.GroupOverride(
                    catalog=o.get("catalog", ""),
                    body_kk=o.get("body_kk", ""),
                    head_group=o["head_group"],
                    staff_group=o["staff_group"],
                )
                for o in overrides or ()
            ),
        )
        for code, head, staff, deputy, overrides in rows
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


@dataclass(frozen=True)
class Erratum:
    """An indicator kept as published, and how the other texts of the law read it."""

    published: str
    reading: str
    sources: tuple[str, ...]

    @property
    def note(self) -> str:
        return str(
            MSG_ERRATUM
            % {"sources": ", ".join(self.sources), "reading": self.reading, "word": self.published}
        )


@dataclass(frozen=True)
class IndicatorLine:
    text: str
    erratum: Erratum | None = None


@dataclass
class CompetencyIndicators:
    competency: Competency
    effective: list[str] = field(default_factory=list)
    ineffective: list[str] = field(default_factory=list)
    effective_lines: list[IndicatorLine] = field(default_factory=list)
    ineffective_lines: list[IndicatorLine] = field(default_factory=list)


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
    is_deputy_head: bool = False,
    catalog_code: str | None = None,
    body_name: str = "",
    provides_public_services: bool | None = None,
) -> IndicatorsForCategory:
    """The behaviour indicators that apply to a position (methodology.md §5; 001 App 3-4).

    The group follows from the code and the head and deputy flags (003 App 4), and from a
    body override under the body's catalog or name (004). Raises DomainError (field
    `category`) for an unknown code. With `provides_public_services=False` the two customer
    competencies are left out (001 App 3).
    """
    groups = category_groups()
    code = org_rules.parse_category(raw_category, groups.keys())
    group = org_rules.category_group(
        code,
        is_head,
        groups,
        is_deputy=is_deputy_head and not is_head,
        catalog=catalog_code,
        body_name=body_name,
    )
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
            note = indicator.erratum or None
            line = IndicatorLine(
                indicator.text_kk,
                Erratum(note["published"], note["reading"], tuple(note["sources"]))
                if note
                else None,
            )
            (entry.effective_lines if indicator.effective else entry.ineffective_lines).append(line)
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
