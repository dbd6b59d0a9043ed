"""Dispatch pages: rounds and rules, the applications and dispatches with their step buttons,
the queues of each role, and the public notice (公示) page with its objection form."""

from django.urls import include, path

from techbridge.dispatch import views
from techbridge.dispatch.models import CommissionerApplication, Dispatch, EnterpriseApplication

app_name = "dispatch"
urlpatterns = [
    path("", views.index, name="index"),
    path("selection/", include("techbridge.dispatch.selection_urls")),
    # Rounds (批次) and their eligibility rules.
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/rules/", views.round_rules, name="round_rules"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/apply/", views.enterprise_application_create, name="apply"),
    path("from-contact/<int:pk>/", views.apply_from_contact, name="apply_from_contact"),
    # Enterprise applications: queues, one application, its form and its steps.
    path("enterprise/", views.enterprise_application_list, name="enterprise_applications"),
    path("enterprise/send/", views.send_to_units, name="send_to_units"),
    path("enterprise/<int:pk>/", views.enterprise_application, name="enterprise_application"),
    path("enterprise/<int:pk>/units/", views.choose_units, name="choose_units"),
    path(
        "enterprise/<int:pk>/edit/",
        views.enterprise_application_edit,
        name="enterprise_application_edit",
    ),
    path(
        "enterprise/<int:pk>/step/",
        views.step,
        {"kind": EnterpriseApplication.KIND},
        name="enterprise_application_step",
    ),
    path(
        "enterprise/<int:pk>/apply/",
        views.commissioner_application_create,
        name="commissioner_application_create",
    ),
    # Commissioner applications.
    path(
        "commissioner/",
        views.commissioner_application_list,
        name="commissioner_applications",
    ),
    path(
        "commissioner/<int:pk>/",
        views.commissioner_application,
        name="commissioner_application",
    ),
    path(
        "commissioner/<int:pk>/edit/",
        views.commissioner_application_edit,
        name="commissioner_application_edit",
    ),
    path(
        "commissioner/<int:pk>/step/",
        views.step,
        {"kind": CommissionerApplication.KIND},
        name="commissioner_application_step",
    ),
    # Dispatches: meeting, filing, publication, agreement.
    path("dispatches/", views.dispatch_list, name="dispatches"),
    path("dispatch/<int:pk>/", views.dispatch_detail, name="dispatch"),
    path("dispatch/<int:pk>/step/", views.step, {"kind": Dispatch.KIND}, name="dispatch_step"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    # The public notice (公示): no sign-in.
    path("publication/", views.publication, name="publication"),
    path("publication/<int:pk>/object/", views.objection_create, name="objection_create"),
    path("publication/<int:pk>/thanks/", views.objection_lodged, name="objection_lodged"),
]
