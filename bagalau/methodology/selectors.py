"""Reads of the methodology catalog and versions, and the access rule of a version."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Max, Prefetch, Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError, NotFound, PermissionDenied
from bagalau.org import rules as org_rules
from bagalau.org import selectors as org_selectors
from bagalau.org.models import HR_ROLES, Role, RoleAssignment

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
    lang: str = "kk"


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
    language = (get_language() or "kk")[:2]  # Russian pages show a Russian text where there is one
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
            russian = language == "ru" and bool(indicator.text_ru)
            line = IndicatorLine(
                indicator.text_ru if russian else indicator.text_kk,
                Erratum(note["published"], note["reading"], tuple(note["sources"]))
                if note and not russian
                else None,
                "ru" if russian else "kk",
            )
            (entry.effective_lines if indicator.effective else entry.ineffective_lines).append(line)
        competencies.append(entry)
    return IndicatorsForCategory(code, group, catalog, competencies)


def version_spans(body_id: int | None) -> list[rules.VersionSpan]:
    """The body's versions and the national ones as the rules see them (one query)."""
    rows = MethodologyVersion.objects.filter(Q(body__isnull=True) | Q(body_id=body_id)).values_list(
        "id", "body_id", "effective_from", "repealed_on", "state", "needs_approval"
    )
    return [
        rules.VersionSpan(pk, body, start, end, rules.is_adopted(state, needs_approval))
        for pk, body, start, end, state, needs_approval in rows
    ]


def version_for(body_id: int | None, day: date) -> MethodologyVersion | None:
    """The version in force for a body on a day (its own, else the national one)."""
    chosen = rules.version_in_force(version_spans(body_id), body_id, day)
    if chosen is None:
        return None
    return MethodologyVersion.objects.select_related("indicator_catalog").get(pk=chosen.id)


MSG_NOT_FOUND = _("Not found.")
MSG_READ_ONLY = _("Only a superuser edits the national typical versions.")
MSG_DRAFT_HIDDEN = _("A version being prepared is seen by HR and the authorized person only.")


def _roles(held: frozenset[str], *, superuser: bool, national: bool) -> frozenset[str]:
    if national:
        return frozenset({rules.HR, rules.AUTHORIZED_PERSON}) if superuser else frozenset()
    roles = set()
    if superuser or held & HR_ROLES:
        roles.add(rules.HR)
    if Role.AUTHORIZED_PERSON in held:
        roles.add(rules.AUTHORIZED_PERSON)
    return frozenset(roles)


def version_roles(user: Any, body_id: int | None) -> frozenset[str]:
    """The workflow roles on a version of the body (national: body_id None).

    HR: the body's HR officers and head of HR; the authorized person; for the national
    versions a superuser holds both. No user (the loaders, seeding commands): SYSTEM.
    """
    if user is None:
        return frozenset({rules.SYSTEM})
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    held = (
        frozenset(
            RoleAssignment.objects.filter(body_id=body_id, user=user).values_list("role", flat=True)
        )
        if body_id is not None
        else frozenset()
    )
    return _roles(held, superuser=user.is_superuser, national=body_id is None)


@dataclass
class VersionAccess:
    """What one user may do with one version."""

    version: MethodologyVersion
    body: Any = None  # org BodyAccess, None for a national version
    roles: frozenset[str] = frozenset()
    in_use: bool = False

    @property
    def is_hr(self) -> bool:
        return rules.HR in self.roles

    @property
    def refusal(self) -> Any:
        """Why the version cannot be edited now (rules.edit_refusal), or None."""
        v = self.version
        return rules.edit_refusal(v.state, v.needs_approval, self.in_use)

    @property
    def can_edit(self) -> bool:
        return self.is_hr and self.refusal is None

    @property
    def actions(self) -> list[str]:
        v = self.version
        return rules.version_actions(v.state, self.roles, needs_approval=v.needs_approval)


def access_version(user: Any, version_id: int, *, for_write: bool = False) -> VersionAccess:
    """The version and the user's roles on it, shared by the pages (and any API).

    Strangers to the body get 404, as for the body itself; its members read the versions
    in force; a draft, or a version awaiting approval, is read by HR and the authorized
    person only (others of the body: 403). Writes need HR (403 otherwise).
    """
    version = (
        MethodologyVersion.objects.select_related("body", "indicator_catalog", "copied_from")
        .filter(pk=version_id)
        .first()
    )
    if version is None or not getattr(user, "is_authenticated", False):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    body_access = None
    if version.body_id is None:
        roles = _roles(frozenset(), superuser=user.is_superuser, national=True)
        if for_write and rules.HR not in roles:
            raise PermissionDenied(MSG_READ_ONLY, code="forbidden")
    else:
        body_access = org_selectors.access_body(user, version.body_id, for_write=for_write)
        roles = _roles(body_access.roles, superuser=user.is_superuser, national=False)
    if not roles and not rules.is_adopted(version.state, version.needs_approval):
        if version.body_id is None:
            raise NotFound(MSG_NOT_FOUND, code="not_found")
        raise PermissionDenied(MSG_DRAFT_HIDDEN, code="forbidden")
    return VersionAccess(version, body_access, roles, version_in_use(version.pk))


def version_in_use(version_id: int) -> bool:
    """A schedule has been approved, or a 360 campaign opened, under the version: its data is
    locked (rules.edit_refusal) — answers hold its 360 competencies and questionnaire."""
    from bagalau.evaluations.models import Schedule, ScheduleStatus
    from bagalau.surveys.models import Campaign, CampaignState

    return (
        Schedule.objects.filter(version_id=version_id, status=ScheduleStatus.APPROVED).exists()
        or Campaign.objects.filter(version_id=version_id)
        .exclude(state=CampaignState.DRAFT)
        .exists()
    )


def last_approved_end(body_id: int | None) -> date | None:
    """The end of the last period approved under the owner's versions (a body's schedules;
    for the national versions, every schedule run under one of them)."""
    from bagalau.evaluations.models import Schedule, ScheduleStatus

    approved = Schedule.objects.filter(status=ScheduleStatus.APPROVED)
    if body_id is None:
        approved = approved.filter(version__body__isnull=True)
    else:
        approved = approved.filter(body_id=body_id)
    end: date | None = approved.aggregate(end=Max("end"))["end"]
    return end


def version_templates(body_id: int) -> list[MethodologyVersion]:
    """What a body drafts a new version from: the national versions and its own."""
    return list(
        MethodologyVersion.objects.filter(Q(body__isnull=True) | Q(body_id=body_id)).order_by(
            "body_id", "-effective_from"
        )
    )


def version_detail(version: MethodologyVersion) -> dict[str, Any]:
    deadlines = list(version.deadlines.all())
    names = {d.code: d.name for d in deadlines}
    kinds = list(version.kinds.all())
    for kind in kinds:
        kind.deadline_name = names.get(kind.deadline, "")  # type: ignore[attr-defined]
    return {
        "kinds": kinds,
        "deadlines": deadlines,
        "bands": list(version.bands.all()),
        "parameters": list(version.differentiation_parameters.all()),
        "kpi_rows": list(version.kpi_score_rows.all()),
        "competencies_360": list(version.competencies_360.all()),
        "survey_items": list(version.survey_items.select_related("competency")),
    }


# --- Comparing two versions side by side ------------------------------------------------


@dataclass
class CompareCell:
    label: str
    left: str
    right: str
    lang: str = ""  # the language of the values (name_en…), for `lang` on the page

    @property
    def changed(self) -> bool:
        return self.left != self.right


@dataclass
class CompareRow:
    label: str
    status: str  # same, changed, added, removed
    cells: list[CompareCell]


@dataclass
class CompareTable:
    title: str
    rows: list[CompareRow]

    @property
    def differences(self) -> int:
        return sum(1 for r in self.rows if r.status != "same")


def _display(obj: Any, name: str, deadlines: dict[str, str]) -> str:
    """A value as the screens show it: choices by their label, never a code."""
    if obj is None:
        return "—"
    value = getattr(obj, name)
    model_field = obj._meta.get_field(name)
    if name == "deadline" and obj._meta.model_name == "versionkind":
        return deadlines.get(value, "—") if value else "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "":
        return "—"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _lang(name: str) -> str:
    """The language of a translated field's values: "name_en" → "en"."""
    head, _, tail = name.rpartition("_")
    return tail if head and tail in ("kk", "ru", "en") else ""


def _label(obj: Any, name: str) -> str:
    return str(obj._meta.get_field(name).verbose_name)


# Each table's rows are matched by what identifies them: the kind, the code, the range.
COMPARE_KEYS: dict[str, Callable[[Any], Any]] = {
    "kinds": lambda r: r.kind,
    "deadlines": lambda r: r.code,
    "bands": lambda r: (r.scale, r.code),
    "parameters": lambda r: r.code,
    "kpi_rows": lambda r: r.percent_from,
    "competencies_360": lambda r: (r.audience, r.code),
    "survey_items": lambda r: (r.competency.audience, r.competency.code, r.order),
}


def _row_label(table: str, row: Any) -> str:
    if table == "kinds":
        return str(row.get_kind_display())
    if table == "kpi_rows":
        return f"{row.percent_from}–{row.percent_to} %"
    if table == "survey_items":
        return f"{row.competency.name} {row.order}"
    return str(row.name)


def _compare_table(
    table: str,
    title: str,
    fields: Sequence[str],
    left: Sequence[Any],
    right: Sequence[Any],
    names: tuple[dict[str, str], dict[str, str]],
) -> CompareTable:
    key = COMPARE_KEYS[table]
    before = {key(r): r for r in left}
    after = {key(r): r for r in right}
    order = [key(r) for r in right] + [k for k in (key(r) for r in left) if k not in after]
    rows = []
    for k in order:
        a, b = before.get(k), after.get(k)
        sample = b if b is not None else a
        cells = [
            CompareCell(
                _label(sample, f), _display(a, f, names[0]), _display(b, f, names[1]), _lang(f)
            )
            for f in fields
        ]
        if a is None:
            status = "added"
        elif b is None:
            status = "removed"
        else:
            status = "changed" if any(c.changed for c in cells) else "same"
        rows.append(CompareRow(_row_label(table, sample), status, cells))
    return CompareTable(title, rows)


GENERAL_FIELDS = (
    "name_kk", "name_ru", "name_en", "note_kk", "note_ru", "note_en", "model",
    "effective_from", "source", "needs_approval", "indicator_catalog", "kpi_min", "kpi_max",
    "working_body_name_kk", "working_body_name_ru", "strategic_planning_agrees_plans",
    "min_months_in_position", "probation_excludes", "months_from_return", "evaluator_rule",
    "acting_evaluator", "chief_of_staff_option", "final_grade_automatic", "respondents_min",
    "respondents_max", "score_min", "score_max", "score_decimals",
)  # fmt: skip


def version_compare(left: MethodologyVersion, right: MethodologyVersion) -> list[CompareTable]:
    """Two versions side by side: the general parameters, then every table's rows matched
    by what identifies them, each marked same, changed, added or removed (two queries a
    table, whatever its rows)."""
    from .tables import TABLES

    general = CompareTable(
        gettext("General parameters"),
        [
            CompareRow(_label(right, f), "", [cell])
            for f in GENERAL_FIELDS
            for cell in [
                CompareCell(
                    _label(right, f), _display(left, f, {}), _display(right, f, {}), _lang(f)
                )
            ]
        ],
    )
    for row in general.rows:
        row.status = "changed" if row.cells[0].changed else "same"
    children = {}
    for name, spec in TABLES.items():
        related = ("competency",) if name == "survey_items" else ()
        children[name] = (
            list(getattr(left, spec.related).select_related(*related)),
            list(getattr(right, spec.related).select_related(*related)),
        )
    names = (
        {d.code: d.name for d in children["deadlines"][0]},
        {d.code: d.name for d in children["deadlines"][1]},
    )
    out = [general]
    for name, spec in TABLES.items():
        a, b = children[name]
        out.append(_compare_table(name, str(spec.title), spec.fields, a, b, names))
    return out


def compare_candidates(version: MethodologyVersion) -> list[MethodologyVersion]:
    """The versions a version can be compared with: the body's others and the national ones."""
    return [
        v
        for v in MethodologyVersion.objects.filter(
            Q(body__isnull=True) | Q(body_id=version.body_id)
        ).order_by("body_id", "-effective_from")
        if v.pk != version.pk
    ]
