"""/api/v1/: one NinjaAPI, one error shape, routers from the apps."""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from bagalau.core.errors import DomainError

from .auth import AUTH, SignInRefused

logger = logging.getLogger("bagalau.unavailable")

api = NinjaAPI(
    title="Bagalau API",
    version="1",
    description="Evaluation of B-corps civil servants. Errors: "
    '`{"code": "...", "message": "...", "field": "...", "errors": [...]}`.',
    auth=AUTH,
    urls_namespace="api-v1",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_message(field: str, item: dict[str, Any]) -> str:
    """A translated message naming the field; the bound when the value is out of range."""
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than") and ctx:
        limit = ctx.get("ge", ctx.get("gt"))
        return _("“%(field)s”: the value must be at least %(limit)s.") % {
            "field": field,
            "limit": limit,
        }
    if kind in ("less_than_equal", "less_than") and ctx:
        limit = ctx.get("le", ctx.get("lt"))
        return _("“%(field)s”: the value must be at most %(limit)s.") % {
            "field": field,
            "limit": limit,
        }
    return _("Invalid value for “%(field)s”.") % {"field": field}


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database failed (restart, network): 503, try again (bagalau/core/unavailable.py)."""
    from bagalau.core.unavailable import api_response

    logger.warning("the database failed during %s %s: %s", request.method, request.path, exc)
    return api_response()


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for item in exc.errors:
        loc = list(item.get("loc", ()))
        if len(loc) > 2 and loc[0] == "body":
            del loc[1]  # the handler's parameter name ("payload") means nothing to a client
        if loc and loc[0] in ("query", "body", "path", "header", "cookie"):
            del loc[0]  # where the value was sent; a field may itself be called "body"
        location = [str(p) for p in loc]
        field = ".".join(location)
        errors.append(
            {
                "field": field or None,
                "code": item.get("type", "invalid"),
                "message": _field_message(field, item),
            }
        )
    body: dict[str, Any] = {"code": "invalid", "message": _("The request is not valid.")}
    if errors and errors[0]["field"]:
        body["field"] = errors[0]["field"]
        body["message"] = errors[0]["message"]
    body["errors"] = errors
    return api.create_response(request, body, status=400)


@api.exception_handler(SignInRefused)
def sign_in_refused(request: HttpRequest, exc: SignInRefused) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if exc.retry_at is not None:
        response["Retry-After"] = str(max(1, int((exc.retry_at - timezone.now()).total_seconds())))
    return response


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "unauthenticated",
            "message": _("Log in or send an API token."),
            "field": None,
            "errors": [],
        },
        status=401,
    )


def _mount() -> None:
    from bagalau.analytics.api import router as analytics_router
    from bagalau.calibration.api import router as calibration_router
    from bagalau.commission.api import router as commission_router
    from bagalau.documents.api import router as documents_router
    from bagalau.evaluations.api import router as evaluations_router
    from bagalau.evaluations.competency_api import router as competency_sheets_router
    from bagalau.methodology.api import router as catalog_router
    from bagalau.notifications.api import router as notifications_router
    from bagalau.org.api import router as org_router
    from bagalau.plans.api import router as plans_router
    from bagalau.reports.api import router as reports_router
    from bagalau.surveys.api import router as surveys_router
    from bagalau.workdays.api import router as calendar_router

    api.add_router("/calendar", calendar_router, tags=["calendar"])
    api.add_router("/catalog", catalog_router, tags=["catalog"])
    api.add_router("/notifications", notifications_router, tags=["notifications"])
    api.add_router("/evaluations", evaluations_router, tags=["evaluations"])
    api.add_router("/work-plans", plans_router, tags=["work-plans"])
    api.add_router("/competencies/sheets", competency_sheets_router, tags=["competencies"])
    api.add_router("/competencies/360", surveys_router, tags=["competencies"])
    api.add_router("/decisions/commission", commission_router, tags=["decisions"])
    api.add_router("/decisions/calibration", calibration_router, tags=["decisions"])
    api.add_router("/documents", documents_router, tags=["documents"])
    api.add_router("/reports", reports_router, tags=["reports"])
    api.add_router("/reports/analytics", analytics_router, tags=["reports"])
    api.add_router("/", org_router, tags=["org"])


_mount()
