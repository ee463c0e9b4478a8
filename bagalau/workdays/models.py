"""The Kazakh working-day calendar as editable data (methodology.md §6)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DaySource(models.TextChoices):
    HOLIDAYS = "holidays", _("public holiday list")
    MANUAL = "manual", _("entered by hand")


class CalendarDay(models.Model):
    """A date whose status differs from the Monday-Friday default.

    `is_working=False` on a weekday: a holiday or a transferred day off.
    `is_working=True` on a Saturday or Sunday: a working day by transfer.
    With a body, the row applies to that body only and wins over the national row.
    """

    date = models.DateField(_("date"))
    body = models.ForeignKey(
        "org.StateBody",
        verbose_name=_("state body"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_days",
    )
    is_working = models.BooleanField(_("working day"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=DaySource.choices, default=DaySource.MANUAL
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(body__isnull=True), name="one_national_row_per_date"
            ),
            models.UniqueConstraint(fields=["date", "body"], name="one_body_row_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.is_working else '-'} {self.name_kk}"
