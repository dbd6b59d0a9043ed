"""Notifications and to-dos over the API; a caller only ever sees and changes their own."""

from __future__ import annotations

import datetime

from ninja import Query, Router, Schema

from techbridge.accounts.api import actor
from techbridge.api_common import Page, paginated
from techbridge.notifications import selectors, services
from techbridge.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: Notification.Kind
    kind_label: str
    title: str
    body: str
    url: str
    target_type: str
    target_id: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    is_read: bool

    @staticmethod
    def resolve_kind_label(obj: Notification) -> str:
        return str(obj.get_kind_display())


class NotificationQuery(Schema):
    unread: bool = False
    page: int = 1


class TodoOut(Schema):
    id: int
    title: str
    url: str
    target_type: str
    target_id: str
    due: datetime.date | None
    created_at: datetime.datetime
    done_at: datetime.datetime | None
    is_overdue: bool


class TodoQuery(Schema):
    done: bool = False
    page: int = 1


class CountOut(Schema):
    count: int


@router.get("/notifications", response=Page[NotificationOut], summary="My notifications")
def list_notifications(request, filters: Query[NotificationQuery]):
    """Newest first; ``unread=true`` lists only the unread ones."""
    qs = selectors.notifications_for(actor(request), unread_only=filters.unread)
    return paginated(qs, filters.page)


@router.post(
    "/notifications/{int:notification_id}/read",
    response=NotificationOut,
    summary="Mark one of my notifications read",
)
def read_notification(request, notification_id: int):
    return services.mark_read(user=actor(request), notification_id=notification_id)


@router.post("/notifications/read-all", response=CountOut, summary="Mark all my notifications read")
def read_all_notifications(request):
    return {"count": services.mark_all_read(user=actor(request))}


@router.get("/todos", response=Page[TodoOut], summary="My to-do list")
def list_todos(request, filters: Query[TodoQuery]):
    """Open to-dos, soonest due first; ``done=true`` lists the finished ones instead."""
    user = actor(request)
    if filters.done:
        qs = selectors.todos_for(user).filter(done_at__isnull=False).order_by("-done_at")
    else:
        qs = selectors.open_todos_for(user)
    return paginated(qs, filters.page)
