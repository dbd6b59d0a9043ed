"""The audit trail is a hash chain: entries link to their predecessor and tampering is found."""

from __future__ import annotations

import pytest

from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry


@pytest.mark.django_db
def test_entries_chain_and_verify(users):
    first = audit.record(
        actor=users["enterprise"],
        action=AuditEntry.Action.CREATE,
        object_type="x",
        object_id=1,
        summary="一",
    )
    second = audit.record(
        actor=users["auditor"],
        action=AuditEntry.Action.VIEW_PROTECTED,
        object_type="x",
        object_id=1,
        summary="二",
    )
    assert second.previous_hash == first.entry_hash
    assert audit.verify_chain() is None


@pytest.mark.django_db
def test_tampering_with_an_entry_is_detected(users):
    audit.record(
        actor=users["enterprise"], action=AuditEntry.Action.CREATE, object_type="x", object_id=1
    )
    victim = audit.record(
        actor=users["enterprise"],
        action=AuditEntry.Action.UPDATE,
        object_type="x",
        object_id=1,
        summary="original",
    )
    audit.record(
        actor=users["enterprise"], action=AuditEntry.Action.CLOSE, object_type="x", object_id=1
    )
    AuditEntry.objects.filter(pk=victim.pk).update(summary="rewritten")
    assert audit.verify_chain() == victim.pk


@pytest.mark.django_db
def test_auditor_reads_the_trail_in_admin_but_cannot_change_it(client, users):
    auditor = users["auditor"]
    auditor.is_staff = True
    auditor.save()
    entry = audit.record(
        actor=users["enterprise"],
        action=AuditEntry.Action.CREATE,
        object_type="x",
        object_id=1,
        summary="可读",
    )
    client.force_login(auditor)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    response = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"summary": "改"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.summary == "可读"
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_other_staff_roles_cannot_read_the_trail(client, users):
    user = users["city_bureau"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/audit/auditentry/").status_code == 403
