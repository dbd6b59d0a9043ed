"""The bureau's verification of self-registered enterprises."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import InvalidState, PermissionRefused, ValidationFailed
from techbridge.notifications.models import Notification, Todo
from techbridge.orgs import verification
from techbridge.orgs.models import Organisation
from tests import factories
from tests.core.test_home import panel_context

pytestmark = pytest.mark.django_db

QUEUE = "/orgs/verification/"


@pytest.fixture
def pending(db):
    organisation = factories.EnterpriseFactory(
        name="待审核企业", region=factories.region("370200"), verification_status="pending"
    )
    factories.UserFactory(
        role=Role.ENTERPRISE, organisation=organisation, email="applicant@example.com"
    )
    return organisation


@pytest.fixture
def elsewhere(db):
    return factories.EnterpriseFactory(
        name="济南待审核企业",
        region=factories.region("370100", "济南市"),
        verification_status="pending",
    )


def test_city_bureau_sees_its_city_and_province_admin_its_province(users, pending, elsewhere):
    city = verification.pending_enterprises_for(users["city_bureau"])
    province = verification.pending_enterprises_for(users["province_admin"])

    assert list(city) == [pending]
    assert set(province) == {pending, elsewhere}


@pytest.mark.parametrize(
    "role", ["enterprise", "researcher", "unit", "tech_manager", "auditor", "other_enterprise"]
)
def test_other_roles_get_403_and_cannot_decide(client, users, pending, role):
    client.force_login(users[role])

    assert client.get(QUEUE).status_code == 403
    response = client.post(QUEUE, {"organisation": pending.pk, "decision": "approve"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.verification_status == "pending"


def test_city_bureau_cannot_decide_outside_its_city(client, users, elsewhere):
    client.force_login(users["city_bureau"])

    response = client.post(QUEUE, {"organisation": elsewhere.pk, "decision": "approve"})

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.verification_status == "pending"
    with pytest.raises(PermissionRefused):
        verification.approve_enterprise(actor=users["city_bureau"], organisation=elsewhere)


def test_queue_lists_pending_and_home_shows_the_count(client, users, pending):
    client.force_login(users["city_bureau"])

    assert "待审核企业" in client.get(QUEUE).content.decode()
    home = client.get("/")
    assert panel_context(home, "orgs/home/verification_queue.html") == {"pending": 1}
    assert QUEUE in home.content.decode()


def test_approve_verifies_audits_and_tells_the_applicant(client, users, pending, mailoutbox):
    Todo.objects.all().delete()
    verification.tell_verifiers(pending)
    client.force_login(users["city_bureau"])

    response = client.post(QUEUE, {"organisation": pending.pk, "decision": "approve"})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.is_verified and pending.verified_at is not None
    entry = AuditEntry.objects.filter(object_type="orgs.organisation", object_id=str(pending.pk))
    assert entry.filter(actor=users["city_bureau"], detail__verification="verified").exists()
    notice = Notification.objects.get(recipient__organisation=pending)
    assert notice.kind == Notification.Kind.WORKFLOW
    assert any("applicant@example.com" in m.to for m in mailoutbox)
    assert not Todo.objects.filter(target_id=pending.pk, done_at__isnull=True).exists()


def test_reject_needs_a_reason_and_changes_nothing_without(client, users, pending):
    client.force_login(users["city_bureau"])

    response = client.post(QUEUE, {"organisation": pending.pk, "decision": "reject", "reason": " "})

    assert response.status_code == 422
    pending.refresh_from_db()
    assert pending.verification_status == "pending"
    assert not Notification.objects.filter(recipient__organisation=pending).exists()
    with pytest.raises(ValidationFailed):
        verification.reject_enterprise(actor=users["city_bureau"], organisation=pending, reason="")


def test_reject_then_resubmit_then_approve(client, users, pending, mailoutbox):
    client.force_login(users["province_admin"])
    client.post(
        QUEUE, {"organisation": pending.pk, "decision": "reject", "reason": "营业执照名称不符"}
    )
    pending.refresh_from_db()
    assert pending.verification_status == "rejected"
    assert pending.verification_reason == "营业执照名称不符"
    notice = Notification.objects.get(recipient__organisation=pending)
    assert "营业执照名称不符" in notice.body
    assert any("营业执照名称不符" in m.body for m in mailoutbox)
    assert AuditEntry.objects.filter(detail__reason="营业执照名称不符").exists()

    applicant = pending.members.get()
    client.force_login(applicant)
    assert "营业执照名称不符" in client.get("/").content.decode()
    response = client.post(f"/orgs/{pending.pk}/resubmit/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_status == "pending"

    verification.approve_enterprise(actor=users["city_bureau"], organisation=pending)
    assert Organisation.objects.get(pk=pending.pk).is_verified


def test_only_the_enterprise_resubmits_and_only_when_rejected(client, users, pending):
    with pytest.raises(InvalidState):
        verification.resubmit_enterprise(actor=pending.members.get(), organisation=pending)
    Organisation.objects.filter(pk=pending.pk).update(verification_status="rejected")
    client.force_login(users["enterprise"])

    assert client.post(f"/orgs/{pending.pk}/resubmit/").status_code == 403
    pending.refresh_from_db()
    assert pending.verification_status == "rejected"


def test_deciding_twice_is_refused(users, pending):
    verification.approve_enterprise(actor=users["city_bureau"], organisation=pending)

    with pytest.raises(InvalidState):
        verification.reject_enterprise(
            actor=users["city_bureau"], organisation=pending, reason="重复"
        )
