from __future__ import annotations

from typing import Any

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


class ReassignForm(forms.Form):
    """`evaluator=<id>` of a servant of the sheet's body: "abc" is a form error, not a 500."""

    evaluator: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label=_("evaluator")
    )
    reason = forms.CharField(required=False)

    def __init__(self, *args: Any, servants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = servants  # type: ignore[attr-defined]
