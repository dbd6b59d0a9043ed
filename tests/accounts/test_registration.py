"""Enterprise self-registration: the form, the service and what the new account may do."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role, User
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused
from techbridge.demands import services as demand_services
from techbridge.demands.models import Demand
from techbridge.notifications.models import Notification, Todo
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Region
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/accounts/register/enterprise/"


def _form(**changes):
    data = {
        "name": "青岛新注册电池科技有限公司",
        "credit_code": factories.credit_code(777),
        "registered_on": "2021-04-08",
        "industry": "38",
        "city": "370200",
        "county": "370211",
        "contact_name": "王经理",
        "contact_phone": "0532-88886666",
        "contact_email": "wang@example.com",
        "username": "newcompany",
        "password1": "Battery-Lab-2026",
        "password2": "Battery-Lab-2026",
    }
    data.update(changes)
    return data


def test_choice_page_offers_enterprise_and_researcher(client):
    response = client.get("/accounts/register/")

    assert response.status_code == 200
    assert URL in response.content.decode()


def test_registration_creates_pending_enterprise_and_its_user_and_logs_in(client, users):
    response = client.post(URL, _form())

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="青岛新注册电池科技有限公司")
    assert organisation.verification_status == Organisation.Verification.PENDING
    assert organisation.region_id == "370211"
    assert organisation.kind == Organisation.Kind.ENTERPRISE
    # What the host-enterprise rules and the matching need comes with the registration.
    assert str(organisation.registered_on) == "2021-04-08"
    assert organisation.registered_in_province_on == organisation.registered_on
    assert organisation.industry_id == "38"
    user = User.objects.get(username="newcompany")
    assert (user.role, user.organisation, user.region_id) == (
        Role.ENTERPRISE,
        organisation,
        "370211",
    )
    assert user.check_password("Battery-Lab-2026")
    assert client.get("/").context["user"] == user
    assert AuditEntry.objects.filter(
        object_type="orgs.organisation", object_id=str(organisation.pk), actor=user
    ).exists()
    # The city bureau of Qingdao and Shandong's provincial administrator get a to-do.
    owners = set(Todo.objects.filter(target_id=organisation.pk).values_list("owner", flat=True))
    assert owners == {users["city_bureau"].pk, users["province_admin"].pk}


def test_all_errors_at_once_with_values_kept_and_nothing_created(client):
    factories.UserFactory(username="taken")
    before = (Organisation.objects.count(), User.objects.count())

    response = client.post(
        URL,
        _form(
            credit_code="91370200MA3C4X5Y6A",
            username="taken",
            password1="123",
            password2="123",
            contact_email="not-an-email",
            contact_name="",
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"credit_code", "username", "password1", "contact_email", "contact_name"} <= set(errors)
    assert "校验" in " ".join(errors["credit_code"])
    html = response.content.decode()
    assert 'value="青岛新注册电池科技有限公司"' in html
    assert (Organisation.objects.count(), User.objects.count()) == before


def test_the_service_refuses_what_the_form_would_have_caught():
    from techbridge.accounts.registration import EnterpriseRegistration, register_enterprise_account
    from techbridge.core.errors import ValidationErrors

    factories.UserFactory(username="taken")
    with pytest.raises(ValidationErrors) as info:
        register_enterprise_account(
            registration=EnterpriseRegistration(
                name=" ",
                credit_code="91370200MA3C4X5Y6A",
                region=factories.region(),
                registered_on=None,
                industry=None,
                contact_name="王",
                contact_phone="1",
                contact_email="w@example.com",
                username="taken",
                password="123",
            )
        )
    assert set(info.value.errors) == {
        "name",
        "credit_code",
        "registered_on",
        "industry",
        "username",
        "password1",
    }
    assert not Organisation.objects.filter(credit_code="91370200MA3C4X5Y6A").exists()


def test_duplicate_credit_code_is_a_field_error(client):
    existing = factories.EnterpriseFactory()
    before = Organisation.objects.count()

    response = client.post(URL, _form(credit_code=existing.credit_code))

    assert response.status_code == 200
    assert "已经注册" in " ".join(response.context["form"].errors["credit_code"])
    assert Organisation.objects.count() == before
    assert not User.objects.filter(username="newcompany").exists()


def test_county_is_required_where_the_city_has_counties(client):
    response = client.post(URL, _form(county=""))

    assert "county" in response.context["form"].errors
    assert not User.objects.filter(username="newcompany").exists()


def test_county_of_another_city_is_refused(client):
    response = client.post(URL, _form(county="370102"))

    assert "county" in response.context["form"].errors


def test_county_options_follow_the_city(client):
    html = client.get("/accounts/register/counties/", {"city": "370200"}).content.decode()

    assert "市南区" in html and "黄岛区" in html
    assert "历下区" not in html


def test_registered_enterprise_drafts_but_cannot_publish_until_verified(client, users):
    client.post(URL, _form())
    user = User.objects.get(username="newcompany")
    demand = factories.DemandFactory(
        enterprise=user.organisation, created_by=user, status=Demand.Status.DRAFT
    )

    with pytest.raises(PermissionRefused, match="尚未通过科技局审核"):
        demand_services.publish_demand(actor=user, demand=demand)
    demand.refresh_from_db()
    assert demand.status == Demand.Status.DRAFT

    Organisation.objects.filter(pk=user.organisation_id).update(
        verification_status=Organisation.Verification.VERIFIED
    )
    demand_services.publish_demand(actor=user, demand=demand)
    demand.refresh_from_db()
    assert demand.status == Demand.Status.PUBLISHED


def test_existing_enterprises_count_as_verified():
    assert factories.EnterpriseFactory().is_verified
    assert Region.objects.filter(code="370211").exists()


def test_signed_in_user_is_sent_home_from_registration(client, users):
    client.force_login(users["enterprise"])

    assert client.get(URL).status_code == 302
    assert client.post(URL, _form()).status_code == 302
    assert not User.objects.filter(username="newcompany").exists()


def test_unused_notification_kinds_are_not_sent_on_registration(client):
    client.post(URL, _form())

    assert not Notification.objects.filter(kind=Notification.Kind.DEMAND_MATCH).exists()


def test_a_future_registration_date_or_no_industry_is_refused(client):
    response = client.post(URL, _form(registered_on="2999-01-01", industry=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"registered_on", "industry"} <= set(errors)
    assert not Organisation.objects.filter(name="青岛新注册电池科技有限公司").exists()
