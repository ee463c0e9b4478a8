"""Individual work plans (жеке жұмыс жоспары) and their KPIs (001 p9-16; 002 p23-26).

A plan belongs to one servant for one year and feeds one KPI evaluation kind of the
methodology version in force (2018: the annual KPI sheet; 2023: the quarterly KPI sheets of
heads). Its content lives in revisions: every save that changes a KPI writes a new
revision (never an update), so every version of the plan is kept with who wrote it and
when; the approved revision is the one the KPI sheets take their lines from. Reviews (the
SMART checklist, the reason of a return) and the quarterly monitoring are rows of their own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bagalau.methodology.models import EvaluationKind, MethodologyVersion
from bagalau.org.models import Appointment, Servant, StateBody


class PlanState(models.TextChoices):
    """The plan's workflow states (rules.PLAN)."""

    DRAFT = "draft", pgettext_lazy("work plan", "being drawn up")
    IN_REVIEW = "in_review", pgettext_lazy("work plan", "submitted for approval")
    RETURNED = "returned", pgettext_lazy("work plan", "returned for correction")
    APPROVED = "approved", pgettext_lazy("work plan", "approved")
    NOT_REQUIRED = "not_required", pgettext_lazy("work plan", "not drawn up")


class Source(models.TextChoices):
    """Which planning document a KPI derives from (002 p25(5); 002 Appendix 1)."""

    STRATEGIC_PLAN = "strategic_plan", _("the body's strategic plan")
    NATIONAL_PROJECT = "national_project", _("a national project")
    STATE_PLANNING = "state_planning", _("another document of the state planning system")
    MEMORANDUM = "memorandum", _("the memorandum of the “A” corps servant")
    EFFECTIVENESS = "effectiveness", _("raising the effectiveness of the body")


class WorkPlan(models.Model):
    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    servant = models.ForeignKey(
        Servant, verbose_name=_("servant"), on_delete=models.PROTECT, related_name="work_plans"
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        MethodologyVersion, verbose_name=_("methodology version"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(_("evaluation"), max_length=32, choices=EvaluationKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("status"), max_length=16, choices=PlanState.choices)
    reason = models.CharField(_("reason"), max_length=48, blank=True)
    # Who draws the plan up and who approves it, fixed when the plan is opened (001 p9-11;
    # 002 p23); the review steps are fixed at each submission (rules.review_steps).
    drafter = models.ForeignKey(
        Servant, verbose_name=_("drawn up by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="plans_to_draft",
    )  # fmt: skip
    drafter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="plans_to_draft",
    )  # fmt: skip
    approver = models.ForeignKey(
        Servant, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="plans_to_approve",
    )  # fmt: skip
    approver_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="plans_to_approve",
    )  # fmt: skip
    steps = models.JSONField(_("review steps"), default=list, blank=True)
    step = models.PositiveSmallIntegerField(_("current review step"), default=0)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    correction_due = models.DateField(_("correction due"), null=True, blank=True)
    entry_due = models.DateField(_("entry into the system due"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_revision = models.ForeignKey(
        "PlanRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_revision = models.ForeignKey(
        "PlanRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=0, help_text="Bumped by every change.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("individual work plan")
        verbose_name_plural = _("individual work plans")
        ordering = ["body_id", "-year", "servant__last_name_kk", "servant_id"]
        constraints = [
            models.UniqueConstraint(fields=["servant", "year", "kind"], name="one_plan_per_year")
        ]
        indexes = [
            models.Index(fields=["body", "year", "state"]),
            models.Index(fields=["drafter_user", "state"]),
            models.Index(fields=["approver_user", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.servant_id} {self.year} {self.kind}"


class PlanRevision(models.Model):
    """One version of a plan's content: immutable once written."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    # 002 p26: a change after approval names the changed functions or structure.
    reason = models.TextField(_("reason of the change"), blank=True)

    class Meta:
        verbose_name = _("work plan version")
        verbose_name_plural = _("work plan versions")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanKpi(models.Model):
    """One KPI of a plan revision: the columns of 002 Appendix 1."""

    revision = models.ForeignKey(PlanRevision, on_delete=models.PROTECT, related_name="kpis")
    order = models.PositiveSmallIntegerField(_("No."))
    name = models.CharField(_("KPI"), max_length=500)
    source = models.CharField(_("derives from"), max_length=24, choices=Source.choices)
    source_detail = models.CharField(_("document"), max_length=500, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=100)
    planned = models.DecimalField(_("planned value"), max_digits=18, decimal_places=4)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    deadline = models.DateField(_("achievement deadline"))
    key_result = models.TextField(_("key result (expected positive change)"))

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["revision_id", "order"]
        constraints = [models.UniqueConstraint(fields=["revision", "order"], name="plan_kpi_order")]

    def __str__(self) -> str:
        return self.name


class PlanReview(models.Model):
    """A reviewer's decision on a submitted revision: the SMART checklist and the reason."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.PROTECT, related_name="reviews")
    revision = models.ForeignKey(
        PlanRevision, null=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(_("step"), max_length=24)
    action = models.CharField(_("decision"), max_length=16)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("work plan review")
        verbose_name_plural = _("work plan reviews")
        ordering = ["plan_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.step} {self.action}"


class Monitoring(models.Model):
    """The direct supervisor's quarterly review of the KPIs' progress (001 p16)."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.PROTECT, related_name="monitoring")
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    progress = models.JSONField(_("progress per KPI"), default=dict, blank=True)
    recommendations = models.TextField(_("recommendations"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("quarterly monitoring")
        verbose_name_plural = _("quarterly monitoring")
        ordering = ["plan_id", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="monitoring_once_a_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} Q{self.quarter}"
