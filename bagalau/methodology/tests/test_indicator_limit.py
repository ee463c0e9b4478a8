"""The catalog editor refuses an 11th behaviour indicator of a competency (001 p26)."""

from __future__ import annotations

import pytest
from django.forms import inlineformset_factory

from bagalau.methodology.admin import IndicatorFormSet
from bagalau.methodology.models import Indicator, IndicatorSet

pytestmark = pytest.mark.django_db


def formset(indicator_set, rows):
    factory = inlineformset_factory(
        IndicatorSet, Indicator, formset=IndicatorFormSet,
        fields=["effective", "order", "text_kk"], extra=0,
    )  # fmt: skip
    data = {
        "indicators-TOTAL_FORMS": str(len(rows)),
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
    }
    for i, effective in enumerate(rows):
        data[f"indicators-{i}-order"] = str(i + 1)
        data[f"indicators-{i}-text_kk"] = f"Индикатор {i + 1}"
        if effective:
            data[f"indicators-{i}-effective"] = "on"
    return factory(data, instance=indicator_set, prefix="indicators")


def test_ten_effective_indicators_pass_and_an_eleventh_is_refused():
    # 001 p26: at most 10 behaviour indicators per competency.
    indicator_set = IndicatorSet.objects.first()
    indicator_set.indicators.all().delete()
    assert formset(indicator_set, [True] * 10 + [False] * 10).is_valid()
    refused = formset(indicator_set, [True] * 11)
    assert not refused.is_valid()
    assert "10" in " ".join(refused.non_form_errors())
