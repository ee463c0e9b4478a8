from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .excel import size_error
from .models import Absence, AbsenceKind, EndReason, Position, Role, Servant, StateBody, Unit
from .services import MSG_HEAD_AND_DEPUTY


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BodyForm(forms.ModelForm):
    class Meta:
        model = StateBody
        fields = [
            "name_kk",
            "name_ru",
            "name_en",
            "bin",
            "hr_unit",
            "strategic_planning_unit",
            "chief_of_staff_position",
            "chief_of_staff_evaluates",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(body=self.instance) if self.instance.pk else Unit.objects.none()
        self.fields["hr_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["strategic_planning_unit"].queryset = units  # type: ignore[attr-defined]
        positions = (
            Position.objects.filter(body=self.instance)
            if self.instance.pk
            else Position.objects.none()
        )
        self.fields["chief_of_staff_position"].queryset = positions  # type: ignore[attr-defined]


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name_kk", "name_ru", "name_en", "parent"]

    def __init__(self, *args: Any, body: StateBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Unit.objects.filter(body=body)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = qs  # type: ignore[attr-defined]


class PositionForm(forms.ModelForm):
    category = forms.CharField(
        label=_("category"), max_length=16, help_text=_("For example D-3, C-O-4, E-R-2.")
    )

    class Meta:
        model = Position
        fields = [
            "code",
            "title_kk",
            "title_ru",
            "title_en",
            "unit",
            "category",
            "is_head",
            "is_deputy_head",
            "provides_public_services",
        ]

    def __init__(self, *args: Any, body: StateBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(body=body)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_head") and data.get("is_deputy_head"):
            self.add_error("is_deputy_head", str(MSG_HEAD_AND_DEPUTY))
        return data


class ServantForm(forms.ModelForm):
    class Meta:
        model = Servant
        fields = [
            "iin",
            "last_name_kk",
            "first_name_kk",
            "middle_name_kk",
            "last_name_ru",
            "first_name_ru",
            "middle_name_ru",
            "email",
            "language",
        ]


class AppointmentForm(forms.Form):
    position = forms.ModelChoiceField(label=_("position"), queryset=Position.objects.none())
    start_date = forms.DateField(label=_("start date"), widget=DateInput())
    probation_end = forms.DateField(label=_("end of probation"), required=False, widget=DateInput())
    supervisor_override = forms.ModelChoiceField(
        label=_("direct supervisor (explicit)"),
        queryset=Position.objects.none(),
        required=False,
        help_text=_(
            "Leave empty to follow the structure: the head of the servant's unit, or for a head "
            "of a unit, the head of the unit above."
        ),
    )

    def __init__(self, *args: Any, body: StateBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        positions = Position.objects.filter(body=body).select_related("unit")
        self.fields["position"].queryset = positions  # type: ignore[attr-defined]
        self.fields["supervisor_override"].queryset = positions  # type: ignore[attr-defined]


class TransferForm(forms.Form):
    position = forms.ModelChoiceField(label=_("new position"), queryset=Position.objects.none())
    start_date = forms.DateField(label=_("from"), widget=DateInput())
    probation_end = forms.DateField(label=_("end of probation"), required=False, widget=DateInput())

    def __init__(self, *args: Any, body: StateBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(  # type: ignore[attr-defined]
            body=body
        ).select_related("unit")


class EndAppointmentForm(forms.Form):
    end_date = forms.DateField(label=_("end date"), widget=DateInput())
    reason = forms.ChoiceField(label=_("end reason"), choices=EndReason.choices)


class AbsenceForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"), choices=AbsenceKind.choices)

    class Meta:
        model = Absence
        fields = ["kind", "start_date", "end_date", "note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class ActingForm(forms.Form):
    position = forms.ModelChoiceField(
        label=_("acting for the position"), queryset=Position.objects.none()
    )
    start_date = forms.DateField(label=_("from"), widget=DateInput())
    end_date = forms.DateField(label=_("to"), widget=DateInput())
    order = forms.CharField(
        label=pgettext_lazy("legal act", "order"), max_length=200, required=False
    )

    def __init__(self, *args: Any, body: StateBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(  # type: ignore[attr-defined]
            body=body, is_head=True
        ).select_related("unit")


class SecondmentForm(forms.Form):
    """The home body's proposal: typed values only, never checked against other bodies."""

    host_bin = forms.CharField(label=_("BIN of the host body"), max_length=12)
    host_position_code = forms.CharField(
        label=_("code of the position in the host body"), max_length=64
    )
    start_date = forms.DateField(label=_("from"), widget=DateInput())
    end_date = forms.DateField(label=_("to"), widget=DateInput())
    order = forms.CharField(
        label=pgettext_lazy("legal act", "order"), max_length=200, required=False
    )

    def __init__(self, *args: Any, body: StateBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class SecondmentAcceptForm(forms.Form):
    """The host body's HR confirms the position among its own positions."""

    host_position = forms.ModelChoiceField(
        label=_("position in the host body"), queryset=Position.objects.none()
    )

    def __init__(self, *args: Any, body: StateBody, code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        positions = Position.objects.filter(body=body).select_related("unit").order_by("code")
        self.fields["host_position"].queryset = positions  # type: ignore[attr-defined]
        if code and not self.is_bound:
            match = positions.filter(code=code).first()
            if match is not None:
                self.initial["host_position"] = match.pk


class SecondmentDeclineForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea)


class RoleForm(forms.Form):
    username = forms.CharField(label=_("username or IIN"), max_length=150)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)


class ImportForm(forms.Form):
    workbook = forms.FileField(label=_("Excel workbook (.xlsx)"))

    def clean_workbook(self) -> Any:
        """Refuse a file over BAGALAU_IMPORT_MAX_BYTES before anything parses it."""
        upload = self.cleaned_data["workbook"]
        if message := size_error(upload.size):
            raise forms.ValidationError(message, code="too_large")
        return upload
