"""Calibration cases of the 2023 model (калибрлеу сессиясы; 002 p13-14, p20, p38-43).

One case per application: the servant's free-form application to the authorized person on
one result, the authorized person's decision with the session's date and approved
participants, HR's information card, the evaluator's summary, each participant's position,
the decision (applied through `evaluations.results.decide`), the protocol (generated, and
the signed copy uploaded by HR), the feedback meeting and any appeal. Scores live here and in
ResultChange, never in the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bagalau.evaluations.models import Result, Task
from bagalau.methodology.models import MethodologyVersion
from bagalau.org.models import Servant, StateBody, Unit

from . import rules


class CaseState(models.TextChoices):
    APPLIED = rules.APPLIED, pgettext_lazy("calibration", "applied")
    ACCEPTED = rules.ACCEPTED, pgettext_lazy("calibration", "session appointed")
    DECLINED = rules.DECLINED, pgettext_lazy("calibration", "declined")
    HELD = rules.HELD, pgettext_lazy("calibration", "session held")
    DECIDED = rules.DECIDED, pgettext_lazy("calibration", "decided")
    PROTOCOL_UPLOADED = rules.PROTOCOL_UPLOADED, pgettext_lazy("calibration", "protocol uploaded")


class CalibrationCase(models.Model):
    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="calibrations")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="calibrations"
    )
    servant = models.ForeignKey(Servant, on_delete=models.PROTECT, related_name="calibrations")
    # The servant's unit on the evaluated sheet (HR's calibration view per unit).
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(MethodologyVersion, on_delete=models.PROTECT, related_name="+")
    evaluator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="calibrations_evaluated",
    )  # fmt: skip
    state = models.CharField(_("status"), max_length=24, choices=CaseState.choices)
    revision = models.PositiveIntegerField(default=0)
    # The application (002 p13): free form, in the system, to the authorized person.
    text = models.TextField(_("application"))
    applied_on = models.DateField(_("applied on"))
    acquainted_on = models.DateField(_("acquainted on"))
    apply_due = models.DateField(_("application due"))
    decide_due = models.DateField(_("decision due"), db_index=True)
    session_due = models.DateField(_("session due"), db_index=True)
    # The authorized person's decision (002 p39).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_on = models.DateField(_("decision on"), null=True, blank=True)
    decline_reason = models.TextField(_("reason of the refusal"), blank=True)
    session_date = models.DateField(_("session date"), null=True, blank=True)
    session_place = models.CharField(_("place"), max_length=300, blank=True)
    # The information card prepared by HR (002 p20), assembled from the data when prepared.
    card = models.JSONField(_("information card"), default=dict, blank=True)
    card_prepared_at = models.DateTimeField(_("card prepared"), null=True, blank=True)
    # The evaluator's presentation and justification (002 p42).
    summary = models.TextField(_("evaluator's summary and justification"), blank=True)
    # The outcome (002 p42).
    score_before = models.DecimalField(
        _("score before the session"), max_digits=4, decimal_places=2
    )
    final_score = models.DecimalField(
        _("final score"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    tally = models.JSONField(_("vote tally"), default=dict, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    protocol_due = models.DateField(_("protocol due"), null=True, blank=True, db_index=True)
    protocol_number = models.CharField(_("protocol No."), max_length=40, blank=True)
    protocol_name = models.CharField(_("signed protocol"), max_length=200, blank=True)
    protocol_type = models.CharField(max_length=100, blank=True)
    protocol_size = models.PositiveIntegerField(default=0)
    protocol_sha256 = models.CharField(max_length=64, blank=True)
    protocol_key = models.CharField(max_length=200, blank=True)
    protocol_uploaded_at = models.DateTimeField(_("protocol uploaded"), null=True, blank=True)
    # The feedback meeting (002 p43): its three topics and the notes the servant sees.
    feedback_on = models.DateField(_("feedback meeting on"), null=True, blank=True)
    feedback = models.JSONField(_("feedback meeting"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calibration case")
        verbose_name_plural = _("calibration cases")
        ordering = ["body_id", "-applied_on", "pk"]
        indexes = [models.Index(fields=["body", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["result"],
                condition=~models.Q(state__in=[rules.DECLINED]),
                name="one_calibration_per_result",
            )
        ]

    def __str__(self) -> str:
        return f"calibration {self.pk} ({self.result_id})"

    @property
    def serving(self) -> bool:
        return self.state in rules.SERVING


class Participant(models.Model):
    """A participant of the session approved by the authorized person (002 p39)."""

    case = models.ForeignKey(CalibrationCase, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibration_seats"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["case_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="calibration_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"


class Position(models.Model):
    """A participant's position (002 p42): supports the score, or proposes another, up or
    down, with arguments. Recorded by name (the protocol names everyone's position)."""

    case = models.ForeignKey(CalibrationCase, on_delete=models.CASCADE, related_name="positions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed = models.DecimalField(
        _("proposed score"), max_digits=4, decimal_places=2, null=True, blank=True,
        help_text=_("Empty: supports the score."),
    )  # fmt: skip
    arguments = models.TextField(_("arguments"), blank=True)
    at = models.DateTimeField(_("when"), auto_now=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["case_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="calibration_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"

    @property
    def supports(self) -> bool:
        return self.proposed is None


class AppealOutcome(models.TextChoices):
    PENDING = rules.APPEAL_PENDING, _("under consideration")
    UPHELD = rules.APPEAL_UPHELD, _("the calibration decision left in force")
    CANCELLED = rules.APPEAL_CANCELLED, _("the calibration decision cancelled")
    CHANGED = rules.APPEAL_CHANGED, _("the calibration decision changed")
    WITHDRAWN = rules.APPEAL_WITHDRAWN, _("withdrawn")


class Appeal(models.Model):
    """An appeal of the calibration decision under the Administrative Procedural Code (002
    p14), recorded by HR with its outcome."""

    case = models.ForeignKey(CalibrationCase, on_delete=models.PROTECT, related_name="appeals")
    filed_on = models.DateField(_("filed on"))
    authority = models.CharField(_("filed with"), max_length=300)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["case_id", "filed_on", "pk"]

    def __str__(self) -> str:
        return f"appeal {self.pk} of {self.case_id}"
