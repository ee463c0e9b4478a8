"""Writes of methodology data: the idempotent catalog loader and version adoption."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError
from bagalau.core.models import audit

from .models import (
    Band,
    Category,
    Competency,
    Competency360,
    Deadline,
    DifferentiationParameter,
    Indicator,
    IndicatorCatalog,
    IndicatorSet,
    KpiScoreRow,
    MethodologyVersion,
    VersionKind,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_CATALOG = "003"

MSG_VERSION_DATE_TAKEN = _("The body already has a version in force from this date.")
MSG_KPI_ROWS_OVERLAP = _("Rows %(a)s and %(b)s of the KPI score table overlap.")


def _load(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def catalog_load() -> dict[str, int]:
    """Load categories, competencies and indicator tables from the seed extracts.

    Idempotent: running it again leaves the same rows (indicator texts are replaced
    per set, so corrections to the extract reach the database).
    """
    raw_categories = _load("categories.json")
    if isinstance(raw_categories, dict):
        raw_categories = raw_categories["categories"]
    data = _load("indicators.json")
    seed_of_body = {s.get("title_kk", ""): s["seed"] for s in data["sources"]}
    for row in raw_categories:
        Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "family": row.get("family") or row["code"][0],
                "head_group": row["head_group"],
                "staff_group": row["staff_group"],
                "deputy_group": _deputy_group(row),
                "group_overrides": [
                    {
                        "catalog": seed_of_body.get(o["body_kk"], ""),
                        "body_kk": o["body_kk"],
                        "qualifier_kk": o.get("qualifier_kk", ""),
                        "head_group": o["head_group"],
                        "staff_group": o["staff_group"],
                    }
                    for o in row.get("head_group_overrides", [])
                ],
            },
        )
    errata = _errata()
    competencies = {}
    for row in data["competencies"]:
        competencies[row["code"]], _created = Competency.objects.update_or_create(
            code=row["code"],
            defaults={
                "order": row["order"],
                "name_kk": row["name"]["kk"],
                "name_ru": row["name"]["ru"],
                "name_en": row["name"]["en"],
                "customer": row.get("customer", False),
            },
        )
    catalogs = {}
    for source in data["sources"]:
        catalogs[source["seed"]], _created = IndicatorCatalog.objects.update_or_create(
            code=source["seed"],
            defaults={
                "seed": source.get("file", source["seed"]),
                "title_kk": source.get("title_kk", ""),
                "national": source["seed"] == NATIONAL_CATALOG,
            },
        )
    indicator_count = 0
    for row in data["sets"]:
        indicator_set, _created = IndicatorSet.objects.update_or_create(
            catalog=catalogs[row["seed"]],
            competency=competencies[row["competency"]],
            group=row["group"],
            defaults={
                "categories": row["categories"],
                "categories_text": row.get("categories_text", ""),
            },
        )
        indicator_set.indicators.all().delete()
        rows = [
            Indicator(
                indicator_set=indicator_set,
                effective=effective,
                order=i,
                text_kk=text,
                erratum=errata.get((row["seed"], row["competency"], row["group"], side, i), {}),
            )
            for effective, side in ((True, "effective"), (False, "ineffective"))
            for i, text in enumerate(row[side], 1)
        ]
        Indicator.objects.bulk_create(rows)
        indicator_count += len(rows)
    return {
        "categories": len(raw_categories),
        "competencies": len(competencies),
        "sets": len(data["sets"]),
        "indicators": indicator_count,
    }


# 003 App 4 names deputies in the qualifier of a group-2 code ("орынбасары": C-2 deputy
# director of a department, C-3 deputy head of a division): a deputy head is in that group.
DEPUTY_WORD = "орынбасар"


def _deputy_group(row: dict[str, Any]) -> int | None:
    qualifier = row.get("head_qualifier_kk", "")
    return int(row["head_group"]) if DEPUTY_WORD in qualifier.casefold() else None


ErratumKey = tuple[str, str, int, str, int]


def _errata() -> dict[ErratumKey, dict[str, Any]]:
    """Notes on indicator texts kept as published (data/errata.json), by set and position.

    Each note names the published word, the reading of the other texts and their seeds;
    the word must occur in the indicator it annotates (checked when the catalog loads).
    """
    data = _load("indicators.json")
    texts = {
        (s["seed"], s["competency"], s["group"], side, i): text
        for s in data["sets"]
        for side in ("effective", "ineffective")
        for i, text in enumerate(s[side], 1)
    }
    out: dict[ErratumKey, dict[str, Any]] = {}
    for e in _load("errata.json")["errata"]:
        key = (e["seed"], e["competency"], e["group"], e["side"], e["order"])
        if e["published"] not in texts.get(key, ""):
            raise ValueError(f"erratum {key}: {e['published']!r} is not in the indicator")
        out[key] = {"published": e["published"], "reading": e["reading"], "sources": e["sources"]}
    return out


def _fill_version(version: MethodologyVersion, spec: dict[str, Any]) -> None:
    version.kinds.all().delete()
    version.deadlines.all().delete()
    version.bands.all().delete()
    version.differentiation_parameters.all().delete()
    version.competencies_360.all().delete()
    VersionKind.objects.bulk_create(VersionKind(version=version, **k) for k in spec["kinds"])
    Deadline.objects.bulk_create(Deadline(version=version, **d) for d in spec["deadlines"])
    Band.objects.bulk_create(
        Band(version=version, **{**b, "lower": Decimal(b["lower"]), "upper": Decimal(b["upper"])})
        for b in spec["bands"]
    )
    DifferentiationParameter.objects.bulk_create(
        DifferentiationParameter(version=version, **p) for p in spec["parameters"]
    )
    Competency360.objects.bulk_create(
        Competency360(version=version, **c) for c in spec["competencies_360"]
    )


VERSION_FIELDS = (
    "name",
    "source",
    "kpi_min",
    "kpi_max",
    "working_body_name_kk",
    "working_body_name_ru",
    "strategic_planning_agrees_plans",
    "final_grade_automatic",
    "respondents_min",
    "respondents_max",
    "acting_evaluator",
    "chief_of_staff_option",
    "evaluator_rule",
    "probation_excludes",
    "months_from_return",
)


@transaction.atomic
def templates_load() -> list[MethodologyVersion]:
    """Create or refresh the national typical versions (2018, 2023, 2025 models).

    A template is refreshed only while no body has adopted it, so HR edits of adopted
    copies are never touched and history stays as it was.
    """
    loaded = []
    for spec in _load("models.json")["templates"]:
        version = MethodologyVersion.objects.filter(
            body__isnull=True, model=spec["model"], effective_from=spec["effective_from"]
        ).first()
        if version is not None and version.copies.exists():
            loaded.append(version)
            continue
        version = version or MethodologyVersion(
            model=spec["model"], effective_from=date.fromisoformat(spec["effective_from"])
        )
        for name in VERSION_FIELDS:
            setattr(version, name, spec[name])
        version.repealed_on = (
            date.fromisoformat(spec["repealed_on"]) if spec["repealed_on"] else None
        )
        version.indicator_catalog = IndicatorCatalog.objects.filter(code=spec["catalog"]).first()
        version.save()
        _fill_version(version, spec)
        loaded.append(version)
    return loaded


@transaction.atomic
def version_adopt(
    *,
    actor: Any,
    body: Any,
    template: MethodologyVersion,
    effective_from: date,
    name: str = "",
    source: str = "",
    indicator_catalog: IndicatorCatalog | None = None,
) -> MethodologyVersion:
    """A body adopts its own version from a template (or from its previous version).

    Every parameter row is copied, so the body edits its copy without touching the
    template, and evaluations of earlier periods keep the version they ran under.
    """
    if MethodologyVersion.objects.filter(body=body, effective_from=effective_from).exists():
        raise DomainError(MSG_VERSION_DATE_TAKEN, code="version_date_taken", field="effective_from")
    # The previous version of the body ends where this one starts.
    MethodologyVersion.objects.filter(
        body=body, effective_from__lt=effective_from, repealed_on__isnull=True
    ).update(repealed_on=effective_from)
    version = MethodologyVersion.objects.create(
        body=body,
        name=name or template.name,
        model=template.model,
        effective_from=effective_from,
        source=source,
        indicator_catalog=indicator_catalog or template.indicator_catalog,
        copied_from=template,
        **{f: getattr(template, f) for f in VERSION_FIELDS if f not in ("name", "source")},
        min_months_in_position=template.min_months_in_position,
        score_min=template.score_min,
        score_max=template.score_max,
        score_decimals=template.score_decimals,
    )
    for related, model in (
        ("kinds", VersionKind),
        ("deadlines", Deadline),
        ("bands", Band),
        ("differentiation_parameters", DifferentiationParameter),
        ("kpi_score_rows", KpiScoreRow),
        ("competencies_360", Competency360),
    ):
        rows = []
        for row in getattr(template, related).all():
            row.pk = None
            row.version = version
            rows.append(row)
        model.objects.bulk_create(rows)
    audit(
        actor=actor,
        action="methodology.adopted",
        obj=version,
        body=body,
        data={"template": template.pk, "from": effective_from.isoformat()},
    )
    return version


@transaction.atomic
def version_update(*, actor: Any, version: MethodologyVersion, form: Any) -> MethodologyVersion:
    """Save HR's edit of a version's general parameters."""
    saved = form.save()
    audit(
        actor=actor,
        action="methodology.version_edited",
        obj=saved,
        body=saved.body,
        data={"fields": sorted(form.changed_data)},
    )
    return saved


def _check_kpi_rows(rows: list[Any]) -> None:
    spans = sorted((r.percent_from, r.percent_to, i + 1) for i, r in enumerate(rows))
    for (a_from, a_to, a), (b_from, _b_to, b) in zip(spans, spans[1:], strict=False):
        if b_from <= a_to:
            raise DomainError(
                MSG_KPI_ROWS_OVERLAP,
                code="kpi_rows_overlap",
                field="percent_from",
                params={"a": a, "b": b},
            )
        del a_from


@transaction.atomic
def version_table_save(
    *, actor: Any, version: MethodologyVersion, table: str, formset: Any
) -> None:
    """Save HR's edit of one table of a version (deadlines, bands, parameters, KPI scores)."""
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj.delete()
    for obj in instances:
        obj.version = version
        obj.save()
    if table == "kpi_rows":
        _check_kpi_rows(list(version.kpi_score_rows.all()))
    audit(
        actor=actor,
        action="methodology.table_edited",
        obj=version,
        body=version.body,
        data={"table": table, "changed": len(instances), "deleted": len(formset.deleted_objects)},
    )
