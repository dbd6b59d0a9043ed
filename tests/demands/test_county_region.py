"""An enterprise registered in a district or county (区县) drafts demands and edits its record
without losing that region: the forms offer cities, plus the county the record already has."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techbridge.accounts.models import Role
from techbridge.demands.models import Demand
from techbridge.refdata.models import Region
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_enterprise():
    county = Region.objects.get(code="370212")
    enterprise = factories.EnterpriseFactory(region=county)
    user = factories.UserFactory(role=Role.ENTERPRISE, organisation=enterprise, region=county)
    return enterprise, user


def test_new_demand_form_starts_in_the_enterprises_county_and_saves_it(client, county_enterprise):
    enterprise, user = county_enterprise
    client.force_login(user)
    page = client.get(reverse("demands:create"))
    assert '<option value="370212" selected>' in page.content.decode()
    response = client.post(
        reverse("demands:create"),
        {
            "enterprise": enterprise.pk,
            "title": "区县企业的需求",
            "description": "说明",
            "industry": "39",
            "cooperation_mode": "consulting",
            "region": "370212",
            "confidentiality": "public",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Demand.objects.get(title="区县企业的需求").region_id == "370212"


def test_enterprise_edit_form_keeps_the_county(client, county_enterprise):
    enterprise, user = county_enterprise
    client.force_login(user)
    page = client.get(reverse("orgs:edit", args=[enterprise.pk]))
    assert '<option value="370212" selected>' in page.content.decode()
