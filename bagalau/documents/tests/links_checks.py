"""Issue 17 acceptance: on the built demo the head of HR finds, on the page of each record,
the links of its official forms and downloads every one in Kazakh and Russian, PDF and DOCX.

The page of each form's record (the indicator table is the catalog's, printed from the
documents' own URL): a form registered without a page here fails, so none is left without
its links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bagalau.core.models import User
from bagalau.demo.tests.shared import at, built
from bagalau.documents import registry
from bagalau.documents.tests.pickers import demo_object
from bagalau.evaluations.models import Task

pytestmark = pytest.mark.django_db
DAY = "2026-12-01"
FORMS = sorted(k.key for k in registry.all_forms())
CONTENT = {"pdf": "application/pdf", "docx": "officedocument.wordprocessingml"}


def page_of(form: str, object_id: int) -> str | None:
    """The page that shows a form's links for its object."""
    if form in ("kpi_sheet", "competency_sheet", "differentiation_sheet"):
        return reverse("evaluations:sheet", args=[object_id])
    if form == "refusal_act":
        return reverse("evaluations:sheet", args=[object_id])
    if form == "work_plan":
        return reverse("plans:plan", args=[object_id])
    if form == "service_record":
        return reverse("reports:service_record", args=[object_id])
    if form == "commission_protocol":
        return reverse("commission:meeting", args=[object_id])
    if form == "calibration_protocol":
        return reverse("calibration:protocol", args=[object_id])
    if form in ("survey_report", "survey_feedback"):
        return reverse("surveys:report", args=[object_id])
    if form == "indicator_table":
        return ""  # the catalog's groups: no record page; printed from its URL
    return None


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY) as printed:
        yield printed


@pytest.mark.parametrize("form", FORMS)
def test_the_head_of_hr_downloads_every_form_from_its_page(demo: str, form: str) -> None:
    with at(DAY):
        object_id, username = demo_object(form)
        assert object_id is not None, form
        page = page_of(form, object_id)
        assert page is not None, f"no page shows the links of {form!r}"
        client = Client()
        client.force_login(User.objects.get(username=username))
        links = [
            reverse("documents:download", args=[form, object_id, language, fmt])
            for language in ("kk", "ru")
            for fmt in ("pdf", "docx")
        ]
        if page:
            html = client.get(page).content.decode()
            assert f'data-form="{form}"' in html, (form, page)
            shown = set(re.findall(r'href="(/documents/[^"]+)"', html))
            assert set(links) <= shown, (form, sorted(shown))
        for link in links:
            response = client.get(link)
            assert response.status_code == 200, (link, response.status_code)
            assert CONTENT[link.rsplit(".", 1)[1]] in response["Content-Type"]
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert body[:4] in (b"%PDF", b"PK\x03\x04")


def test_an_hr_officer_sees_no_link_to_a_sheet_they_may_not_read(demo: str) -> None:
    with at(DAY):
        task = Task.objects.filter(kind="kpi_quarterly", result__isnull=False).first()
        assert task is not None
        client = Client()
        client.force_login(User.objects.get(username="hr"))
        html = client.get(reverse("evaluations:sheet", args=[task.pk])).content.decode()
        assert "/documents/kpi_sheet/" not in html
        link = reverse("documents:download", args=["kpi_sheet", task.pk, "kk", "pdf"])
        assert client.get(link).status_code == 403
