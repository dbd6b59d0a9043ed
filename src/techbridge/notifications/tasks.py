"""Background tasks of notifications: thin shells around services, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from techbridge.notifications import services


@shared_task(name="notifications.send_notification_email")
def send_notification_email(*, notification_id: int) -> bool:
    return services.send_immediate_email(notification_id=notification_id)


@shared_task(name="notifications.send_notification_sms")
def send_notification_sms(*, notification_id: int) -> bool:
    return services.send_immediate_sms(notification_id=notification_id)


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    """Run daily by ``celery -A techbridge beat`` (see techbridge/celery.py)."""
    return services.send_daily_digests()
