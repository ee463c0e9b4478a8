from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

request_logger = logging.getLogger("bagalau.request")


class UserLanguageMiddleware:
    """Puts the user's remembered language where LocaleMiddleware looks for it.

    Runs before authentication, so it reads the language from the session copy that
    `set_language` (our view) and login store.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get("bagalau_language") if hasattr(request, "session") else None
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            if language:
                request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = language
            elif not request.path.startswith("/api/"):
                # Pages are Kazakh until the user chooses, whatever the browser asks for;
                # the API follows Accept-Language for integrating systems.
                request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class DomainErrorMiddleware:
    """HTML views: NotFound → 404 page, PermissionDenied → 403 page, other → 400 page.

    The API maps the same errors to JSON in its own handler.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
        from django.http import Http404
        from django.views import defaults

        from .errors import DomainError, NotFound, PermissionDenied

        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, Http404(exception.text()))
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, DjangoPermissionDenied(exception.text()))
        if isinstance(exception, DomainError):
            from django.shortcuts import render

            return render(request, "400.html", {"message": exception.text()}, status=400)
        return None


class RequestLogMiddleware:
    """One log line per request on `bagalau.request`: method, path, status, duration.

    First in MIDDLEWARE, so the duration covers the whole stack. Health checks are not
    logged unless they fail (load balancers ask every few seconds). The user id is given
    when the request already loaded the user (no extra query for it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.monotonic()
        response = self.get_response(request)
        from .health import HEALTH_PATHS

        if request.path in HEALTH_PATHS and response.status_code == 200:
            return response
        duration_ms = round((time.monotonic() - start) * 1000, 1)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _loaded_user_id(request),
            },
        )
        return response


def _loaded_user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class CleanTextMiddleware:
    """Refuses control characters (a NUL byte first) in any parameter or JSON string: 400.

    The rule is `cleaning`'s; the answer names the field: JSON in the API's error shape
    under /api/, the translated 400 page elsewhere. Uploaded files are not text and are
    not looked at; only the form fields beside them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._bad_field(request)
        if field is not None:
            return self._refuse(request, field)
        return self.get_response(request)

    @staticmethod
    def _bad_field(request: HttpRequest) -> str | None:
        import json

        from . import cleaning

        field = cleaning.first_bad_param(request.GET.lists())
        if field is not None:
            return field
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.content_type or ""
        api = request.path.startswith("/api/")
        if api:
            # The API parses the body as JSON whatever its content type: read it first, so
            # that both the form parsing below and the API can still read it.
            request.body  # noqa: B018
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            # A broken multipart body raises MultiPartParserError here: Django answers 400.
            field = cleaning.first_bad_param(request.POST.lists())
            if field is not None or not api:
                return field
        elif not (api or content_type == "application/json" or content_type.endswith("+json")):
            return None
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None  # not JSON: the API's own parser answers 400
        return cleaning.first_bad_json(data)

    @staticmethod
    def _refuse(request: HttpRequest, field: str) -> HttpResponse:
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        message = _("“%(field)s”: remove the control characters (such as a NUL byte).") % {
            "field": field
        }
        if request.path.startswith("/api/"):
            error = {"field": field, "code": "control_characters", "message": message}
            return JsonResponse(
                {"code": "invalid", "message": message, "field": field, "errors": [error]},
                status=400,
            )
        return render(request, "400.html", {"message": message}, status=400)
