from django.contrib.auth import views as auth_views
from django.urls import path

from techbridge.accounts import registration_views, views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("register/", registration_views.register, name="register"),
    path(
        "register/enterprise/",
        registration_views.register_enterprise,
        name="register_enterprise",
    ),
    path("register/counties/", registration_views.county_options, name="county_options"),
]
