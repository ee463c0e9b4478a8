"""The anonymous 360 survey of the 2023 model (360 бағалау; 002 p34-37).

Anonymity is a property of the data, not of the screens (issue 15):

- `Answered` records only that a person has answered a subject's survey (to refuse a second
  answer); it has no reference to the answers and no time.
- `Answer` and `Comment` rows have a random UUID key, no sequential id, no time of any kind
  (the campaign's dates are the finest there are), and no link to the respondent or the
  invitation: only the subject, the item or competency, the value or text, and whether it is
  the subject's own self-assessment. Every read orders them by the random key or aggregates
  them, never by insertion order.

The questionnaire (items per 360 competency, the rating scale) is data of a methodology
version; the default set shipped (data/questionnaire_default.json) is labelled as not from
the law: the typical methodology's forms 5-6 are not in the seeds.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bagalau.methodology.models import Competency360, MethodologyVersion
from bagalau.org.models import Servant, StateBody, localized


class RatingScale(models.Model):
    """The rating scale of a version's 360 questionnaire (e.g. 1-5, each value labelled)."""

    version = models.OneToOneField(
        MethodologyVersion, on_delete=models.CASCADE, related_name="survey_scale"
    )
    low = models.PositiveSmallIntegerField(_("lowest rating"))
    high = models.PositiveSmallIntegerField(_("highest rating"))
    # {"1": {"kk": "...", "ru": "...", "en": "..."}, ...}
    labels = models.JSONField(_("labels"), default=dict, blank=True)
    is_default = models.BooleanField(
        _("default set, not from the law"),
        default=True,
        help_text=_("The typical methodology's forms 5-6 are not in the seeds."),
    )

    class Meta:
        verbose_name = _("360 rating scale")
        verbose_name_plural = _("360 rating scales")
        constraints = [
            models.CheckConstraint(condition=Q(high__gt=models.F("low")), name="scale_range")
        ]

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


class SurveyItem(models.Model):
    """A statement of the 360 questionnaire about one competency, rated on the scale."""

    version = models.ForeignKey(
        MethodologyVersion, on_delete=models.CASCADE, related_name="survey_items"
    )
    competency = models.ForeignKey(
        Competency360,
        verbose_name=_("360 competency"),
        on_delete=models.CASCADE,
        related_name="survey_items",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text_kk = models.CharField(_("text (Kazakh)"), max_length=500)
    text_ru = models.CharField(_("text (Russian)"), max_length=500, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=500, blank=True)
    is_default = models.BooleanField(_("default set, not from the law"), default=True)

    class Meta:
        verbose_name = _("360 questionnaire item")
        verbose_name_plural = _("360 questionnaire items")
        ordering = ["competency__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "order"], name="survey_item_order")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return localized(self, "text")


class CampaignState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("360 campaign", "being prepared")
    OPEN = "open", pgettext_lazy("360 campaign", "open for answers")
    CLOSED = "closed", pgettext_lazy("360 campaign", "closed")


class Campaign(models.Model):
    """A body's yearly 360 campaign (002 p34), due by the 10th of the next January (002 p5)."""

    body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        MethodologyVersion, verbose_name=_("methodology version"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("status"), max_length=8, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    due_date = models.DateField(_("due date"), db_index=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=0, help_text="Bumped by every change.")

    class Meta:
        verbose_name = _("360 campaign")
        verbose_name_plural = _("360 campaigns")
        ordering = ["body_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="one_360_campaign_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.year}"


class SubjectAudience(models.TextChoices):
    HEADS = "heads", _("head")
    STAFF = "staff", _("servant")


class Subject(models.Model):
    """An evaluated person of a campaign; the evaluator (direct supervisor) reads the report."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="subjects")
    servant = models.ForeignKey(
        Servant, verbose_name=_("evaluated"), on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("competency set"), max_length=8, choices=SubjectAudience.choices)
    evaluator = models.ForeignKey(
        Servant, verbose_name=_("evaluator"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    evaluator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 002 p6: absent during the campaign: not asked to respond, their own 360 still runs.
    absent = models.BooleanField(_("absent during the campaign"), default=False)

    class Meta:
        verbose_name = _("evaluated person")
        verbose_name_plural = _("evaluated persons")
        ordering = ["campaign_id", "servant__last_name_kk", "servant__first_name_kk", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "servant"], name="subject_once")]
        indexes = [models.Index(fields=["evaluator_user"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.servant_id}"


class Relation(models.TextChoices):
    SUPERVISOR = "supervisor", _("direct supervisor")
    SUBORDINATE = "subordinate", _("subordinate")
    PEER = "peer", _("colleague of the same level")
    OTHER = "other", _("added by HR")
    SELF = "self", _("self-assessment")


class Invitation(models.Model):
    """A respondent asked to answer a subject's survey (or the subject's self-assessment)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="invitations")
    respondent = models.ForeignKey(
        Servant, verbose_name=_("respondent"), on_delete=models.PROTECT, related_name="+"
    )
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices)
    added_by_hr = models.BooleanField(_("changed by HR"), default=False)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("360 respondent")
        verbose_name_plural = _("360 respondents")
        ordering = ["subject_id", "relation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "respondent"], name="invitation_once")
        ]
        indexes = [models.Index(fields=["respondent", "campaign"])]

    def __str__(self) -> str:
        return f"{self.subject_id} ← {self.respondent_id}"


class Answered(models.Model):
    """Only that a person answered a subject's survey: no answers, no time (issue 15).

    A random key too: no sequential id gives the order in which people answered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="answered")
    respondent = models.ForeignKey(Servant, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("answered")
        verbose_name_plural = _("answered")
        constraints = [
            models.UniqueConstraint(fields=["subject", "respondent"], name="answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} ✓ {self.respondent_id}"


class Answer(models.Model):
    """A rating of one item: random key, no respondent, no time (read by key or aggregated)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="+")
    competency = models.ForeignKey(Competency360, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("rating"))
    is_self = models.BooleanField(_("self-assessment"), default=False)

    class Meta:
        verbose_name = _("360 answer")
        verbose_name_plural = _("360 answers")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.id)


class Comment(models.Model):
    """A free comment on one competency: the same rule as answers (shown without author)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="comments")
    competency = models.ForeignKey(Competency360, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    is_self = models.BooleanField(_("self-assessment"), default=False)

    class Meta:
        verbose_name = _("360 comment")
        verbose_name_plural = _("360 comments")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.id)


class Feedback(models.Model):
    """The feedback conversation on a report (the typical methodology's form 8; 002 p37)."""

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="feedback")
    held_on = models.DateField(_("held on"))
    strengths = models.TextField(_("strengths to keep"), blank=True)
    development = models.TextField(_("competencies to develop"), blank=True)
    actions = models.TextField(_("agreed development actions and training"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("360 feedback")
        verbose_name_plural = _("360 feedback")

    def __str__(self) -> str:
        return f"{self.subject_id} {self.held_on}"
