"""The tables of a methodology version as HR edits them: which rows, which checks.

Each table is saved as a whole and validated as a whole: `problems` takes every row that
would remain (numbered as on the screen) and the rows marked for deletion, reads what the
check needs from the version, and asks the pure rules (rules.py). The formset shows the
problems next to their fields; the service asks again under the version's lock before it
writes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import (
    Band,
    Competency360,
    Deadline,
    DifferentiationParameter,
    EvaluationKind,
    KpiScoreRow,
    MethodologyVersion,
    Scale,
    VersionKind,
)

Rows = Sequence[tuple[int, Any]]


@dataclass
class TableEdit:
    """One save of a table: every remaining row (numbered as on the screen), the rows to
    write (new or changed), and the rows marked for deletion."""

    rows: list[tuple[int, Any]] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    deleted: list[tuple[int, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    related: str
    fields: tuple[str, ...]
    title: str | Promise
    # Rows HR adds get a code from this prefix (codes are the engine's keys, never typed).
    code_prefix: str | None
    check: Callable[[MethodologyVersion, Rows, Rows], list[rules.Problem]]


def score_range(version: MethodologyVersion) -> rules.ScaleRange:
    return band_scales(version)[rules.SCORE]


def band_scales(
    version: MethodologyVersion, *, kpi_max: int | None = None
) -> dict[str, rules.ScaleRange]:
    return rules.band_scales(
        score_min=version.score_min,
        score_max=version.score_max,
        score_decimals=version.score_decimals,
        kpi_max=version.kpi_max if kpi_max is None else kpi_max,
        labels={value: str(label) for value, label in Scale.choices},
    )


def required_scales(version: MethodologyVersion) -> frozenset[str]:
    return rules.SCALES_OF_MODEL.get(version.model, frozenset())


def _bands(version: MethodologyVersion, rows: Rows, deleted: Rows) -> list[rules.Problem]:
    lines = [rules.BandLine(i, b.scale, b.lower, b.upper) for i, b in rows]
    return rules.band_problems(lines, band_scales(version), required_scales(version))


def bands_cover(version: MethodologyVersion, *, kpi_max: int | None) -> list[rules.Problem]:
    """The version's saved bands against a new maximum number of KPIs (the general form)."""
    lines = [
        rules.BandLine(i, b.scale, b.lower, b.upper)
        for i, b in enumerate(version.bands.all(), 1)  # numbered as the band table shows them
    ]
    return rules.band_problems(
        lines, band_scales(version, kpi_max=kpi_max or 0), required_scales(version)
    )


PERCENT_LABEL = _("percent achieved")


def _kpi_rows(version: MethodologyVersion, rows: Rows, deleted: Rows) -> list[rules.Problem]:
    lines = [
        rules.KpiRowLine(i, r.percent_from, r.percent_to, r.score_min, r.score_max) for i, r in rows
    ]
    return rules.kpi_row_problems(
        lines, scores=score_range(version), percent_label=str(PERCENT_LABEL)
    )


def _deadlines(version: MethodologyVersion, rows: Rows, deleted: Rows) -> list[rules.Problem]:
    due_by = {k.deadline: k.get_kind_display() for k in version.kinds.all() if k.deadline}
    in_use = [(i, str(due_by[d.code])) for i, d in deleted if d.code in due_by]
    lines = [rules.DeadlineLine(i, d.rule, d.amount) for i, d in rows]
    return rules.deadline_problems(lines, removed_in_use=in_use)


def _kinds(version: MethodologyVersion, rows: Rows, deleted: Rows) -> list[rules.Problem]:
    codes = set(version.deadlines.values_list("code", flat=True))
    lines = [rules.KindLine(i, k.kind, k.periodicity, k.deadline) for i, k in rows]
    problems = rules.kind_problems(lines, deadlines=codes)
    differentiation = [i for i, k in rows if k.kind == EvaluationKind.DIFFERENTIATION]
    if differentiation:
        weights = [
            rules.ParameterLine(i, w)
            for i, w in enumerate(
                version.differentiation_parameters.values_list("weight", flat=True), 1
            )
        ]
        for p in rules.parameter_problems(weights, differentiation=True):
            problems.append(rules.Problem(p.message, p.code, ((differentiation[0], "kind"),)))
    return problems


def _parameters(version: MethodologyVersion, rows: Rows, deleted: Rows) -> list[rules.Problem]:
    differentiation = version.kinds.filter(kind=EvaluationKind.DIFFERENTIATION).exists()
    lines = [rules.ParameterLine(i, p.weight) for i, p in rows]
    return rules.parameter_problems(lines, differentiation=differentiation)


def _survey_items(version: MethodologyVersion, rows: Rows, deleted: Rows) -> list[rules.Problem]:
    from bagalau.surveys import rules as survey_rules

    competencies = {c.pk: c.name for c in version.competencies_360.all()}
    lines = [survey_rules.ItemLine(i, item.competency_id) for i, item in rows]
    return survey_rules.questionnaire_problems(lines, competencies)


def _nothing(version: MethodologyVersion, rows: Rows, deleted: Rows) -> list[rules.Problem]:
    return []


NAMES = ("name_kk", "name_ru", "name_en")

TABLES: dict[str, Table] = {
    "kinds": Table(
        "kinds", VersionKind, "kinds",
        ("kind", "periodicity", "audience", "when_absent", "deadline", "source"),
        _("Evaluation kinds"), None, _kinds,
    ),
    "deadlines": Table(
        "deadlines", Deadline, "deadlines", ("rule", "amount", *NAMES, "source"),
        _("Deadlines"), "deadline", _deadlines,
    ),
    "bands": Table(
        "bands", Band, "bands", ("scale", "lower", "upper", *NAMES, "source"),
        _("Result bands"), "band", _bands,
    ),
    "parameters": Table(
        "parameters", DifferentiationParameter, "differentiation_parameters",
        ("order", "weight", *NAMES), _("Differentiation parameters"), "parameter", _parameters,
    ),
    "kpi_rows": Table(
        "kpi_rows", KpiScoreRow, "kpi_score_rows",
        ("percent_from", "percent_to", "score_min", "score_max"),
        _("Allowed KPI scores by percent achieved"), None, _kpi_rows,
    ),
    "competencies_360": Table(
        "competencies_360", Competency360, "competencies_360", ("audience", "order", *NAMES),
        _("360 competencies"), "competency", _nothing,
    ),
}  # fmt: skip


def _survey_table() -> Table:
    from bagalau.surveys.models import SurveyItem

    return Table(
        "survey_items", SurveyItem, "survey_items",
        ("competency", "order", "text_kk", "text_ru", "text_en"),
        _("360 questionnaire"), None, _survey_items,
    )  # fmt: skip


# The 360 questionnaire (issue 15): items per 360 competency, a table of the version.
TABLES["survey_items"] = _survey_table()


def problems(
    version: MethodologyVersion, table: str, rows: Rows, deleted: Rows = ()
) -> list[rules.Problem]:
    """Every problem of the table as it would be saved (see the module docstring)."""
    return TABLES[table].check(version, rows, deleted)
