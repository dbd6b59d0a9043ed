"""The county bureau (县（市、区）科技局): a region administrator of its county, as a city bureau
is of its city — its enterprises' registrations, demands, researchers and contacts."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import administers_region, region_prefix
from techbridge.contacts import selectors as contact_selectors
from techbridge.contacts import services as contact_services
from techbridge.core.errors import PermissionRefused
from techbridge.demands.models import Demand
from techbridge.demands.selectors import can_see_details, demands_visible_to
from techbridge.orgs import verification
from techbridge.refdata.models import Region
from tests import factories
from tests.core.test_home import panel_context

pytestmark = pytest.mark.django_db

LAOSHAN, SHINAN = "370212", "370202"  # two districts of Qingdao (370200)


@pytest.fixture
def county_user(db):
    laoshan = Region.objects.get(code=LAOSHAN)
    bureau = factories.OrganisationFactory(
        kind="county_bureau", name="青岛市崂山区科学技术局", region=laoshan
    )
    return factories.UserFactory(role=Role.COUNTY_BUREAU, organisation=bureau, region=laoshan)


def enterprise_in(code: str, **kwargs):
    return factories.EnterpriseFactory(region=Region.objects.get(code=code), **kwargs)


def test_the_county_is_its_scope(county_user):
    assert region_prefix(county_user) == LAOSHAN
    assert administers_region(county_user, LAOSHAN)
    assert not administers_region(county_user, SHINAN)
    assert not administers_region(county_user, "370200")  # the city itself is above it


def test_verifies_registrations_of_its_county_only(county_user, users):
    mine = enterprise_in(LAOSHAN, verification_status="pending")
    other = enterprise_in(SHINAN, verification_status="pending")
    assert list(verification.pending_enterprises_for(county_user)) == [mine]
    assert county_user in verification.verifiers_of(mine)
    assert county_user not in verification.verifiers_of(other)
    with pytest.raises(PermissionRefused):
        verification.approve_enterprise(actor=county_user, organisation=other)
    verification.approve_enterprise(actor=county_user, organisation=mine)
    mine.refresh_from_db()
    assert mine.is_verified
    # The city bureau keeps verifying the counties of its city.
    assert list(verification.pending_enterprises_for(users["city_bureau"])) == [other]


@pytest.mark.parametrize("level", ["public", "invited", "confidential"])
def test_reads_demands_of_its_county(county_user, level):
    here = enterprise_in(LAOSHAN)
    there = enterprise_in(SHINAN)
    ours = factories.DemandFactory(
        enterprise=here, region=here.region, confidentiality=level, title="崂山需求"
    )
    theirs = factories.DemandFactory(
        enterprise=there, region=there.region, confidentiality=level, title="市南需求"
    )
    draft = factories.DemandFactory(
        enterprise=here, region=here.region, status=Demand.Status.DRAFT, published_at=None
    )
    visible = demands_visible_to(county_user)
    assert ours in visible and draft not in visible
    assert can_see_details(county_user, ours)
    assert can_see_details(county_user, theirs) is (level == "public")


def test_sees_contacts_about_its_countys_demands_but_not_their_thread(county_user, users):
    here = enterprise_in(LAOSHAN)
    owner = factories.UserFactory(role=Role.ENTERPRISE, organisation=here)
    demand = factories.DemandFactory(enterprise=here, created_by=owner, region=here.region)
    contact = contact_services.invite(
        actor=owner, demand=demand, researcher=users["researcher"].researcher
    )
    assert list(contact_selectors.contacts_visible_to(county_user)) == [contact]
    assert not contact_selectors.can_read_thread(county_user, contact)
    elsewhere = factories.UserFactory(
        role=Role.COUNTY_BUREAU, region=Region.objects.get(code=SHINAN)
    )
    assert not contact_selectors.contacts_visible_to(elsewhere).exists()


def test_home_shows_the_countys_queue_and_figures(client, county_user):
    enterprise_in(LAOSHAN, verification_status="pending")
    client.force_login(county_user)
    response = client.get("/")
    assert panel_context(response, "orgs/home/verification_queue.html") == {"pending": 1}
    assert "published" in panel_context(response, "demands/home/region.html")
    assert "/orgs/verification/" in response.content.decode()
