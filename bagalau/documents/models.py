"""Issued documents: every official form the body gave out, with its SHA-256 and the Layout
it was made from, so that it can be reprinted identically and recognised when shown again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.org.models import Servant, StateBody


class IssuedDocument(models.Model):
    body = models.ForeignKey(
        StateBody, verbose_name=_("state body"), on_delete=models.PROTECT, related_name="+"
    )
    form = models.CharField(_("form"), max_length=48)  # the registry key
    object_id = models.PositiveIntegerField(_("object"))
    servant = models.ForeignKey(
        Servant, verbose_name=_("servant"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=2)
    fmt = models.CharField(_("format"), max_length=4)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    snapshot = models.JSONField(_("data the document was made from"))  # Layout.to_dict()
    content = models.BinaryField(_("file"))
    size = models.PositiveIntegerField(_("size"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    # The evaluation period it belongs to (registry.FormKind.period; else the year issued):
    # the retention command purges it with its period's records (001 p8, 002 p15).
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0: the year"))

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "object_id", "language", "fmt", "sha256"],
                name="issued_document_once",
            )
        ]
        indexes = [
            models.Index(fields=["body", "-issued_at"]),
            models.Index(fields=["form", "object_id"]),
        ]

    def __str__(self) -> str:
        return self.filename
