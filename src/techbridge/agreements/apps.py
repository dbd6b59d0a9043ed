from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "techbridge.agreements"
    verbose_name = _("Three-party agreements")
