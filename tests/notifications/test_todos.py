"""To-dos opened and closed by a workflow: idempotent both ways."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from techbridge.core.errors import ValidationFailed
from techbridge.demands.models import Demand
from techbridge.notifications import selectors, services
from techbridge.notifications.models import Notification, Todo
from tests import factories


def test_open_todo_lists_it_and_notifies_the_owner_at_once(bob, target):
    due = datetime.date(2026, 4, 1)
    todo = services.open_todo(
        owner=bob, title="Review application X", url="/dispatch/1/", target=target, due=due
    )
    assert list(selectors.open_todos_for(bob)) == [todo]
    assert (todo.target_type, todo.target_id, todo.due) == ("demands.demand", str(target.pk), due)
    notice = Notification.objects.get(recipient=bob)
    assert notice.kind == Notification.Kind.TODO
    assert notice.title == "Review application X"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bob@example.com"]


def test_opening_the_same_todo_twice_keeps_one(bob, target):
    first = services.open_todo(owner=bob, title="Review X", url="/a/", target=target)
    again = services.open_todo(
        owner=bob, title="Review X", url="/b/", target=target, due=datetime.date(2026, 5, 1)
    )
    assert again.pk == first.pk
    assert again.url == "/b/" and again.due == datetime.date(2026, 5, 1)
    assert Todo.objects.count() == 1
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_close_todos_is_idempotent_and_marks_the_todo_notification_read(bob, target):
    services.open_todo(owner=bob, title="Review X", url="/a/", target=target)
    assert services.close_todos(target=target) == 1
    assert not selectors.open_todos_for(bob).exists()
    assert selectors.unread_count(bob) == 0
    assert Todo.objects.get().done_at is not None
    assert services.close_todos(target=target) == 0
    # Once done, the same to-do can be opened again (returned for changes, say).
    reopened = services.open_todo(owner=bob, title="Review X", url="/a/", target=target)
    assert reopened.done_at is None
    assert Todo.objects.count() == 2


def test_close_todos_for_one_owner_leaves_the_others(alice, bob, target):
    services.open_todo(owner=alice, title="Confirm", url="", target=target)
    services.open_todo(owner=bob, title="Confirm", url="", target=target)
    other = factories.DemandFactory()
    services.open_todo(owner=bob, title="Confirm", url="", target=other)

    assert services.close_todos(target=target, owner=bob) == 1
    assert selectors.open_todos_for(alice).count() == 1
    assert list(selectors.open_todos_for(bob).values_list("target_id", flat=True)) == [
        str(other.pk)
    ]


def test_a_todo_needs_a_saved_target_and_a_title(bob, target):
    with pytest.raises(ValidationFailed):
        services.open_todo(owner=bob, title="X", url="", target=None)
    with pytest.raises(ValidationFailed):
        services.open_todo(owner=bob, title="X", url="", target=Demand())
    with pytest.raises(ValidationFailed):
        services.open_todo(owner=bob, title=" ", url="", target=target)
    assert not Todo.objects.exists()
    assert not Notification.objects.exists()


def test_overdue_and_ordering(bob, target):
    today = timezone.localdate()
    later = services.open_todo(
        owner=bob, title="Later", url="", target=target, due=today + datetime.timedelta(days=3)
    )
    undated = services.open_todo(owner=bob, title="Undated", url="", target=target)
    late = services.open_todo(
        owner=bob, title="Late", url="", target=target, due=today - datetime.timedelta(days=1)
    )
    assert list(selectors.open_todos_for(bob)) == [late, later, undated]
    assert late.is_overdue and not later.is_overdue and not undated.is_overdue


def test_todo_without_immediate_email_waits_for_the_digest(bob, target):
    services.update_preferences(user=bob, email_digest=True, immediate_email=False)
    services.open_todo(owner=bob, title="Review X", url="/a/", target=target)
    assert mail.outbox == []
    assert services.send_daily_digests() == 1
    assert "Review X" in mail.outbox[0].body
