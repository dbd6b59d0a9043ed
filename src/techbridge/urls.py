"""Root URLs: the web pages of each app, the admin and the JSON API."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from techbridge.api import api

admin.site.site_header = _("TechBridge administration")
admin.site.site_title = _("TechBridge")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("techbridge.accounts.urls")),
    path("orgs/", include("techbridge.orgs.urls")),
    path("demands/", include("techbridge.demands.urls")),
    path("talent/", include("techbridge.talent.urls")),
    path("imports/", include("techbridge.imports.urls")),
    path("audit/", include("techbridge.audit.urls")),
    path("dispatch/", include("techbridge.dispatch.urls")),
    path("agreements/", include("techbridge.agreements.urls")),
    path("notifications/", include("techbridge.notifications.urls")),
    path("recommendations/", include("techbridge.recommendations.urls")),
    path("contacts/", include("techbridge.contacts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("techbridge.core.urls")),
]
