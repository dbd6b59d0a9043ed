"""Two-way selection pages, mounted under ``dispatch/selection/`` (namespace
``dispatch:selection``)."""

from django.urls import path

from techbridge.dispatch import selection_views as views

app_name = "selection"
urlpatterns = [
    path("", views.home, name="home"),
    path("enterprise/<int:pk>/", views.enterprise_ranking, name="enterprise_ranking"),
    path("researcher/<int:round_pk>/", views.researcher_ranking, name="researcher_ranking"),
    path("round/<int:pk>/", views.round_selection, name="round"),
    path("round/<int:pk>/run/", views.run_create, name="run_create"),
    path("round/<int:pk>/override/", views.override, name="override"),
    path("run/<int:pk>/", views.run_detail, name="run"),
    path("run/<int:pk>/apply/", views.run_apply, name="run_apply"),
]
