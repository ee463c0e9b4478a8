from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bagalau.org.forms import DateInput

from .models import (
    Band,
    Deadline,
    DifferentiationParameter,
    IndicatorCatalog,
    KpiScoreRow,
    MethodologyVersion,
)


class AdoptForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("adopt from"), queryset=MethodologyVersion.objects.none()
    )
    effective_from = forms.DateField(label=_("in force from"), widget=DateInput())
    name = forms.CharField(label=_("name"), max_length=300, required=False)
    source = forms.CharField(label=_("legal act"), max_length=500, required=False)
    indicator_catalog = forms.ModelChoiceField(
        label=_("behaviour indicator catalog"),
        queryset=IndicatorCatalog.objects.all(),
        required=False,
    )

    def __init__(self, *args: Any, body: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MethodologyVersion.objects.filter(  # type: ignore[attr-defined]
            body__isnull=True
        ) | MethodologyVersion.objects.filter(body=body)


class VersionForm(forms.ModelForm):
    class Meta:
        model = MethodologyVersion
        fields = [
            "name",
            "source",
            "effective_from",
            "repealed_on",
            "indicator_catalog",
            "kpi_min",
            "kpi_max",
            "working_body_name_kk",
            "working_body_name_ru",
            "strategic_planning_agrees_plans",
            "min_months_in_position",
            "probation_excludes",
            "evaluator_rule",
            "months_from_return",
            "final_grade_automatic",
            "respondents_min",
            "respondents_max",
        ]
        widgets = {"effective_from": DateInput(), "repealed_on": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("kpi_min"), data.get("kpi_max")
        if low is not None and high is not None and low > high:
            self.add_error("kpi_max", _("The maximum is below the minimum."))
        low, high = data.get("respondents_min"), data.get("respondents_max")
        if low is not None and high is not None and low > high:
            self.add_error("respondents_max", _("The maximum is below the minimum."))
        return data


TABLES: dict[str, tuple[type, list[str]]] = {
    "deadlines": (Deadline, ["code", "rule", "amount", "name_kk", "name_ru", "name_en", "source"]),
    "bands": (Band, ["scale", "code", "lower", "upper", "name_kk", "name_ru", "name_en", "source"]),
    "parameters": (
        DifferentiationParameter,
        ["code", "order", "weight", "name_kk", "name_ru", "name_en"],
    ),
    "kpi_rows": (KpiScoreRow, ["percent_from", "percent_to", "score_min", "score_max"]),
}

TABLE_TITLES = {
    "deadlines": _("Deadlines"),
    "bands": _("Result bands"),
    "parameters": _("Differentiation parameters"),
    "kpi_rows": _("Allowed KPI scores by percent achieved"),
}


def table_formset(name: str) -> Any:
    model, fields = TABLES[name]
    return forms.modelformset_factory(model, fields=fields, extra=1, can_delete=True)
