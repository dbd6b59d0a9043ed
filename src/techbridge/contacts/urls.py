"""Contact pages."""

from django.urls import path

from techbridge.contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/step/", views.contact_step, name="step"),
    path("<int:pk>/terms/", views.contact_accept_terms, name="accept_terms"),
    path("<int:pk>/messages/", views.contact_message, name="message"),
    path("<int:pk>/cooperations/", views.contact_cooperation, name="cooperation"),
    path("messages/<int:pk>/attachment/", views.message_attachment, name="attachment"),
    path("invite/<int:demand_pk>/", views.invite, name="invite"),
    path("interest/<int:demand_pk>/", views.express_interest, name="interest"),
]
