from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "techbridge.talent"
    verbose_name = _("Talent")

    def ready(self) -> None:
        from techbridge.talent import home

        home.register()
