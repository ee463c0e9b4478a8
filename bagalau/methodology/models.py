"""Methodology as data: catalogs from the seeds and per-body dated versions with parameters.

A national typical version has no body; a body's version is a copy it adopts and amends.
An evaluation is always run, and later shown, under the version in force for its period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bagalau.org.models import localized


class Model(models.TextChoices):
    M2018 = "2018", _("2018 model (annual KPIs and competencies, commission)")
    M2023 = "2023", _("2023 model (quarterly KPIs and differentiation, 360, calibration)")
    M2025 = "2025", _("2025 model (quarterly differentiation, automatic year grade)")


class EvaluatorRule(models.TextChoices):
    """Who evaluates (002 p2(3)): the direct supervisor and/or the superior, by the body's specifics."""

    DIRECT_SUPERVISOR = "direct_supervisor", _("the direct supervisor")
    SUPERIOR = "superior", _("the superior (the direct supervisor's own supervisor)")


class CalibrationTieRule(models.TextChoices):
    """What decides a calibration session without a majority (002 p42 names only the
    majority vote; the version chooses, default: the score stands)."""

    SCORE_STANDS = "score_stands", _("the score stands (no majority for a change)")
    MOST_VOTES = (
        "most_votes",
        _("the score with the most votes, where only one has them (else the score stands)"),
    )


class PlanReview(models.TextChoices):
    """Who approves a work plan (001 p10-11; 002 p23)."""

    SUPERIOR = (
        "superior",
        _(
            "the superior approves (the first head where he drafts it; the authorized person the "
            "first head's own plan)"
        ),
    )
    AGREEMENT = (
        "agreement",
        _("the strategic planning unit (where the body has one) and HR agree, and the plan is set"),
    )


class Category(models.Model):
    """A position category of the national list (003 App 4; methodology.md §5)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    family = models.CharField(_("family"), max_length=1)
    head_group = models.PositiveSmallIntegerField(_("group when heading a unit"))
    staff_group = models.PositiveSmallIntegerField(_("group otherwise"))
    deputy_group = models.PositiveSmallIntegerField(
        _("group of a deputy head"),
        null=True,
        blank=True,
        help_text=_("Where 003 App 4 names deputies (C-2, C-3); empty: as other staff."),
    )
    group_overrides = models.JSONField(
        _("groups in particular bodies"),
        default=list,
        blank=True,
        help_text=_("004: B-2 of the Supreme Judicial Council apparatus is in group 1."),
    )

    class Meta:
        verbose_name = _("position category")
        verbose_name_plural = _("position categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Competency(models.Model):
    """One of the 11 competencies of the 2018 model (001 App 3)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    customer = models.BooleanField(
        _("assessed only where the position provides public services"), default=False
    )

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class IndicatorCatalog(models.Model):
    """A table of behaviour indicators as one seed gives it (Appendix 4)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    seed = models.CharField(_("source text"), max_length=64)
    title_kk = models.CharField(_("title"), max_length=500)
    national = models.BooleanField(_("national list of all categories"), default=False)

    class Meta:
        verbose_name = _("indicator catalog")
        verbose_name_plural = _("indicator catalogs")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title_kk}"


class IndicatorSet(models.Model):
    """The indicators of one competency for one row of categories in a catalog."""

    catalog = models.ForeignKey(IndicatorCatalog, on_delete=models.CASCADE, related_name="sets")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    group = models.PositiveSmallIntegerField(_("category group"))
    categories = models.JSONField(_("categories"), default=list)
    categories_text = models.TextField(_("categories as written"), blank=True)

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        ordering = ["catalog_id", "group", "competency__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "competency", "group"], name="one_set_per_competency_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.catalog.code} g{self.group} {self.competency.code}"


class Indicator(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="indicators"
    )
    effective = models.BooleanField(_("effective"))
    order = models.PositiveSmallIntegerField(_("order"))
    text_kk = models.TextField(_("text (Kazakh)"))
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    erratum = models.JSONField(
        _("erratum"),
        default=dict,
        blank=True,
        help_text=_("The text is kept as published; how other texts of the law read it."),
    )

    class Meta:
        verbose_name = _("behaviour indicator")
        verbose_name_plural = _("behaviour indicators")
        ordering = ["indicator_set_id", "-effective", "order"]

    def __str__(self) -> str:
        return self.text_kk[:80]


class VersionState(models.TextChoices):
    """Where a version is in its workflow (rules.VERSION): only an adopted one is in force."""

    DRAFT = "draft", pgettext_lazy("methodology version", "draft")
    PUBLISHED = "published", pgettext_lazy("methodology version", "published")
    APPROVED = "approved", pgettext_lazy("methodology version", "approved")


class MethodologyVersion(models.Model):
    """A methodology in force from a date: national typical (no body) or a body's own.

    HR drafts a version (from the national one or the body's current one), edits it and
    publishes it with its date; where `needs_approval`, the authorized person approves it
    and only then is it in force (rules.VERSION). Once a schedule is approved under it, its
    data changes only through a new version (rules.edit_refusal).
    """

    body = models.ForeignKey(
        "org.StateBody",
        verbose_name=_("state body"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="methodology_versions",
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    note_kk = models.TextField(_("note (Kazakh)"), blank=True)
    note_ru = models.TextField(_("note (Russian)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    model = models.CharField(_("model"), max_length=4, choices=Model.choices)
    effective_from = models.DateField(_("in force from"))
    repealed_on = models.DateField(_("repealed on"), null=True, blank=True)
    source = models.CharField(_("legal act"), max_length=500, blank=True)
    indicator_catalog = models.ForeignKey(
        IndicatorCatalog,
        verbose_name=_("behaviour indicator catalog"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kpi_min = models.PositiveSmallIntegerField(_("minimum number of KPIs"), null=True, blank=True)
    kpi_max = models.PositiveSmallIntegerField(_("maximum number of KPIs"), null=True, blank=True)
    working_body_name_kk = models.CharField(
        _("working body name (Kazakh)"), max_length=300, blank=True
    )
    working_body_name_ru = models.CharField(
        _("working body name (Russian)"), max_length=300, blank=True
    )
    strategic_planning_agrees_plans = models.BooleanField(
        _("strategic planning unit agrees work plans"), default=False
    )
    plan_review = models.CharField(
        _("work plan approval"),
        max_length=16,
        choices=PlanReview.choices,
        default=PlanReview.SUPERIOR,
        help_text=_("001 p10-11 (2018 model); 002 p23 (2023 model)."),
    )
    calibration_tie_rule = models.CharField(
        _("calibration session without a majority"),
        max_length=16,
        choices=CalibrationTieRule.choices,
        default=CalibrationTieRule.SCORE_STANDS,
        help_text=_(
            "002 p42: the final score is decided by majority vote of the participants; without "
            "a majority this rule decides. Default: the score stands."
        ),
    )
    kpi_table_confirmed = models.BooleanField(
        _("HR confirmed the table of allowed KPI scores"),
        default=False,
        help_text=_(
            "The national figures of 002 Appendix 3 are not in the texts of the law: the "
            "shipped table is a default to be confirmed by HR."
        ),
    )
    min_months_in_position = models.PositiveSmallIntegerField(
        _("months in position before evaluation"), default=3
    )
    probation_excludes = models.BooleanField(
        _("servants on probation are not evaluated"),
        default=True,
        help_text=_("001 p4 (2018 model); 002 p6 names no probation exclusion."),
    )
    months_from_return = models.BooleanField(
        _("the months in position count from the return from social leave or studies"),
        default=False,
        help_text=_("001 p4 (2018 model): not only from the appointment."),
    )
    score_min = models.DecimalField(_("lowest score"), max_digits=5, decimal_places=2, default=0)
    score_max = models.DecimalField(_("highest score"), max_digits=5, decimal_places=2, default=5)
    score_decimals = models.PositiveSmallIntegerField(_("decimals kept"), default=2)
    final_grade_automatic = models.BooleanField(
        _("year grade formed automatically as the mean of the quarters"), default=False
    )
    evaluator_rule = models.CharField(
        _("who evaluates"),
        max_length=24,
        choices=EvaluatorRule.choices,
        default=EvaluatorRule.DIRECT_SUPERVISOR,
        help_text=_(
            "002 p2(3): the direct supervisor and/or the superior, depending on the body's "
            "specifics. Where the structure gives nobody (the first head), the authorized "
            "person evaluates."
        ),
    )
    acting_evaluator = models.BooleanField(
        _("an acting evaluator evaluates when the evaluator is absent"), default=False
    )
    chief_of_staff_option = models.BooleanField(
        _("the chief of staff may evaluate the first head's direct subordinates"), default=False
    )
    respondents_min = models.PositiveSmallIntegerField(
        _("fewest 360 respondents"), null=True, blank=True
    )
    respondents_max = models.PositiveSmallIntegerField(
        _("most 360 respondents"), null=True, blank=True
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("adopted from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    state = models.CharField(
        _("status"), max_length=16, choices=VersionState.choices, default=VersionState.DRAFT
    )
    needs_approval = models.BooleanField(
        _("the authorized person approves the version"),
        default=False,
        help_text=_("The version takes effect only once the authorized person approves it."),
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=0, help_text="Bumped by every change.")

    class Meta:
        verbose_name = _("methodology version")
        verbose_name_plural = _("methodology versions")
        ordering = ["body_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "effective_from"], name="one_version_per_body_and_date"
            ),
            models.UniqueConstraint(
                fields=["model", "effective_from"],
                condition=Q(body__isnull=True),
                name="one_national_version_per_model_and_date",
            ),
            models.CheckConstraint(
                condition=Q(repealed_on__isnull=True)
                | Q(repealed_on__gt=models.F("effective_from")),
                name="version_repealed_after_start",
                violation_error_message=_("The repeal date must be after the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from})"

    @property
    def name(self) -> str:
        """The name in the active language, falling back kk → ru → en."""
        return localized(self, "name")

    @property
    def note(self) -> str:
        return localized(self, "note")


class Periodicity(models.TextChoices):
    QUARTER = "quarter", _("quarterly")
    YEAR = "year", _("yearly")


class Audience(models.TextChoices):
    ALL = "all", _("all servants")
    HEADS = "heads", _("heads of units")
    STAFF = "staff", _("servants other than heads")


class EvaluationKind(models.TextChoices):
    DIFFERENTIATION = "differentiation", _("differentiation")
    KPI_QUARTERLY = "kpi_quarterly", _("quarterly KPI evaluation")
    KPI_ANNUAL = "kpi_annual", _("annual KPI evaluation")
    COMPETENCY = "competency", _("competency evaluation")
    SURVEY_360 = "survey_360", _("360 evaluation")


class Participation(models.TextChoices):
    """What happens to a servant absent at evaluation time (001 p4; 002 p6)."""

    DEFER = "defer", _("evaluated after return")
    WITHOUT = "without", _("evaluated without participation")


class VersionKind(models.Model):
    """An evaluation kind that a version switches on, with who undergoes it and how often."""

    version = models.ForeignKey(MethodologyVersion, on_delete=models.CASCADE, related_name="kinds")
    kind = models.CharField(_("kind"), max_length=32, choices=EvaluationKind.choices)
    periodicity = models.CharField(_("periodicity"), max_length=8, choices=Periodicity.choices)
    audience = models.CharField(_("evaluated"), max_length=8, choices=Audience.choices)
    when_absent = models.CharField(
        _("when absent at evaluation time"), max_length=8, choices=Participation.choices
    )
    deadline = models.CharField(
        _("due by"),
        max_length=48,
        blank=True,
        help_text=_("The version's deadline by which this evaluation is due."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("evaluation kind")
        verbose_name_plural = _("evaluation kinds")
        constraints = [
            models.UniqueConstraint(fields=["version", "kind"], name="kind_once_per_version")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class DeadlineRule(models.TextChoices):
    WORKING_DAYS_AFTER = "wd_after", _("working days after the event")
    WORKING_DAYS_BEFORE = "wd_before", _("working days before the event")
    DAY_OF_NEXT_MONTH = "day_next_month", _("day of the month after the period")
    DATE_NEXT_YEAR = "date_next_year", _("date of the next year (MMDD)")


class Deadline(models.Model):
    """A deadline of a version, e.g. acquaintance within 2 working days (002 p12)."""

    version = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="deadlines"
    )
    code = models.CharField(_("code"), max_length=48)
    rule = models.CharField(_("rule"), max_length=16, choices=DeadlineRule.choices)
    amount = models.PositiveSmallIntegerField(_("amount"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["version_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="deadline_once_per_version")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Scale(models.TextChoices):
    SCORE = "score", _("score 0-5")
    KPI_COUNT = "kpi_count", _("number of KPIs achieved")


class Band(models.Model):
    """A result band: a score range and its name (002 p8; 001 p18)."""

    version = models.ForeignKey(MethodologyVersion, on_delete=models.CASCADE, related_name="bands")
    scale = models.CharField(_("scale"), max_length=16, choices=Scale.choices)
    code = models.CharField(_("code"), max_length=32)
    lower = models.DecimalField(_("from"), max_digits=6, decimal_places=2)
    upper = models.DecimalField(_("to"), max_digits=6, decimal_places=2)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("result band")
        verbose_name_plural = _("result bands")
        ordering = ["version_id", "scale", "-lower"]
        constraints = [
            models.UniqueConstraint(fields=["version", "scale", "code"], name="band_code_unique"),
            models.CheckConstraint(
                condition=Q(upper__gte=models.F("lower")),
                name="band_range",
                violation_error_message=_("“To” must not be below “from”."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lower}–{self.upper} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class DifferentiationParameter(models.Model):
    """A parameter of the differentiation sheet (002 p33)."""

    version = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="differentiation_parameters"
    )
    code = models.CharField(_("code"), max_length=32)
    order = models.PositiveSmallIntegerField(_("order"))
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)

    class Meta:
        verbose_name = _("differentiation parameter")
        verbose_name_plural = _("differentiation parameters")
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="parameter_once_per_version")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class KpiScoreRow(models.Model):
    """A row of the table of allowed KPI scores by percent achieved (002 p28, App 3)."""

    version = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="kpi_score_rows"
    )
    percent_from = models.DecimalField(_("achieved from, %"), max_digits=6, decimal_places=2)
    percent_to = models.DecimalField(_("achieved to, %"), max_digits=6, decimal_places=2)
    score_min = models.DecimalField(_("lowest allowed score"), max_digits=4, decimal_places=2)
    score_max = models.DecimalField(_("highest allowed score"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("allowed KPI score")
        verbose_name_plural = _("allowed KPI scores")
        ordering = ["version_id", "-percent_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_to__gte=models.F("percent_from")),
                name="kpi_row_range",
                violation_error_message=_("“To” must not be below “from”."),
            ),
            models.CheckConstraint(
                condition=Q(score_max__gte=models.F("score_min")),
                name="kpi_row_scores",
                violation_error_message=_("The highest score must not be below the lowest."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent_from}–{self.percent_to}% → {self.score_min}–{self.score_max}"


class Competency360(models.Model):
    """A competency rated in the 360 survey, for heads or for servants (002 p35)."""

    version = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="competencies_360"
    )
    audience = models.CharField(_("evaluated"), max_length=8, choices=Audience.choices)
    code = models.CharField(_("code"), max_length=48)
    order = models.PositiveSmallIntegerField(_("order"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)

    class Meta:
        verbose_name = _("360 competency")
        verbose_name_plural = _("360 competencies")
        ordering = ["version_id", "audience", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "audience", "code"], name="competency360_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")
