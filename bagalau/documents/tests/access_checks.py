"""Who may print, download and check official forms, on the built demo (002 p16, p21): the
head of HR and the evaluated servant 200, an HR officer who is not the head 403, a stranger
404 — on the pages and in the API; the 2018-model variants of the work plan and KPI sheet."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from bagalau.core.models import User
from bagalau.demo.tests.shared import at, built, signed_in
from bagalau.documents import services
from bagalau.documents.layout import Layout, Table
from bagalau.documents.models import IssuedDocument
from bagalau.evaluations.models import Task
from bagalau.evaluations.tests.demo_pickers import kpi_task, refused_task
from bagalau.plans.models import WorkPlan
from bagalau.plans.tests.demo_pickers import approved_plan

pytestmark = pytest.mark.django_db
DAY = "2026-12-01"


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY) as printed:
        yield printed


client = signed_in


def url(form: str, object_id: int, language: str = "kk", fmt: str = "pdf") -> str:
    return reverse("documents:download", args=[form, object_id, language, fmt])


def evaluated(task_id: int) -> str:
    return Task.objects.select_related("servant__user").get(pk=task_id).servant.user.username


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_it_gives_the_file_to_those_who_know_the_result_only(demo, django_assert_max_num_queries):
    with at(DAY):
        task_id = kpi_task("kpi_quarterly")
        assert task_id is not None
        with django_assert_max_num_queries(40):
            response = client("hrhead").get(url("kpi_sheet", task_id))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        doc = IssuedDocument.objects.get(sha256=response["X-Content-SHA256"])
        assert response.content == bytes(doc.content)
        assert (
            client(evaluated(task_id)).get(url("kpi_sheet", task_id, "ru", "docx")).status_code
            == 200
        )
        assert client("hr").get(url("kpi_sheet", task_id)).status_code == 403  # HR officer
        assert client("hr2018").get(url("kpi_sheet", task_id)).status_code == 404  # stranger
        assert Client().get(url("kpi_sheet", task_id)).status_code == 302  # to the sign-in page
        # Bad input: an unknown form 404; a language or format that does not exist 400.
        assert client("hrhead").get(url("no_such_form", task_id)).status_code == 404
        assert client("hrhead").get(url("kpi_sheet", task_id, "en")).status_code == 400
        assert client("hrhead").get(url("kpi_sheet", task_id, "kk", "odt")).status_code == 400
        assert client("hrhead").get(url("kpi_sheet", 10**9)).status_code == 404


def test_the_pages_link_the_forms_only_for_those_who_may_print(demo):
    with at(DAY):
        task_id = kpi_task("kpi_quarterly")
        sheet = reverse("evaluations:sheet", args=[task_id])
        page = client("hrhead").get(sheet).content.decode()
        assert url("kpi_sheet", task_id, "ru", "docx") in page
        assert "documents-links" not in client("hr").get(sheet).content.decode()
        refused = refused_task()
        assert refused is not None
        page = client("hrhead").get(reverse("evaluations:sheet", args=[refused])).content.decode()
        assert url("refusal_act", refused, "kk", "pdf") in page
        plan_id = approved_plan("2023")
        assert plan_id is not None
        plan_page = reverse("plans:plan", args=[plan_id])
        assert url("work_plan", plan_id) in client("hrhead").get(plan_page).content.decode()
        assert "documents-links" not in client("hr").get(plan_page).content.decode()


def test_the_head_of_hr_lists_the_bodys_issued_documents(demo, django_assert_max_num_queries):
    with at(DAY):
        hrhead = User.objects.get(username="hrhead")
        task_id = kpi_task("kpi_quarterly")
        plan_id = approved_plan("2023")
        for language in ("kk", "ru"):
            for fmt in ("pdf", "docx"):
                services.issue(hrhead, "kpi_sheet", task_id, language, fmt)
                services.issue(hrhead, "work_plan", plan_id, language, fmt)
        body_id = WorkPlan.objects.get(pk=plan_id).body_id
        listing = reverse("documents:issued", args=[body_id])
        head = client("hrhead")
        with django_assert_max_num_queries(30) as few:
            response = head.get(listing)
        assert response.status_code == 200
        assert response.content.decode().count("<tr>") >= 9  # the header and eight rows
        refused = refused_task()
        for language in ("kk", "ru"):
            for fmt in ("pdf", "docx"):
                services.issue(hrhead, "refusal_act", refused, language, fmt)
        with django_assert_max_num_queries(len(few.captured_queries)):  # more rows, no more queries
            assert head.get(listing).content.decode().count("<tr>") >= 13
        assert client("hr").get(listing).status_code == 403
        assert client("hr2018").get(listing).status_code == 404


def test_the_verify_page_tells_whether_the_body_issued_a_file(demo):
    with at(DAY):
        hrhead = User.objects.get(username="hrhead")
        task_id = kpi_task("kpi_quarterly")
        doc = services.issue(hrhead, "kpi_sheet", task_id, "kk", "pdf")
        page = reverse("documents:verify", args=[doc.body_id])

        def check(who: str, content: bytes) -> str:
            upload = SimpleUploadedFile("x.pdf", content, content_type="application/pdf")
            response = client(who).post(page, {"file": upload})
            assert response.status_code == 200
            return response.content.decode()

        shown = check("hrhead", bytes(doc.content))
        assert 'id="verify-issued"' in shown and 'id="verify-details"' in shown
        told = check("hr", bytes(doc.content))  # a member of the body who may not read it
        assert 'id="verify-issued"' in told and 'id="verify-details"' not in told
        assert 'id="verify-not-issued"' in check("hrhead", b"%PDF-1.7 not ours")
        assert client("hrhead").post(page, {}).status_code == 400  # no file
        assert client("hr2018").get(page).status_code == 404  # a stranger to the body


def test_the_api_issues_downloads_and_verifies_under_the_same_rule(demo):
    with at(DAY):
        task_id = kpi_task("kpi_quarterly")
        payload = {"form": "kpi_sheet", "object_id": task_id, "language": "ru", "fmt": "pdf"}

        def issue(who: str, data: dict[str, Any] = payload) -> Any:
            return client(who).post(
                "/api/v1/documents/issue", json.dumps(data), content_type="application/json"
            )

        response = issue("hrhead")
        assert response.status_code == 200, response.content
        out = response.json()
        assert out["sha256"] and out["form"] == "kpi_sheet" and out["language"] == "ru"
        download = client("hrhead").get(out["download_url"])
        assert download.status_code == 200
        assert download["X-Content-SHA256"] == out["sha256"]
        assert issue(evaluated(task_id)).status_code == 200
        assert issue("hr").status_code == 403
        assert issue("hr2018").status_code == 404
        assert client("hr").get(out["download_url"]).status_code == 403
        assert client("hr2018").get(out["download_url"]).status_code == 404
        assert client(evaluated(task_id)).get(out["download_url"]).status_code == 200
        bad = issue("hrhead", {**payload, "language": "en"})
        assert bad.status_code == 400 and bad.json()["field"] == "language"
        bad = issue("hrhead", {**payload, "fmt": "odt"})
        assert bad.status_code == 400 and bad.json()["field"] == "fmt"
        assert issue("hrhead", {**payload, "form": "nope"}).status_code == 404

        def verify(who: str, content: bytes) -> dict[str, Any]:
            upload = SimpleUploadedFile("x.pdf", content, content_type="application/pdf")
            response = client(who).post("/api/v1/documents/verify", {"file": upload})
            assert response.status_code == 200, response.content
            return response.json()

        found = verify("hrhead", download.content)
        assert found["issued"] and found["document"]["id"] == out["id"]
        hidden = verify("hr", download.content)
        assert hidden["issued"] and hidden["document"] is None
        assert verify("hrhead", b"not a document")["issued"] is False


def test_the_2018_model_forms_carry_their_own_columns_and_the_approval(demo):
    with at(DAY):
        hr2018 = User.objects.get(username="hr2018")
        plan_id = approved_plan("2018")
        assert plan_id is not None
        plan = WorkPlan.objects.select_related("approver").get(pk=plan_id)
        doc = services.issue(hr2018, "work_plan", plan_id, "kk", "pdf")
        layout = Layout.from_dict(doc.snapshot)
        assert layout.approval is not None
        assert plan.approver is not None
        with translation.override("kk"):
            approver = plan.approver.full_name
        assert approver in layout.approval.lines
        text = flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(doc.content)).pages))
        assert flat(approver) in text
        task_id = kpi_task("kpi_annual")
        assert task_id is not None
        sheet = Layout.from_dict(services.issue(hr2018, "kpi_sheet", task_id, "ru", "pdf").snapshot)
        quarterly = Layout.from_dict(
            services.issue(
                User.objects.get(username="hrhead"),
                "kpi_sheet",
                kpi_task("kpi_quarterly"),
                "ru",
                "pdf",
            ).snapshot  # fmt: skip
        )
        annual_table = [b for b in sheet.blocks if isinstance(b, Table)][0]
        quarter_table = [b for b in quarterly.blocks if isinstance(b, Table)][0]
        # 001 App 2: achieved / not achieved; 002 p28: the percent and a score 0-5 per KPI.
        assert len(annual_table.columns) == 6 and len(quarter_table.columns) == 7
        assert sheet.version_label != quarterly.version_label
