from django.urls import path

from techbridge.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.home, name="home"),
    path("upload/<slug:kind>/", views.upload, name="upload"),
    path("progress/", views.progress, name="progress"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/errors.xlsx", views.run_errors, name="run_errors"),
    path("templates/<slug:kind>.<slug:file_format>", views.template, name="template"),
]
