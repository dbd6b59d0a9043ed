"""Creating, editing, publishing, closing demands and inviting researchers through the API;
wrong roles get 403 and bad input 422, and neither changes anything."""

from __future__ import annotations

import pytest

from techbridge.demands.models import Demand, DemandAccess
from tests import factories

VALID = {
    "title": "高温隔膜涂层改进",
    "summary": "寻求隔膜涂层合作",
    "description": "陶瓷涂覆隔膜高温收缩率偏高。",
    "expected_outcome": "收缩率低于2%",
    "keywords": ["隔膜", "涂层"],
    "industry": "39",
    "disciplines": ["430"],
    "cooperation_mode": "joint_rd",
    "budget_min": "10",
    "budget_max": "50",
    "confidentiality": "invited",
}

NOT_OWNERS = [
    "other_enterprise",
    "researcher",
    "unit",
    "city_bureau",
    "province_admin",
    "tech_manager",
    "auditor",
]


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


@pytest.fixture
def refs(db):
    factories.industry()
    factories.discipline()
    factories.region()


def test_enterprise_creates_a_draft_for_its_own_organisation(users, refs, api_client):
    response = post(api_client(users["enterprise"]), "/api/demands", VALID)
    assert response.status_code == 201, response.json()
    body = response.json()
    demand = Demand.objects.get(pk=body["id"])
    assert demand.enterprise_id == users["enterprise"].organisation_id
    assert demand.status == Demand.Status.DRAFT
    assert demand.region_id == "370200"  # the enterprise's region by default
    assert [d.code for d in demand.disciplines.all()] == ["430"]
    assert body["description"] == VALID["description"]
    assert body["budget_max"] == "50.00"
    assert body["can_edit"] is True


def test_authorised_manager_creates_for_the_enterprise(users, enterprise, refs, api_client):
    enterprise.authorised_managers.add(users["tech_manager"])
    data = VALID | {"enterprise": enterprise.pk}
    response = post(api_client(users["tech_manager"]), "/api/demands", data)
    assert response.status_code == 201, response.json()
    assert Demand.objects.get().manager == users["tech_manager"]


@pytest.mark.parametrize("role", NOT_OWNERS)
def test_other_roles_cannot_create_for_the_enterprise(role, users, enterprise, refs, api_client):
    data = VALID | {"enterprise": enterprise.pk}
    response = post(api_client(users[role]), "/api/demands", data)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Demand.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"industry": "99"}, "industry"),
        ({"region": "990000"}, "region"),
        ({"disciplines": ["430", "999"]}, "disciplines"),
        ({"budget_min": "80", "budget_max": "10"}, "budget_min"),
        ({"enterprise": 999999}, "enterprise"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_422_with_a_message_and_creates_nothing(
    change, field, users, refs, api_client
):
    response = post(api_client(users["enterprise"]), "/api/demands", VALID | change)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert isinstance(body["detail"], str) and body["detail"]
    assert not Demand.objects.exists()


def test_schema_errors_keep_ninjas_422_detail(users, refs, api_client):
    data = {k: v for k, v in VALID.items() if k != "title"} | {"cooperation_mode": "bribery"}
    response = post(api_client(users["enterprise"]), "/api/demands", data)
    assert response.status_code == 422
    locations = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert ("body", "payload", "title") in locations
    assert ("body", "payload", "cooperation_mode") in locations
    assert not Demand.objects.exists()


def test_owner_edits_publishes_and_closes(users, demand_grid, api_client):
    demand = demand_grid["public", "draft"]
    client = api_client(users["enterprise"])
    response = client.patch(
        f"/api/demands/{demand.pk}",
        {"title": "新标题", "keywords": ["陶瓷"], "deadline": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "新标题"
    assert response.json()["keywords"] == ["陶瓷"]

    published = post(client, f"/api/demands/{demand.pk}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    again = post(client, f"/api/demands/{demand.pk}/publish")
    assert again.status_code == 409
    assert again.json()["detail"]

    closed = post(client, f"/api/demands/{demand.pk}/close", {"reason": "已解决"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    edit_closed = client.patch(
        f"/api/demands/{demand.pk}", {"title": "x"}, content_type="application/json"
    )
    assert edit_closed.status_code == 409


def test_close_accepts_an_empty_body(users, demand_grid, api_client):
    demand = demand_grid["public", "published"]
    response = api_client(users["enterprise"]).generic("POST", f"/api/demands/{demand.pk}/close")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_bad_patch_is_422_and_changes_nothing(users, demand_grid, api_client):
    demand = demand_grid["public", "draft"]
    client = api_client(users["enterprise"])
    for change in ({"industry": "99"}, {"budget_min": "90"}, {"description": ""}):
        response = client.patch(
            f"/api/demands/{demand.pk}",
            change | {"title": "改了"},
            content_type="application/json",
        )
        assert response.status_code == 422, change
        assert response.json()["detail"]
    demand.refresh_from_db()
    assert demand.title.startswith("public-draft")


@pytest.mark.parametrize("role", NOT_OWNERS)
def test_other_roles_cannot_edit_publish_or_close(role, users, demand_grid, api_client):
    client = api_client(users[role])
    demand = demand_grid["public", "published"]
    patch = client.patch(
        f"/api/demands/{demand.pk}", {"title": "x"}, content_type="application/json"
    )
    assert patch.status_code == 403
    assert post(client, f"/api/demands/{demand.pk}/close").status_code == 403
    draft = demand_grid["public", "draft"]
    # Drafts are invisible to everyone but the owner: 404, not a hint that they exist.
    assert post(client, f"/api/demands/{draft.pk}/publish").status_code == 404
    demand.refresh_from_db()
    draft.refresh_from_db()
    assert demand.status == Demand.Status.PUBLISHED and demand.title != "x"
    assert draft.status == Demand.Status.DRAFT


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("enterprise", 201),
        ("city_bureau", 201),
        ("province_admin", 201),
        ("other_enterprise", 403),
        ("researcher", 403),
        ("unit", 403),
        ("tech_manager", 403),
        ("auditor", 403),
    ],
)
def test_who_may_invite_researchers(role, status, users, demand_grid, api_client):
    demand = demand_grid["invited", "published"]
    researcher = users["researcher"].researcher
    response = post(
        api_client(users[role]),
        f"/api/demands/{demand.pk}/invitations",
        {"researcher": researcher.pk},
    )
    assert response.status_code == status
    assert DemandAccess.objects.filter(demand=demand).exists() is (status == 201)


def test_invitations_only_to_invited_demands(users, demand_grid, api_client):
    demand = demand_grid["confidential", "published"]
    response = post(
        api_client(users["enterprise"]),
        f"/api/demands/{demand.pk}/invitations",
        {"researcher": users["researcher"].researcher.pk},
    )
    assert response.status_code == 409
    assert not DemandAccess.objects.exists()


def test_invitation_to_unknown_researcher_is_422(users, demand_grid, api_client):
    demand = demand_grid["invited", "published"]
    response = post(
        api_client(users["enterprise"]),
        f"/api/demands/{demand.pk}/invitations",
        {"researcher": 999999},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "researcher"
