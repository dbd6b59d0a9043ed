"""Who may see which recommendations, on the pages and over the API (403 for everyone else)."""

from __future__ import annotations

import pytest

from techbridge.core.errors import PermissionRefused
from techbridge.recommendations import services
from tests import factories

# The demand's owners and the administrators of its region act on recommended researchers;
# researchers, units, auditors, other enterprises and unauthorised technology managers do not.
DEMAND_PANEL = {
    "enterprise": 200,
    "city_bureau": 200,
    "province_admin": 200,
    "other_enterprise": 403,
    "researcher": 403,
    "unit": 403,
    "tech_manager": 403,
    "auditor": 403,
}


@pytest.mark.parametrize(("role", "status"), DEMAND_PANEL.items())
def test_demand_panel(pool, users, client, role, status):
    client.force_login(users[role])
    response = client.get(f"/recommendations/demands/{pool.demand.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == status
    if status == 200:
        assert pool.best.name in response.content.decode()


@pytest.mark.parametrize(("role", "status"), DEMAND_PANEL.items())
def test_demand_recommendations_api(pool, users, client, role, status):
    client.force_login(users[role])
    response = client.get(f"/api/demands/{pool.demand.pk}/recommendations?k=5")
    assert response.status_code == status
    if status == 200:
        assert response.json()[0]["researcher"]["id"] == pool.best.pk


def test_authorised_tech_manager_and_superuser_may(pool, users, client):
    manager = users["tech_manager"]
    pool.demand.enterprise.authorised_managers.add(manager)
    superuser = factories.UserFactory(role="province_admin", is_superuser=True)
    for user in (manager, superuser):
        client.force_login(user)
        assert client.get(f"/api/demands/{pool.demand.pk}/recommendations").status_code == 200


def test_bureau_of_another_region_may_not(pool, client):
    other = factories.UserFactory(role="city_bureau", region=factories.region("370100", "济南市"))
    client.force_login(other)
    assert client.get(f"/api/demands/{pool.demand.pk}/recommendations").status_code == 403
    assert client.get(f"/recommendations/demands/{pool.demand.pk}/").status_code == 403


def test_draft_is_not_found_for_others_and_open_to_its_owner(users, client, enterprise):
    draft = factories.DemandFactory(enterprise=enterprise, status="draft", published_at=None)
    client.force_login(users["city_bureau"])
    assert client.get(f"/api/demands/{draft.pk}/recommendations").status_code == 404
    client.force_login(users["enterprise"])
    assert client.get(f"/api/demands/{draft.pk}/recommendations").status_code == 200


def test_anonymous_is_refused(pool, client):
    assert client.get(f"/api/demands/{pool.demand.pk}/recommendations").status_code == 401
    assert client.get(f"/recommendations/demands/{pool.demand.pk}/").status_code == 302


def test_service_refuses_a_researcher(pool, users):
    with pytest.raises(PermissionRefused):
        services.recommend_researchers(demand=pool.demand, user=users["researcher"])
    with pytest.raises(PermissionRefused):
        services.recommend_teams(demand=pool.demand, user=users["researcher"])


def _demand_viewers(pool, users):
    """(user, expected status) for the demands recommended to ``pool.best``."""
    own_unit = factories.UserFactory(role="unit", organisation=pool.best.unit)
    far_bureau = factories.UserFactory(
        role="city_bureau", region=factories.region("370100", "济南市")
    )
    return [
        (pool.best.user, 200),
        (own_unit, 200),
        (users["city_bureau"], 200),
        (users["province_admin"], 200),
        (users["researcher"], 403),  # another researcher
        (users["unit"], 403),  # another unit
        (users["enterprise"], 403),
        (users["tech_manager"], 403),
        (users["auditor"], 403),
        (far_bureau, 403),
    ]


def test_recommended_demands_api_and_page(pool, users, client):
    for user, status in _demand_viewers(pool, users):
        client.force_login(user)
        api = client.get(f"/api/researchers/{pool.best.pk}/recommended-demands")
        page = client.get(f"/recommendations/researchers/{pool.best.pk}/demands/")
        assert (api.status_code, page.status_code) == (status, status), user.role
        if status == 200:
            assert api.json()[0]["demand"]["id"] == pool.demand.pk


def test_my_demands_needs_a_profile(users, client):
    client.force_login(users["enterprise"])
    assert client.get("/recommendations/for-me/").status_code == 403
