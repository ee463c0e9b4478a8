from django.contrib import admin

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


class IndicatorInline(admin.TabularInline):
    model = Indicator
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
