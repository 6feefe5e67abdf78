from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .accounts import api as accounts_api
from .accounts import views as accounts_views

handler403 = "portal.views.forbidden"
handler404 = "portal.views.not_found"
# A database outage raised before the view (loading the session) answers 503, not 500.
handler500 = "portal.outage.server_error"

api_v1 = [
    path("auth/token/", views.ObtainToken.as_view(), name="api-token"),
    path(
        "auth/tokens/",
        accounts_api.TokenViewSet.as_view({"get": "list"}),
        name="api-token-list",
    ),
    path(
        "auth/tokens/<str:id>/",
        accounts_api.TokenViewSet.as_view({"delete": "destroy"}),
        name="api-token-detail",
    ),
    path("", include("surveys.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("", include("surveys.site_urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("accounts/two-factor/people/", views.two_factor_people, name="two-factor-people"),
    path(
        "accounts/two-factor/people/<int:pk>/reset/",
        views.two_factor_reset,
        name="two-factor-reset",
    ),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path(
        "accounts/password_reset/",
        accounts_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/tokens/", accounts_views.tokens, name="api-tokens"),
    path("accounts/tokens/everyone/", accounts_views.everyones_tokens, name="api-tokens-everyone"),
    path(
        "accounts/tokens/<str:token_key>/revoke/",
        accounts_views.revoke,
        name="api-token-revoke",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", views.ApiNotFound.as_view(), name="api-not-found"),
    path("reports/", include("reports.urls")),
    path("", include("surveys.urls")),
]
