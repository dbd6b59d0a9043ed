"""Contacts over the JSON API: the same rules and effects as the pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from techbridge.audit.models import AuditEntry
from techbridge.contacts.models import Contact
from techbridge.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_invite_answer_and_write_over_the_api(users, demand, researcher):
    enterprise = _client(users["enterprise"])
    response = _post(
        enterprise,
        "/api/contacts/invitations",
        {"demand_id": demand.pk, "researcher_id": researcher.pk, "message": "请联系"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "sent" and body["my_side"] == "enterprise"
    assert body["actions"] == ["withdraw"]
    assert Notification.objects.filter(recipient=users["researcher"]).exists()

    me = _client(users["researcher"])
    listed = me.get("/api/contacts?box=waiting").json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    opened = me.get(f"/api/contacts/{body['id']}").json()
    assert opened["state"] == "viewed" and opened["actions"] == ["accept", "decline"]
    assert opened["contact_details"] is None

    bad = _post(me, f"/api/contacts/{body['id']}/steps", {"step": "decline", "reason": "x"})
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    accepted = _post(me, f"/api/contacts/{body['id']}/steps", {"step": "accept"})
    assert accepted.status_code == 200
    assert accepted.json()["contact_details"]["phone"] == "0532-88886666"

    sent = _post(enterprise, f"/api/contacts/{body['id']}/messages", {"body": "周三见"})
    assert sent.status_code == 201
    thread = me.get(f"/api/contacts/{body['id']}/messages").json()
    assert [m["body"] for m in thread] == ["周三见"]
    assert _client(users["unit"]).get(f"/api/contacts/{body['id']}/messages").status_code == 403
    assert _client(users["other_enterprise"]).get(f"/api/contacts/{body['id']}").status_code == 404


def test_interest_over_the_api_and_refusals_change_nothing(users, demand):
    refused = _post(
        _client(users["enterprise"]), "/api/contacts/interests", {"demand_id": demand.pk}
    )
    assert refused.status_code == 403
    missing = _post(_client(users["researcher"]), "/api/contacts/interests", {"demand_id": 99999})
    assert missing.status_code == 404
    assert not Contact.objects.exists()
    created = _post(
        _client(users["researcher"]),
        "/api/contacts/interests",
        {"demand_id": demand.pk, "message": "揭榜"},
    )
    assert created.status_code == 201
    assert AuditEntry.objects.filter(object_type="contacts.contact", action="create").count() == 1
    wrong_step = _post(
        _client(users["researcher"]),
        f"/api/contacts/{created.json()['id']}/steps",
        {"step": "expire"},
    )
    assert wrong_step.status_code == 422
