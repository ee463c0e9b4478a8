"""The analytics page by role: what each sees, bounded queries at 10 and 2,000 servants,
SVG that parses, a unit name like <script> escaped, and the entry in the body's tabs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from bagalau.demo.management.commands.generate import synthetic_iins
from bagalau.evaluations.models import Participation, Result, Task, TaskState
from bagalau.org.models import Appointment, Position, Servant, Unit

pytestmark = pytest.mark.django_db

KK = {"HTTP_ACCEPT_LANGUAGE": "kk"}
MAX_QUERIES = 35  # measured: 32 (head of HR), 25, 18, 16, the same at 2,000
Q4 = "?year=2025&quarter=4"


def _url(fig) -> str:
    return reverse("analytics:body", args=[fig.w.body.pk]) + Q4


def _page(fig, who: str, url: str | None = None) -> str:
    response = fig.w.client(who).get(url or _url(fig), **KK)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _svgs(page: str) -> list[ET.Element]:
    found = re.findall(r"<svg\b.*?</svg>", page, re.S)
    return [ET.fromstring(m) for m in found]  # noqa: S314 - our own page


def test_the_head_of_hr_sees_every_section_and_the_person_lists(fig):
    page = _page(fig, "hrhead")
    for section in ("bands-table", "average-table", "missing-table", "late-table",
                    "bonus-table", "unsatisfactory-table", "training-competency-table",
                    "calibration-table", "commission-table"):  # fmt: skip
        assert f'id="{section}"' in page, section
    assert fig.servants["a4"].last_name_kk in page  # two unsatisfactory quarters in a row
    assert len(_svgs(page)) == 6
    assert '<th scope="row">' in page and '<th scope="col">' in page


def test_a_unit_head_sees_no_person_and_no_list(fig):
    page = _page(fig, "heada")
    assert 'id="bands-table"' in page and 'id="average-table"' in page
    for absent in ("bonus-table", "unsatisfactory-table", "late-table", "training-360-table"):
        assert f'id="{absent}"' not in page, absent
    for name in ("a3", "a4", "a1x"):
        assert fig.servants[name].last_name_kk not in page
    assert "Б бөлімі" not in page  # another unit
    assert 'class="small muted withheld-note"' in page


def test_an_hr_officer_sees_the_process_only(fig):
    page = _page(fig, "hrofficer")
    assert 'id="missing-table"' in page and 'id="late-table"' in page
    for absent in ("bands-table", "average-table", "bonus-table", "calibration-table"):
        assert f'id="{absent}"' not in page, absent


def test_a_superuser_sees_the_body_as_one_figure_and_the_national_page(fig):
    page = _page(fig, "admin")
    assert 'id="bands-table"' in page and "А бөлімі" not in page
    assert 'id="missing-table"' not in page
    national = _page(fig, "admin", reverse("analytics:national") + Q4)
    assert fig.w.body.name_kk in national and "А бөлімі" not in national
    assert fig.w.client("hrhead").get(reverse("analytics:national")).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("servant", 403), ("authorized", 403),
                                             ("otherhr", 404)])  # fmt: skip
def test_others_are_refused(fig, who, status):
    assert fig.w.client(who).get(_url(fig)).status_code == status


def test_bad_filter_values_are_a_400_naming_the_field(fig):
    base = reverse("analytics:body", args=[fig.w.body.pk])
    for query in ("?year=abc", "?year=1900", "?year=2025&quarter=7"):
        response = fig.w.client("hrhead").get(base + query, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, query
    english = fig.w.client("hrhead")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages are Kazakh until chosen
    assert "Quarter" in english.get(base + "?year=2025&quarter=7").content.decode()


def test_the_charts_parse_and_a_unit_name_like_script_is_escaped(fig):
    Unit.objects.filter(code="A").update(name_kk='<script>alert("A")</script>')
    page = _page(fig, "hrhead")
    assert '<script>alert("A")' not in page
    svgs = _svgs(page)
    assert svgs
    for svg in svgs:
        assert svg.get("aria-label") and svg.find("{http://www.w3.org/2000/svg}title") is not None
    assert any('<script>alert("A")</script>' in "".join(s.itertext()) for s in svgs)


def test_the_top_menu_links_the_page_for_those_who_may_use_it(fig):
    href = f'href="{reverse("analytics:body", args=[fig.w.body.pk])}"'
    for who in ("hrhead", "hrofficer", "heada", "firsthead"):
        top = fig.w.client(who).get("/").content.decode()
        assert top.count(href) == 1, who
    for who in ("servant", "authorized", "otherhr"):
        assert href not in fig.w.client(who).get("/").content.decode(), who
    national = f'href="{reverse("analytics:national")}"'
    assert national in fig.w.client("admin").get("/").content.decode()
    assert national not in fig.w.client("hrhead").get("/").content.decode()


def _grow(fig, count: int) -> None:
    """`count` more servants in unit A with Q4 sheets and results, set-based."""
    w = fig.w
    unit = w.head_a.appointments.get().position.unit
    Position.objects.bulk_create(
        [Position(body=w.body, unit=unit, code=f"GP{i}", title_kk="Маман", category="D-5")
         for i in range(count)]
    )  # fmt: skip
    positions = list(Position.objects.filter(body=w.body, code__startswith="GP").order_by("id"))
    last = Servant.objects.order_by("-pk").values_list("pk", flat=True).first()
    Servant.objects.bulk_create(
        [Servant(body=w.body, iin=iin, last_name_kk=f"Өсірілген{i:04d}", first_name_kk="А")
         for i, iin in enumerate(synthetic_iins(281_000_000, count))]
    )  # fmt: skip
    ids = list(Servant.objects.filter(pk__gt=last).order_by("id").values_list("pk", flat=True))
    Appointment.objects.bulk_create(
        [Appointment(servant_id=s, position=p, start_date=date(2020, 1, 1))
         for s, p in zip(ids, positions, strict=True)]
    )  # fmt: skip
    appointments = dict(
        Appointment.objects.filter(servant_id__in=ids).values_list("servant_id", "pk")
    )
    schedule = fig.schedules[4]
    Task.objects.bulk_create(
        [Task(schedule=schedule, body=w.body, version=fig.version, servant_id=s,
              appointment_id=appointments[s], kind="differentiation",
              participation=Participation.EVALUATED, evaluator=w.head_a,
              evaluator_user=w.head_a.user, evaluator_source="structure",
              state=TaskState.ACQUAINTED if i % 3 else TaskState.PENDING,
              due_date=date(2026, 1, 10), late=i % 7 == 0, score=Decimal("3.00"))
         for i, s in enumerate(ids)]
    )  # fmt: skip
    tasks = dict(Task.objects.filter(servant_id__in=ids).values_list("servant_id", "pk"))
    Result.objects.bulk_create(
        [Result(body=w.body, servant_id=s, version=fig.version, kind="differentiation",
                year=2025, quarter=q, task_id=tasks[s] if q == 4 else None,
                original_score=Decimal("1.50"), score=Decimal("1.50"), band="unsatisfactory")
         for s in ids for q in (3, 4)]
    )  # fmt: skip


@pytest.mark.parametrize("who", ["hrhead", "heada", "hrofficer", "admin"])
def test_the_page_runs_a_bounded_number_of_queries_at_10_and_2000_servants(
    fig, who, django_assert_max_num_queries
):
    client = fig.w.client(who)
    client.get(_url(fig))  # warm the session and caches
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(_url(fig)).status_code == 200
    _grow(fig, 2000)
    with django_assert_max_num_queries(MAX_QUERIES) as ctx:
        response = client.get(_url(fig))
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= MAX_QUERIES
