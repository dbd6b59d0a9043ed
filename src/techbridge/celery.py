"""The Celery application: background tasks run inline in development and tests, on workers in
production.

Configuration comes from Django settings with the ``CELERY_`` prefix (``CELERY_BROKER_URL`` from
``REDIS_URL``, ``CELERY_TASK_ALWAYS_EAGER``). Start a worker with ``celery -A techbridge worker``
and the scheduler of periodic tasks with ``celery -A techbridge beat``; see docs/tasks.md.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techbridge.settings")

app = Celery("techbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live in each app's tasks.py.
app.autodiscover_tasks()
# ``shared_task`` and ``current_app`` resolve to this app, not to an unconfigured default one.
app.set_default()

# Periodic tasks for ``celery -A techbridge beat`` (times in settings.TIME_ZONE).
app.conf.beat_schedule = {
    "notifications-daily-digest": {
        "task": "notifications.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "contacts-expire-overdue": {
        "task": "contacts.expire_overdue",
        "schedule": crontab(minute=5),
    },
    "recommendations-nightly-rebuild": {
        "task": "recommendations.nightly_rebuild",
        "schedule": crontab(hour=3, minute=30),
    },
}
