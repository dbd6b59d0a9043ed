"""Reads of notifications and to-dos; every one is scoped to its user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from techbridge.notifications.models import Notification, NotificationPreference, Todo


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: Any) -> int:
    return notifications_for(user, unread_only=True).count()


def open_todos_for(user: Any) -> QuerySet[Todo]:
    return todos_for(user).filter(done_at__isnull=True)


def todos_for(user: Any) -> QuerySet[Todo]:
    if not getattr(user, "is_authenticated", False):
        return Todo.objects.none()
    return Todo.objects.filter(owner=user)


def preferences_for(user: Any) -> NotificationPreference:
    """The user's preferences, created with the defaults (everything on) on first use."""
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    return preference


def unsubscribe_token_exists(*, token: str) -> bool:
    return bool(token) and NotificationPreference.objects.filter(unsubscribe_token=token).exists()


def target_key(target: Any) -> tuple[str, str]:
    """``(target_type, target_id)`` of a model instance; ``("", "")`` for None."""
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)
