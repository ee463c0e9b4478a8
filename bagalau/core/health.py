"""The health endpoint for load balancers and monitoring: GET /healthz, no login.

Answered by `HealthCheckMiddleware`, first in MIDDLEWARE, so neither the host check, the
HTTPS redirect, sessions nor language negotiation stand in front of it. 200 with
{"status": "ok", "database": "ok"} when `SELECT 1` succeeds; 503 with status
"unavailable" otherwise (the error is logged, never shown).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})

logger = logging.getLogger("bagalau.health")


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "unavailable"; the details go to the log
        logger.exception("health check: the database does not answer")
        return False
    return True


def health_response() -> JsonResponse:
    if database_ok():
        response = JsonResponse({"status": "ok", "database": "ok"})
    else:
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)
