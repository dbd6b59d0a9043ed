"""Organisation pages."""

from django.urls import path

from techbridge.orgs import verification_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("register/", views.enterprise_register, name="register"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/managers/", views.authorise_manager, name="authorise"),
    path("verification/", verification_views.verification_queue, name="verification_queue"),
    path("<int:pk>/resubmit/", verification_views.resubmit, name="resubmit"),
]
