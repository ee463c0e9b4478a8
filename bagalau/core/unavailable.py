"""A database that does not answer (restarting, unreachable, out of connections) is a 503.

The request's work is rolled back by the database itself (the transaction dies with the
connection), so the client is told to try again — a page, or the API's JSON error, with
Retry-After — never a traceback. Django drops a connection that raised, so the next request
opens a new one (and CONN_HEALTH_CHECKS checks a persistent one before reuse): the servers
reconnect by themselves once the database is back. `server_error` is the project's
handler500; the API has its own handler (bagalau/api/api.py) for the same errors.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("bagalau.unavailable")

# What psycopg and sqlite raise (wrapped by Django) when the database cannot serve us.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def message() -> str:
    return _(
        "The service is briefly unavailable. Wait a minute, then check whether your last change was saved and repeat it if not."
    )


def api_response(status: int = 503) -> JsonResponse:
    response = JsonResponse(
        {"code": "unavailable", "message": message(), "field": None, "errors": []}, status=status
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 when the database failed, the plain 500 page otherwise."""
    exc = sys.exc_info()[1]
    unavailable = isinstance(exc, UNAVAILABLE)
    if unavailable:
        logger.warning("the database failed during %s %s: %s", request.method, request.path, exc)
    if request.path.startswith("/api/"):
        if unavailable:
            return api_response()
        return JsonResponse(
            {"code": "server_error", "message": _("Server error. Please try again later."),
             "field": None, "errors": []},
            status=500,
        )  # fmt: skip
    if not unavailable:
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
