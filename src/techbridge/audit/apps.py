from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "techbridge.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from techbridge.audit import home

        home.register()
