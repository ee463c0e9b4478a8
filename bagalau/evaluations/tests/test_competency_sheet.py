"""The 2018 competency sheet end to end (001 p25-28; 002 Appendix 3 and 4; issue 15 item 1).

The world (core/tests/personas.py) on a 2018-model version: head A (D-3, heads unit A)
evaluates the servant (D-4); the year-end schedule creates the competency sheets with their
behaviour indicators from the catalog.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import AuditEvent
from bagalau.evaluations import services as evaluations
from bagalau.evaluations.competency_lines import _catalog_rows, position_competencies
from bagalau.evaluations.models import IndicatorMark, Result, SheetLine, Task, TaskState
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition
from bagalau.methodology import selectors as methodology_selectors
from bagalau.methodology.models import Competency, Indicator
from bagalau.plans.tests.conftest import body2018

__all__ = ["body2018"]

pytestmark = pytest.mark.django_db


def at(moment: str):
    return time_machine.travel(f"{moment} +05:00", tick=False)


def year_schedule(w, year: int = 2026):
    with at(f"{year}-12-10 10:00"):
        schedule = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=year, quarter=0
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    return schedule


def sheet_of(w, servant) -> Task:
    schedule = year_schedule(w)
    return Task.objects.get(schedule=schedule, servant=servant, kind="competency")


def all_marks(task: Task, pattern: dict[str, list[bool]] | None = None) -> dict[str, str]:
    """Every indicator observed, except as `pattern` says for a competency code."""
    marks = {}
    for line in task.lines.prefetch_related("marks"):
        wanted = (pattern or {}).get(line.code)
        for i, mark in enumerate(line.marks.all()):
            observed = wanted[i] if wanted is not None else True
            marks[f"{line.code}-{mark.order}"] = "1" if observed else "0"
    return marks


def _groups():
    coverage = methodology_selectors.coverage()
    return {
        "groups": methodology_selectors.category_groups(),
        "coverage": coverage,
        "rows": _catalog_rows({c.catalog for c in coverage}),
        "preferred": None,
        "body_name": "",
    }


def _texts(row) -> list[str]:
    by_id = dict(Indicator.objects.filter(pk__in=row.indicator_ids).values_list("pk", "text_kk"))
    return [by_id[i] for i in row.indicator_ids]


def _selector_texts(code: str, is_head: bool, is_deputy: bool = False) -> list[list[str]]:
    """The indicators as the catalog reader (verified against the seeds) gives them."""
    found = methodology_selectors.indicators_for(
        code, is_head, is_deputy_head=is_deputy, provides_public_services=False
    )
    return [c.effective for c in found.competencies]


def test_the_group_of_d3_follows_the_head_and_deputy_flags():
    # 003 App 4 (methodology.md §5): D-3 heading a unit is group 2, as staff group 3; a D-3
    # deputy is as staff (003 names deputies only for C-2 and C-3).
    ctx = _groups()
    head = position_competencies("D-3", True, False, False, **ctx)
    deputy = position_competencies("D-3", False, True, False, **ctx)
    staff = position_competencies("Д-3", False, False, False, **ctx)  # Cyrillic look-alike
    assert head and staff
    assert [_texts(r) for r in head] == _selector_texts("D-3", True)
    assert [_texts(r) for r in staff] == _selector_texts("D-3", False)
    assert methodology_selectors.indicators_for("D-3", True).group == 2
    assert methodology_selectors.indicators_for("D-3", False).group == 3
    assert head[0].indicator_ids != staff[0].indicator_ids
    assert [r.indicator_ids for r in deputy] == [r.indicator_ids for r in staff]
    # C-3 deputy head of a division: group 2 (003 App 4 names deputies there).
    c3_deputy = position_competencies("C-3", False, True, False, **ctx)
    c3_head = position_competencies("C-3", True, False, False, **ctx)
    assert [r.indicator_ids for r in c3_deputy] == [r.indicator_ids for r in c3_head]


def test_customer_competencies_only_where_public_services_are_provided():
    # 002 Appendix 3 note (001 App 3): 11 competencies, 9 without public services.
    ctx = _groups()
    customer = set(Competency.objects.filter(customer=True).values_list("code", flat=True))
    with_services = position_competencies("D-4", False, False, True, **ctx)
    without = position_competencies("D-4", False, False, False, **ctx)
    assert len(customer) == 2
    assert len(with_services) == 11 and customer <= {r.code for r in with_services}
    assert len(without) == 9 and not customer & {r.code for r in without}
    assert all(1 <= len(r.indicator_ids) <= 10 for r in with_services)  # 001 p26


def test_a_competency_sheet_from_marks_to_the_commission(body2018):
    w = body2018
    position = w.servant.appointments.get().position
    position.provides_public_services = True
    position.save()
    task = sheet_of(w, w.servant)
    assert task.evaluator == w.head_a and task.state == TaskState.PENDING
    lines = list(task.lines.order_by("order"))
    assert len(lines) == 11  # 001 App 3, with the customer competencies
    first, second = lines[0], lines[1]
    n_first = first.marks.count()
    assert IndicatorMark.objects.filter(line__task=task, observed__isnull=False).count() == 0

    with at("2026-12-21 10:00"):
        # A draft keeps partial marks; signing needs every indicator marked (001 p27).
        transition(actor=w.users["heada"], task_id=task.pk, action="save_draft",
                   sheet=SheetInput(marks={f"{first.code}-1": "1"}))  # fmt: skip
        with pytest.raises(DomainError) as err:
            transition(actor=w.users["heada"], task_id=task.pk, action="submit",
                       sheet=SheetInput(marks={f"{first.code}-1": "1"}))  # fmt: skip
        assert err.value.code == "incomplete" and err.value.field.startswith("mark_")
        # A bad mark names its field and saves nothing.
        with pytest.raises(DomainError) as err:
            transition(actor=w.users["heada"], task_id=task.pk, action="save_draft",
                       sheet=SheetInput(marks={f"{first.code}-2": "maybe"}))  # fmt: skip
        assert err.value.field == f"mark_{first.code}-2"
        # Others cannot fill it: the servant is refused (403), a stranger sees nothing.
        with pytest.raises(PermissionDenied):
            transition(actor=w.users["servant"], task_id=task.pk, action="submit",
                       sheet=SheetInput(marks=all_marks(task)))  # fmt: skip
        with pytest.raises(NotFound):
            transition(actor=w.users["colleague"], task_id=task.pk, action="submit",
                       sheet=SheetInput(marks=all_marks(task)))  # fmt: skip
        # The first competency: all but one observed; the second: half observed.
        n_second = second.marks.count()
        pattern = {
            first.code: [True] * (n_first - 1) + [False],
            second.code: [i % 2 == 0 for i in range(n_second)],
        }
        transition(actor=w.users["heada"], task_id=task.pk, action="submit",
                   sheet=SheetInput(marks=all_marks(task, pattern)))  # fmt: skip
    task.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert task.state == TaskState.SUBMITTED
    assert first.score == Decimal(n_first - 1)
    assert first.achieved is (4 * (n_first - 1) >= 3 * n_first)
    assert second.achieved is (4 * ((n_second + 1) // 2) >= 3 * n_second)
    met = sum(1 for line in task.lines.all() if line.achieved)
    assert task.score == Decimal(met)
    # 001 p28: HR passes the signed sheet to the commission within 2 working days.
    assert task.commission_due is not None and task.commission_due > task.submitted_at.date()
    # A stale revision is refused.
    with at("2026-12-22 10:00"), pytest.raises(Conflict):
        evaluations.task_transition(actor=w.users["hrofficer"], task_id=task.pk,
                                    action="to_commission", revision=task.revision - 1)  # fmt: skip
    with at("2026-12-22 10:00"):
        transition(actor=w.users["hrofficer"], task_id=task.pk, action="to_commission")
    task.refresh_from_db()
    assert task.state == TaskState.FOR_COMMISSION
    actions = set(
        AuditEvent.objects.filter(object_id=str(task.pk), action__startswith="task.").values_list(
            "action", flat=True
        )
    )
    assert {"task.save_draft", "task.submit", "task.to_commission"} <= actions


def test_competency_results_do_not_touch_kpi_results_or_bonuses(body2018):
    # 001 p7: competency results ground only development decisions: submitting a competency
    # sheet forms no result, and leaves every KPI result as it was.
    w = body2018
    task = sheet_of(w, w.servant)
    before = list(Result.objects.values_list("pk", "kind", "score", "band"))
    with at("2026-12-21 10:00"):
        transition(actor=w.users["heada"], task_id=task.pk, action="submit",
                   sheet=SheetInput(marks=all_marks(task)))  # fmt: skip
    assert list(Result.objects.values_list("pk", "kind", "score", "band")) == before
    assert not Result.objects.filter(kind="competency").exists()
    kpi = Task.objects.get(schedule=task.schedule, servant=w.servant, kind="kpi_annual")
    assert kpi.score is None and kpi.state != TaskState.SUBMITTED


def test_hr_returns_a_sheet_and_the_supervisor_corrects_it(body2018):
    w = body2018
    task = sheet_of(w, w.servant)
    with at("2026-12-21 10:00"):
        transition(actor=w.users["heada"], task_id=task.pk, action="submit",
                   sheet=SheetInput(marks=all_marks(task)))  # fmt: skip
        with pytest.raises(DomainError):
            transition(actor=w.users["hrofficer"], task_id=task.pk, action="return")
        transition(actor=w.users["hrofficer"], task_id=task.pk, action="return",
                   reason="Не тот период")  # fmt: skip
        line = task.lines.order_by("order").first()
        transition(actor=w.users["heada"], task_id=task.pk, action="submit",
                   sheet=SheetInput(marks={f"{line.code}-1": "0"}))  # fmt: skip
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED
    assert SheetLine.objects.get(pk=line.pk).marks.get(order=1).observed is False


def test_the_supervisor_fills_the_sheet_on_its_page(body2018, django_assert_max_num_queries):
    # 001 p27; 002 Appendix 3: "x of y observed", meets or not, the indicators not observed.
    w = body2018
    task = sheet_of(w, w.servant)
    url = reverse("evaluations:sheet", args=[task.pk])
    clock = at("2026-12-21 10:00")
    clock.start()
    head = w.client("heada")
    with django_assert_max_num_queries(40):
        page = head.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    first = task.lines.order_by("order").first()
    n = first.marks.count()
    assert f'name="mark_{first.code}-1"' in html and 'id="competency-sheet"' in html
    marks = all_marks(task, {first.code: [False] * n})
    done = head.post(url, {"action": "submit", "revision": task.revision,
                           **{f"mark_{k}": v for k, v in marks.items()}})  # fmt: skip
    assert done.status_code == 302, done.content.decode()[:2000]
    html = head.get(url).content.decode()
    assert f'id="outcome-{first.code}"' in html
    assert f"{n} ішінен 0 байқалды" in html  # Kazakh by default: "0 of n observed"
    assert "күтілген нәтижеге сәйкес емес" in html  # does not meet expectations (001 p27)
    assert f'id="missing-{first.code}"' in html
    # The servant reads the signed sheet; an HR officer runs it without its content (002 p21).
    assert f'id="outcome-{first.code}"' in w.client("servant").get(url).content.decode()
    hr = w.client("hrofficer").get(url).content.decode()
    assert 'id="competency-sheet"' not in hr and 'id="to-commission"' in hr
    assert w.client("colleague").get(url).status_code == 404
    clock.stop()


def test_a_bad_mark_on_the_page_names_the_field_and_keeps_the_rest(body2018):
    w = body2018
    task = sheet_of(w, w.servant)
    first = task.lines.order_by("order").first()
    url = reverse("evaluations:sheet", args=[task.pk])
    page = w.client("heada").post(url, {"action": "save_draft", "revision": task.revision,
                                        f"mark_{first.code}-1": "1", f"mark_{first.code}-2": "x"})  # fmt: skip
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="err-mark_{first.code}-2"' in html
    assert IndicatorMark.objects.filter(line__task=task, observed__isnull=False).count() == 0


def test_the_competency_sheet_through_the_api(body2018):
    # issue 15 item 3: OpenAPI tag `competencies`; the same rules as the page.
    w = body2018
    task = sheet_of(w, w.servant)
    url = f"/api/v1/competencies/sheets/{task.pk}"
    clock = at("2026-12-21 10:00")
    clock.start()
    head = w.client("heada")
    sheet = head.get(url).json()
    assert sheet["readable"] and "submit" in sheet["actions"]
    first = sheet["competencies"][0]
    assert first["total"] == len(first["marks"]) and first["meets"] is None
    marks = {m["key"]: True for c in sheet["competencies"] for m in c["marks"]}
    marks[first["marks"][0]["key"]] = False
    bad = head.post(url, {"revision": sheet["revision"], "marks": {first["marks"][0]["key"]: 7}},
                    content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["field"] == f"mark_{first['marks'][0]['key']}"
    done = head.post(url, {"revision": sheet["revision"], "action": "submit", "marks": marks},
                     content_type="application/json")  # fmt: skip
    assert done.status_code == 200, done.content
    body = done.json()
    one = body["competencies"][0]
    assert one["observed"] == one["total"] - 1
    assert one["meets"] is (4 * (one["total"] - 1) >= 3 * one["total"])
    assert one["not_observed"] == [first["marks"][0]["text"]]
    assert body["state"] == "submitted" and body["met"] is not None
    # HR officers get the state without the content; strangers 404; a stale write 409.
    hr = w.client("hrofficer").get(url).json()
    assert hr["readable"] is False and hr["competencies"] == []
    assert w.client("colleague").get(url).status_code == 404
    stale = head.post(url, {"revision": sheet["revision"], "marks": {}},
                      content_type="application/json")  # fmt: skip
    assert stale.status_code in (403, 409)
    schema = w.client("heada").get("/api/v1/openapi.json").json()
    assert "competencies" in schema["paths"][
        "/api/v1/competencies/sheets/{task_id}"]["get"]["tags"]  # fmt: skip
    clock.stop()
