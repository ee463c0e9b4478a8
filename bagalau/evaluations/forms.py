from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2018, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("period"),
        coerce=int,
        choices=[(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4")), (0, _("the whole year"))],
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
