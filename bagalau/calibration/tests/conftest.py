from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from bagalau.evaluations import services as evaluation_services
from bagalau.evaluations.models import Result
from bagalau.evaluations.tests.conftest import body2023
from bagalau.evaluations.tests.test_results_path import bulk_post, team

__all__ = ["body2023", "calibrated"]
ALMATY = ZoneInfo("Asia/Almaty")


class Setup:
    def __init__(self, w: Any) -> None:
        self.w = w
        with time_machine.travel(datetime(2026, 7, 1, 10, tzinfo=ALMATY), tick=False):
            schedule = team(w, 3, 2)
            w.client("heada").post(
                reverse("evaluations:bulk", args=[schedule.pk]), bulk_post(w, schedule)
            )
            evaluation_services.year_results_form(
                actor=w.users["hrofficer"], body_id=w.body.pk, year=2026
            )
        self.quarters = list(Result.objects.filter(year=2026, quarter=2).order_by("pk"))
        acquainted = datetime(2026, 7, 1, 12, tzinfo=ALMATY)  # a Wednesday
        for result in self.quarters:
            result.acknowledged_at = acquainted
            result.save(update_fields=["acknowledged_at"])
        self.result = self.quarters[0]
        self.applicant = self.result.servant.user
        self.participants = [w.users["colleague"], w.users["headb"], w.users["firsthead"]]


@pytest.fixture
def calibrated(body2023: Any) -> Setup:
    """Three servants of a new unit with Q2 2026 differentiation results (4.13, "effective")
    acquainted on Wed 1 July 2026; the year results formed from them."""
    return Setup(body2023)
