"""The 360 questionnaire of a methodology version: items per competency and the scale.

The default set (data/questionnaire_default.json) is not from the law: the typical
methodology's forms 5-6 are not in the seeds (methodology.md §7). A version gets its
questionnaire from the version it was adopted from, else the default; `ensure` runs when a
campaign is created under a version that has none yet (a body adopting later), and the
data migration loaded it into the 2023-model versions that existed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "questionnaire_default.json"


@cache
def default_data() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def load_default(version: Any, *, scale_model: Any, item_model: Any) -> int:
    """Write the default scale (where the version has none) and the default items of its
    competencies that have none (models passed: usable from a migration's historical
    models). Returns the items written."""
    data = default_data()
    scale = data["scale"]
    if not scale_model.objects.filter(version=version).exists():
        scale_model.objects.create(
            version=version, low=scale["low"], high=scale["high"], labels=scale["labels"],
            is_default=True,
        )  # fmt: skip
    rows = []
    # Competencies without items (a new version, or rows a template refresh rewrote).
    for competency in version.competencies_360.filter(survey_items__isnull=True):
        for order, text in enumerate(data["items"].get(competency.code, []), 1):
            rows.append(
                item_model(
                    version=version,
                    competency=competency,
                    order=order,
                    text_kk=text["kk"],
                    text_ru=text["ru"],
                    text_en=text["en"],
                    is_default=True,
                )  # fmt: skip
            )
    item_model.objects.bulk_create(rows)
    return len(rows)


def ensure(version: Any) -> None:
    """The version's questionnaire: copied from the version it was adopted from, else the
    default set."""
    from .models import RatingScale, SurveyItem

    if RatingScale.objects.filter(version=version).exists():
        if version.competencies_360.filter(survey_items__isnull=True).exists():
            load_default(version, scale_model=RatingScale, item_model=SurveyItem)
        return
    source = version.copied_from
    seen: set[int] = set()
    while source is not None and source.pk not in seen:
        seen.add(source.pk)
        scale = RatingScale.objects.filter(version=source).first()
        if scale is not None:
            RatingScale.objects.create(
                version=version, low=scale.low, high=scale.high, labels=scale.labels,
                is_default=scale.is_default,
            )  # fmt: skip
            by_code = {c.code + c.audience: c for c in version.competencies_360.all()}
            rows = []
            for item in SurveyItem.objects.filter(version=source).select_related("competency"):
                target = by_code.get(item.competency.code + item.competency.audience)
                if target is not None:
                    rows.append(
                        SurveyItem(
                            version=version,
                            competency=target,
                            order=item.order,
                            text_kk=item.text_kk,
                            text_ru=item.text_ru,
                            text_en=item.text_en,
                            is_default=item.is_default,
                        )  # fmt: skip
                    )
            SurveyItem.objects.bulk_create(rows)
            return
        source = source.copied_from
    load_default(version, scale_model=RatingScale, item_model=SurveyItem)
