"""Confidentiality (002 p16, p21): every page and endpoint of org data checks who asks.

Strangers (another body's HR) get 404, people of the body without the right get 403,
a colleague's record is 404, the anonymous are sent to log in (pages) or get 401 (API).
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def hr_pages(w):
    body = w.body.pk
    servant = w.servant.pk
    appointment = w.servant.appointments.get().pk
    return [
        reverse("org:body_edit", args=[body]),
        reverse("org:unit_new", args=[body]),
        reverse("org:positions", args=[body]),
        reverse("org:position_new", args=[body]),
        reverse("org:servant_new", args=[body]),
        reverse("org:servant_edit", args=[body, servant]),
        reverse("org:roles", args=[body]),
        reverse("org:import", args=[body]),
        reverse("org:export", args=[body]),
        reverse("org:appoint", args=[servant]),
        reverse("org:transfer", args=[servant]),
        reverse("org:absence_new", args=[servant]),
        reverse("org:appointment_end", args=[appointment]),
        reverse("methodology:body_versions", args=[body]),
    ]


def test_hr_opens_every_hr_page(world):
    client = world.client("hrofficer")
    for url in hr_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            # the body's own page, not a login form or another body's
            assert world.body.name_kk in response.content.decode(), url


def test_another_bodys_hr_gets_404_everywhere(world):
    client = world.client("otherhr")
    pages = [
        *hr_pages(world),
        reverse("org:body", args=[world.body.pk]),
        reverse("org:staff", args=[world.body.pk]),
    ]
    pages.append(reverse("org:servant", args=[world.servant.pk]))
    for url in pages:
        assert client.get(url).status_code == 404, url


def test_a_servant_gets_403_on_hr_pages_of_their_own_body(world):
    client = world.client("servant")
    for url in hr_pages(world):
        if "/methodology/" in url:
            continue  # a servant may read the body's methodology
        status = client.get(url).status_code
        # Pages of another servant's record are hidden (404); body pages are refused (403).
        assert status in (403, 404), url
    assert client.get(reverse("org:positions", args=[world.body.pk])).status_code == 403


def test_a_servant_sees_their_own_record_but_not_a_colleagues(world):
    client = world.client("servant")
    assert client.get(reverse("org:servant", args=[world.servant.pk])).status_code == 200
    assert client.get(reverse("org:servant", args=[world.colleague_a.pk])).status_code == 404
    assert client.get(reverse("org:servant", args=[world.head_a.pk])).status_code == 404


def test_a_head_sees_their_direct_reports_only(world):
    client = world.client("heada")
    assert client.get(reverse("org:servant", args=[world.servant.pk])).status_code == 200
    assert client.get(reverse("org:servant", args=[world.servant_b.pk])).status_code == 404
    page = client.get(reverse("org:staff", args=[world.body.pk]))
    names = {s.pk for s in page.context["page"].object_list}
    assert names == {world.head_a.pk, world.servant.pk, world.colleague_a.pk}


def test_the_staff_list_of_a_servant_shows_only_themself(world):
    page = world.client("servant").get(reverse("org:staff", args=[world.body.pk]))
    assert [s.pk for s in page.context["page"].object_list] == [world.servant.pk]


def test_anonymous_is_sent_to_log_in(world):
    client = world.client("anonymous")
    for url in [
        reverse("org:body", args=[world.body.pk]),
        reverse("org:staff", args=[world.body.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_servant_cannot_post_hr_forms(world):
    client = world.client("servant")
    response = client.post(
        reverse("org:absence_new", args=[world.servant.pk]),
        {"kind": "annual_leave", "start_date": "2026-07-01", "end_date": "2026-07-10"},
    )
    assert response.status_code == 403
    assert not world.servant.absences.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/bodies/{body}",
        "/api/v1/bodies/{body}/units",
        "/api/v1/bodies/{body}/positions",
        "/api/v1/bodies/{body}/servants",
        "/api/v1/bodies/{body}/appointments",
        "/api/v1/bodies/{body}/absences",
        "/api/v1/servants/{servant}",
        "/api/v1/servants/{servant}/appointments",
        "/api/v1/servants/{servant}/absences",
    ],
)
def test_api_outsider_gets_404_and_hr_gets_200(world, path):
    url = path.format(body=world.body.pk, servant=world.servant.pk)
    assert world.client("hrofficer").get(url).status_code == 200
    outsider = world.client("otherhr").get(url)
    assert outsider.status_code == 404
    assert outsider.json()["code"] == "not_found"
    assert world.client("anonymous").get(url).status_code == 401


def test_api_servant_gets_403_on_body_lists_and_404_on_a_colleague(world):
    client = world.client("servant")
    assert client.get(f"/api/v1/bodies/{world.body.pk}/units").status_code == 403
    assert client.get(f"/api/v1/servants/{world.colleague_a.pk}").status_code == 404
    assert client.get(f"/api/v1/servants/{world.servant.pk}").status_code == 200
    listed = client.get(f"/api/v1/bodies/{world.body.pk}/servants").json()
    assert [s["id"] for s in listed["items"]] == [world.servant.pk]


def test_api_bodies_lists_only_the_callers_bodies(world):
    items = world.client("otherhr").get("/api/v1/bodies").json()["items"]
    assert [b["id"] for b in items] == [world.other_body.pk]


def test_api_token_authenticates_as_its_user(world):
    from django.test import Client

    from bagalau.api.models import ApiToken

    _token, key = ApiToken.issue(world.users["hrofficer"], "HRIS")
    client = Client()
    ok = client.get(f"/api/v1/bodies/{world.body.pk}/servants", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ok.status_code == 200
    assert (
        client.get(
            f"/api/v1/bodies/{world.other_body.pk}", HTTP_AUTHORIZATION=f"Bearer {key}"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/bodies", HTTP_AUTHORIZATION="Bearer bgl_wrong").status_code == 401
    ApiToken.objects.update(revoked=True)
    assert client.get("/api/v1/bodies", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
