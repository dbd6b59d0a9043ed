"""The organisation pages: directory, contact masking, registration, editing, managers."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from techbridge.audit.models import AuditEntry
from techbridge.orgs.models import Organisation
from tests import factories

ROLES = [
    "enterprise",
    "other_enterprise",
    "researcher",
    "unit",
    "city_bureau",
    "province_admin",
    "tech_manager",
    "auditor",
]
# Members, authorised managers (none here) and the bureaus of the region see the contact.
SEES_CONTACT = {"enterprise", "city_bureau", "province_admin"}


def registration_data(**overrides):
    data = {
        "name": "青岛新注册材料有限公司",
        "credit_code": factories.credit_code(777),
        "registered_on": "2019-03-01",
        "region": factories.region().code,
        "industry": factories.industry().code,
        "size": Organisation.Size.SMALL,
        "is_independent_legal_person": "on",
        "contact_name": "李经理",
        "contact_phone": "13800000000",
        "contact_email": "li@example.com",
        "address": "青岛市崂山区",
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def enterprise_contact(enterprise):
    enterprise.contact_phone = "0532-12345678"
    enterprise.save()
    return enterprise


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_detail_shows_contact_and_credit_code_only_to_entitled_roles(
    client, users, enterprise_contact, role
):
    client.force_login(users[role])
    html = client.get(f"/orgs/{enterprise_contact.pk}/").content.decode()
    assert enterprise_contact.name in html
    assert ("0532-12345678" in html) is (role in SEES_CONTACT)
    assert (enterprise_contact.credit_code in html) is (role in SEES_CONTACT)


@pytest.mark.django_db
def test_authorised_manager_sees_contact(client, users, enterprise_contact):
    enterprise_contact.authorised_managers.add(users["tech_manager"])
    client.force_login(users["tech_manager"])
    html = client.get(f"/orgs/{enterprise_contact.pk}/").content.decode()
    assert enterprise_contact.credit_code in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_list_shows_names_but_no_contact(client, users, enterprise_contact, role):
    client.force_login(users[role])
    html = client.get("/orgs/").content.decode()
    assert enterprise_contact.name in html
    assert enterprise_contact.credit_code not in html
    assert "0532-12345678" not in html


@pytest.mark.django_db
def test_list_filters_by_kind_region_and_name(client, users, enterprise, unit):
    jinan = factories.region("370100", "济南市")
    jinan_unit = factories.UnitFactory(name="济南测试研究院", region=jinan)
    # The auditor's own organisation is none of these, so the page header names none of them.
    client.force_login(users["auditor"])

    def names(**params):
        html = client.get("/orgs/", params).content.decode()
        return {o.name for o in (enterprise, unit, jinan_unit) if o.name in html}

    assert names(kind="unit") == {unit.name, jinan_unit.name}
    assert names(region="370100") == {jinan_unit.name}
    assert names(region="370000", kind="enterprise") == {enterprise.name}
    assert names(q="研究院") == {jinan_unit.name}


@pytest.mark.django_db
def test_list_htmx_returns_only_the_table(client, users, enterprise):
    client.force_login(users["researcher"])
    html = client.get(
        "/orgs/", {"kind": "enterprise"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    assert 'id="organisation-table"' in html
    assert enterprise.name in html
    assert "<html" not in html


@pytest.mark.django_db
def test_pages_need_login(client, enterprise):
    for url in ("/orgs/", f"/orgs/{enterprise.pk}/", "/orgs/register/"):
        assert client.get(url).status_code == 302


# Registration -----------------------------------------------------------------------------------


@pytest.fixture
def newcomer(db):
    return factories.UserFactory(role=Role.ENTERPRISE, organisation=None)


@pytest.mark.django_db
def test_enterprise_user_registers_their_enterprise(client, newcomer):
    client.force_login(newcomer)
    assert client.get("/orgs/register/").status_code == 200
    response = client.post("/orgs/register/", registration_data())
    organisation = Organisation.objects.get(name="青岛新注册材料有限公司")
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/{organisation.pk}/"
    newcomer.refresh_from_db()
    assert newcomer.organisation == organisation
    assert organisation.is_enterprise


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91370200MA3C12345", "must have 18 characters; this one has 17"),
        (factories.credit_code(5)[:-1] + "X", "check character"),
        ("91370200MA3C1234IO", "characters that are not allowed"),
    ],
)
def test_bad_credit_code_is_refused_with_the_reason(client, english, newcomer, code, reason):
    if reason == "check character" and code == factories.credit_code(5):
        pytest.skip("the replacement character happened to be the right one")
    client.force_login(newcomer)
    before = Organisation.objects.count()
    response = client.post("/orgs/register/", registration_data(credit_code=code))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert Organisation.objects.count() == before
    newcomer.refresh_from_db()
    assert newcomer.organisation is None


@pytest.mark.django_db
def test_future_registration_date_is_shown(client, english, newcomer):
    client.force_login(newcomer)
    response = client.post("/orgs/register/", registration_data(registered_on="2999-01-01"))
    assert "The registration date lies in the future." in response.content.decode()
    assert not Organisation.objects.filter(name="青岛新注册材料有限公司").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enterprise", "researcher", "unit", "city_bureau", "auditor"])
def test_registration_refused_for_other_roles_and_enterprises_that_have_one(client, users, role):
    client.force_login(users[role])
    before = Organisation.objects.count()
    response = client.post("/orgs/register/", registration_data())
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in response.content.decode()
    assert Organisation.objects.count() == before


# Editing and managers ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_member_edits_enterprise(client, users, enterprise):
    client.force_login(users["enterprise"])
    page = client.get(f"/orgs/{enterprise.pk}/edit/").content.decode()
    assert enterprise.credit_code in page
    data = registration_data(name="改名后的公司", credit_code=enterprise.credit_code)
    response = client.post(f"/orgs/{enterprise.pk}/edit/", data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "改名后的公司"


@pytest.mark.django_db
def test_edit_with_bad_code_changes_nothing(client, english, users, enterprise):
    client.force_login(users["enterprise"])
    old = enterprise.name
    response = client.post(
        f"/orgs/{enterprise.pk}/edit/", registration_data(name="新名字", credit_code="123")
    )
    assert "must have 18 characters" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.name == old


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["other_enterprise", "researcher", "unit", "city_bureau", "tech_manager", "auditor"]
)
def test_edit_refused_for_others(client, users, enterprise, role):
    client.force_login(users[role])
    assert client.get(f"/orgs/{enterprise.pk}/edit/").status_code == 403
    data = registration_data(name="篡改", credit_code=enterprise.credit_code)
    assert client.post(f"/orgs/{enterprise.pk}/edit/", data).status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.name != "篡改"


@pytest.mark.django_db
def test_enterprise_authorises_a_technology_manager(client, users, enterprise):
    manager = users["tech_manager"]
    client.force_login(users["enterprise"])
    page = client.get(f"/orgs/{enterprise.pk}/managers/", {"q": manager.username})
    assert f'value="{manager.pk}"' in page.content.decode()
    response = client.post(f"/orgs/{enterprise.pk}/managers/", {"manager": manager.pk})
    assert response.status_code == 302
    assert enterprise.authorised_managers.filter(pk=manager.pk).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRANT).count() == 1
    # The manager may now publish demands for the enterprise.
    client.force_login(manager)
    assert client.get("/demands/new/").status_code == 200


@pytest.mark.django_db
def test_only_technology_managers_can_be_authorised(client, users, enterprise):
    client.force_login(users["enterprise"])
    response = client.post(f"/orgs/{enterprise.pk}/managers/", {"manager": users["unit"].pk})
    assert response.status_code == 200
    assert not enterprise.authorised_managers.exists()


@pytest.mark.django_db
def test_authorised_manager_cannot_authorise_others(client, english, users, enterprise):
    enterprise.authorised_managers.add(users["tech_manager"])
    another = factories.UserFactory(role=Role.TECH_MANAGER)
    client.force_login(users["tech_manager"])
    response = client.post(f"/orgs/{enterprise.pk}/managers/", {"manager": another.pk})
    assert "Only the enterprise itself authorises" in response.content.decode()
    assert not enterprise.authorised_managers.filter(pk=another.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_enterprise", "researcher", "city_bureau", "auditor"])
def test_authorise_page_refused_for_others(client, users, enterprise, role):
    client.force_login(users[role])
    manager = users["tech_manager"]
    assert client.get(f"/orgs/{enterprise.pk}/managers/").status_code == 403
    response = client.post(f"/orgs/{enterprise.pk}/managers/", {"manager": manager.pk})
    assert response.status_code == 403
    assert not enterprise.authorised_managers.exists()
