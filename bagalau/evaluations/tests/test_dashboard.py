"""The home dashboard by role (issue 3 item 8)."""

import pytest
import time_machine

from bagalau.evaluations import services

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_each_role_sees_what_to_do(body2023, django_assert_max_num_queries):
    w = body2023
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
    )
    page = w.client("authorized").get("/")
    assert [s.pk for s in page.context["to_approve"]] == [schedule.pk]
    services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    assert w.client("authorized").get("/").context["to_approve"] == []
    head = w.client("heada").get("/").context["evaluator"]
    assert head[0]["n"] == 2 and head[0]["schedule_id"] == schedule.pk
    hr = w.client("hrofficer").get("/").context["hr_schedules"]
    assert hr[0].n == schedule.tasks.count()
    assert w.client("otherhr").get("/").context["hr_schedules"] == []
    client = w.client("hrofficer")
    # A fixed number per page, whatever the body's size (the evaluation cards, the work plan
    # cards of issue 14: plans to draw up, to review, the user's own, KPI sheets to agree,
    # KPI work of HR; issue 15's 360 surveys to answer; issue 16's calibration cards — to
    # decide, to vote, to run, as evaluator, my applications, and the user's body roles; the
    # 2018 commission's card — seats, meetings, protocols; test_bounded_pages compares 10 and
    # 2,000 servants).
    with django_assert_max_num_queries(30):
        client.get("/")
