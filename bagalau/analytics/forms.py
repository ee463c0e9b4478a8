"""The analytics filter: the year, and optionally a quarter (empty: the year's results)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError, FieldError

from .selectors import Period

MIN_YEAR, MAX_YEAR = 2000, 2100


class PeriodForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("the whole year")), ("1", "I"), ("2", "II"), ("3", "III"), ("4", "IV")],
        coerce=int,
        empty_value=0,  # type: ignore[arg-type]  # 0: the year
        required=False,
    )


def period_from(data: Any, default: Period) -> tuple[Period, bool]:
    """The period asked for, and whether a year was chosen; 400 naming the field if invalid."""
    form = PeriodForm(data)
    if not form.is_valid():
        errors = [
            FieldError(
                name, str(form.fields[name].label) + ": " + " ".join(str(m) for m in messages)
            )
            for name, messages in form.errors.items()
        ]
        first = errors[0]
        raise DomainError(first.text(), code="invalid", field=first.field, errors=errors)
    year = form.cleaned_data.get("year")
    if year is None:
        return default, False
    return Period(year, form.cleaned_data.get("quarter") or 0), True
