from django.urls import path

from techbridge.core.views import home

app_name = "orgs"
urlpatterns = [
    path("", home, name="list"),
]
