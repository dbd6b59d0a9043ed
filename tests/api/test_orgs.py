"""Organisations through the API: contacts per role, registration and editing of enterprises."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from techbridge.orgs.models import Organisation
from tests import factories

CONTACT = ("credit_code", "contact_name", "contact_phone", "contact_email", "address")


@pytest.mark.parametrize(
    ("role", "sees_contact"),
    [
        ("enterprise", True),
        ("other_enterprise", False),
        ("researcher", False),
        ("unit", False),
        ("city_bureau", True),
        ("province_admin", True),
        ("tech_manager", False),
        ("auditor", False),
    ],
)
def test_contact_fields_follow_can_see_contact(role, sees_contact, users, enterprise, api_client):
    enterprise.contact_phone = "0532-1111"
    enterprise.address = "青岛市崂山区"
    enterprise.save()
    body = api_client(users[role]).get(f"/api/organisations/{enterprise.pk}").json()
    assert body["name"] == enterprise.name
    assert body["contact_visible"] is sees_contact
    for field in CONTACT:
        if sees_contact:
            assert body[field] == getattr(enterprise, field)
        else:
            assert body[field] is None


def test_list_filters_and_never_carries_contacts(users, enterprise, unit, api_client):
    client = api_client(users["researcher"])
    body = client.get("/api/organisations", {"kind": "unit"}).json()
    assert [o["id"] for o in body["items"]] == [unit.pk]
    assert "credit_code" not in body["items"][0]
    named = client.get("/api/organisations", {"q": enterprise.name}).json()
    assert [o["id"] for o in named["items"]] == [enterprise.pk]
    assert client.get("/api/organisations", {"region": "110000"}).json()["count"] == 0
    assert client.get("/api/organisations", {"region": "370000"}).json()["count"] >= 2
    assert client.get("/api/organisations/999999").status_code == 404


ENTERPRISE = {
    "name": "青岛新材料有限公司",
    "registered_on": "2019-03-01",
    "region": "370200",
    "industry": "39",
    "contact_name": "李经理",
}


@pytest.fixture
def newcomer(db):
    """An enterprise user who has not registered their company yet."""
    factories.industry()
    return factories.UserFactory(role=Role.ENTERPRISE, organisation=None)


def test_enterprise_user_registers_their_company(newcomer, api_client):
    data = ENTERPRISE | {"credit_code": factories.credit_code(77)}
    response = api_client(newcomer).post(
        "/api/organisations/enterprises", data, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    newcomer.refresh_from_db()
    assert newcomer.organisation_id == response.json()["id"]
    assert response.json()["credit_code"] == data["credit_code"]


def test_invalid_credit_code_is_422_with_the_services_message(newcomer, api_client):
    bad = factories.credit_code(77)[:-1] + ("0" if factories.credit_code(77)[-1] != "0" else "1")
    response = api_client(newcomer).post(
        "/api/organisations/enterprises",
        ENTERPRISE | {"credit_code": bad},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "credit_code"
    assert "校验码" in response.json()["detail"]
    assert not Organisation.objects.filter(name=ENTERPRISE["name"]).exists()


def test_unknown_industry_is_422(newcomer, api_client):
    response = api_client(newcomer).post(
        "/api/organisations/enterprises",
        ENTERPRISE | {"credit_code": factories.credit_code(77), "industry": "99"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "industry"
    assert not Organisation.objects.filter(name=ENTERPRISE["name"]).exists()


@pytest.mark.parametrize("role", ["researcher", "unit", "city_bureau", "auditor"])
def test_other_roles_cannot_register_enterprises(role, users, api_client):
    response = api_client(users[role]).post(
        "/api/organisations/enterprises",
        ENTERPRISE | {"credit_code": factories.credit_code(77)},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name=ENTERPRISE["name"]).exists()


def test_member_edits_their_enterprise(users, enterprise, api_client):
    response = api_client(users["enterprise"]).patch(
        f"/api/organisations/{enterprise.pk}",
        {"contact_phone": "0532-2222"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "0532-2222"


@pytest.mark.parametrize(
    "role", ["other_enterprise", "researcher", "unit", "city_bureau", "tech_manager", "auditor"]
)
def test_others_cannot_edit_the_enterprise(role, users, enterprise, api_client):
    response = api_client(users[role]).patch(
        f"/api/organisations/{enterprise.pk}",
        {"name": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.name != "改名"
