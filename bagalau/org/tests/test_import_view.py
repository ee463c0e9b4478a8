"""The import and export screens (HR only), wired to excel.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bagalau.org.models import Servant
from bagalau.org.tests.excel_helpers import bad_checksum, make_iin, sample, workbook_bytes

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("org.xlsx", data, content_type=XLSX)


def test_hr_imports_a_clean_workbook_and_sees_the_counts(world):
    iins = [make_iin(7000 + i * 13) for i in range(6)]
    # The other body is empty: the sample's units do not clash with the world's.
    client = world.client("otherhr")
    response = client.post(
        f"/bodies/{world.other_body.pk}/import/", {"workbook": upload(workbook_bytes(sample(iins)))}
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.context["last_import"]["servants"]["created"] == len(sample(iins)["servants"])
    assert Servant.objects.filter(iin__in=iins, body=world.other_body).exists()


def test_a_bad_workbook_shows_one_row_per_bad_cell_and_changes_nothing(world):
    iins = [make_iin(7100 + i * 13) for i in range(6)]
    rows = sample(iins)
    rows["servants"][0]["iin"] = bad_checksum(rows["servants"][0]["iin"])
    before = Servant.objects.count()
    response = world.client("otherhr").post(
        f"/bodies/{world.other_body.pk}/import/", {"workbook": upload(workbook_bytes(rows))}
    )
    assert response.status_code == 200
    errors = response.context["cell_errors"]
    assert errors and all(e.sheet and e.cell and e.message for e in errors)
    assert Servant.objects.count() == before


def test_a_servant_and_an_outsider_cannot_import_or_export(world):
    data = workbook_bytes(sample([make_iin(7200 + i * 13) for i in range(3)]))
    for who, status in (("servant", 403), ("otherhr", 404)):
        client = world.client(who)
        assert (
            client.post(f"/bodies/{world.body.pk}/import/", {"workbook": upload(data)}).status_code
            == status
        )
        assert client.get(f"/bodies/{world.body.pk}/export.xlsx").status_code == status


def test_hr_downloads_the_template_and_the_export(world):
    client = world.client("hrofficer")
    for url in ("/bodies/template.xlsx", f"/bodies/{world.body.pk}/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert response.content[:2] == b"PK"
