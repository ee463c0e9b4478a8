"""The indicator table the demo's head of HR may print (documents' tests render it)."""

from __future__ import annotations

from collections.abc import Callable

from bagalau.methodology.models import IndicatorSet, MethodologyVersion


def indicator_table() -> int | None:
    """A set of group 2 (heads of units) of the catalog of the Mangystau body's version."""
    version = MethodologyVersion.objects.filter(body__name_kk__contains="Маңғыстау").first()
    if version is None or version.indicator_catalog_id is None:
        return None
    return (
        IndicatorSet.objects.filter(catalog_id=version.indicator_catalog_id)
        .order_by("-group", "pk")
        .values_list("pk", flat=True)
        .first()
    )


PICKERS: dict[str, Callable[[], int | None]] = {"indicator_table": indicator_table}
PRINTER: dict[str, str] = {"indicator_table": "hrhead"}
