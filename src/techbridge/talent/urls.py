"""Pages of the talent pool: researchers, their achievements and teams."""

from django.urls import path

from techbridge.talent import joining_views, views

app_name = "talent"
urlpatterns = [
    path("", views.researcher_list, name="list"),
    path("create/", views.researcher_create, name="create"),
    path("<int:pk>/", views.researcher_detail, name="detail"),
    path("<int:pk>/edit/", views.researcher_edit, name="edit"),
    path("<int:pk>/account/", views.link_account, name="link_account"),
    path("<int:pk>/achievements/", views.achievement_add, name="achievement_add"),
    path("achievements/<int:pk>/remove/", views.achievement_remove, name="achievement_remove"),
    path("<int:pk>/relations/", views.relation_declare, name="relation_declare"),
    path("relations/<int:pk>/withdraw/", views.relation_withdraw, name="relation_withdraw"),
    path("join/", joining_views.join_self, name="join_self"),
    path("join/requests/", joining_views.join_requests, name="join_requests"),
    path("join/<uidb64>/<token>/", joining_views.join_invited, name="join_invited"),
    path("teams/", views.team_list, name="teams"),
    path("teams/create/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
]
