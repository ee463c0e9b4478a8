"""The calibration protocol the demo's head of HR may print (documents' tests)."""

from __future__ import annotations

from collections.abc import Callable

from bagalau.calibration.models import CalibrationCase, CaseState

PRINTABLE = (CaseState.HELD, CaseState.DECIDED, CaseState.PROTOCOL_UPLOADED)


def calibration_protocol() -> int | None:
    """The Mangystau body's case decided by its session (002 p42)."""
    return (
        CalibrationCase.objects.filter(state__in=PRINTABLE)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


PICKERS: dict[str, Callable[[], int | None]] = {"calibration_protocol": calibration_protocol}
PRINTER: dict[str, str] = {"calibration_protocol": "hrhead"}
