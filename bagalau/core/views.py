from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bagalau.api.models import TOKEN_LIFETIMES_DAYS, ApiToken
from bagalau.core import signin
from bagalau.core.forms import RevokeTokenForm
from bagalau.core.models import User
from bagalau.org.selectors import request_bodies


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: what the user must do now, by role, and their bodies."""
    from bagalau.calibration.selectors import dashboard as calibration_dashboard
    from bagalau.commission.selectors import dashboard as commission_dashboard
    from bagalau.evaluations.selectors import dashboard
    from bagalau.plans.selectors import dashboard as plans_dashboard
    from bagalau.surveys.selectors import dashboard as surveys_dashboard

    bodies = request_bodies(request)  # shared with the top menu: one query per page
    return render(
        request,
        "core/home.html",
        {
            "bodies": bodies,
            **dashboard(request.user),
            **plans_dashboard(request.user),
            **surveys_dashboard(request.user),
            **commission_dashboard(request.user),
            **calibration_dashboard(request.user),
        },
    )


# The language chosen before signing in (on the login page): kept through the login and
# saved to the user's profile, instead of the one remembered from earlier.
CHOSEN_LANGUAGE = "bagalau_language_chosen"


class LoginView(auth_views.LoginView):
    """Login that keeps the language chosen on the login page, or restores the remembered one.

    A language picked before signing in wins: it survives the login (Django keeps the
    session's data when it cycles the key) and becomes the user's saved language. Without
    a choice, the language the user saved last time comes back, whatever this browser had.
    """

    def form_valid(self, form: Any) -> HttpResponse:
        chosen = self.request.session.pop(CHOSEN_LANGUAGE, None)
        response = super().form_valid(form)
        user = cast(User, self.request.user)
        if chosen in dict(settings.LANGUAGES) and chosen != user.language:
            user.language = chosen
            user.save(update_fields=["language"])
        language = user.language
        self.request.session["bagalau_language"] = language
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Password reset, throttled per account and per address (see bagalau.core.signin)."""

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        until = signin.reset_blocked_until(self.request, email)
        if until is not None:
            form.add_error(
                "email",
                _("Too many password reset requests: try again after %(until)s.")
                % {"until": signin.local_time(until)},
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = signin.retry_after(until)
            return response
        signin.count_reset(self.request, email)
        return super().form_valid(form)


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
    else:
        request.session[CHOSEN_LANGUAGE] = language  # saved to the profile at login
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
    """The user's API tokens: issue one (the key is shown once, it expires) or revoke one."""
    new_key = None
    status = 200
    user = cast(User, request.user)
    if request.method == "POST" and "revoke" in request.POST:
        form = RevokeTokenForm(request.POST, user=user)
        if form.is_valid():
            ApiToken.objects.filter(pk=form.cleaned_data["revoke"].pk).update(revoked=True)
            messages.success(request, _("The token was revoked."))
            return redirect("api_tokens")
        messages.error(request, _("Token: choose one of your tokens."))
        status = 400
    elif request.method == "POST":
        name = (request.POST.get("name") or "").strip()[:200]
        raw_days = request.POST.get("days") or str(settings.BAGALAU_TOKEN_DAYS)
        days = int(raw_days) if raw_days.isascii() and raw_days.isdigit() else 0
        if not name:
            messages.error(request, _("Name: give the token a name."))
        elif days not in TOKEN_LIFETIMES_DAYS:
            messages.error(request, _("Lifetime: choose 30, 90 or 365 days."))
        else:
            _token, new_key = ApiToken.issue(user, name, days=days)
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    return render(
        request,
        "core/api_tokens.html",
        {
            "tokens": tokens,
            "new_key": new_key,
            "lifetimes": TOKEN_LIFETIMES_DAYS,
            "default_days": settings.BAGALAU_TOKEN_DAYS,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def audit_trail(request: HttpRequest, body_id: int) -> HttpResponse:
    """The body's audit trail, for its head of HR only (strangers 404, other members 403)."""
    from django.core.paginator import Paginator

    from bagalau.core.errors import PermissionDenied
    from bagalau.org.models import Role
    from bagalau.org.selectors import MSG_FORBIDDEN, access_body

    from . import audit_trail as trail

    access = access_body(request.user, body_id)
    if Role.HR_HEAD not in access.roles:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    form = trail.AuditFilterForm(request.GET)
    valid = form.is_valid()
    filters = form.cleaned_data if valid else {}
    page = Paginator(trail.events(access.body.pk, filters), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "access": access,
        "body": access.body,
        "tab": "audit",
        "form": form,
        "page": page,
        "rows": trail.rows(page.object_list),
        "query": query.urlencode(),
    }
    return render(request, "core/audit_trail.html", context, status=200 if valid else 400)
