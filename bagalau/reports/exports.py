"""The Excel exports: who may export what, and the workbook built from one streamed query.

(a) The results of a period: the head of HR only (002 p21: the head knows the results; an HR
officer, the authorized person and a superuser never see a person's score).
(b) The schedule of a period (no scores on it): HR officers and the head of HR.
"""

from __future__ import annotations

from typing import IO, Any

from django.utils import translation

from bagalau.core.errors import PermissionDenied
from bagalau.evaluations import access
from bagalau.evaluations.models import Schedule
from bagalau.org.selectors import BodyAccess, access_body

from . import excel


def require_hr(user: Any, body_id: int) -> BodyAccess:
    """HR officers and the head of HR of the body; strangers 404, others of the body 403."""
    org = access_body(user, body_id)
    if not access.is_hr(user, body_id, org.roles):
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    return org


def require_results_reader(user: Any, body_id: int) -> BodyAccess:
    org = access_body(user, body_id)
    if not access.may_see_results(user, body_id, org.roles):
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    return org


def _language() -> str:
    return (translation.get_language() or "kk")[:2]


def results_filename(body: Any, year: int, quarter: int | None) -> str:
    period = f"{year}-Q{quarter}" if quarter else str(year)
    return f"results_{body.bin}_{period}.xlsx"


def results_workbook(
    *, body: Any, year: int, quarter: int | None = None, unit_id: int | None = None,
    kind: str = "", band: str = "",
) -> tuple[IO[bytes], str]:  # fmt: skip
    """The caller has checked `require_results_reader`."""
    language = _language()
    rows = excel.results_queryset(
        body.pk, year, quarter=quarter, unit_id=unit_id, kind=kind
    ).iterator(chunk_size=excel.CHUNK)
    lines = excel.results_rows(
        rows, language=language, bands=excel.band_names(body.pk, language),
        positions=excel.positions_lookup(language), band=band,
    )  # fmt: skip
    out = excel.write_workbook(f"{year}", excel.results_header(), lines)
    return out, results_filename(body, year, quarter)


def schedule_workbook(user: Any, schedule_id: int) -> tuple[IO[bytes], str]:
    schedule: Schedule = access.access_schedule(user, schedule_id, edit=True)
    rows = excel.schedule_queryset(schedule.pk).iterator(chunk_size=excel.CHUNK)
    lines = excel.schedule_rows(rows, language=_language())
    out = excel.write_workbook(schedule.title, excel.schedule_header(), lines)
    period = f"{schedule.year}-Q{schedule.quarter}" if schedule.quarter else str(schedule.year)
    return out, f"schedule_{schedule.body.bin}_{period}.xlsx"
