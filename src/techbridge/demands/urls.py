"""Demand pages."""

from django.urls import path

from techbridge.demands import views

app_name = "demands"
urlpatterns = [
    path("", views.demand_list, name="list"),
    path("export/", views.demand_export, name="export"),
    path("new/", views.demand_create, name="create"),
    path("<int:pk>/", views.demand_detail, name="detail"),
    path("<int:pk>/edit/", views.demand_edit, name="edit"),
    path("<int:pk>/publish/", views.demand_publish, name="publish"),
    path("<int:pk>/close/", views.demand_close, name="close"),
    path("<int:pk>/invite/", views.demand_invite, name="invite"),
    path("<int:pk>/researchers/", views.researcher_search, name="researcher_search"),
    path("<int:pk>/accept-terms/", views.demand_accept_terms, name="accept_terms"),
]
