"""Writes of methodology data: the idempotent catalog loader, and versions.

A version is drafted (from the national one or the body's own), edited table by table,
published with its date and, where it says so, approved by the authorized person: every
state change goes through `version_transition` (the one workflow runner with the table
`rules.VERSION`), every edit through `version_update` / `version_table_save`, which lock
the version, refuse a version in use (`rules.edit_refusal`) and validate a table as a
whole (tables.problems) before writing any of it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import audit
from bagalau.evaluations.rules import competency as competency_rules
from bagalau.evaluations.rules.workflow import check_revision

from . import rules, selectors, tables
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
    VersionState,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_CATALOG = "003"

MSG_VERSION_DATE_TAKEN = _("The body already has a version or a draft from this date.")
MSG_TEMPLATE = _("Adopt from: choose the national version or one of the body's own.")
MSG_NOT_HR = _("Only the body's HR service drafts and edits its methodology.")
MSG_TABLE_CONFLICT = _("Someone else changed this table meanwhile: check the rows and save again.")
MSG_UNKNOWN_FIELD = _("This field cannot be changed here.")
MSG_KPI_MAX_BANDS = _(
    "The result bands do not cover every number of KPIs up to %(max)s: widen the bands first."
)


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
        for side in ("effective", "ineffective"):  # 001 p26: at most 10 per competency
            competency_rules.check_indicator_count(
                len(row[side]),
                field=side,
                label=f"{row['seed']} {row['competency']} g{row['group']}",
            )
        # Updated in place: competency sheets mark these indicators (IndicatorMark), so a
        # reload keeps their ids; only indicators the seeds no longer list are removed.
        existing = {(i.effective, i.order): i for i in indicator_set.indicators.all()}
        wanted = {
            (effective, i): (
                text,
                errata.get((row["seed"], row["competency"], row["group"], side, i), {}),
            )
            for effective, side in ((True, "effective"), (False, "ineffective"))
            for i, text in enumerate(row[side], 1)
        }
        changed = []
        for key, (text, erratum) in wanted.items():
            current = existing.get(key)
            if current is not None and (current.text_kk, current.erratum) != (text, erratum):
                current.text_kk, current.erratum = text, erratum
                changed.append(current)
        Indicator.objects.bulk_update(changed, ["text_kk", "erratum"])
        Indicator.objects.bulk_create(
            Indicator(indicator_set=indicator_set, effective=key[0], order=key[1],
                      text_kk=text, erratum=erratum)
            for key, (text, erratum) in wanted.items()
            if key not in existing
        )  # fmt: skip
        gone = [i.pk for key, i in existing.items() if key not in wanted]
        if gone:
            Indicator.objects.filter(pk__in=gone).delete()
        indicator_count += len(wanted)
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
    version.kpi_score_rows.all().delete()
    KpiScoreRow.objects.bulk_create(
        KpiScoreRow(version=version, **{k: Decimal(v) for k, v in row.items()})
        for row in spec.get("kpi_score_rows", [])
    )


# The general parameters of a version as the national data gives them (models.json).
VERSION_FIELDS = (
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
    "plan_review",
    "kpi_table_confirmed",
)
# What HR edits on the version's general form (everything the engine reads, and the names).
EDITABLE_FIELDS = (
    "name_kk", "name_ru", "name_en", "note_kk", "note_ru", "note_en", "source",
    "needs_approval", "indicator_catalog", "kpi_min", "kpi_max", "working_body_name_kk",
    "working_body_name_ru", "strategic_planning_agrees_plans", "min_months_in_position",
    "probation_excludes", "months_from_return", "evaluator_rule", "acting_evaluator",
    "chief_of_staff_option", "final_grade_automatic", "respondents_min", "respondents_max",
    "plan_review", "kpi_table_confirmed", "calibration_tie_rule",
)  # fmt: skip
# What a new version copies from the one it is drafted from (besides its rows).
COPIED_FIELDS = (
    *VERSION_FIELDS,
    "name_kk",
    "name_ru",
    "name_en",
    "note_kk",
    "note_ru",
    "note_en",
    "model",
    "indicator_catalog_id",
    "min_months_in_position",
    "score_min",
    "score_max",
    "score_decimals",
    "needs_approval",
    "calibration_tie_rule",
)
CHILD_ROWS: tuple[tuple[str, type[Any]], ...] = (
    ("kinds", VersionKind),
    ("deadlines", Deadline),
    ("bands", Band),
    ("differentiation_parameters", DifferentiationParameter),
    ("kpi_score_rows", KpiScoreRow),
    ("competencies_360", Competency360),
)


@transaction.atomic
def templates_load() -> list[MethodologyVersion]:
    """Create or refresh the national typical versions (2018, 2023, 2025 models).

    A template is refreshed only while no body has adopted it and no schedule has been
    approved under it, so HR edits of adopted copies are never touched and history stays
    as it was. A new template is loaded published (in force from its date).
    """
    loaded = []
    for spec in _load("models.json")["templates"]:
        version = MethodologyVersion.objects.filter(
            body__isnull=True, model=spec["model"], effective_from=spec["effective_from"]
        ).first()
        if version is not None and (
            version.copies.exists() or selectors.version_in_use(version.pk)
        ):
            loaded.append(version)
            continue
        if version is None:
            # The law's national versions load in force, as the migration that introduced
            # the workflow published the existing ones: a load of data, not an actor's act.
            version = MethodologyVersion(
                model=spec["model"],
                effective_from=date.fromisoformat(spec["effective_from"]),
                state=VersionState.PUBLISHED,
                published_at=timezone.now(),
            )
        for name in VERSION_FIELDS:
            setattr(version, name, spec[name])
        version.name_kk = spec["name"]
        version.name_ru = spec.get("name_ru", "")
        version.name_en = spec.get("name_en", "")
        version.repealed_on = (
            date.fromisoformat(spec["repealed_on"]) if spec["repealed_on"] else None
        )
        version.indicator_catalog = IndicatorCatalog.objects.filter(code=spec["catalog"]).first()
        version.save()
        _fill_version(version, spec)
        loaded.append(version)
    return loaded


def _require_hr(actor: Any, body: Any) -> None:
    """The body's HR officer or head of HR (a superuser for the national versions)."""
    if actor is None:
        return  # the system: loaders and seeding commands
    held = selectors.version_roles(actor, body.pk if body is not None else None)
    if rules.HR not in held:
        raise PermissionDenied(MSG_NOT_HR, code="forbidden")


@transaction.atomic
def version_draft(
    *,
    actor: Any,
    body: Any,
    template: MethodologyVersion,
    effective_from: date,
    name_kk: str = "",
    name_ru: str = "",
    name_en: str = "",
    source: str = "",
    indicator_catalog: IndicatorCatalog | None = None,
) -> MethodologyVersion:
    """A new draft version, copied with every row from the national version or from one of
    the body's own (the "new version from this one" of a version in use).

    The copy is independent: the body edits it without touching the template, and
    evaluations of earlier periods keep the version they ran under. A copy of the body's
    own version starts after it; no new version starts inside an approved period.
    """
    body_id = body.pk if body is not None else None
    _require_hr(actor, body)
    if template.body_id is not None and template.body_id != body_id:
        raise DomainError(MSG_TEMPLATE, code="template", field="template")
    rules.check_effective_from(
        effective_from,
        after=template.effective_from if template.body_id == body_id else None,
        last_approved_end=selectors.last_approved_end(body_id),
    )
    if MethodologyVersion.objects.filter(body_id=body_id, effective_from=effective_from).exists():
        raise DomainError(MSG_VERSION_DATE_TAKEN, code="version_date_taken", field="effective_from")
    version = MethodologyVersion(
        body=body, effective_from=effective_from, copied_from=template, state=VersionState.DRAFT
    )
    for name in COPIED_FIELDS:
        setattr(version, name, getattr(template, name))
    if template.body_id is None and body is not None:
        version.needs_approval = False  # the body decides for its own version
    names = {"name_kk": name_kk, "name_ru": name_ru, "name_en": name_en}
    if any(v.strip() for v in names.values()):
        for name, value in names.items():
            setattr(version, name, value.strip())
    if source.strip():
        version.source = source.strip()
    if indicator_catalog is not None:
        version.indicator_catalog = indicator_catalog
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise DomainError(
            MSG_VERSION_DATE_TAKEN, code="version_date_taken", field="effective_from"
        ) from None
    for related, model in CHILD_ROWS:
        rows = []
        for row in getattr(template, related).all():
            row.pk = None
            row.version = version
            rows.append(row)
        model.objects.bulk_create(rows)
    if version.competencies_360.exists():
        from bagalau.surveys import questionnaire  # the 360 questionnaire of the template

        questionnaire.ensure(version)
    audit(
        actor=actor,
        action="methodology.drafted",
        obj=version,
        body=body,
        data={"template": template.pk, "from": effective_from.isoformat()},
    )
    return version


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
    """Draft a body's version and publish it at once (the seeding commands and the demo).

    Through the same workflow as the screens: the draft, then `publish` (and `approve`,
    for the system, where the version needs approval).
    """
    version = version_draft(
        actor=actor, body=body, template=template, effective_from=effective_from,
        name_kk=name, source=source, indicator_catalog=indicator_catalog,
    )  # fmt: skip
    version = version_transition(
        actor=actor, version_id=version.pk, action="publish", revision=version.revision
    )
    if actor is None and version.needs_approval:
        version = version_transition(
            actor=None, version_id=version.pk, action="approve", revision=version.revision
        )
    return version


def _lock(version_id: int) -> MethodologyVersion:
    version = (
        MethodologyVersion.objects.select_for_update(of=("self",))
        .select_related("body")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise NotFound(selectors.MSG_NOT_FOUND, code="not_found")
    return version


def _take_effect(version: MethodologyVersion) -> None:
    """A body's version comes into force: set the repeal dates around it (rules.repeals)."""
    if version.body_id is None:
        return  # the national versions carry the dates the law gives them
    others = list(
        MethodologyVersion.objects.select_for_update()
        .filter(body_id=version.body_id)
        .exclude(pk=version.pk)
    )
    spans = [
        rules.VersionSpan(
            v.pk,
            v.body_id,
            v.effective_from,
            v.repealed_on,
            rules.is_adopted(v.state, v.needs_approval),
        )
        for v in others
    ]
    own = rules.VersionSpan(
        version.pk, version.body_id, version.effective_from, version.repealed_on
    )
    earlier, repealed_on = rules.repeals(spans, own)
    for v in others:
        if v.pk in earlier:
            v.repealed_on = earlier[v.pk]
            v.save(update_fields=["repealed_on"])
    version.repealed_on = repealed_on


@transaction.atomic
def version_transition(
    *,
    actor: Any,
    version_id: int,
    action: str,
    revision: int | None,
    reason: str = "",
    effective_from: date | None = None,
) -> MethodologyVersion:
    """Publish, approve or return a version (rules.VERSION), as every transition is run.

    Locks the row, resolves the actor's roles on it (none → 404), checks role, state and
    the approval guard (the one runner, `check_transition`), then the revision the actor
    read, applies the effect (the date at publishing; the repeal dates when the version
    comes into force), saves with `update_fields` and writes the audit event.
    """
    version = _lock(version_id)
    roles = selectors.version_roles(actor, version.body_id)
    if not roles:
        raise NotFound(selectors.MSG_NOT_FOUND, code="not_found")
    transition = rules.check_version_transition(
        action, version.state, roles, needs_approval=version.needs_approval, reason=reason,
        state_label=str(version.get_state_display()),
    )  # fmt: skip
    check_revision(revision, version.revision, required=transition.needs_revision)
    before = version.state
    updates = ["state", "revision", "repealed_on"]
    data: dict[str, Any] = {"from": before, "to": transition.target}
    if action == "publish":
        if effective_from is not None and effective_from != version.effective_from:
            if (
                MethodologyVersion.objects.filter(
                    body_id=version.body_id, effective_from=effective_from
                )
                .exclude(pk=version.pk)
                .exists()
            ):
                raise DomainError(
                    MSG_VERSION_DATE_TAKEN, code="version_date_taken", field="effective_from"
                )
            version.effective_from = effective_from
            updates.append("effective_from")
        version.published_at = timezone.now()
        version.published_by = actor
        updates += ["published_at", "published_by"]
    elif action == "approve":
        version.approved_at = timezone.now()
        version.approved_by = actor
        updates += ["approved_at", "approved_by"]
    else:
        data["reason"] = reason
    if action in ("publish", "approve"):
        source = version.copied_from
        rules.check_effective_from(
            version.effective_from,
            after=source.effective_from
            if source is not None and source.body_id == version.body_id
            else None,
            last_approved_end=selectors.last_approved_end(version.body_id),
        )
        data["effective_from"] = version.effective_from.isoformat()
    version.state = transition.target
    if rules.is_adopted(version.state, version.needs_approval) and not rules.is_adopted(
        before, version.needs_approval
    ):
        _take_effect(version)
    version.revision += 1
    version.save(update_fields=updates)
    audit(
        actor=actor,
        action=f"{rules.VERSION.name}.{action}",
        obj=version,
        body=version.body,
        data=data,
    )
    return version


def _editable(actor: Any, version_id: int, revision: int | None) -> MethodologyVersion:
    """The version locked for an edit by its HR: refused when in use or awaiting approval."""
    version = _lock(version_id)
    _require_hr(actor, version.body)
    refusal = rules.edit_refusal(
        version.state, version.needs_approval, selectors.version_in_use(version.pk)
    )
    if refusal is not None:
        raise Conflict(refusal, code="version_locked", field="version")
    check_revision(revision, version.revision)
    return version


@transaction.atomic
def version_update(
    *, actor: Any, version_id: int, revision: int | None, changes: dict[str, Any]
) -> MethodologyVersion:
    """Save HR's edit of a version's general parameters (names, notes, what the engine reads).

    `changes`: field name → new value, for the fields of the version form that changed.
    Raising the number of KPIs of a 2018-model version needs bands that cover it (001 p18).
    """
    version = _editable(actor, version_id, revision)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(MSG_UNKNOWN_FIELD, code="unknown_field", field=sorted(unknown)[0])
    kpi_max = changes.get("kpi_max", version.kpi_max)
    if rules.KPI_COUNT in tables.required_scales(version) and tables.bands_cover(
        version, kpi_max=kpi_max
    ):
        raise DomainError(
            MSG_KPI_MAX_BANDS, code="kpi_max_bands", field="kpi_max", params={"max": kpi_max or 0}
        )
    changed = sorted(changes)
    for name in changed:
        setattr(version, name, changes[name])
    version.revision += 1
    version.save(update_fields=[*changed, "revision"])
    audit(
        actor=actor,
        action="methodology.version_edited",
        obj=version,
        body=version.body,
        data={"fields": sorted(changed)},
    )
    return version


@transaction.atomic
def version_table_save(
    *, actor: Any, version_id: int, table: str, revision: int | None, edit: tables.TableEdit
) -> MethodologyVersion:
    """Save one table of a version as a whole (kinds, deadlines, bands, parameters, KPI
    scores, 360 competencies): checked as a whole under the version's lock, all or nothing.
    """
    version = _editable(actor, version_id, revision)
    spec = tables.TABLES[table]
    rules.raise_problems(tables.problems(version, table, edit.rows, edit.deleted))
    related = getattr(version, spec.related)
    taken: set[str] = set()
    if spec.code_prefix is not None:
        taken = set(related.values_list("code", flat=True))
    try:
        with transaction.atomic():
            for _row, obj in edit.deleted:
                if obj.pk is not None and obj.version_id == version.pk:
                    obj.delete()
            for obj in edit.changed:
                obj.version = version
                if hasattr(obj, "is_default"):
                    obj.is_default = False  # HR's own item, no longer the shipped default
                if spec.code_prefix is not None and not obj.code:
                    obj.code = rules.new_code(spec.code_prefix, taken)
                    taken.add(obj.code)
                obj.save()
    except IntegrityError:
        raise Conflict(MSG_TABLE_CONFLICT, code="table_conflict", field="table") from None
    version.revision += 1
    version.save(update_fields=["revision"])
    audit(
        actor=actor,
        action="methodology.table_edited",
        obj=version,
        body=version.body,
        data={"table": table, "changed": len(edit.changed), "deleted": len(edit.deleted)},
    )
    return version
