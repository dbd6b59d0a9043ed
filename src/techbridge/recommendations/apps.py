from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "techbridge.recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        # Profile and demand changes reach the matching index through these receivers.
        from techbridge.recommendations import home, signals  # noqa: F401

        home.register()
