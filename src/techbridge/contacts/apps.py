from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "techbridge.contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from techbridge.contacts import home

        home.register()
