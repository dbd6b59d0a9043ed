"""Root URLs: the web pages of each app, the admin and the JSON API."""

from django.contrib import admin
from django.urls import include, path

from techbridge.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("techbridge.accounts.urls")),
    path("orgs/", include("techbridge.orgs.urls")),
    path("demands/", include("techbridge.demands.urls")),
    path("talent/", include("techbridge.talent.urls")),
    path("imports/", include("techbridge.imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("techbridge.core.urls")),
]
