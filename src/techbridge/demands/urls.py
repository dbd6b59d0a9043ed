from django.urls import path

from techbridge.core.views import home

app_name = "demands"
urlpatterns = [
    path("", home, name="list"),
    path("create/", home, name="create"),
    path("detail/<int:pk>/", home, name="detail"),
    path("edit/<int:pk>/", home, name="edit"),
]
