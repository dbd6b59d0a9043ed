from django.urls import path

from techbridge.core.views import home

app_name = "imports"
urlpatterns = [
    path("", home, name="home"),
]
