"""The menu by role (issue 13 item 3): what the user can use, nothing else, no dead link."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bagalau.core.audit_trail import details
from bagalau.core.context_processors import Menu
from bagalau.evaluations import services
from bagalau.methodology import services as methodology_services
from bagalau.methodology.models import MethodologyVersion

pytestmark = pytest.mark.django_db

MY_SHEETS = reverse("evaluations:my_sheets")
MY_RESULTS = reverse("evaluations:my_results")
CATALOG = reverse("methodology:catalog")
TOKENS = reverse("api_tokens")


def header(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="top">') : html.index("</header>")]


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main ") :]


@pytest.fixture
def quarter(world):
    """Q1 2026 approved: heads fill differentiation sheets, the first head quarterly KPIs."""
    w = world
    template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
    methodology_services.version_adopt(
        actor=None, body=w.body, template=template, effective_from=date(2023, 4, 24)
    )
    with time_machine.travel("2026-04-03 10:00 +05:00"):
        schedule = services.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
        services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    return schedule


def test_it_shows_a_servant_who_evaluates_nobody_only_their_own_things(quarter, world):
    response = world.client("servant").get("/")
    top = header(response)
    assert MY_RESULTS in top
    assert MY_SHEETS not in top and CATALOG not in top
    # The tokens stay reachable from the account link (the user's name), not the menu.
    assert 'id="account-link"' in top and f'href="{TOKENS}"' in top
    assert TOKENS not in main(response)
    assert response.context["nav"] == Menu(serves=True)


def test_it_shows_an_evaluator_their_sheets_and_the_catalog(quarter, world):
    response = world.client("heada").get("/")
    top = header(response)
    assert MY_SHEETS in top and CATALOG in top and MY_RESULTS in top
    assert TOKENS in main(response)


def test_it_shows_the_authorized_person_no_results_of_their_own(quarter, world):
    # The authorized person is no servant: "My results" would be an empty page.
    response = world.client("authorized").get("/")
    top = header(response)
    assert MY_RESULTS not in top and 'id="my-results-card"' not in response.content.decode()
    assert CATALOG in top


def test_the_bulk_link_appears_only_where_the_bulk_page_answers(quarter, world):
    bulk = reverse("evaluations:bulk", args=[quarter.pk])
    # The head of unit A fills differentiation sheets: the link works.
    head = world.client("heada")
    assert bulk in head.get(MY_SHEETS).content.decode()
    assert bulk in head.get("/").content.decode()
    assert head.get(bulk).status_code == 200
    # The first head fills only quarterly KPI sheets: the bulk page is 404, so no link;
    # the dashboard's card leads to the list of sheets instead.
    first = world.client("firsthead")
    assert first.get(bulk).status_code == 404
    sheets = first.get(MY_SHEETS).content.decode()
    assert bulk not in sheets and quarter.title in sheets
    home = first.get("/").content.decode()
    assert bulk not in home and f'href="{MY_SHEETS}"' in home


def test_the_menu_costs_one_query_per_page_and_none_twice(quarter, world):
    client = world.client("heada")
    client.get("/")  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(MY_RESULTS).status_code == 200
    menu = [q for q in ctx.captured_queries if "EXISTS" in q["sql"].upper()]
    assert len(menu) == 1


def test_the_body_pages_lead_to_the_bodys_calendar(world):
    calendar = f"{reverse('workdays:year')}?body={world.body.pk}"
    body_page = world.client("hrofficer").get(reverse("org:body", args=[world.body.pk]))
    assert calendar.replace("&", "&amp;") in body_page.content.decode()
    page = world.client("hrofficer").get(calendar)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="sub"' in html and 'class="active"' in html  # the body's tabs, this one on
    assert reverse("workdays:day_edit") in html  # HR adds the body's days here
    # A servant reads it; a stranger to the body gets 404.
    assert world.client("servant").get(calendar).status_code == 200
    assert world.client("otherhr").get(calendar).status_code == 404


def test_a_superuser_sees_the_schedules_without_links_that_answer_403(quarter, world):
    client = world.client("admin")
    page = client.get(reverse("evaluations:schedules", args=[world.body.pk]))
    assert page.status_code == 200
    detail = reverse("evaluations:schedule", args=[quarter.pk])
    assert detail not in page.content.decode()
    assert client.get(detail).status_code == 403


def test_the_audit_details_read_in_the_pages_language():
    with translation.override("ru"):
        rows = dict(details({"from": "draft", "to": "submitted", "late": False}, "task.submit"))
        assert rows == {
            translation.gettext("from"): translation.gettext("draft"),
            translation.gettext("to"): translation.gettext("submitted"),
            translation.gettext("late"): translation.gettext("yes,no,maybe").split(",")[1],
        }
        role = dict(details({"role": "hr_officer"}, "role.assigned"))
        assert list(role.values()) == [translation.gettext("HR officer")]
        kind = dict(details({"kind": "annual_leave"}, "absence.saved"))
        assert "annual_leave" not in kind.values()
        # A free reason is shown as written, even if it looks like a code.
        assert dict(details({"reason": "draft"}, "task.reopen")).popitem()[1] == "draft"
