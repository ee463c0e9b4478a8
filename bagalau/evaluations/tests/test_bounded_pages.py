"""Pages bounded in time and size, not only in queries (issue 12 item 3).

The bulk page, my sheets, the schedule detail and progress come a page at a time; the HR
sheet page finds a new evaluator by search instead of listing the whole body.
"""

from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bagalau.demo.management.commands.generate import synthetic_iins
from bagalau.evaluations import selectors, services
from bagalau.evaluations.forms import MSG_EVALUATOR
from bagalau.evaluations.models import Schedule, ScheduleStatus, Task, TaskState
from bagalau.org.models import Appointment, Position, Servant

pytestmark = pytest.mark.django_db

NOW = "2026-04-06 10:00 +05:00"
NAME = "Қызметші"  # the grown servants' surname prefix; head B carries it too
MAX_PAGE = 150_000  # bytes: the bound of a page whatever the body's size


def approved_q1(w) -> Schedule:
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
    )
    services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    schedule.refresh_from_db()
    return schedule


def grow(w, schedule: Schedule, count: int) -> list[int]:
    """`count` more servants in unit A, evaluated by its head, with their Q1 sheets (bulk)."""
    unit = w.head_a.appointments.get().position.unit
    Position.objects.bulk_create(
        [
            Position(body=w.body, unit=unit, code=f"BP{i}", title_kk="Маман", category="D-5")
            for i in range(count)
        ]
    )
    positions = list(Position.objects.filter(body=w.body, code__startswith="BP").order_by("id"))
    last = Servant.objects.order_by("-pk").values_list("pk", flat=True).first()
    Servant.objects.bulk_create(
        [
            Servant(body=w.body, iin=iin, last_name_kk=f"{NAME}{i:04d}", first_name_kk="А")
            for i, iin in enumerate(synthetic_iins(271_000_000, count))
        ]
    )
    ids = list(Servant.objects.filter(pk__gt=last).order_by("id").values_list("pk", flat=True))
    Appointment.objects.bulk_create(
        [
            Appointment(servant_id=s, position=p, start_date=date(2020, 1, 1))
            for s, p in zip(ids, positions, strict=True)
        ]
    )
    services.build_tasks(schedule, ids)
    return ids


def mark_lists(schedule: Schedule, late: list[int], excluded: list[int]) -> None:
    """Some sheets submitted late and some not evaluated, so progress lists both."""
    Task.objects.filter(schedule=schedule, servant_id__in=late).update(late=True)
    Task.objects.filter(schedule=schedule, servant_id__in=excluded).update(state=TaskState.EXCLUDED)


def pages(w, schedule: Schedule, draft: Schedule) -> dict[str, tuple[str, str]]:
    task = Task.objects.get(schedule=schedule, servant=w.colleague_a, kind="differentiation")
    return {
        "bulk": ("heada", reverse("evaluations:bulk", args=[schedule.pk])),
        "my sheets": ("heada", reverse("evaluations:my_sheets")),
        "schedule detail": ("hrofficer", reverse("evaluations:schedule", args=[schedule.pk])),
        "schedule filtered": (
            "hrofficer",
            reverse("evaluations:schedule", args=[schedule.pk]) + "?state=pending&page=2",
        ),
        "draft preview": ("hrofficer", reverse("evaluations:schedule", args=[draft.pk])),
        "progress": ("hrofficer", reverse("evaluations:progress", args=[schedule.pk])),
        "progress (head of HR)": ("hrhead", reverse("evaluations:progress", args=[schedule.pk])),
        "HR sheet page": ("hrofficer", reverse("evaluations:sheet", args=[task.pk])),
        "HR sheet page, a search": (
            "hrofficer",
            reverse("evaluations:sheet", args=[task.pk]) + f"?q={NAME}",
        ),
        "evaluator search": (
            "hrofficer",
            reverse("evaluations:evaluator_search", args=[task.pk]) + f"?q={NAME}",
        ),
    }


def measure(w, urls: dict[str, tuple[str, str]]) -> dict[str, tuple[int, int]]:
    clients = {who: w.client(who) for who in {who for who, _url in urls.values()}}
    measured = {}
    for name, (who, url) in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            response = clients[who].get(url)
        assert response.status_code == 200, (name, response.status_code)
        measured[name] = (len(ctx.captured_queries), len(response.content))
    return measured


@time_machine.travel(NOW)
def test_pages_cost_the_same_and_stay_small_at_10_and_2000_servants(body2023):
    # Acceptance (issue 12 item 3): each page at 10 and at 2,000 servants under one
    # evaluator runs the same queries, and the large one stays under MAX_PAGE bytes.
    w = body2023
    Servant.objects.filter(pk=w.head_b.pk).update(last_name_kk=f"{NAME}ұлы")
    schedule = approved_q1(w)
    draft = services.schedule_create(actor=w.users["hrofficer"], body=w.body, year=2026, quarter=2)
    mark_lists(schedule, late=[w.servant.pk], excluded=[w.servant_b.pk])
    urls = pages(w, schedule, draft)
    small = measure(w, urls)

    grown = grow(w, schedule, 2000)
    mark_lists(schedule, late=grown[:600], excluded=grown[600:1200])
    large = measure(w, urls)

    for name in urls:
        assert large[name][0] == small[name][0], (name, small[name], large[name])
        assert large[name][1] < MAX_PAGE, (name, large[name])
    # The pages are paginated indeed: the large body's first page is full, not everything.
    bulk = w.client("heada").get(urls["bulk"][1])
    assert len(bulk.context["rows"]) == settings.PAGE_SIZE
    assert bulk.context["page"].paginator.count == 2 + 2000 - 600
    detail = w.client("hrofficer").get(urls["schedule detail"][1])
    assert detail.context["page"].paginator.count == Task.objects.filter(schedule=schedule).count()
    progress = w.client("hrofficer").get(urls["progress"][1]).context
    assert progress["late_tasks"].paginator.count == 601
    assert len(progress["late_tasks"].object_list) == settings.PAGE_SIZE
    assert progress["excluded"].paginator.count >= 601
    search = w.client("hrofficer").get(urls["evaluator search"][1]).context
    assert len(search["candidates"]) == selectors.EVALUATOR_CHOICES and search["more_candidates"]
    sheet = w.client("hrofficer").get(urls["HR sheet page"][1])
    assert b"<select" not in sheet.content.split(b'id="change-evaluator"')[1]


@time_machine.travel(NOW)
def test_the_bulk_page_goes_page_by_page_and_returns_to_its_page(body2023, settings):
    # An evaluator of many fills them a page at a time; saving comes back to the same page.
    w = body2023
    settings.PAGE_SIZE = 1
    schedule = approved_q1(w)
    head = w.client("heada")
    url = reverse("evaluations:bulk", args=[schedule.pk])
    first = head.get(url)
    assert first.context["page"].paginator.num_pages == 2
    second = head.get(url + "?page=2")
    [row] = second.context["rows"]
    task = row["task"]
    assert task.pk != first.context["rows"][0]["task"].pk
    assert b'name="page" value="2"' in second.content
    data = {f"t{task.pk}-revision": task.revision, f"t{task.pk}-score_quality": "4", "page": "2"}
    saved = head.post(url, {**data, "save": "1"})
    assert saved.status_code == 302 and saved["Location"] == url + "?page=2"
    assert Task.objects.get(pk=task.pk).state == TaskState.DRAFT
    other = first.context["rows"][0]["task"]
    assert Task.objects.get(pk=other.pk).state == TaskState.PENDING  # another page's row
    # "Save drafts and go to the next page" from page 1.
    data = {f"t{other.pk}-revision": other.revision, f"t{other.pk}-score_quality": "3"}
    moved = head.post(url, {**data, "page": "1", "next": "1"})
    assert moved["Location"] == url + "?page=2"
    # Nonsense in the page and unit parameters is ignored, never a 500.
    assert head.get(url + "?page=abc&unit=zz").status_code == 200
    assert head.get(url + "?page=999999999999").context["page"].number == 2


@time_machine.travel(NOW)
def test_the_bulk_page_filters_by_unit(body2023):
    w = body2023
    schedule = approved_q1(w)
    unit_a = w.head_a.appointments.get().position.unit
    url = reverse("evaluations:bulk", args=[schedule.pk])
    page = w.client("heada").get(url, {"unit": unit_a.pk})
    assert page.context["unit"] == unit_a.pk
    assert {r["task"].servant_id for r in page.context["rows"]} == {w.servant.pk, w.colleague_a.pk}
    # A unit not among the evaluator's sheets is no filter at all.
    unit_b = w.head_b.appointments.get().position.unit
    assert w.client("heada").get(url, {"unit": unit_b.pk}).context["unit"] is None
    # No sheets of yours in the schedule: 404 (colleagues and strangers alike).
    assert w.client("colleague").get(url).status_code == 404
    assert w.client("otherhr").get(url).status_code == 404


@time_machine.travel(NOW)
def test_the_schedule_detail_filters_by_unit_status_and_participation(body2023, settings):
    w = body2023
    schedule = approved_q1(w)
    mark_lists(schedule, late=[], excluded=[w.servant_b.pk])
    hr = w.client("hrofficer")
    url = reverse("evaluations:schedule", args=[schedule.pk])
    every = hr.get(url).context["page"].paginator.count
    assert every == Task.objects.filter(schedule=schedule).count()
    excluded = hr.get(url, {"state": "excluded"}).context["tasks"]
    assert [t.servant_id for t in excluded] == [w.servant_b.pk]
    unit_a = w.head_a.appointments.get().position.unit
    in_a = hr.get(url, {"unit": unit_a.pk}).context["tasks"]
    assert {t.servant_id for t in in_a} == {w.head_a.pk, w.servant.pk, w.colleague_a.pk}
    evaluated = hr.get(url, {"participation": "evaluated"}).context["page"].paginator.count
    assert evaluated == Task.objects.filter(schedule=schedule, participation="evaluated").count()
    bogus = hr.get(url, {"state": "bogus", "participation": "x", "unit": "abc", "page": "-1"})
    assert bogus.status_code == 200 and bogus.context["page"].paginator.count == every
    settings.PAGE_SIZE = 2
    second = hr.get(url, {"state": "pending", "page": "2"})
    assert second.context["page"].number == 2
    assert b"state=pending&amp;page=1" in second.content  # the links keep the filter


@time_machine.travel(NOW)
def test_the_draft_preview_names_the_first_sheets_and_counts_them_all(body2023, monkeypatch):
    # 002 p2(3): the first head is evaluated by the authorized person; the preview counts.
    w = body2023
    draft = services.schedule_create(actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1)
    url = reverse("evaluations:schedule", args=[draft.pk])
    preview = w.client("hrofficer").get(url).context["preview"]
    assert preview["authorized_count"] == len(preview["authorized"]) >= 1
    monkeypatch.setattr(selectors, "PREVIEW_NAMES", 0)
    page = w.client("hrofficer").get(url)
    preview = page.context["preview"]
    assert preview["authorized"] == [] and preview["authorized_count"] >= 1
    assert b'id="preview-authorized-more"' in page.content


@time_machine.travel(NOW)
def test_progress_pages_its_lists_separately(body2023, settings):
    w = body2023
    schedule = approved_q1(w)
    mark_lists(
        schedule, late=[w.servant.pk, w.colleague_a.pk], excluded=[w.servant_b.pk, w.head_b.pk]
    )
    settings.PAGE_SIZE = 1
    url = reverse("evaluations:progress", args=[schedule.pk])
    page = w.client("hrofficer").get(url, {"late": "2", "excluded": "1"}).context
    assert page["late_tasks"].number == 2 and page["excluded"].number == 1
    assert page["late_tasks"].paginator.count == 2 and page["excluded"].paginator.count == 2
    assert page["excluded_query"] == "late=2" and page["late_tasks_query"] == "excluded=1"
    assert page["units"].paginator.count >= 2  # units pages too, beyond PAGE_SIZE
    assert page["late"] == 2  # the counts are the whole schedule's
    assert page["band_rows"] == []  # HR officers see no results (002 p21)


@time_machine.travel(NOW)
def test_hr_finds_the_new_evaluator_by_name_or_iin(body2023):
    w = body2023
    schedule = approved_q1(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="differentiation")
    hr = w.client("hrofficer")
    search = reverse("evaluations:evaluator_search", args=[task.pk])
    found = hr.get(search, {"q": w.head_b.last_name_kk}, HTTP_HX_REQUEST="true")
    assert w.head_b in found.context["candidates"]
    assert f'value="{w.head_b.pk}"'.encode() in found.content
    by_iin = hr.get(search, {"q": w.head_b.iin[:12]}).context["candidates"]
    assert [s.pk for s in by_iin] == [w.head_b.pk]
    assert w.servant not in hr.get(search, {"q": w.servant.iin}).context["candidates"]
    assert hr.get(search).context["candidates"] == []  # nothing typed: nothing listed
    # Without JavaScript: the sheet page's own GET search renders the same choices.
    sheet = hr.get(reverse("evaluations:sheet", args=[task.pk]), {"q": w.head_b.iin})
    assert f'id="ev-{w.head_b.pk}"'.encode() in sheet.content
    # Choosing one changes the evaluator.
    reassign = reverse("evaluations:reassign", args=[task.pk])
    assert hr.post(reassign, {"evaluator": w.head_b.pk, "reason": "leave"}).status_code == 302
    assert Task.objects.get(pk=task.pk).evaluator == w.head_b


@time_machine.travel(NOW)
def test_the_evaluator_search_is_for_hr_of_the_body_only(body2023):
    # Strangers and colleagues 404; the sheet's evaluator and evaluated person 403.
    w = body2023
    schedule = approved_q1(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="differentiation")
    url = reverse("evaluations:evaluator_search", args=[task.pk])
    query = {"q": w.head_b.iin}
    assert w.client("otherhr").get(url, query).status_code == 404
    assert w.client("colleague").get(url, query).status_code == 404
    assert w.client("authorized").get(url, query).status_code == 404
    assert w.client("admin").get(url, query).status_code == 404
    assert w.client("anonymous").get(url, query).status_code == 302  # to the login page
    assert w.client("heada").get(url, query).status_code == 403
    assert w.client("servant").get(url, query).status_code == 403
    assert w.client("hrhead").get(url, query).status_code == 200
    missing = reverse("evaluations:evaluator_search", args=[task.pk + 10_000])
    assert w.client("hrofficer").get(missing).status_code == 404
    # The sheet page lists no servants to the evaluator.
    sheet = w.client("heada").get(reverse("evaluations:sheet", args=[task.pk]), query)
    assert "candidates" not in sheet.context


@pytest.mark.parametrize(
    "evaluator", ["", "abc", "-1", "99999999999999999999", "1e3", "other body"]
)
@time_machine.travel(NOW)
def test_a_bad_evaluator_id_is_a_form_error_never_a_500(body2023, evaluator):
    w = body2023
    schedule = approved_q1(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="differentiation")
    if evaluator == "other body":
        evaluator = str(w.other_hr.pk)
    response = w.client("hrofficer").post(
        reverse("evaluations:reassign", args=[task.pk]),
        {"evaluator": evaluator, "reason": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert str(MSG_EVALUATOR) in [str(m) for m in response.context["messages"]]
    assert Task.objects.get(pk=task.pk).evaluator == w.head_a


def test_an_approved_schedule_without_tasks_still_renders(body2023):
    w = body2023
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
    )
    Schedule.objects.filter(pk=schedule.pk).update(status=ScheduleStatus.APPROVED)
    page = w.client("hrofficer").get(reverse("evaluations:schedule", args=[schedule.pk]))
    assert page.status_code == 200 and page.context["page"].paginator.count == 0


LATER = "2026-04-15 10:00 +05:00"  # past the Q1 sheets' due date (10 April): all open ones overdue


@time_machine.travel(LATER)
def test_overdue_list_results_year_warning_and_draft_lists_cost_the_same(body2023):
    # Issue 13 item 7: the overdue list (with its reminders), the servant's results, the
    # year-result warning and the draft schedule's lists, at 10 and at 2,000 servants.
    w = body2023
    with time_machine.travel(NOW):
        schedule = approved_q1(w)
        task = Task.objects.get(schedule=schedule, servant=w.servant, kind="differentiation")
        scores = {"quality": "4", "deadlines": "4", "initiative": "4", "discipline": "4"}
        services.task_transition(
            actor=w.users["heada"], task_id=task.pk, action="submit", revision=task.revision,
            sheet=services.SheetInput(scores),
        )  # fmt: skip
        services.year_results_form(actor=None, body_id=w.body.pk, year=2026)
    draft = services.schedule_create(actor=w.users["hrofficer"], body=w.body, year=2026, quarter=2)
    colleague = Task.objects.get(schedule=schedule, servant=w.colleague_a, kind="differentiation")
    services.task_remind(actor=w.users["hrofficer"], task_id=colleague.pk)
    progress = reverse("evaluations:progress", args=[schedule.pk])
    gets = {
        "progress, overdue": ("hrofficer", progress),
        "progress, overdue page 2": ("hrofficer", progress + "?overdue=2"),
        "my results": ("servant", reverse("evaluations:my_results")),
        "draft lists, page 2": (
            "hrofficer",
            reverse("evaluations:schedule", args=[draft.pk]) + "?to_fill=2&not_evaluated=2",
        ),
        "home": ("hrofficer", "/"),
    }
    year = reverse("evaluations:year_results", args=[w.body.pk])

    def measure_all() -> dict[str, tuple[int, int]]:
        measured = measure(w, gets)
        client = w.client("hrofficer")
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(year, {"year": "2026"})
        assert response.status_code == 200 and response.context["missing"]
        measured["year warning"] = (len(ctx.captured_queries), len(response.content))
        return measured

    small = measure_all()
    grown = grow(w, schedule, 2000)
    services.task_remind(
        actor=w.users["hrofficer"],
        task_id=Task.objects.get(schedule=schedule, servant_id=grown[0]).pk,
    )
    large = measure_all()
    for name in small:
        assert large[name][0] == small[name][0], (name, small[name], large[name])
        assert large[name][1] < MAX_PAGE, (name, large[name])
    page = w.client("hrofficer").get(progress).context["overdue_tasks"]
    assert page.paginator.count > 2000 and len(page.object_list) == settings.PAGE_SIZE
