"""The lines of 2018 competency sheets come from the behaviour indicator catalog (001 p25-26).

A competency sheet (task of kind `competency`) gets one line per competency that applies
to the servant's position — the two customer competencies only where the position provides
public services (002 Appendix 3 note) — and, under each line, one mark per effective
indicator of the position's group (the category code with the head and deputy flags,
003 App 4), taken from the catalog of the version in force (`indicator_catalog`), else the
table that covers the code (`methodology.rules.pick_catalog`).

Built set-based when the schedule is approved: the lines and marks are multi-row inserts;
the catalog is read once per schedule, whatever the number of sheets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.utils.translation import get_language

from bagalau.core.bulksql import insert_rows
from bagalau.core.errors import DomainError
from bagalau.methodology import rules as methodology_rules
from bagalau.methodology import selectors as methodology_selectors
from bagalau.methodology.models import Indicator, IndicatorSet
from bagalau.org import rules as org_rules

from .models import IndicatorMark, SheetLine, Task, TaskState
from .rules import competency as rules

COMPETENCY_KIND = "competency"
LINE_FIELDS = ("task_id", "code", "order", "weight", "name_kk", "name_ru", "name_en")
MARK_FIELDS = ("line_id", "indicator_id", "order")


@dataclass(frozen=True)
class CompetencyRow:
    """One competency of a group in a catalog: its names and effective indicator ids."""

    code: str
    order: int
    name_kk: str
    name_ru: str
    name_en: str
    customer: bool
    indicator_ids: tuple[int, ...]


def _catalog_rows(
    catalogs: set[str],
) -> dict[tuple[str, int], list[tuple[frozenset[str], CompetencyRow]]]:
    """(catalog, group) → [(categories, competency row)] for the catalogs used, one read."""
    found: dict[tuple[str, int], list[tuple[frozenset[str], CompetencyRow]]] = defaultdict(list)
    sets = (
        IndicatorSet.objects.filter(catalog__code__in=catalogs)
        .select_related("catalog", "competency")
        .prefetch_related("indicators")
        .order_by("catalog_id", "group", "competency__order")
    )
    for s in sets:
        effective = sorted((i for i in s.indicators.all() if i.effective), key=lambda i: i.order)
        c = s.competency
        found[s.catalog.code, s.group].append((
            frozenset(s.categories),
            CompetencyRow(c.code, c.order, c.name_kk, c.name_ru, c.name_en, c.customer,
                          tuple(i.pk for i in effective[: rules.MAX_INDICATORS])),
        ))  # fmt: skip
    return found


def position_competencies(
    category: str,
    is_head: bool,
    is_deputy: bool,
    public_services: bool,
    *,
    groups: Any,
    coverage: Any,
    rows: dict[tuple[str, int], list[tuple[frozenset[str], CompetencyRow]]],
    preferred: str | None,
    body_name: str,
) -> list[CompetencyRow]:
    """The competencies and effective indicators that apply to one kind of position."""
    try:
        code = org_rules.parse_category(category, groups.keys())
        group = org_rules.category_group(
            code, is_head, groups, is_deputy=is_deputy and not is_head,
            catalog=preferred, body_name=body_name,
        )  # fmt: skip
    except DomainError:
        return []
    chosen = methodology_rules.pick_catalog(code, group, coverage, preferred=preferred)
    if chosen is None:
        return []
    return [
        row
        for categories, row in rows.get((chosen, group), [])
        if code in categories and row.indicator_ids and rules.applies(row.customer, public_services)
    ]


def build_competency_lines(schedule: Any, servant_ids: Iterable[int] | None = None) -> int:
    """Lines and marks for the schedule's competency sheets that have none. Returns lines."""
    tasks = Task.objects.filter(
        schedule=schedule, kind=COMPETENCY_KIND, lines__isnull=True
    ).exclude(state=TaskState.EXCLUDED)
    if servant_ids is not None:
        tasks = tasks.filter(servant_id__in=list(servant_ids))
    found = list(
        tasks.values_list(
            "pk",
            "appointment__position__category",
            "appointment__position__is_head",
            "appointment__position__is_deputy_head",
            "appointment__position__provides_public_services",
        )
    )
    if not found:
        return 0
    version = schedule.version
    preferred = version.indicator_catalog.code if version.indicator_catalog_id else None
    groups = methodology_selectors.category_groups()
    coverage = methodology_selectors.coverage()
    catalogs = {c.catalog for c in coverage}
    rows = _catalog_rows(catalogs)
    body_name = schedule.body.name_kk
    cache: dict[tuple[Any, ...], list[CompetencyRow]] = {}
    per_task: dict[int, list[CompetencyRow]] = {}
    for task_id, category, is_head, is_deputy, public in found:
        key = (category or "", bool(is_head), bool(is_deputy), bool(public))
        if key not in cache:
            cache[key] = position_competencies(
                *key, groups=groups, coverage=coverage, rows=rows, preferred=preferred,
                body_name=body_name,
            )  # fmt: skip
        per_task[task_id] = cache[key]
    lines = [
        (task_id, r.code, r.order, 1, r.name_kk, r.name_ru, r.name_en)
        for task_id, competencies in per_task.items()
        for r in competencies
    ]
    insert_rows(SheetLine, LINE_FIELDS, lines)
    line_ids = {
        (task_id, code): pk
        for pk, task_id, code in SheetLine.objects.filter(task_id__in=list(per_task)).values_list(
            "pk", "task_id", "code"
        )
    }
    marks = [
        (line_ids[task_id, r.code], indicator_id, order)
        for task_id, competencies in per_task.items()
        for r in competencies
        for order, indicator_id in enumerate(r.indicator_ids, start=1)
    ]
    insert_rows(IndicatorMark, MARK_FIELDS, marks)
    return len(lines)


def _indicator_text(indicator: Any, language: str) -> str:
    return indicator.text_ru if language == "ru" and indicator.text_ru else indicator.text_kk


def competency_cells(
    lines: list[SheetLine],
    posted: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The 2018 competency sheet as the form shows it (001 p25-27; 002 Appendix 3): per
    competency its effective indicators with their marks (as posted on a refused save), the
    ineffective ones beside them as guidance, "x of y observed", meets or not, and the
    indicators not observed (the form's last column). Three queries whatever the sheet."""
    language = (get_language() or "kk")[:2]
    marks = defaultdict(list)
    for mark in IndicatorMark.objects.filter(line__in=lines).select_related("indicator"):
        marks[mark.line_id].append(mark)
    set_ids = {m.indicator.indicator_set_id for ms in marks.values() for m in ms}
    guidance = defaultdict(list)
    for indicator in Indicator.objects.filter(
        indicator_set_id__in=set_ids, effective=False
    ).order_by("order"):
        guidance[indicator.indicator_set_id].append(_indicator_text(indicator, language))
    cells = []
    for line in lines:
        rows = []
        line_marks = sorted(marks.get(line.pk, []), key=lambda m: m.order)
        for mark in line_marks:
            key = f"{line.code}-{mark.order}"
            shown = mark.observed
            if posted is not None and key in posted:
                raw = str(posted[key])
                shown = True if raw == "1" else False if raw == "0" else None
            rows.append(
                {
                    "key": key,
                    "text": _indicator_text(mark.indicator, language),
                    "observed": shown,
                    "error": (errors or {}).get(f"mark_{key}", ""),
                }
            )
        result = rules.outcome([cast(bool | None, r["observed"]) for r in rows])
        set_id = line_marks[0].indicator.indicator_set_id if line_marks else None
        cells.append(
            {
                "line": line,
                "marks": rows,
                "guidance": guidance.get(set_id, []) if set_id else [],
                "outcome": result,
                "missing": [rows[i]["text"] for i in result.not_observed],
            }
        )
    return cells
