from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules import competency as competency_rules

from .models import (
    Band,
    Category,
    Competency,
    Competency360,
    Deadline,
    DifferentiationParameter,
    Indicator,
    IndicatorCatalog,
    IndicatorSet,
    KpiScoreRow,
    MethodologyVersion,
    VersionKind,
)

admin.site.register([Category, Competency, IndicatorCatalog, Indicator])


class IndicatorFormSet(BaseInlineFormSet):
    """The catalog editor refuses an 11th effective (or ineffective) indicator of a
    competency in a group (001 p26: at most 10 behaviour indicators per competency)."""

    def clean(self) -> None:
        super().clean()
        counts = {True: 0, False: 0}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            counts[bool(data.get("effective"))] += 1
        for effective, count in counts.items():
            try:
                competency_rules.check_indicator_count(
                    count,
                    field="indicators",
                    label=str(_("effective") if effective else _("ineffective")),
                )
            except DomainError as exc:
                raise ValidationError(exc.text(), code=exc.code) from exc


class IndicatorInline(admin.TabularInline):
    model = Indicator
    formset = IndicatorFormSet
    extra = 0


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ("catalog", "group", "competency")
    list_filter = ("catalog", "group")
    inlines = [IndicatorInline]


class KindInline(admin.TabularInline):
    model = VersionKind
    extra = 0


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


class ParameterInline(admin.TabularInline):
    model = DifferentiationParameter
    extra = 0


class KpiRowInline(admin.TabularInline):
    model = KpiScoreRow
    extra = 0


class Competency360Inline(admin.TabularInline):
    model = Competency360
    extra = 0


@admin.register(MethodologyVersion)
class MethodologyVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "body", "model", "effective_from", "repealed_on")
    list_filter = ("model",)
    inlines = [
        KindInline,
        DeadlineInline,
        BandInline,
        ParameterInline,
        KpiRowInline,
        Competency360Inline,
    ]
