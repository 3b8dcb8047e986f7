"""Every app contributes two URL modules: ``urls`` (pages) and ``api`` (REST).

Apps add their own routes there; this file only mounts them."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import policy_views, views

api_patterns = [
    path("deputies/", include("deputies.api")),
    path("suggestions/", include("suggestions.api")),
    path("stations/", include("liaison_stations.api")),
    path("training/", include("training.api")),
    path("voting/", include("voting.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The reference pages keep to the Content-Security-Policy: the split view serves
    # Swagger UI's start-up script as a file, the templates have no inline style.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs/swagger_ui.html"), name="swagger-ui"),
    # No Redoc page: its bundle adds <style> elements as it loads, starts its search
    # worker from a blob: URL and always fetches a logo from Redocly's CDN, so it would
    # need a policy of its own with inline style; Swagger UI shows the same schema.
    path("redoc/", RedirectView.as_view(pattern_name="swagger-ui"), name="redoc"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("landing/", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    # The portal's own sign-in (username or phone, lock-out message) and password
    # change come before Django's, which still serves sign-out and password reset.
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/first-sign-in/", views.first_sign_in, name="first_sign_in"),
    path("policies/", policy_views.policy_settings, name="policies"),
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("deputies/", include("deputies.urls")),
    path("suggestions/", include("suggestions.urls")),
    path("stations/", include("liaison_stations.urls")),
    path("training/", include("training.urls")),
    path("voting/", include("voting.urls")),
    path("notifications/", include("congress_portal.notifications.urls")),
    path("jobs/", include("congress_portal.jobs.urls")),
]
# Uploaded files are never served as they are, in development or production:
# each object's own view checks who may see it, and the admin's file links land
# here, for staff only (congress_portal.views.stored_file).
urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", views.stored_file, name="stored_file"))

# The admin is for data repair; its titles follow the language like every page.
admin.site.site_header = gettext_lazy("代表工作门户 · 管理后台")
admin.site.site_title = gettext_lazy("代表工作门户")
admin.site.index_title = gettext_lazy("数据维护")
