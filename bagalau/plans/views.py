"""Work plan screens (filled in below)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def plan_list(request: HttpRequest, body_id: int) -> HttpResponse:  # pragma: no cover
    raise NotImplementedError


def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:  # pragma: no cover
    raise NotImplementedError
