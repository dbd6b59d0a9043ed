from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "techbridge.orgs"
    verbose_name = _("Orgs")

    def ready(self) -> None:
        from techbridge.orgs import home

        home.register()
