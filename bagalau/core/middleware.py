from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
