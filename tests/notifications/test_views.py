"""Notification pages: each user sees and changes only their own rows; unsubscribe needs no
sign-in and works only for its token."""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from techbridge.notifications import selectors, services


def _note(user, title, **kwargs):
    return services.notify(recipient=user, kind="system", title=title, email="none", **kwargs)


def test_pages_need_sign_in(db):
    client = Client()
    for name in ("list", "todos", "preferences"):
        response = client.get(reverse(f"notifications:{name}"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_list_shows_only_my_notifications_with_unread_highlighted(alice, bob, signed_in):
    read = _note(alice, "Alice read this")
    services.mark_read(user=alice, notification_id=read.pk)
    _note(alice, "Alice has not read this")
    _note(bob, "Bob's secret")

    response = signed_in(alice).get(reverse("notifications:list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Alice read this" in content and "Alice has not read this" in content
    assert "Bob&#x27;s secret" not in content and "Bob's secret" not in content
    assert content.count('class="unread"') == 1
    # The top bar's badge counts the unread one.
    assert response.context["unread_notification_count"] == 1

    response = signed_in(alice).get(reverse("notifications:list") + "?unread=1")
    assert "Alice read this" not in response.content.decode()


def test_mark_read_with_htmx_returns_the_row(alice, signed_in):
    n = _note(alice, "Mark me")
    response = signed_in(alice).post(
        reverse("notifications:read", args=[n.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="notification-{n.pk}"' in response.content.decode()
    assert 'class="read"' in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is not None


def test_marking_another_users_notification_is_404_and_changes_nothing(alice, bob, signed_in):
    n = _note(alice, "Alice's")
    client = signed_in(bob)
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_read_needs_post(alice, signed_in):
    n = _note(alice, "Mark me")
    assert signed_in(alice).get(reverse("notifications:read", args=[n.pk])).status_code == 405


def test_opening_a_notification_marks_it_read_and_follows_only_local_links(alice, signed_in):
    local = _note(alice, "Local", url="/demands/")
    foreign = _note(alice, "Foreign", url="https://evil.example.com/")
    client = signed_in(alice)
    response = client.get(reverse("notifications:open", args=[local.pk]))
    assert response["Location"] == "/demands/"
    response = client.get(reverse("notifications:open", args=[foreign.pk]))
    assert response["Location"] == reverse("notifications:list")
    assert selectors.unread_count(alice) == 0


def test_mark_all_read(alice, signed_in):
    _note(alice, "One")
    _note(alice, "Two")
    response = signed_in(alice).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert selectors.unread_count(alice) == 0


def test_todo_page_shows_my_open_todos_and_flags_overdue(alice, bob, target, signed_in):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.open_todo(owner=bob, title="Late review", url="/x/", target=target, due=yesterday)
    services.open_todo(owner=bob, title="Done review", url="/y/", target=target)
    services.close_todos(target=target, owner=bob)
    services.open_todo(owner=bob, title="Open review", url="/z/", target=target)
    services.open_todo(owner=alice, title="Alice's task", url="/a/", target=target)

    content = signed_in(bob).get(reverse("notifications:todos")).content.decode()
    assert "Open review" in content
    assert "Done review" in content  # under "Recently done"
    assert "Alice" not in content
    assert 'class="overdue"' not in content  # the late one was closed

    services.open_todo(owner=bob, title="Late again", url="/x/", target=target, due=yesterday)
    content = signed_in(bob).get(reverse("notifications:todos")).content.decode()
    assert content.count('class="overdue"') == 1


def test_preferences_page_switches_emails_off(alice, signed_in):
    client = signed_in(alice)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(reverse("notifications:preferences"), {"email_digest": "on"})
    assert response.status_code == 302
    preference = selectors.preferences_for(alice)
    assert preference.email_digest and not preference.immediate_email
    services.notify(recipient=alice, kind="todo", title="Quiet", email="immediate")
    assert mail.outbox == []


def test_unsubscribe_needs_no_sign_in_and_only_its_token(alice, bob):
    token = selectors.preferences_for(alice).unsubscribe_token
    selectors.preferences_for(bob)
    client = Client(enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", args=[token])

    # Opening the link (as a mail scanner would) changes nothing.
    response = client.get(url)
    assert response.status_code == 200
    assert selectors.preferences_for(alice).email_digest

    # One click (or the mail client's one-click POST, without a CSRF token).
    response = client.post(url)
    assert response.status_code == 200
    assert "unsubscribed" in response.templates[0].name
    alice_preference = selectors.preferences_for(alice)
    assert not alice_preference.email_digest and not alice_preference.immediate_email
    bob_preference = selectors.preferences_for(bob)
    assert bob_preference.email_digest and bob_preference.immediate_email

    for bad in ("nope", token + "x"):
        bad_url = reverse("notifications:unsubscribe", args=[bad])
        assert client.get(bad_url).status_code == 404
        assert client.post(bad_url).status_code == 404


def test_badge_in_top_bar(alice, signed_in):
    _note(alice, "One")
    _note(alice, "Two")
    content = signed_in(alice).get(reverse("core:home")).content.decode()
    assert reverse("notifications:todos") in content
    assert re.search(r'class="badge unread-count"[^>]*>2</span>', content)
    services.mark_all_read(user=alice)
    content = signed_in(alice).get(reverse("core:home")).content.decode()
    assert "unread-count" not in content
