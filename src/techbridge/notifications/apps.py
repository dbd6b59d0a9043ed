from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "techbridge.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Load the Celery app with Django, so ``shared_task`` in any app binds to it (and so to
        # the broker and eager setting from settings.py) rather than to Celery's default app.
        import techbridge.celery  # noqa: F401
