"""The three-party agreement of a dispatch: ``agreements:document`` (``?format=docx|pdf``) and
``agreements:generate``."""

from django.urls import path

from techbridge.agreements import views

app_name = "agreements"
urlpatterns = [
    path("dispatch/<int:pk>/", views.document, name="document"),
    path("dispatch/<int:pk>/generate/", views.generate, name="generate"),
]
