"""Background work of contacts: expire the invitations and interests nobody answered."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="contacts.expire_overdue")
def expire_overdue() -> int:
    from techbridge.contacts.services import expire_overdue as expire

    return expire()
