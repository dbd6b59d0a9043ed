from django.urls import path

from techbridge.recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("demands/<int:pk>/", views.demand_panel, name="demand_panel"),
    path("for-me/", views.my_demands, name="my_demands"),
    path("researchers/<int:pk>/demands/", views.researcher_demands, name="researcher_demands"),
]
