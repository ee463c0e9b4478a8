"""State bodies, their unit tree, positions, servants, appointments, absences and roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import rules


def localized(obj: object, field: str) -> str:
    """The value of `field_<lang>` in the active language, falling back kk → ru → en."""
    language = (get_language() or "kk")[:2]
    for code in (language, "kk", "ru", "en"):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return str(value)
    return ""


class StateBody(models.Model):
    """Мемлекеттік орган: a state body with its own methodology and staff."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=500)
    name_ru = models.CharField(_("name (Russian)"), max_length=500, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    bin = models.CharField(_("BIN"), max_length=12, unique=True)
    hr_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("HR service (working body)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    strategic_planning_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("strategic planning unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chief_of_staff_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("chief of staff (position)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chief_of_staff_evaluates = models.BooleanField(
        _("the chief of staff evaluates the first head's direct subordinates"),
        default=False,
        help_text=_("By the first head's decision (2025 model)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("state body")
        verbose_name_plural = _("state bodies")
        ordering = ["name_kk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Unit(models.Model):
    """Құрылымдық бөлімше: a structural unit; the top unit is the body's leadership."""

    body = models.ForeignKey(
        StateBody, verbose_name=_("state body"), on_delete=models.CASCADE, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=64)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=500)
    name_ru = models.CharField(_("name (Russian)"), max_length=500, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["body_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="unit_code_unique_in_body"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Position(models.Model):
    """Лауазым: a post in a unit, with its category code (methodology.md §5)."""

    body = models.ForeignKey(
        StateBody, verbose_name=_("state body"), on_delete=models.CASCADE, related_name="positions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    code = models.CharField(_("code"), max_length=64)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    category = models.CharField(_("category"), max_length=16)
    is_head = models.BooleanField(_("heads the unit"), default=False)
    is_deputy_head = models.BooleanField(
        _("deputy head"),
        default=False,
        help_text=_(
            "A deputy director of a department (C-2) or deputy head of a division (C-3): "
            "indicator group 2 (003 App 4)."
        ),
    )
    provides_public_services = models.BooleanField(_("provides public services"), default=False)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["body_id", "unit_id", "-is_head", "code"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="position_code_unique_in_body"),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(is_head=True), name="one_head_position_per_unit"
            ),
            models.CheckConstraint(
                condition=~(Q(is_head=True) & Q(is_deputy_head=True)),
                name="position_head_or_deputy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.category})"

    @property
    def title(self) -> str:
        return localized(self, "title")


# The fields a servant is found by (rules.search_key), in the key's order.
SEARCH_FIELDS = (
    "iin", "last_name_kk", "first_name_kk", "middle_name_kk",
    "last_name_ru", "first_name_ru", "middle_name_ru",
)  # fmt: skip


class ServantQuerySet(models.QuerySet["Servant"]):
    """Keeps `search_key` right on the bulk paths, which bypass `Servant.save()`.

    Excel import, the generate command and the tests create and change servants in bulk;
    each bulk path folds the key here, so no caller has to remember it.
    """

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable[Servant], *args: Any, **kwargs: Any
    ) -> list[Servant]:
        rows = list(objs)
        for servant in rows:
            servant.refresh_search_key()
        # django-stubs loses the model type of super() in a QuerySet subclass.
        return super().bulk_create(rows, *args, **kwargs)  # type: ignore[arg-type,return-value]

    def bulk_update(
        self, objs: Iterable[Servant], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        rows, names = list(objs), list(fields)
        if set(names) & set(SEARCH_FIELDS):
            for servant in rows:
                servant.refresh_search_key()
            if "search_key" not in names:
                names.append("search_key")
        return super().bulk_update(rows, names, batch_size=batch_size)  # type: ignore[arg-type]

    def update(self, **kwargs: Any) -> int:
        if not set(kwargs) & set(SEARCH_FIELDS):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            ids = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows = list(Servant.objects.using(self.db).filter(pk__in=ids).only(*SEARCH_FIELDS))
            for servant in rows:
                servant.refresh_search_key()
            Servant.objects.using(self.db).bulk_update(rows, ["search_key"], batch_size=1000)
        return count


class Servant(models.Model):
    """Қызметші: a B-corps administrative civil servant, managed by one body's HR."""

    body = models.ForeignKey(
        StateBody,
        verbose_name=_("state body"),
        on_delete=models.PROTECT,
        related_name="servants",
    )
    iin = models.CharField(_("IIN"), max_length=12, unique=True)
    last_name_kk = models.CharField(_("last name (Kazakh)"), max_length=150)
    first_name_kk = models.CharField(_("first name (Kazakh)"), max_length=150)
    middle_name_kk = models.CharField(_("patronymic (Kazakh)"), max_length=150, blank=True)
    last_name_ru = models.CharField(_("last name (Russian)"), max_length=150, blank=True)
    first_name_ru = models.CharField(_("first name (Russian)"), max_length=150, blank=True)
    middle_name_ru = models.CharField(_("patronymic (Russian)"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default="kk"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="servant",
    )
    # The IIN and the names folded by rules.search_fold: what the staff search matches.
    search_key = models.CharField(
        _("search key"), max_length=rules.SEARCH_KEY_LENGTH, blank=True, editable=False
    )
    objects = ServantQuerySet.as_manager()

    class Meta:
        verbose_name = _("servant")
        verbose_name_plural = _("servants")
        ordering = ["last_name_kk", "first_name_kk", "id"]
        indexes = [models.Index(fields=["body", "last_name_kk", "first_name_kk", "id"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(SEARCH_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def refresh_search_key(self) -> None:
        self.search_key = rules.search_key(
            self.iin, (getattr(self, name) for name in SEARCH_FIELDS[1:])
        )

    @property
    def full_name(self) -> str:
        language = (get_language() or "kk")[:2]
        if language != "kk" and self.last_name_ru:
            parts = (self.last_name_ru, self.first_name_ru, self.middle_name_ru)
        else:
            parts = (self.last_name_kk, self.first_name_kk, self.middle_name_kk)
        return " ".join(p for p in parts if p)


class EndReason(models.TextChoices):
    DISMISSAL = "dismissal", _("dismissal")
    TRANSFER = "transfer", _("transfer")
    OTHER = "other", pgettext_lazy("end reason", "other")


class Appointment(models.Model):
    """Тағайындау: a servant holding a position from a date; history is never rewritten."""

    servant = models.ForeignKey(
        Servant, verbose_name=_("servant"), on_delete=models.CASCADE, related_name="appointments"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="appointments"
    )
    start_date = models.DateField(_("start date"))
    probation_end = models.DateField(_("end of probation"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=16, choices=EndReason.choices, blank=True
    )
    supervisor_override = models.ForeignKey(
        Position,
        verbose_name=_("direct supervisor (explicit)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["servant_id", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["servant"], condition=Q(end_date__isnull=True), name="one_open_appointment"
            ),
            models.UniqueConstraint(
                fields=["position"],
                condition=Q(end_date__isnull=True),
                name="one_open_holder_per_position",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="appointment_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["position", "start_date"])]

    def __str__(self) -> str:
        return f"{self.servant_id} → {self.position_id} ({self.start_date})"

    def is_active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class ActingAssignment(models.Model):
    """Міндетін атқарушы: someone stands in for the holder of a position for a time."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="acting"
    )
    servant = models.ForeignKey(
        Servant, verbose_name=_("acting"), on_delete=models.CASCADE, related_name="acting_for"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    order = models.CharField(pgettext_lazy("legal act", "order"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("acting assignment")
        verbose_name_plural = _("acting assignments")
        ordering = ["position_id", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="acting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.servant_id} acts for {self.position_id} {self.start_date}–{self.end_date}"


class SecondmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class SecondmentQuerySet(models.QuerySet["Secondment"]):
    def in_effect(self) -> SecondmentQuerySet:
        """Secondments the host body accepted: only these move evaluation to the host."""
        return self.filter(status=SecondmentStatus.ACCEPTED)

    def open(self) -> SecondmentQuerySet:
        """Proposed or accepted: the ones that block an overlapping proposal."""
        return self.filter(status__in=[SecondmentStatus.PROPOSED, SecondmentStatus.ACCEPTED])

    def incoming(self, body: StateBody) -> SecondmentQuerySet:
        """Proposals addressed to `body`: by its id, or by its BIN typed before it existed."""
        return self.filter(
            Q(host_body=body) | Q(host_body__isnull=True, host_bin=body.bin),
        ).exclude(servant__body=body)


class Secondment(models.Model):
    """Іссапарға жіберу (іс-сапар емес): a servant seconded to another body for a time.

    2025 model (methodology.md §4a): seconded servants are evaluated by the host body for the
    period of secondment, in the host position. The home body's HR proposes it by the host's
    BIN and a position code; it takes effect only once the host body's HR accepts it
    (rules.SECONDMENT_TRANSITIONS). Until then nothing about the host is shown to the home
    body: the typed BIN and code are kept as typed.
    """

    servant = models.ForeignKey(
        Servant, verbose_name=_("servant"), on_delete=models.CASCADE, related_name="secondments"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SecondmentStatus.choices,
        default=SecondmentStatus.PROPOSED,
    )
    host_bin = models.CharField(_("BIN of the host body"), max_length=12)
    host_position_code = models.CharField(
        _("code of the position in the host body"), max_length=64, blank=True
    )
    host_body = models.ForeignKey(
        StateBody,
        verbose_name=_("host body"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    host_position = models.ForeignKey(
        Position,
        verbose_name=_("position in the host body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    order = models.CharField(pgettext_lazy("legal act", "order"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    objects = SecondmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["servant_id", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="secondment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | Q(host_body__isnull=False, host_position__isnull=False),
                name="accepted_secondment_has_host_position",
            ),
        ]
        indexes = [models.Index(fields=["host_body", "status"])]

    def __str__(self) -> str:
        return f"{self.servant_id} → {self.host_bin} {self.start_date}–{self.end_date}"

    @property
    def in_effect(self) -> bool:
        return self.status == SecondmentStatus.ACCEPTED


class AbsenceKind(models.TextChoices):
    ANNUAL_LEAVE = "annual_leave", _("annual leave")
    UNPAID_LEAVE = "unpaid_leave", _("unpaid leave")
    SOCIAL_LEAVE = "social_leave", _("social (maternity/childcare) leave")
    SICK_LEAVE = "sick_leave", _("sick leave")
    BUSINESS_TRIP = "business_trip", _("business trip")
    INTERNSHIP = "internship", _("internship")
    RETRAINING = "retraining", _("retraining or qualification courses")
    STUDIES = "studies", _("studies")


class Absence(models.Model):
    """A period away from work (001 p4, 002 p6)."""

    servant = models.ForeignKey(
        Servant, verbose_name=_("servant"), on_delete=models.CASCADE, related_name="absences"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AbsenceKind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["servant_id", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="absence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}–{self.end_date}"


class Role(models.TextChoices):
    HR_OFFICER = "hr_officer", _("HR officer")
    HR_HEAD = "hr_head", _("head of HR")
    AUTHORIZED_PERSON = "authorized_person", _("authorized person")
    STRATEGIC_PLANNING = "strategic_planning", _("strategic planning officer")
    COMMISSION_CHAIR = "commission_chair", _("commission chair")
    COMMISSION_MEMBER = "commission_member", _("commission member")
    COMMISSION_SECRETARY = "commission_secretary", _("commission secretary")


HR_ROLES = frozenset({Role.HR_OFFICER, Role.HR_HEAD})


class RoleAssignment(models.Model):
    """A role in one body, assigned by HR (derived roles such as supervisor are not stored)."""

    body = models.ForeignKey(
        StateBody,
        verbose_name=_("state body"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["body", "user", "role"], name="role_once_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"
