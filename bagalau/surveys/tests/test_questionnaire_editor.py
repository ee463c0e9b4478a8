"""HR edits the 360 questionnaire as a table of the body's methodology version (issue 15:
the questionnaire is version data; the default set is labelled as not from the law)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bagalau.methodology import services as methodology_services
from bagalau.methodology.models import MethodologyVersion
from bagalau.surveys.models import SurveyItem

pytestmark = pytest.mark.django_db


def adopted(world: Any) -> MethodologyVersion:
    template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
    return methodology_services.version_adopt(
        actor=None, body=world.body, template=template, effective_from=date(2023, 4, 24)
    )


def post_data(version: MethodologyVersion, changes: dict[int, dict[str, str]]) -> dict[str, Any]:
    items = list(version.survey_items.all())
    data: dict[str, Any] = {
        "revision": version.revision,
        "survey_items-TOTAL_FORMS": str(len(items)),
        "survey_items-INITIAL_FORMS": str(len(items)),
    }
    for i, item in enumerate(items):
        row = {"id": item.pk, "competency": item.competency_id, "order": item.order,
               "text_kk": item.text_kk, "text_ru": item.text_ru, "text_en": item.text_en}  # fmt: skip
        row.update(changes.get(i, {}))
        data.update({f"survey_items-{i}-{k}": v for k, v in row.items()})
    return data


def test_an_adopted_version_carries_the_default_questionnaire_and_hr_rewrites_an_item(world):
    version = adopted(world)
    items = list(version.survey_items.all())
    assert items and all(i.is_default for i in items)  # the shipped default, labelled
    assert {i.competency.version_id for i in items} == {version.pk}
    url = f"/methodology/versions/{version.pk}/survey_items/"
    page = world.client("hrofficer").get(url)
    assert page.status_code == 200
    done = world.client("hrofficer").post(url, post_data(version, {0: {"text_kk": "Жаңа мәтін"}}))
    assert done.status_code == 302, done.content.decode()[:3000]
    first = SurveyItem.objects.get(pk=items[0].pk)
    assert first.text_kk == "Жаңа мәтін" and first.is_default is False
    assert SurveyItem.objects.get(pk=items[1].pk).is_default is True


def test_a_competency_left_without_items_is_refused_and_nothing_is_saved(world):
    version = adopted(world)
    items = list(version.survey_items.all())
    competency = items[0].competency
    own = [n for n, i in enumerate(items) if i.competency_id == competency.pk]
    changes = {n: {"DELETE": "on"} for n in own}
    url = f"/methodology/versions/{version.pk}/survey_items/"
    page = world.client("hrofficer").post(url, post_data(version, changes))
    assert page.status_code == 200
    assert version.survey_items.count() == len(items)
    # A competency of another version cannot be chosen.
    other = MethodologyVersion.objects.get(body__isnull=True, model="2023").competencies_360.first()
    page = world.client("hrofficer").post(url, post_data(version, {0: {"competency": other.pk}}))
    assert (
        page.status_code == 200 and SurveyItem.objects.get(pk=items[0].pk).competency == competency
    )
