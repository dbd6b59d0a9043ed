from django.urls import path

from techbridge.core.views import home

app_name = "talent"
urlpatterns = [
    path("", home, name="list"),
    path("detail/<int:pk>/", home, name="detail"),
    path("edit/<int:pk>/", home, name="edit"),
    path("teams/", home, name="teams"),
]
