from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bagalau.api.models import ApiToken
from bagalau.core.forms import RevokeTokenForm
from bagalau.core.models import User
from bagalau.org.selectors import bodies_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: what the user must do now, by role, and their bodies."""
    from bagalau.evaluations.selectors import dashboard

    bodies = list(bodies_for_user(request.user))
    return render(request, "core/home.html", {"bodies": bodies, **dashboard(request.user)})


class LoginView(auth_views.LoginView):
    """Login that restores the user's remembered language."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        language = self.request.user.language  # type: ignore[union-attr]
        self.request.session["bagalau_language"] = language
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language and remember it for the user (and the browser)."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        user = cast(User, request.user)
        user.language = language
        user.save(update_fields=["language"])
    request.session["bagalau_language"] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
    )
    return response


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: issue one (the key is shown once) or revoke one."""
    new_key = None
    status = 200
    user = cast(User, request.user)
    if request.method == "POST":
        if "revoke" in request.POST:
            form = RevokeTokenForm(request.POST, user=user)
            if form.is_valid():
                ApiToken.objects.filter(pk=form.cleaned_data["revoke"].pk).update(revoked=True)
                messages.success(request, _("The token was revoked."))
                return redirect("api_tokens")
            messages.error(request, _("Token: choose one of your tokens."))
            status = 400
        name = (request.POST.get("name") or "").strip()[:200]
        if not name:
            messages.error(request, _("Name: give the token a name."))
        else:
            _token, new_key = ApiToken.issue(user, name)
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    return render(
        request, "core/api_tokens.html", {"tokens": tokens, "new_key": new_key}, status=status
    )
