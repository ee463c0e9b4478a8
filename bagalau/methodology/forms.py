from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bagalau.core.forms import IdChoiceField
from bagalau.org.forms import DateInput

from . import rules, services, tables
from .models import IndicatorCatalog, MethodologyVersion, VersionKind

MSG_TO_BELOW_FROM = _("“To” must not be below “from”.")
MSG_SCORES_BELOW = _("The highest score must not be below the lowest.")
MSG_MAX_BELOW_MIN = _("The maximum is below the minimum.")


class VersionChoiceField(IdChoiceField):
    """A version by its name in the user's language, its date and status: never a code."""

    def label_from_instance(self, obj: Any) -> str:
        owner = _("national typical") if obj.body_id is None else obj.get_state_display()
        return f"{obj.name} — {obj.effective_from:%Y-%m-%d} ({owner})"


class DraftForm(forms.Form):
    """A new draft version of the body, from the national one or from one of its own."""

    template = VersionChoiceField(label=_("adopt from"), queryset=MethodologyVersion.objects.none())
    effective_from = forms.DateField(label=_("in force from"), widget=DateInput())
    name_kk = forms.CharField(label=_("name (Kazakh)"), max_length=300, required=False)
    name_ru = forms.CharField(label=_("name (Russian)"), max_length=300, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=300, required=False)
    source = forms.CharField(label=_("legal act"), max_length=500, required=False)
    indicator_catalog = forms.ModelChoiceField(
        label=_("behaviour indicator catalog"),
        queryset=IndicatorCatalog.objects.all(),
        required=False,
    )

    def __init__(self, *args: Any, body: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["template"]
        field.queryset = MethodologyVersion.objects.filter(
            body__isnull=True
        ) | MethodologyVersion.objects.filter(body=body)


class CopyForm(forms.Form):
    """ "Create a new version from this one": the copy starts on a later date."""

    effective_from = forms.DateField(label=_("in force from"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "copy_%s")  # beside the publish form on one page
        super().__init__(*args, **kwargs)


class RevisionForm(forms.Form):
    """The revision of the version the user read (a write based on an old one is refused)."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput())


class TransitionForm(RevisionForm):
    action = forms.ChoiceField(choices=[(a, a) for a in rules.VERSION.transitions])
    reason = forms.CharField(label=_("reason"), max_length=2000, required=False)
    effective_from = forms.DateField(label=_("in force from"), widget=DateInput(), required=False)


class VersionForm(forms.ModelForm):
    """The general parameters of a version: names and notes in three languages, and every
    parameter the engine reads."""

    class Meta:
        model = MethodologyVersion
        fields = list(services.EDITABLE_FIELDS)
        widgets = {
            "note_kk": forms.Textarea(attrs={"rows": 3}),
            "note_ru": forms.Textarea(attrs={"rows": 3}),
            "note_en": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("kpi_min"), data.get("kpi_max")
        if low is not None and high is not None and low > high:
            self.add_error("kpi_max", MSG_MAX_BELOW_MIN)
        low, high = data.get("respondents_min"), data.get("respondents_max")
        if low is not None and high is not None and low > high:
            self.add_error("respondents_max", MSG_MAX_BELOW_MIN)
        if (
            "kpi_max" in data
            and rules.KPI_COUNT in tables.required_scales(self.instance)
            and tables.bands_cover(self.instance, kpi_max=data.get("kpi_max"))
        ):
            self.add_error(
                "kpi_max", services.MSG_KPI_MAX_BANDS % {"max": data.get("kpi_max") or 0}
            )
        return data


# Pairs of fields of a row whose second must not be below the first (the tables' check
# constraints), checked here so the message stands next to the field, translated.
ORDERED_PAIRS = {
    "lower": ("upper", MSG_TO_BELOW_FROM),
    "percent_from": ("percent_to", MSG_TO_BELOW_FROM),
    "score_min": ("score_max", MSG_SCORES_BELOW),
}


class RowForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for low_name, (high_name, message) in ORDERED_PAIRS.items():
            low, high = data.get(low_name), data.get(high_name)
            if isinstance(low, Decimal) and isinstance(high, Decimal) and high < low:
                self.add_error(high_name, message)
        return data


class KindForm(RowForm):
    """An evaluation kind: which, how often, for whom, when absent, and its deadline chosen
    from the version's deadlines by their names."""

    deadline = forms.ChoiceField(label=_("due by"), required=False)

    def __init__(self, *args: Any, deadline_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["deadline"]
        field.choices = [("", "—"), *deadline_choices]

    class Meta:
        model = VersionKind
        fields = list(tables.TABLES["kinds"].fields)


class SurveyItemForm(RowForm):
    """A 360 questionnaire item: its competency chosen among the version's (issue 15)."""

    def __init__(self, *args: Any, version: MethodologyVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["competency"]
        field.queryset = version.competencies_360.all()


class VersionTableFormSet(forms.BaseModelFormSet):
    """A version's table, saved and validated as a whole (tables.problems)."""

    version: MethodologyVersion
    table: str

    def _deleted(self, form: Any) -> bool:
        return bool(self.can_delete and getattr(form, "cleaned_data", {}).get("DELETE"))

    def edit(self) -> tables.TableEdit:
        """The rows that remain (numbered as on the screen), those to write, those deleted."""
        edit = tables.TableEdit()
        for row, form in enumerate(self.forms, 1):
            if self._deleted(form):
                if form.instance.pk is not None:
                    edit.deleted.append((row, form.instance))
                continue
            if form.instance.pk is None and not form.has_changed():
                continue  # the empty row for a new entry
            edit.rows.append((row, form.instance))
            if form.instance.pk is None or form.has_changed():
                edit.changed.append(form.instance)
        return edit

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms if not self._deleted(form)):
            return  # each row right first; then the table as a whole
        edit = self.edit()
        problems = tables.problems(self.version, self.table, edit.rows, edit.deleted)
        for problem in problems:
            for row, name in problem.places:
                form = self.forms[row - 1]
                if name in form.fields:
                    form.add_error(name, problem.text())
        if problems:
            raise ValidationError([p.text() for p in problems])


def table_formset(name: str, version: MethodologyVersion, data: Any = None) -> VersionTableFormSet:
    spec = tables.TABLES[name]
    forms_of: dict[str, type[forms.ModelForm]] = {"kinds": KindForm, "survey_items": SurveyItemForm}
    form = forms_of.get(name, RowForm)
    formset_class = forms.modelformset_factory(
        spec.model,
        form=form,
        formset=VersionTableFormSet,
        fields=list(spec.fields),
        extra=1,
        can_delete=True,
    )
    kwargs: dict[str, Any] = {}
    if name == "kinds":
        kwargs["form_kwargs"] = {
            "deadline_choices": [(d.code, d.name) for d in version.deadlines.all()]
        }
    if name == "survey_items":
        kwargs["form_kwargs"] = {"version": version}
    formset: Any = formset_class(
        data, queryset=getattr(version, spec.related).all(), prefix=name, **kwargs
    )
    formset.version = version
    formset.table = name
    return formset
