from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bagalau.api.api import api
from bagalau.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("language/", core_views.set_language, name="set_language"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        core_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/tokens/", core_views.api_tokens, name="api_tokens"),
    path("bodies/<int:body_id>/audit/", core_views.audit_trail, name="audit_trail"),
    path("bodies/", include("bagalau.org.urls")),
    path("methodology/", include("bagalau.methodology.urls")),
    path("calendar/", include("bagalau.workdays.urls")),
    path("notifications/", include("bagalau.notifications.urls")),
    path("evaluations/", include("bagalau.evaluations.urls")),
    path("", include("bagalau.plans.urls")),
    path("", include("bagalau.surveys.urls")),
    path("", include("bagalau.commission.urls")),
    path("", include("bagalau.calibration.urls")),
    path("", include("bagalau.documents.urls")),
    path("", include("bagalau.reports.urls")),
    path("", include("bagalau.analytics.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# A failed database is a 503 (bagalau/core/unavailable.py); anything else the plain 500 page.
handler500 = "bagalau.core.unavailable.server_error"

if settings.DEBUG:  # pragma: no cover
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
