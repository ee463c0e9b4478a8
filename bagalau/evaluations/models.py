"""The evaluation engine's records: schedules, tasks (sheets), sheet lines, results.

A schedule (бағалау кестесі, 002 p11) covers one period of one body under the methodology
version in force for that period; approving it creates one task per servant per evaluation
kind. A task is the sheet (бағалау парағы) of that kind: its lines, its workflow state, its
evaluator and due date. A result keeps its original score and every later decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bagalau.methodology.models import EvaluationKind, MethodologyVersion
from bagalau.org.models import Appointment, Servant, StateBody, localized


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")


class ScheduleStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


class Schedule(models.Model):
    """Бағалау кестесі: the evaluation schedule of one period (002 p11)."""

    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="schedules")
    version = models.ForeignKey(
        MethodologyVersion, verbose_name=_("methodology version"), on_delete=models.PROTECT
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0: the year"))
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=16, choices=ScheduleStatus.choices, default=ScheduleStatus.DRAFT
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation schedule")
        verbose_name_plural = _("evaluation schedules")
        ordering = ["body_id", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "period_kind", "year", "quarter"], name="one_schedule_per_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.period_kind == PeriodKind.QUARTER:
            return str(_("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year})
        return str(_("Year %(year)s") % {"year": self.year})


class Participation(models.TextChoices):
    """The eligibility outcome (001 p4; 002 p6-7)."""

    EVALUATED = "evaluated", pgettext_lazy("participation", "evaluated")
    NOT_EVALUATED = "not_evaluated", _("not evaluated")
    DEFERRED = "deferred", _("deferred until return")
    WITHOUT_PARTICIPATION = "without_participation", _("evaluated without participation")


class TaskState(models.TextChoices):
    PENDING = "pending", _("to do")
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for correction")
    ACQUAINTED = "acquainted", _("acquainted")
    EXCLUDED = "excluded", _("not evaluated")
    # KPI sheets (rules.workflow KPI_QUARTERLY_SHEET, KPI_ANNUAL_SHEET).
    ACTUALS_DUE = "actuals_due", _("awaiting the actual values")
    AGREED = "agreed", _("agreed by the superior")
    FOR_COMMISSION = "for_commission", _("passed to the commission")


# States in which a sheet still waits for its evaluator (or, for a quarterly KPI sheet, for
# HR's actual values first).
OPEN_TASK_STATES = (TaskState.PENDING, TaskState.DRAFT, TaskState.RETURNED, TaskState.ACTUALS_DUE)
# States in which the evaluator's part is done (submitted; agreed; passed to the commission).
DONE_TASK_STATES = (
    TaskState.SUBMITTED, TaskState.ACQUAINTED, TaskState.AGREED, TaskState.FOR_COMMISSION,
)  # fmt: skip


class EvaluatorSource(models.TextChoices):
    STRUCTURE = "structure", _("by the structure")
    OVERRIDE = "override", _("explicit on the appointment")
    ASSIGNED = "assigned", _("assigned by HR")
    ACTING = "acting", _("acting for the absent evaluator")
    CHIEF_OF_STAFF = "chief_of_staff", _("the chief of staff, by the first head's decision")
    AUTHORIZED_PERSON = "authorized_person", _("the authorized person (the structure gives nobody)")
    NONE = "none", _("none found")


class Task(models.Model):
    """The evaluation of one servant for one kind in one schedule: the sheet and its state."""

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="tasks")
    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(MethodologyVersion, on_delete=models.PROTECT, related_name="+")
    servant = models.ForeignKey(
        Servant, verbose_name=_("evaluated person"), on_delete=models.PROTECT, related_name="tasks"
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EvaluationKind.choices)
    participation = models.CharField(
        _("participation"), max_length=24, choices=Participation.choices
    )
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    evaluator = models.ForeignKey(
        Servant,
        verbose_name=_("evaluator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_to_evaluate",
    )
    evaluator_source = models.CharField(
        _("evaluator from"), max_length=24, choices=EvaluatorSource.choices
    )
    # Who fills the sheet and may read it (002 p21): the evaluator's login. Usually the
    # evaluator servant's user; the authorized person's user when the structure gives nobody
    # (002 p2(3)), who may have no servant record. Access compares this id.
    evaluator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator (user)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_to_evaluate",
    )
    state = models.CharField(_("status"), max_length=16, choices=TaskState.choices)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    returns_on = models.DateField(_("back at work on"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(_("submitted late"), default=False)
    overdue = models.BooleanField(_("overdue"), default=False)
    # KPI sheets: who signs the 2018 sheet after the evaluator (the superior, or the first head
    # himself, 001 p19-20), the correction due after a return (001 p23), when HR's actual
    # values are due (002 p23) and the stage dates.
    reviewer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agreed by (user)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="tasks_to_review",
    )  # fmt: skip
    correction_due = models.DateField(_("correction due"), null=True, blank=True)
    actuals_due = models.DateField(_("actual values due"), null=True, blank=True)
    actuals_sent_at = models.DateTimeField(_("actual values sent"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    commission_due = models.DateField(_("to the commission by"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, help_text="Bumped by every change.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation task")
        verbose_name_plural = _("evaluation tasks")
        ordering = ["schedule_id", "servant__last_name_kk", "servant_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "servant", "kind"], name="one_task_per_servant_kind_period"
            ),
        ]
        indexes = [
            models.Index(fields=["evaluator", "state"]),
            models.Index(fields=["evaluator_user", "state"]),
            models.Index(fields=["reviewer_user", "state"]),
            models.Index(fields=["schedule", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.get_kind_display()} #{self.servant_id}"

    @property
    def evaluator_name(self) -> str:
        """The evaluator servant's name, or the authorized person's when they have no record."""
        if self.evaluator is not None:
            return self.evaluator.full_name
        if self.evaluator_user is not None:
            return self.evaluator_user.get_full_name() or self.evaluator_user.username
        return ""


class SheetLine(models.Model):
    """A scored line of a sheet, e.g. one differentiation parameter (002 p33)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(_("code"), max_length=48)
    order = models.PositiveSmallIntegerField(_("order"))
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A KPI line (001 App 2; 002 p28): the approved plan's KPI, its planned value (for a
    # quarter, as HR pre-computed it), the actual value, the percent and whether achieved.
    kpi = models.ForeignKey(
        "plans.PlanKpi", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField(_("unit of measure"), max_length=100, blank=True)
    planned = models.DecimalField(
        _("planned value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    actual = models.DecimalField(
        _("actual value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    percent = models.DecimalField(
        _("percent achieved"), max_digits=24, decimal_places=2, null=True, blank=True
    )
    achieved = models.BooleanField(_("achieved"), null=True, blank=True)
    override_reason = models.TextField(_("why achieved differs from the values"), blank=True)

    class Meta:
        verbose_name = _("sheet line")
        verbose_name_plural = _("sheet lines")
        ordering = ["task_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "code"], name="sheet_line_once_per_task")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.score}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class IndicatorMark(models.Model):
    """One effective behaviour indicator of a competency line of a 2018 competency sheet
    (001 p25-27; 002 Appendix 3): observed or not, as the direct supervisor marks it.

    The line (one per applicable competency) keeps "meets expectations" in `achieved` and
    the count observed in `score`; the indicator's text stays in the catalog it came from.
    """

    line = models.ForeignKey(SheetLine, on_delete=models.CASCADE, related_name="marks")
    indicator = models.ForeignKey(
        "methodology.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    observed = models.BooleanField(_("observed"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator mark")
        verbose_name_plural = _("indicator marks")
        ordering = ["line_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["line", "order"], name="indicator_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}/{self.order}: {self.observed}"


class Result(models.Model):
    """A quarter or year result with its band; the original score is never overwritten."""

    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    servant = models.ForeignKey(Servant, on_delete=models.PROTECT, related_name="results")
    version = models.ForeignKey(MethodologyVersion, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=EvaluationKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0: the year"))
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="result"
    )
    original_score = models.DecimalField(_("original score"), max_digits=4, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2)
    band = models.CharField(_("band"), max_length=32, blank=True)
    quarters = models.JSONField(_("quarters averaged"), default=list, blank=True)
    formed_at = models.DateTimeField(_("formed"), auto_now_add=True)
    acquaintance_due = models.DateField(_("acquaintance due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refusal recorded"), null=True, blank=True)
    refusal_act = models.JSONField(_("refusal act"), default=dict, blank=True)
    # 2018 model: the commission decides the result (001 p37-39); until then it is provisional.
    provisional = models.BooleanField(_("provisional until the commission decides"), default=False)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["servant_id", "-year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["servant", "kind", "year", "quarter"], name="one_result_per_period"
            ),
        ]
        indexes = [models.Index(fields=["body", "year", "quarter"])]

    def __str__(self) -> str:
        return f"{self.servant_id} {self.kind} {self.year}/{self.quarter}: {self.score}"

    @property
    def is_year(self) -> bool:
        return self.quarter == 0

    @property
    def acquainted(self) -> bool:
        return self.acknowledged_at is not None or self.refused_at is not None


class ResultChange(models.Model):
    """A later decision on a result (recomputation, calibration, commission)."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="changes")
    score_from = models.DecimalField(max_digits=4, decimal_places=2)
    score_to = models.DecimalField(max_digits=4, decimal_places=2)
    source = models.CharField(_("decided by"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("result change")
        verbose_name_plural = _("result changes")
        ordering = ["result_id", "decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(score_from=models.F("score_to")), name="result_change_changes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score_from} → {self.score_to}"


class Evidence(models.Model):
    """A file that supports a KPI's actual value (001 p22): stored outside the web root.

    Served only through an access-checked view, under the sheet's confidentiality (002 p21).
    """

    # A KPI taken out of the plan by a later change (002 p26) leaves its files on the sheet.
    line = models.ForeignKey(
        SheetLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="evidence")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["line_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
