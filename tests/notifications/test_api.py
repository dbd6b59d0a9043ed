"""Notifications and to-dos over the API: only the caller's own."""

from __future__ import annotations

from django.test import Client

from techbridge.notifications import selectors, services


def test_anonymous_callers_are_refused(db):
    client = Client()
    assert client.get("/api/notifications").status_code == 401
    assert client.get("/api/todos").status_code == 401
    assert client.post("/api/notifications/1/read").status_code == 401


def test_list_is_mine_only_and_filters_unread(alice, bob, signed_in):
    read = services.notify(recipient=alice, kind="system", title="Read", email="none")
    services.mark_read(user=alice, notification_id=read.pk)
    services.notify(recipient=alice, kind="demand_match", title="Unread", email="none")
    services.notify(recipient=bob, kind="system", title="Bob's", email="none")

    body = signed_in(alice).get("/api/notifications").json()
    assert body["count"] == 2
    assert {item["title"] for item in body["items"]} == {"Read", "Unread"}
    body = signed_in(alice).get("/api/notifications?unread=true").json()
    assert [item["title"] for item in body["items"]] == ["Unread"]
    assert body["items"][0]["kind"] == "demand_match"
    assert body["items"][0]["is_read"] is False


def test_read_my_notification_and_not_anothers(alice, bob, signed_in):
    mine = services.notify(recipient=alice, kind="system", title="Mine", email="none")
    theirs = services.notify(recipient=bob, kind="system", title="Bob's", email="none")
    client = signed_in(alice)

    response = client.post(f"/api/notifications/{mine.pk}/read")
    assert response.status_code == 200
    assert response.json()["is_read"] is True

    response = client.post(f"/api/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    assert selectors.unread_count(bob) == 1

    assert client.post("/api/notifications/read-all").json() == {"count": 0}


def test_todos_are_mine_only(alice, bob, target, signed_in):
    services.open_todo(owner=alice, title="Alice's", url="/a/", target=target)
    services.open_todo(owner=bob, title="Bob's", url="/b/", target=target)
    services.open_todo(owner=alice, title="Finished", url="/c/", target=target)
    services.close_todos(target=target, owner=alice)
    services.open_todo(owner=alice, title="Still open", url="/d/", target=target)

    body = signed_in(alice).get("/api/todos").json()
    assert [item["title"] for item in body["items"]] == ["Still open"]
    body = signed_in(alice).get("/api/todos?done=true").json()
    assert {item["title"] for item in body["items"]} == {"Alice's", "Finished"}
