"""Excel exports written row by row (openpyxl write-only workbook): constant memory.

`write_workbook` takes any iterable of rows — the exports feed it generators over
`values().iterator(chunk_size=…)` — and writes them into a temporary file that the view
streams (FileResponse) and that is deleted when the response closes it. The rows are never
held in memory: openpyxl's write-only sheet appends each row to its own temporary file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import IO, Any

from django.db.models import OuterRef, Q, Subquery
from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bagalau.evaluations.models import Result, ResultChange, Task
from bagalau.methodology.models import Band, EvaluationKind, Scale
from bagalau.org.models import Appointment

from .selectors import change_source_label

CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> IO[bytes]:
    """A temporary file holding the workbook, positioned at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet")
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(list(row))
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    workbook.save(out)
    out.seek(0)
    return out


def xlsx_response(out: IO[bytes], filename: str) -> FileResponse:
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


def _two(value: Any) -> str:
    """A score as stored, two decimals (a subquery may hand back 3 for 3.00 on SQLite)."""
    return f"{Decimal(str(value)):.2f}"


def _name(row: Mapping[str, Any], prefix: str, language: str) -> str:
    return str(row.get(f"{prefix}_{language}") or row.get(f"{prefix}_kk") or "")


def _person(row: Mapping[str, Any], prefix: str, language: str) -> str:
    if language != "kk" and row.get(f"{prefix}last_name_ru"):
        parts = [row.get(f"{prefix}{p}_ru") for p in ("last_name", "first_name", "middle_name")]
    else:
        parts = [row.get(f"{prefix}{p}_kk") for p in ("last_name", "first_name", "middle_name")]
    return " ".join(str(p) for p in parts if p)


# --- (a) the results of a period ----------------------------------------------------------------


def results_header() -> list[str]:
    return [
        _("servant"), _("unit"), _("position"), _("category"), _("kind"),
        _("Q1"), _("Q2"), _("Q3"), _("Q4"), _("year result"), _("band"), _("acquaintance"),
        _("calibration or commission change"),
    ]  # fmt: skip


def results_queryset(
    body_id: int, year: int, *, quarter: int | None = None, unit_id: int | None = None,
    kind: str = "",
) -> Any:  # fmt: skip
    """The results of the body's year as plain rows, ordered by servant and kind: one query."""
    last_change = ResultChange.objects.filter(
        result_id=OuterRef("pk"), source__in=["calibration", "commission"]
    ).order_by("-decided_at", "-pk")
    # The unit and position the servant was evaluated in: the sheet's appointment, else the
    # latest appointment started by the period's end.
    appointment = Appointment.objects.filter(
        servant_id=OuterRef("servant_id"), start_date__lte=date(year, 12, 31)
    ).order_by("-start_date", "-pk")
    qs = Result.objects.filter(body_id=body_id, year=year)
    if quarter:
        qs = qs.filter(quarter=quarter)
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.annotate(
        appointment_id=Subquery(appointment.values("pk")[:1]),
        change_from=Subquery(last_change.values("score_from")[:1]),
        change_to=Subquery(last_change.values("score_to")[:1]),
        change_source=Subquery(last_change.values("source")[:1]),
        change_at=Subquery(last_change.values("decided_at")[:1]),
    )
    if unit_id:  # those who served in the unit during the year
        qs = qs.filter(
            servant_id__in=Appointment.objects.filter(
                position__unit_id=unit_id, start_date__lte=date(year, 12, 31)
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=date(year, 1, 1)))
            .values("servant_id")
        )
    return qs.order_by("servant__last_name_kk", "servant_id", "kind", "quarter").values(
        "servant_id", "kind", "quarter", "score", "band", "version_id", "acknowledged_at",
        "refused_at", "refusal_act", "change_from", "change_to", "change_source",
        "appointment_id", "task__appointment_id",
        "servant__last_name_kk", "servant__first_name_kk", "servant__middle_name_kk",
        "servant__last_name_ru", "servant__first_name_ru", "servant__middle_name_ru",
    )  # fmt: skip


def _acquaintance(row: dict[str, Any]) -> str:
    if row["acknowledged_at"] is not None:
        return row["acknowledged_at"].date().isoformat()
    if row["refused_at"] is not None:
        return _("refusal act of %(date)s") % {"date": (row["refusal_act"] or {}).get("date", "")}
    return ""


def results_rows(
    rows: Iterable[dict[str, Any]], *, language: str, bands: dict[tuple[int, str, str], str],
    positions: Any, band: str = "",
) -> Iterable[list[Any]]:  # fmt: skip
    """One line per servant and kind from rows ordered by servant and kind (a generator).

    `positions(appointment_ids)` answers {appointment id: (unit, position, category)} for a
    chunk of lines at once, so a chunk costs one query, never one per line.
    """
    kinds = dict(EvaluationKind.choices)

    def lines() -> Iterable[tuple[int | None, list[Any]]]:
        for (_servant, kind), group in groupby(rows, key=lambda r: (r["servant_id"], r["kind"])):
            quarters: dict[int, Any] = {}
            year_row = None
            last = None
            appointment_id = None
            for row in group:
                appointment_id = (
                    appointment_id or row["task__appointment_id"] or row["appointment_id"]
                )
                if row["quarter"]:
                    quarters[row["quarter"]] = row["score"]
                else:
                    year_row = row
                last = row
            main = year_row or last
            if main is None:  # groupby yields no empty group
                continue
            scale = Scale.KPI_COUNT if kind == "kpi_annual" else Scale.SCORE
            if band and main["band"] != band:
                continue
            change = ""
            for changed in (year_row, last):
                if changed is not None and changed["change_to"] is not None:
                    change = _("%(from)s → %(to)s, %(source)s") % {
                        "from": _two(changed["change_from"]), "to": _two(changed["change_to"]),
                        "source": change_source_label(changed["change_source"]),
                    }  # fmt: skip
                    break
            yield appointment_id, [
                _person(main, "servant__", language), "", "", "",
                str(kinds.get(kind, kind)),
                *(float(quarters[q]) if q in quarters else None for q in (1, 2, 3, 4)),
                float(year_row["score"]) if year_row is not None else None,
                bands.get((main["version_id"], scale, main["band"]), main["band"]),
                _acquaintance(main),
                change,
            ]  # fmt: skip

    batch: list[tuple[int | None, list[Any]]] = []

    def flush() -> Iterable[list[Any]]:
        found = positions({a for a, _line in batch if a})
        for appointment_id, line in batch:
            line[1:4] = found.get(appointment_id, ("", "", ""))
            yield line
        batch.clear()

    for item in lines():
        batch.append(item)
        if len(batch) >= CHUNK:
            yield from flush()
    yield from flush()


def positions_lookup(language: str) -> Any:
    def lookup(ids: set[int]) -> dict[int, tuple[str, str, str]]:
        if not ids:
            return {}
        found = {}
        for row in Appointment.objects.filter(pk__in=ids).values(
            "pk", "position__title_kk", "position__title_ru", "position__category",
            "position__unit__name_kk", "position__unit__name_ru",
        ):  # fmt: skip
            found[row["pk"]] = (
                _name(row, "position__unit__name", language),
                _name(row, "position__title", language),
                row["position__category"],
            )
        return found

    return lookup


def band_names(body_id: int, language: str) -> dict[tuple[int, str, str], str]:
    """Band names of every version the body's results use (a small table)."""
    versions = Result.objects.filter(body_id=body_id).values("version_id").distinct()
    return {
        (b["version_id"], b["scale"], b["code"]): str(b.get(f"name_{language}") or b["name_kk"])
        for b in Band.objects.filter(version_id__in=versions).values(
            "version_id", "scale", "code", "name_kk", "name_ru", "name_en"
        )
    }


# --- (b) the schedule of a period --------------------------------------------------------------


def schedule_header() -> list[str]:
    return [
        _("servant"), _("unit"), _("position"), _("evaluator"), _("kind"), _("due date"),
        _("status"),
    ]  # fmt: skip


def schedule_queryset(schedule_id: int) -> Any:
    return (
        Task.objects.filter(schedule_id=schedule_id)
        .order_by("servant__last_name_kk", "servant_id", "kind")
        .values(
            "kind",
            "state",
            "due_date",
            "servant__last_name_kk",
            "servant__first_name_kk",
            "servant__middle_name_kk",
            "servant__last_name_ru",
            "servant__first_name_ru",
            "servant__middle_name_ru",
            "evaluator__last_name_kk",
            "evaluator__first_name_kk",
            "evaluator__middle_name_kk",
            "evaluator__last_name_ru",
            "evaluator__first_name_ru",
            "evaluator__middle_name_ru",
            "evaluator_user__first_name",
            "evaluator_user__last_name",
            "appointment__position__title_kk",
            "appointment__position__title_ru",
            "appointment__position__unit__name_kk",
            "appointment__position__unit__name_ru",
        )  # fmt: skip
    )


def schedule_rows(rows: Iterable[dict[str, Any]], *, language: str) -> Iterable[list[Any]]:
    from bagalau.evaluations.models import TaskState

    kinds = dict(EvaluationKind.choices)
    states = dict(TaskState.choices)
    for row in rows:
        evaluator = _person(row, "evaluator__", language) or " ".join(
            p for p in (row["evaluator_user__last_name"], row["evaluator_user__first_name"]) if p
        )
        yield [
            _person(row, "servant__", language),
            _name(row, "appointment__position__unit__name", language),
            _name(row, "appointment__position__title", language),
            evaluator,
            str(kinds.get(row["kind"], row["kind"])),
            row["due_date"].isoformat() if row["due_date"] else "",
            str(states.get(row["state"], row["state"])),
        ]
