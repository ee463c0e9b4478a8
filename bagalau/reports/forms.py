from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.forms import IdChoiceField
from bagalau.evaluations.models import Result
from bagalau.methodology.models import Band, EvaluationKind
from bagalau.org.models import Unit

QUARTERS = [("", _("the whole year")), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]


class ResultsExportForm(forms.Form):
    """What HR filters before exporting a period's results (every field named in its errors)."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("quarter"), choices=QUARTERS, coerce=int, required=False, empty_value=None
    )
    unit = IdChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", "—"), *EvaluationKind.choices], required=False
    )
    band = forms.ChoiceField(label=_("band"), required=False)

    def __init__(self, *args: Any, body_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = set(
            Result.objects.filter(body_id=body_id).values_list("year", flat=True).distinct()
        )
        years.add(timezone.localdate().year)
        self.fields["year"].choices = [(str(y), str(y)) for y in sorted(years, reverse=True)]  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(body_id=body_id).order_by("code")  # type: ignore[attr-defined]
        versions = Result.objects.filter(body_id=body_id).values("version_id").distinct()
        codes: dict[str, str] = {}
        for band in Band.objects.filter(version_id__in=versions).order_by("-lower"):
            codes.setdefault(band.code, band.name)
        self.fields["band"].choices = [("", "—"), *codes.items()]  # type: ignore[attr-defined]

    def error_lines(self) -> list[str]:
        """Each error with the name of its field («year: …»)."""
        lines = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                lines.append(f"{label}: {error}" if label else str(error))
        return lines
