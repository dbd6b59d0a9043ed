"""Bureau staff create unit administrators, who set their password from an e-mailed link."""

from __future__ import annotations

import re

import pytest

from techbridge.accounts import unit_admins
from techbridge.accounts.models import Role, User
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = "/accounts/unit-administrators/"


def _data(unit, **changes):
    data = {
        "unit": unit.pk,
        "name": "孙管理",
        "email": "sun@example.edu.cn",
        "username": "sunadmin",
    }
    data.update(changes)
    return data


def test_city_bureau_creates_an_administrator_who_sets_the_password(
    client, users, unit, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(users["city_bureau"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, _data(unit))

    assert response.status_code == 302
    admin = User.objects.get(username="sunadmin")
    assert (admin.role, admin.organisation, admin.is_active) == (Role.UNIT, unit, True)
    assert not admin.has_usable_password()
    assert AuditEntry.objects.filter(
        object_type="accounts.user", object_id=str(admin.pk), actor=users["city_bureau"]
    ).exists()
    mail = mailoutbox[-1]
    assert mail.to == ["sun@example.edu.cn"] and "sunadmin" in mail.body
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.body)[1]

    client.logout()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        set_url, {"new_password1": "Unit-Admin-2026", "new_password2": "Unit-Admin-2026"}
    )
    assert response.status_code == 302
    assert client.login(username="sunadmin", password="Unit-Admin-2026")
    # The link worked once.
    assert "validlink" in client.get(path, follow=True).context
    assert not client.get(path, follow=True).context["validlink"]


@pytest.mark.parametrize("role", ["enterprise", "researcher", "unit", "tech_manager", "auditor"])
def test_other_roles_are_refused(client, users, unit, role):
    client.force_login(users[role])

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, _data(unit)).status_code == 403
    assert not User.objects.filter(username="sunadmin").exists()


def test_bureau_cannot_create_for_a_unit_outside_its_region(client, users):
    far_unit = factories.UnitFactory(region=factories.region("370100", "济南市"))
    client.force_login(users["city_bureau"])

    response = client.post(PAGE, _data(far_unit))

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not User.objects.filter(username="sunadmin").exists()
    with pytest.raises(PermissionRefused):
        unit_admins.create_unit_administrator(
            actor=users["city_bureau"], unit=far_unit, username="x", name="x", email="x@x.cn"
        )
    # The provincial administrator may.
    unit_admins.create_unit_administrator(
        actor=users["province_admin"], unit=far_unit, username="x", name="x", email="x@x.cn"
    )


def test_taken_user_name_is_a_field_error_and_nothing_is_created(client, users, unit, mailoutbox):
    factories.UserFactory(username="sunadmin")
    client.force_login(users["city_bureau"])
    before = User.objects.count()

    response = client.post(PAGE, _data(unit, name=""))
    assert "name" in response.context["form"].errors
    response = client.post(PAGE, _data(unit))

    assert "username" in response.context["form"].errors
    assert 'value="sun@example.edu.cn"' in response.content.decode()
    assert User.objects.count() == before
    assert not mailoutbox
