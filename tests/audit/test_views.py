"""The audit page: auditors read and filter it, verify the chain; other roles are refused."""

from __future__ import annotations

import pytest

from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry


@pytest.fixture
def entries(users):
    audit.record(
        actor=users["enterprise"],
        action=AuditEntry.Action.CREATE,
        object_type="demands.demand",
        object_id=7,
        summary="新建需求甲",
    )
    audit.record(
        actor=users["city_bureau"],
        action=AuditEntry.Action.VIEW_PROTECTED,
        object_type="demands.demand",
        object_id=7,
        summary="查看需求甲",
    )


@pytest.mark.django_db
def test_auditor_reads_and_filters_the_trail(client, users, entries):
    client.force_login(users["auditor"])
    page = client.get("/audit/").content.decode()
    assert "新建需求甲" in page and "查看需求甲" in page
    filtered = client.get("/audit/", {"action": "view_protected"}).content.decode()
    assert "查看需求甲" in filtered and "新建需求甲" not in filtered
    by_actor = client.get("/audit/", {"actor": users["enterprise"].username}).content.decode()
    assert "新建需求甲" in by_actor and "查看需求甲" not in by_actor


@pytest.mark.django_db
def test_chain_verification_reports_tampering(client, users, entries):
    client.force_login(users["auditor"])
    assert client.get("/audit/", {"verify": "1"}).context["verified"] is True
    AuditEntry.objects.filter(summary="新建需求甲").update(summary="改过")
    response = client.get("/audit/", {"verify": "1"})
    assert response.context["verified"] is False
    assert response.context["broken_id"] == AuditEntry.objects.get(summary="改过").pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "enterprise",
        "other_enterprise",
        "researcher",
        "unit",
        "city_bureau",
        "province_admin",
        "tech_manager",
    ],
)
def test_other_roles_are_refused(client, users, entries, role):
    client.force_login(users[role])
    assert client.get("/audit/").status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
