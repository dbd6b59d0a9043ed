"""Password reset by e-mail, password change and the account page."""

from __future__ import annotations

import re

import pytest

from techbridge.audit.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_login_page_links_to_reset_and_registration(client):
    html = client.get("/accounts/login/").content.decode()

    assert 'href="/accounts/password_reset/"' in html
    assert 'href="/accounts/register/"' in html
    assert "忘记密码" in html


def test_password_reset_by_email(client, mailoutbox):
    user = factories.UserFactory(username="forgetful", email="f@example.com")
    assert client.get("/accounts/password_reset/").status_code == 200

    response = client.post("/accounts/password_reset/", {"email": "f@example.com"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "forgetful" in body
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", body)[1]
    response = client.get(path, follow=True)
    set_url = response.redirect_chain[-1][0]
    assert "新密码" in response.content.decode() or "密码" in response.content.decode()
    response = client.post(
        set_url, {"new_password1": "Brand-New-Pass-1", "new_password2": "Brand-New-Pass-1"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-New-Pass-1")


def test_password_reset_for_an_unknown_address_sends_nothing(client, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert not mailoutbox


def test_weak_new_password_is_refused(client):
    user = factories.UserFactory()
    client.force_login(user)

    response = client.post(
        "/accounts/password_change/",
        {"old_password": "pass-word-123", "new_password1": "123", "new_password2": "123"},
    )

    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password("pass-word-123")


def test_password_change(client):
    user = factories.UserFactory()
    client.force_login(user)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "pass-word-123",
            "new_password1": "Another-Pass-77",
            "new_password2": "Another-Pass-77",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-Pass-77")


def test_account_page_needs_login(client):
    response = client.get("/accounts/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_account_page_edits_contact_details_audited(client):
    user = factories.UserFactory(display_name="旧名", email="old@example.com")
    client.force_login(user)
    assert client.get("/accounts/").status_code == 200

    response = client.post(
        "/accounts/", {"display_name": "新名", "email": "new@example.com", "phone": "13900000000"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.email, user.phone) == ("新名", "new@example.com", "13900000000")
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert entry.detail["fields"] == ["display_name", "email", "phone"]


def test_bad_email_changes_nothing(client):
    user = factories.UserFactory(display_name="旧名", email="old@example.com")
    client.force_login(user)

    response = client.post("/accounts/", {"display_name": "新名", "email": "bad", "phone": ""})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert 'value="新名"' in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "旧名"
    assert not AuditEntry.objects.filter(object_type="accounts.user").exists()


def test_only_ones_own_details(users):
    from techbridge.accounts.profile import update_contact_details
    from techbridge.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        update_contact_details(
            actor=users["city_bureau"], user=users["enterprise"], data={"email": "x@x.cn"}
        )
