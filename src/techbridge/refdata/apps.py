"""Reference data from published national standards: regions (GB/T 2260), industries
(GB/T 4754-2017), disciplines (GB/T 13745-2009), title levels and degrees."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RefdataConfig(AppConfig):
    name = "techbridge.refdata"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from techbridge.refdata.selectors import TABLES, clear_choices_cache

        # The cached <select> choices must not outlive a change to the tables.
        for model in TABLES.values():
            for signal in (post_save, post_delete):
                signal.connect(
                    clear_choices_cache, sender=model, dispatch_uid="refdata-clear-choices"
                )
