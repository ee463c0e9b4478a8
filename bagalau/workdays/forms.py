"""The HR form that sets or clears one calendar day."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DayForm(forms.Form):
    ACTIONS = (("set", _("Save the day")), ("clear", _("Back to the default")))
    STATUSES = (("off", _("Day off")), ("working", _("Working day")))

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=200, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    action = forms.ChoiceField(choices=ACTIONS)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("action") == "set" and not data.get("status"):
            self.add_error("status", _("Choose whether the day is worked or off."))
        return data
