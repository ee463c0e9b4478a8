"""Public, read-only catalog of the law's tables (no personal data, no login)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from . import selectors
from .models import Category

router = Router()


class Names(Schema):
    kk: str
    ru: str
    en: str


class ErratumOut(Schema):
    """An indicator kept as published, with how the other texts of the law read it."""

    side: str = Field(..., description="effective or ineffective")
    order: int = Field(..., description="Position in its list, from 1")
    text: str
    published: str
    reading: str
    sources: list[str]
    note: str


class CompetencyOut(Schema):
    code: str
    name: Names
    customer: bool
    effective: list[str]
    ineffective: list[str]
    errata: list[ErratumOut]


class IndicatorsOut(Schema):
    category: str
    head_of_unit: bool
    deputy_head: bool
    group: int
    source: str
    competencies: list[CompetencyOut]


class IndicatorQuery(Schema):
    category: str = Field(..., min_length=1, max_length=32, description="D-3, С-0-4, V-2 …")
    head_of_unit: bool = False
    deputy_head: bool = Field(
        False, description="Deputy director of a department (C-2), deputy head of a division (C-3)"
    )
    source: str | None = Field(
        None,
        max_length=8,
        description="Seed of the table (000, 002, 003, 004); default: the most specific one",
    )


@router.get(
    "/indicators", response=IndicatorsOut, auth=None, summary="Behaviour indicators of a category"
)
def indicators(request: HttpRequest, query: Query[IndicatorQuery]) -> dict[str, Any]:
    """The competencies and behaviour indicators that apply to a position category
    (2018 model, Appendix 4). The category may be spelled as the seeds do (Cyrillic
    look-alikes, C-0-4); the group follows from the code and the head-of-unit and deputy
    flags (003 App 4), and from the table's body where a seed names one (004: B-2 heads of
    the Supreme Judicial Council apparatus are in group 1). An indicator kept as published
    where other texts read it differently is listed in `errata`."""
    result = selectors.indicators_for(
        query.category,
        query.head_of_unit,
        is_deputy_head=query.deputy_head,
        catalog_code=query.source,
    )
    return {
        "category": result.category,
        "head_of_unit": query.head_of_unit,
        "deputy_head": query.deputy_head,
        "group": result.group,
        "source": result.catalog.code,
        "competencies": [
            {
                "code": c.competency.code,
                "name": {
                    "kk": c.competency.name_kk,
                    "ru": c.competency.name_ru,
                    "en": c.competency.name_en,
                },
                "customer": c.competency.customer,
                "effective": c.effective,
                "ineffective": c.ineffective,
                "errata": [
                    {
                        "side": side,
                        "order": order,
                        "text": line.text,
                        "published": line.erratum.published,
                        "reading": line.erratum.reading,
                        "sources": list(line.erratum.sources),
                        "note": line.erratum.note,
                    }
                    for side, lines in (
                        ("effective", c.effective_lines),
                        ("ineffective", c.ineffective_lines),
                    )
                    for order, line in enumerate(lines, 1)
                    if line.erratum is not None
                ],
            }
            for c in result.competencies
        ],
    }


class GroupOverrideOut(Schema):
    catalog: str
    body_kk: str
    head_group: int
    staff_group: int


class CategoryOut(Schema):
    code: str
    family: str
    head_group: int
    staff_group: int
    deputy_group: int | None
    overrides: list[GroupOverrideOut] = Field(..., alias="group_overrides")


@router.get(
    "/categories", response=list[CategoryOut], auth=None, summary="National list of categories"
)
def categories(request: HttpRequest) -> list[Category]:
    return list(Category.objects.order_by("code"))
