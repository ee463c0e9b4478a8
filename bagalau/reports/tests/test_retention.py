"""Retention (001 p8, 002 p15): records of 2021 and 2022 (and of Q1-Q3 2023) are past their
three years on 01.12.2026; those of the year 2023 and of Q4 2023 are kept until 31.12.2026."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bagalau.core.models import AuditEvent, audit
from bagalau.evaluations import evidence as evidence_files
from bagalau.evaluations.models import (
    Evidence,
    Result,
    ResultChange,
    Schedule,
    SheetLine,
    Task,
)
from bagalau.notifications.models import Notification
from bagalau.reports import retention

from .conftest import change, result

pytestmark = pytest.mark.django_db
TODAY = "2026-12-01 10:00 +05:00"


@pytest.fixture
def records(world, settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "evidence")
    w = world
    found = {}
    for year, quarter in ((2021, 0), (2022, 0), (2023, 3), (2023, 4), (2023, 0)):
        r = result(w, w.servant, year, quarter, kind="competency" if quarter == 0 else
                   "differentiation")  # fmt: skip
        change(r, "3.00", "calibration")
        SheetLine.objects.create(task=r.task, code="L1", order=1, name_kk="L1")
        key = f"ab{year}{quarter}key"
        e = Evidence.objects.create(
            task=r.task, name="x.pdf", content_type="application/pdf", size=3, sha256="0" * 64,
            storage_key=key,
        )  # fmt: skip
        path = evidence_files.path_of(e)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"pdf")
        Notification.objects.create(
            recipient=w.servant.user, body=w.body, kind="result_ready", channel="in_app",
            language="kk", subject="s", text="t", due_at=timezone.now(),
            object_type="evaluations.task", object_id=str(r.task_id),
        )  # fmt: skip
        found[(year, quarter)] = r
        if quarter == 0:
            _year_records(w, r, year)
    audit(actor=w.users["hrhead"], action="test.before", obj=w.body, body=w.body)
    return found


def _year_records(w, r, year):
    """A year's work plan (its revision and KPI, the sheet line judged on it), a 360 campaign
    with a subject and an answer, and a calibration case on the result."""
    from datetime import date as day

    from bagalau.calibration.models import CalibrationCase, Participant
    from bagalau.plans.models import PlanKpi, PlanRevision, WorkPlan
    from bagalau.surveys.models import Campaign, Feedback, Subject

    plan = WorkPlan.objects.create(
        body=w.body, servant=w.servant, version=r.version, kind="kpi_annual", year=year,
        state="approved",
    )  # fmt: skip
    revision = PlanRevision.objects.create(plan=plan, number=1)
    kpi = PlanKpi.objects.create(
        revision=revision, order=1, name="KPI", source="strategic_plan", unit="%",
        planned=100, deadline=day(year, 12, 1), key_result="k",
    )  # fmt: skip
    plan.current_revision = plan.approved_revision = revision
    plan.save(update_fields=["current_revision", "approved_revision"])
    SheetLine.objects.create(task=r.task, code="K1", order=2, name_kk="K1", kpi=kpi)
    campaign = Campaign.objects.create(
        body=w.body, version=r.version, year=year, state="closed", due_date=day(year, 12, 1)
    )
    subject = Subject.objects.create(campaign=campaign, servant=w.servant, audience="staff")
    Feedback.objects.create(subject=subject, held_on=day(year + 1, 1, 20))
    case = CalibrationCase.objects.create(
        body=w.body, result=r, task=r.task, servant=w.servant, version=r.version,
        state="decided", text="t", applied_on=day(year + 1, 1, 5), score_before=r.score,
        acquainted_on=day(year + 1, 1, 3), apply_due=day(year + 1, 1, 10),
        decide_due=day(year + 1, 2, 1), session_due=day(year + 1, 1, 25),
    )  # fmt: skip
    Participant.objects.create(case=case, user=w.users["hrhead"])


EXPIRED = {(2021, 0), (2022, 0), (2023, 3)}


def period_rows(records, periods):
    rs = [records[p] for p in periods]
    return {
        "results": {r.pk for r in rs},
        "tasks": {r.task_id for r in rs},
        "schedules": {r.task.schedule_id for r in rs},
    }


def test_it_lists_exactly_the_expired_periods(world, records):
    with time_machine.travel(TODAY, tick=False):
        periods = retention.expired_periods(world.body.pk, timezone.localdate())
    # 001 p8: 2021 and 2022 and Q3 2023 (expired 01.10.2026); not Q4 2023 nor the year 2023.
    assert set(periods) == EXPIRED
    assert periods == [(2021, 0), (2022, 0), (2023, 3)]


def test_dry_run_counts_and_deletes_nothing(world, records):
    before = (Result.objects.count(), Task.objects.count(), Evidence.objects.count(),
              AuditEvent.objects.count())  # fmt: skip
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("retention", "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert f"body {world.body.pk} 2021 (expired 2025-01-01)" in text
    assert f"body {world.body.pk} 2022 (expired 2026-01-01)" in text
    assert f"body {world.body.pk} 2023-Q3 (expired 2026-10-01)" in text
    assert "2023-Q4" not in text and f"body {world.body.pk} 2023 " not in text
    assert "evaluations.result=1" in text and "evaluations.evidence=1" in text
    assert "notifications.notification=1" in text
    after = (Result.objects.count(), Task.objects.count(), Evidence.objects.count(),
             AuditEvent.objects.count())  # fmt: skip
    assert after == before


def test_the_purge_removes_exactly_the_expired(
    world, records, tmp_path, django_capture_on_commit_callbacks
):
    gone = period_rows(records, EXPIRED)
    kept = period_rows(records, {(2023, 4), (2023, 0)})
    paths = {p: evidence_files.path_of(records[p].task.evidence.get()) for p in records}
    archive = tmp_path / "archive"
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("retention", "--archive", str(archive), stdout=StringIO(),
                     stderr=StringIO())  # fmt: skip
    assert not Result.objects.filter(pk__in=gone["results"]).exists()
    assert not Task.objects.filter(pk__in=gone["tasks"]).exists()
    assert not Schedule.objects.filter(pk__in=gone["schedules"]).exists()
    assert not ResultChange.objects.filter(result_id__in=gone["results"]).exists()
    assert set(Result.objects.values_list("pk", flat=True)) == kept["results"]
    assert set(Task.objects.values_list("pk", flat=True)) == kept["tasks"]
    assert ResultChange.objects.count() == 2 and SheetLine.objects.count() == 3
    from bagalau.calibration.models import CalibrationCase
    from bagalau.plans.models import PlanKpi, WorkPlan
    from bagalau.surveys.models import Campaign, Subject

    assert list(WorkPlan.objects.values_list("year", flat=True)) == [2023]
    assert PlanKpi.objects.count() == 1
    assert list(Campaign.objects.values_list("year", flat=True)) == [2023]
    assert Subject.objects.count() == 1
    assert list(CalibrationCase.objects.values_list("result_id", flat=True)) == [
        records[(2023, 0)].pk
    ]
    assert Evidence.objects.count() == 2
    assert set(Notification.objects.values_list("object_id", flat=True)) == {
        str(t) for t in kept["tasks"]
    }
    for period, path in paths.items():
        assert path.exists() == (period not in EXPIRED)  # removed after commit
    lines = (archive / f"body-{world.body.pk}_2022.jsonl").read_text().splitlines()
    models = {json.loads(line)["model"] for line in lines}
    assert {"evaluations.result", "evaluations.task", "evaluations.evidence"} <= models
    call_command("verify_audit", stdout=StringIO(), stderr=StringIO())  # the chain holds


def test_the_audit_event_holds_counts_and_periods_only(world, records):
    with time_machine.travel(TODAY, tick=False):
        call_command("retention", "--body", str(world.body.pk), stdout=StringIO(),
                     stderr=StringIO())  # fmt: skip
    events = list(AuditEvent.objects.filter(action=retention.ACTION).order_by("pk"))
    assert [e.data["periods"] for e in events] == [["2021"], ["2022"], ["2023-Q3"]]
    for event in events:
        assert set(event.data) == {"periods", "counts"}
        assert all(isinstance(v, int) for v in event.data["counts"].values())
        text = json.dumps(event.data, ensure_ascii=False)
        assert world.servant.last_name_kk not in text and "4.00" not in text and "3.00" not in text
        assert event.body_id == world.body.pk


def test_a_second_run_finds_nothing(world, records):
    with time_machine.travel(TODAY, tick=False):
        call_command("retention", stdout=StringIO(), stderr=StringIO())
        out = StringIO()
        call_command("retention", "--dry-run", stdout=out, stderr=StringIO())
    assert "would delete 0 records" in out.getvalue()


def test_the_page_lists_what_is_expired_for_hr(world, records):
    url = reverse("reports:retention", args=[world.body.pk])
    with time_machine.travel(TODAY, tick=False):
        for who in ("hrofficer", "hrhead"):
            response = world.client(who).get(url)
            assert response.status_code == 200
            periods = response.context["periods"]
            assert [p.label for p in periods] == ["2021", "2022", "2023-Q3"]
            assert periods[1].expires_on == date(2026, 1, 1)
            assert periods[1].kept_until == date(2025, 12, 31)
        assert world.client("servant").get(url).status_code == 403
        assert world.client("authorized").get(url).status_code == 403
        assert world.client("otherhr").get(url).status_code == 404


def test_issued_documents_go_with_their_period_not_the_year_they_were_printed(world, records):
    """An official form belongs to the period of its record (FormKind.period): a 2022 sheet
    printed in 2024 expires with 2022; a work plan for 2023 printed in December 2022 stays
    with 2023; a form of no one period (the service record) is kept by the year issued."""
    from bagalau.documents.models import IssuedDocument

    def doc(year: int, quarter: int, issued: str, form: str = "kpi_sheet") -> IssuedDocument:
        return IssuedDocument.objects.create(
            body=world.body, form=form, object_id=1, language="kk", fmt="pdf",
            filename="x.pdf", sha256=f"{year}{quarter}{issued}".ljust(64, "0"), snapshot={},
            content=b"%PDF", size=4, issued_by=world.hr_head.user, year=year, quarter=quarter,
            issued_at=timezone.make_aware(timezone.datetime.fromisoformat(issued)),
        )  # fmt: skip

    late = doc(2022, 0, "2024-03-01")
    early = doc(2023, 0, "2022-12-20", form="work_plan")
    q3 = doc(2023, 3, "2023-10-05")
    q4 = doc(2023, 4, "2024-01-10")
    record = doc(2024, 0, "2024-05-05", form="service_record")
    with time_machine.travel(TODAY, tick=False):
        assert (2022, 0) in retention.expired_periods(world.body.pk, timezone.localdate())
        call_command("retention", stdout=StringIO(), stderr=StringIO())
    left = set(IssuedDocument.objects.values_list("pk", flat=True))
    assert late.pk not in left and q3.pk not in left
    assert {early.pk, q4.pk, record.pk} <= left
