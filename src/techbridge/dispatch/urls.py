"""Read-only dispatch pages: the index and each application's page with its timeline."""

from django.urls import include, path

from techbridge.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.index, name="index"),
    path("selection/", include("techbridge.dispatch.selection_urls")),
    path("enterprise/<int:pk>/", views.enterprise_application, name="enterprise_application"),
    path(
        "commissioner/<int:pk>/",
        views.commissioner_application,
        name="commissioner_application",
    ),
    path("dispatch/<int:pk>/", views.dispatch_detail, name="dispatch"),
]
