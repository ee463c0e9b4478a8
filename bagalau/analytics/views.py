"""The HR analytics page of a body, and the national figures for a superuser.

Each figure is drawn as inline SVG (`charts`) and followed by its table; what a viewer
sees is decided by `selectors.access_analytics` (the one access rule, 002 p16, p21).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bagalau.org import selectors as org_selectors

from . import charts, rules, selectors
from .forms import PeriodForm, period_from


def _labelled(columns: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's cells with their column's name (a phone shows tables as labelled cards)."""
    return [
        {**r, "labelled": [(c["name"], n) for c, n in zip(columns, r["cells"], strict=True)]}
        for r in rows
    ]


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    drawn: dict[str, Any] = {}
    period = data["period"].label
    if bands := data.get(rules.BANDS):
        rows = [*bands["rows"], bands["total"]] if bands["rows"] else [bands["total"]]
        drawn["bands"] = charts.stacked_bar_chart(
            _("Results by band, %(period)s") % {"period": period},
            [r["label"] for r in rows],
            [charts.Series(c["name"], [r["cells"][i] for r in rows])
             for i, c in enumerate(bands["columns"])],
        )  # fmt: skip
    if average := data.get(rules.AVERAGE):
        drawn["average"] = charts.line_chart(
            _("Average score by quarter"),
            [p["period"].label for p in average["points"]],
            [p["mean"] for p in average["points"]],
        )
    if missing := data.get(rules.MISSING):
        drawn["missing"] = charts.bar_chart(
            _("Evaluations not done, and why, %(period)s") % {"period": period},
            [r["label"] for r in missing["rows"]],
            [r["count"] for r in missing["rows"]],
        )
    if late := data.get(rules.LATE):
        drawn["late"] = charts.stacked_bar_chart(
            _("Late evaluators, %(period)s") % {"period": period},
            [r["name"] for r in late["rows"]],
            [charts.Series(_("submitted after the due date"), [r["late"] for r in late["rows"]]),
             charts.Series(_("overdue now"), [r["overdue"] for r in late["rows"]])],
        )  # fmt: skip
    if decisions := data.get(rules.DECISIONS):
        cal, com = decisions["calibration"], decisions["commission"]
        drawn["calibration"] = charts.bar_chart(
            _("Calibration, %(year)s") % {"year": data["period"].year},
            [_("applications"), _("declined"), _("sessions held"), _("score raised"),
             _("score lowered"), _("score kept")],
            [cal["applications"], cal["declined"], cal["sessions"], cal["up"], cal["down"],
             cal["kept"]],
        )  # fmt: skip
        drawn["commission"] = charts.bar_chart(
            _("Commission decisions, %(year)s") % {"year": data["period"].year},
            [_("decided"), _("revised up"), _("revised down"), _("kept")],
            [com["decided"], com["up"], com["down"], com["kept"]],
        )
    return drawn


@login_required
def body(request: HttpRequest, body_id: int) -> HttpResponse:
    viewer = selectors.access_analytics(request.user, body_id)
    period, chosen = period_from(request.GET, selectors.default_period(body_id))
    data = selectors.figures(viewer, period, chosen=chosen)
    return render(
        request,
        "analytics/body.html",
        {
            "body": viewer.body,
            "access": org_selectors.access_body(request.user, body_id),
            "tab": "analytics",
            "viewer": viewer,
            "form": PeriodForm(initial={"year": period.year, "quarter": period.quarter or ""}),
            "data": data,
            "charts": _charts(data),
            "band_rows": _labelled(data["bands"]["columns"], data["bands"]["rows"])
            if "bands" in data
            else [],
            "band_total": _labelled(data["bands"]["columns"], [data["bands"]["total"]])[0]
            if "bands" in data
            else None,
            "own_units": viewer.audience.scope == rules.OWN_UNITS,
            "body_total": viewer.audience.scope == rules.BODY_TOTAL,
        },
    )


@login_required
def national(request: HttpRequest) -> HttpResponse:
    default = selectors.Period(selectors.latest_year(), 0)
    period, _chosen = period_from(request.GET, default)
    data = selectors.national(request.user, period)
    drawn = charts.stacked_bar_chart(
        _("Results by band and body, %(period)s") % {"period": period.label},
        [r["label"] for r in data["rows"]],
        [charts.Series(c["name"], [r["cells"][i] for r in data["rows"]])
         for i, c in enumerate(data["columns"])],
    )  # fmt: skip
    means = charts.bar_chart(
        _("Average score by body, %(period)s") % {"period": period.label},
        [r["label"] for r in data["rows"]],
        [r["mean"] for r in data["rows"]],
    )
    return render(
        request,
        "analytics/national.html",
        {"data": data, "chart": drawn, "means": means,
         "rows": _labelled(data["columns"], data["rows"]),
         "form": PeriodForm(initial={"year": period.year, "quarter": period.quarter or ""})},
    )  # fmt: skip
