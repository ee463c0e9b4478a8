"""The engine's pages: the acceptance path by clicking, outsiders, query bounds."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from bagalau.evaluations import services
from bagalau.evaluations.models import Result, Schedule, Task, TaskState
from bagalau.evaluations.tests.flow import transition

pytestmark = pytest.mark.django_db


def draft_and_approve(w):
    hr = w.client("hrofficer")
    response = hr.post(
        reverse("evaluations:schedules", args=[w.body.pk]), {"year": 2026, "quarter": 1, "note": ""}
    )
    assert response.status_code == 302
    schedule = Schedule.objects.get(body=w.body, year=2026, quarter=1)
    assert (
        w.client("hrofficer")
        .post(reverse("evaluations:schedule_approve", args=[schedule.pk]))
        .status_code
        == 403
    )
    approved = w.client("authorized").post(
        reverse("evaluations:schedule_approve", args=[schedule.pk])
    )
    assert approved.status_code == 302
    return schedule


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_the_quarter_by_clicking(body2023):
    # Acceptance: approve Q1 as the authorized person, score a unit as its head, see the
    # result as a servant and acknowledge it, see HR's progress and distribution update.
    w = body2023
    schedule = draft_and_approve(w)
    head = w.client("heada")
    page = head.get(reverse("evaluations:bulk", args=[schedule.pk]))
    assert page.status_code == 200
    rows = {row["task"].servant_id: row["task"] for row in page.context["rows"]}
    assert set(rows) == {w.servant.pk, w.colleague_a.pk}
    data = {}
    for servant_id, scores in (
        (w.servant.pk, ["4", "4.5", "3.75", "5"]),
        (w.colleague_a.pk, ["3", "3", "3", "2.5"]),
    ):
        task = rows[servant_id]
        data[f"t{task.pk}-revision"] = task.revision
        for code, value in zip(
            ["quality", "deadlines", "initiative", "discipline"], scores, strict=True
        ):
            data[f"t{task.pk}-score_{code}"] = value
    data["submit"] = "1"
    response = head.post(reverse("evaluations:bulk", args=[schedule.pk]), data)
    assert response.status_code == 302
    assert Task.objects.get(pk=rows[w.servant.pk].pk).state == TaskState.SUBMITTED
    # The servant sees and acknowledges.
    mine = w.client("servant").get(reverse("evaluations:my_results"))
    result = mine.context["results"][0]
    assert (str(result.score), result.band) == ("4.31", "effective")
    assert (
        w.client("servant").post(reverse("evaluations:acknowledge", args=[result.pk])).status_code
        == 302
    )
    assert Result.objects.get(pk=result.pk).acknowledged_at is not None
    # HR's progress; the distribution by band is for the head of HR only (002 p21).
    officer = w.client("hrofficer").get(reverse("evaluations:progress", args=[schedule.pk]))
    assert officer.status_code == 200 and officer.context["totals"]["acquainted"] == 1
    assert officer.context["band_rows"] == [] and b"band-distribution" not in officer.content
    progress = w.client("hrhead").get(reverse("evaluations:progress", args=[schedule.pk]))
    assert progress.status_code == 200
    assert progress.context["bands"]["effective"] == 1
    assert progress.context["bands"]["satisfactory"] == 1  # (3 + 3 + 3 + 2.5) / 4 = 2.875 → 2.88
    assert progress.context["totals"]["acquainted"] == 1


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_bad_input_in_bulk_entry_names_the_field_and_keeps_the_rest(body2023):
    w = body2023
    schedule = draft_and_approve(w)
    head = w.client("heada")
    rows = {
        row["task"].servant_id: row["task"]
        for row in head.get(reverse("evaluations:bulk", args=[schedule.pk])).context["rows"]
    }
    good, bad = rows[w.servant.pk], rows[w.colleague_a.pk]
    data = {
        f"t{good.pk}-score_quality": "4", f"t{good.pk}-score_deadlines": "4",
        f"t{bad.pk}-score_quality": "7", f"t{bad.pk}-score_deadlines": "abc", "save": "1",
        f"t{good.pk}-revision": good.revision, f"t{bad.pk}-revision": bad.revision,
    }  # fmt: skip
    response = head.post(reverse("evaluations:bulk", args=[schedule.pk]), data)
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["task"].pk == bad.pk)
    errors = {c["line"].code: c["error"] for c in row["cells"] if c["error"]}
    assert set(errors) == {"quality", "deadlines"}
    assert {c["line"].code: c["value"] for c in row["cells"]}["quality"] == "7"  # kept as typed
    assert Task.objects.get(pk=good.pk).state == TaskState.DRAFT  # the good row is saved


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_outsiders_get_404_on_every_page(body2023):
    w = body2023
    schedule = draft_and_approve(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant)
    transition(
        actor=w.users["heada"], task_id=task.pk, action="submit",
        sheet=services.SheetInput({"quality": "4", "deadlines": "4", "initiative": "4", "discipline": "4"}),
    )  # fmt: skip
    result = Result.objects.get(task=task)
    pages = [
        reverse("evaluations:sheet", args=[task.pk]),
        reverse("evaluations:schedule", args=[schedule.pk]),
        reverse("evaluations:progress", args=[schedule.pk]),
        reverse("evaluations:bulk", args=[schedule.pk]),
        reverse("evaluations:schedules", args=[w.body.pk]),
    ]
    for who in ("otherhr",):
        for url in pages:
            assert w.client(who).get(url).status_code == 404, (who, url)
    # Another unit's head and a colleague: the sheet and the bulk page do not exist for them.
    bulk_of_b = w.client("headb").get(pages[3])  # head B fills only their own people's sheets
    assert w.servant.pk not in {row["task"].servant_id for row in bulk_of_b.context["rows"]}
    for who in ("headb", "colleague", "servantb"):
        assert w.client(who).get(pages[0]).status_code == 404, who
        if who != "headb":
            assert w.client(who).get(pages[3]).status_code == 404, who
        assert (
            w.client(who).post(reverse("evaluations:acknowledge", args=[result.pk])).status_code
            == 404
        )
        assert w.client(who).get(pages[2]).status_code in (403, 404)
    # The servant, the evaluator and HR see the sheet.
    for who in ("servant", "heada", "hrofficer", "hrhead"):
        assert w.client(who).get(pages[0]).status_code == 200, who
    # The authorized person approves schedules but does not see results (002 p16).
    assert w.client("authorized").get(pages[0]).status_code == 404
    assert w.client("authorized").get(pages[1]).status_code == 200
    assert w.client("anonymous").get(pages[0]).status_code == 302


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_stale_sheet_form_keeps_the_typed_values(body2023):
    w = body2023
    schedule = draft_and_approve(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant)
    head = w.client("heada")
    url = reverse("evaluations:sheet", args=[task.pk])
    first = head.post(
        url, {"action": "save_draft", "revision": task.revision, "score_quality": "4"}
    )
    assert first.status_code == 302
    stale = head.post(
        url, {"action": "save_draft", "revision": task.revision, "score_quality": "2"}
    )
    assert stale.status_code == 200
    assert stale.context["errors"]["revision"]
    assert {c["line"].code: c["value"] for c in stale.context["cells"]}["quality"] == "2"
    assert str(task.lines.get(code="quality").score) == "4.00"


def _grow(w, n):
    """n more servants in unit A, each evaluated by head_a."""
    from bagalau.demo.management.commands.generate import synthetic_iins
    from bagalau.org.models import Appointment, Position, Servant

    unit = w.head_a.appointments.get().position.unit
    positions = Position.objects.bulk_create(
        [
            Position(body=w.body, unit=unit, code=f"Q{i}", title_kk="Маман", category="D-5")
            for i in range(n)
        ]
    )
    positions = list(Position.objects.filter(body=w.body, code__startswith="Q").order_by("id"))
    last = Servant.objects.order_by("-pk").values_list("pk", flat=True).first()
    Servant.objects.bulk_create(
        [
            Servant(body=w.body, iin=iin, last_name_kk=f"Қ{i}", first_name_kk="А")
            for i, iin in enumerate(synthetic_iins(250_000_000, n))
        ]
    )
    servants = list(Servant.objects.filter(pk__gt=last).order_by("id"))
    Appointment.objects.bulk_create(
        [
            Appointment(servant=s, position=p, start_date=date(2020, 1, 1))
            for s, p in zip(servants, positions, strict=True)
        ]
    )


@pytest.mark.parametrize("url_name", ["bulk", "progress", "schedule", "my_sheets", "home"])
def test_pages_cost_the_same_for_10_and_500_servants(
    body2023, url_name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure(w, schedule):
        client = w.client("heada" if url_name in ("bulk", "my_sheets", "home") else "hrofficer")
        args = [] if url_name in ("my_sheets", "home") else [schedule.pk]
        url = "/" if url_name == "home" else reverse(f"evaluations:{url_name}", args=args)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    w = body2023
    with time_machine.travel("2026-04-02 10:00 +05:00"):
        small_schedule = draft_and_approve(w)
        small = measure(w, small_schedule)
        _grow(w, 500)
        services.schedules_refresh(
            body_id=w.body.pk, servant_ids=list(w.body.servants.values_list("pk", flat=True))
        )
        assert Task.objects.filter(schedule=small_schedule).count() > 500
        large = measure(w, small_schedule)
    assert large <= small, (small, large)


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_outsiders_on_the_posts(body2023):
    # Every write of the engine's pages refuses strangers (404) and the wrong role (403/404).
    w = body2023
    schedule = draft_and_approve(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant)
    year_url = reverse("evaluations:year_results", args=[w.body.pk])
    assert w.client("otherhr").post(year_url, {"year": 2026}).status_code == 404
    assert w.client("servant").post(year_url, {"year": 2026}).status_code == 403
    reassign = reverse("evaluations:reassign", args=[task.pk])
    data = {"evaluator": w.head_b.pk, "reason": "x"}
    assert w.client("otherhr").post(reassign, data).status_code == 404
    assert w.client("colleague").post(reassign, data).status_code == 404
    assert w.client("heada").post(reassign, data).status_code == 403  # the evaluator is not HR
    assert Task.objects.get(pk=task.pk).evaluator == w.head_a
    draft = Schedule.objects.create(
        body=w.body, version=schedule.version, period_kind="quarter", year=2026, quarter=2,
        start=date(2026, 4, 1), end=date(2026, 6, 30),
    )  # fmt: skip
    approve = reverse("evaluations:schedule_approve", args=[draft.pk])
    assert w.client("otherhr").post(approve).status_code == 404
    assert w.client("hrofficer").post(approve).status_code == 403
    assert w.client("servant").post(approve).status_code == 403
    sheet = reverse("evaluations:sheet", args=[task.pk])
    assert w.client("otherhr").post(sheet, {"action": "save_draft"}).status_code == 404
    assert w.client("colleague").post(sheet, {"action": "save_draft"}).status_code == 404


def test_api_outsiders_cannot_draft_or_approve(body2023):
    import json

    w = body2023
    url = f"/api/v1/evaluations/bodies/{w.body.pk}/schedules"
    body = json.dumps({"year": 2026, "quarter": 1})
    assert w.client("otherhr").post(url, body, content_type="application/json").status_code == 404
    assert w.client("servant").post(url, body, content_type="application/json").status_code == 403


def _bulk_rows(client, schedule):
    page = client.get(reverse("evaluations:bulk", args=[schedule.pk]))
    return {row["task"].servant_id: row["task"] for row in page.context["rows"]}


def _bulk_data(task, scores, revision):
    data = {f"t{task.pk}-revision": revision}
    for code, value in zip(
        ["quality", "deadlines", "initiative", "discipline"], scores, strict=True
    ):
        data[f"t{task.pk}-score_{code}"] = value
    return data


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_bulk_row_that_lost_the_race_keeps_what_was_typed(body2023):
    # Issue 11 item 10: two tabs; the second submission names an old revision.
    w = body2023
    schedule = draft_and_approve(w)
    head = w.client("heada")
    first_tab = _bulk_rows(head, schedule)
    second_tab = _bulk_rows(head, schedule)
    task = first_tab[w.servant.pk]
    winner = _bulk_data(task, ["4", "4", "4", "4"], second_tab[w.servant.pk].revision)
    assert (
        head.post(
            reverse("evaluations:bulk", args=[schedule.pk]), {**winner, "submit": "1"}
        ).status_code
        == 302
    )
    loser = _bulk_data(task, ["2", "2.5", "3", "1"], task.revision)
    other = first_tab[w.colleague_a.pk]
    response = head.post(
        reverse("evaluations:bulk", args=[schedule.pk]),
        {**loser, **_bulk_data(other, ["3", "3", "3", "3"], other.revision), "submit": "1"},
    )
    assert response.status_code == 200  # not a redirect with "Saved: 0"
    row = next(r for r in response.context["rows"] if r["task"].pk == task.pk)
    assert row["conflict"] and row["error"]
    assert [c["value"] for c in row["cells"]] == ["2", "2.5", "3", "1"]  # what was typed
    assert [str(c["saved"]) for c in row["cells"]] == ["4.00"] * 4  # what is stored
    assert "2.5" in response.content.decode()
    saved = Task.objects.get(pk=task.pk)
    assert saved.state == TaskState.SUBMITTED and str(saved.score) == "4.00"
    assert Task.objects.get(pk=other.pk).state == TaskState.SUBMITTED  # the other row went in


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_draft_saved_meanwhile_is_not_overwritten_from_the_bulk_page(body2023):
    w = body2023
    schedule = draft_and_approve(w)
    head = w.client("heada")
    task = _bulk_rows(head, schedule)[w.servant.pk]
    transition(
        actor=w.users["heada"], task_id=task.pk, action="save_draft",
        sheet=services.SheetInput({"quality": "5"}),
    )  # fmt: skip
    response = head.post(
        reverse("evaluations:bulk", args=[schedule.pk]),
        {**_bulk_data(task, ["1", "1", "1", "1"], task.revision), "save": "1"},
    )
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["task"].pk == task.pk)
    assert row["error"] and [c["value"] for c in row["cells"]] == ["1", "1", "1", "1"]
    assert str(Task.objects.get(pk=task.pk).lines.get(code="quality").score) == "5.00"


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_sheet_write_without_a_revision_is_refused_and_nothing_is_lost(body2023):
    w = body2023
    schedule = draft_and_approve(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="differentiation")
    url = reverse("evaluations:sheet", args=[task.pk])
    response = w.client("heada").post(url, {"action": "save_draft", "score_quality": "4"})
    assert response.status_code == 200 and response.context["errors"]["revision"]
    assert response.context["cells"][0]["value"] == "4"  # kept as typed
    assert Task.objects.get(pk=task.pk).state == TaskState.PENDING
    bulk = w.client("heada").post(
        reverse("evaluations:bulk", args=[schedule.pk]),
        {f"t{task.pk}-score_quality": "4", "save": "1"},
    )
    assert bulk.status_code == 200
    assert Task.objects.get(pk=task.pk).state == TaskState.PENDING
