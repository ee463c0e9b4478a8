"""The evaluation commission of the 2018 model (Бағалау жөніндегі комиссия; 001 p5, p29-43).

A Composition is the authorized person's order forming the commission (number, date) with
its seats; a change of the chair or a member is a new Composition amending the previous
order (001 p31), which ends on the amending order's date and stays as history. A Meeting of
the composition has an agenda of Cases (one sheet each: the servant's KPI sheet and
competency sheet that arrived "for commission"), the Attendance, the open Votes by name and
a Decision per case; the protocol (002 Appendix 5) is generated from them and approved by
the authorized person (001 p39). An Appeal (001 p42-43) is recorded against a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bagalau.evaluations.models import Result, Task
from bagalau.org.models import Servant, StateBody

from . import rules


class SeatRole(models.TextChoices):
    CHAIR = rules.CHAIR, _("chair")
    MEMBER = rules.MEMBER, _("member")
    SECRETARY = rules.SECRETARY, _("secretary (does not vote)")


class MeetingState(models.TextChoices):
    DRAFT = rules.DRAFT, _("drafted")
    SCHEDULED = rules.SCHEDULED, _("scheduled")
    HELD = rules.HELD, _("in session")
    CLOSED = rules.CLOSED, _("protocol drawn up")
    APPROVED = rules.APPROVED, _("approved")


class Choice(models.TextChoices):
    APPROVE = rules.APPROVE, _("approve")
    REVISE = rules.REVISE, _("revise")


class AppealState(models.TextChoices):
    FILED = rules.FILED, _("filed")
    REEVALUATE = rules.REEVALUATE, _("decision to be cancelled, re-evaluation")
    UNCHANGED = rules.UNCHANGED, _("result left unchanged")


class Composition(models.Model):
    """The order of the authorized person forming (or amending) the commission (001 p5, p31)."""

    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    order_number = models.CharField(_("order number"), max_length=64)
    order_date = models.DateField(_("order date"))
    amends = models.OneToOneField(
        "self", verbose_name=_("amends the order"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="amended_by",
    )  # fmt: skip
    # 004: the working body may be named otherwise ("Administrative department").
    working_body = models.CharField(_("working body"), max_length=300, blank=True)
    ended_on = models.DateField(_("in force until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commission composition")
        verbose_name_plural = _("commission compositions")
        ordering = ["body_id", "-order_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["body"], condition=models.Q(ended_on__isnull=True),
                name="one_composition_in_force_per_body",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"№ {self.order_number} ({self.order_date})"

    @property
    def in_force(self) -> bool:
        return self.ended_on is None


class Seat(models.Model):
    composition = models.ForeignKey(Composition, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=SeatRole.choices)

    class Meta:
        verbose_name = _("commission seat")
        verbose_name_plural = _("commission seats")
        ordering = ["composition_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["composition", "user"], name="one_seat_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"

    @property
    def votes(self) -> bool:
        return self.role in rules.VOTING


class Meeting(models.Model):
    """A commission meeting: schedule drawn by HR with the chair's consent (001 p29)."""

    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    composition = models.ForeignKey(Composition, on_delete=models.PROTECT, related_name="meetings")
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    date = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    state = models.CharField(
        _("status"), max_length=16, choices=MeetingState.choices, default=MeetingState.DRAFT
    )
    revision = models.PositiveIntegerField(default=0)
    notified_on = models.DateField(_("evaluators notified on"), null=True, blank=True)
    approved_on = models.DateField(_("results approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_due = models.DateField(_("appeal due"), null=True, blank=True)
    acquaintance_due = models.DateField(_("acquaintance due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commission meeting")
        verbose_name_plural = _("commission meetings")
        ordering = ["body_id", "-date", "-pk"]
        indexes = [models.Index(fields=["body", "state"])]

    def __str__(self) -> str:
        return f"{self.body_id} {self.date}"


class Case(models.Model):
    """One sheet on the agenda (001 p36): the servant's KPI or competency sheet."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases")
    order = models.PositiveSmallIntegerField(_("No."))
    servant = models.ForeignKey(Servant, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="commission_cases")
    result = models.ForeignKey(
        Result, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recommendations = models.TextField(_("commission's recommendations"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    # Set when an appeal's outcome reopened the sheet: it may come to a later meeting.
    reopened_at = models.DateTimeField(_("reopened for re-evaluation"), null=True, blank=True)

    class Meta:
        verbose_name = _("commission case")
        verbose_name_plural = _("commission cases")
        ordering = ["meeting_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "task"], name="one_case_per_sheet"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.order}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.user_id}: {self.present}"


class Vote(models.Model):
    """An open vote by name (001 p32): approve, or revise with the corrected result."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    corrected = models.DecimalField(
        _("result as corrected"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["case", "voter"], name="one_vote_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.voter_id}: {self.choice}"


class Decision(models.Model):
    """The commission's decision on a case (001 p32-33, p37-38)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    choice = models.CharField(_("decision"), max_length=8, choices=Choice.choices)
    corrected = models.DecimalField(
        _("result as corrected"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    votes_for = models.PositiveSmallIntegerField(_("votes for"))
    cast = models.PositiveSmallIntegerField(_("votes cast"))
    tie_broken = models.BooleanField(_("tie decided by the chair's vote"), default=False)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commission decision")
        verbose_name_plural = _("commission decisions")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.choice}"


class Appeal(models.Model):
    """An appeal to the authorized body for civil-service affairs (001 p42), and a court case
    (001 p43)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("filed on"))
    due = models.DateField(_("appeal due"))
    late = models.BooleanField(_("filed late"), default=False)
    authority = models.CharField(_("filed with"), max_length=300)
    state = models.CharField(
        _("status"), max_length=16, choices=AppealState.choices, default=AppealState.FILED
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    court = models.TextField(_("court case"), blank=True)
    reopened_task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.filed_on}"
