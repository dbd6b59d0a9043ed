from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "techbridge.demands"
    verbose_name = _("Demands")

    def ready(self) -> None:
        from techbridge.demands import home

        home.register()
