"""The talent pool through the API: profiles, contacts per role, units manage their own."""

from __future__ import annotations

import pytest

from techbridge.talent import services
from techbridge.talent.models import Researcher
from tests import factories


@pytest.fixture
def profile(users):
    researcher = users["researcher"].researcher
    researcher.email = "li@example.edu.cn"
    researcher.phone = "13800000000"
    researcher.save()
    factories.AchievementFactory(researcher=researcher, title="固态电解质界面研究")
    return researcher


@pytest.mark.parametrize(
    ("role", "sees_contact"),
    [
        ("enterprise", False),
        ("other_enterprise", False),
        ("researcher", True),  # their own profile
        ("unit", True),
        ("city_bureau", True),
        ("province_admin", True),
        ("tech_manager", False),
        ("auditor", False),
    ],
)
def test_profile_contact_follows_can_see_contact(role, sees_contact, users, profile, api_client):
    body = api_client(users[role]).get(f"/api/researchers/{profile.pk}").json()
    assert body["name"] == profile.name
    assert [a["title"] for a in body["achievements"]] == ["固态电解质界面研究"]
    assert body["contact_visible"] is sees_contact
    assert body["email"] == ("li@example.edu.cn" if sees_contact else None)
    assert body["phone"] == ("13800000000" if sees_contact else None)
    assert body["has_integrity_record"] == (False if sees_contact else None)


def test_list_filters_and_searches(users, profile, unit, api_client):
    other = factories.ResearcherFactory(keywords=["机器视觉"], availability="unavailable")
    for researcher in (profile, other):
        services.reindex(researcher)
    client = api_client(users["enterprise"])
    everyone = client.get("/api/researchers").json()
    assert everyone["count"] == 2
    assert "email" not in everyone["items"][0]
    assert [r["id"] for r in client.get("/api/researchers", {"q": "机器视觉"}).json()["items"]] == [
        other.pk
    ]
    by_unit = client.get("/api/researchers", {"unit": unit.pk}).json()["items"]
    assert [r["id"] for r in by_unit] == [profile.pk]
    available = client.get("/api/researchers", {"availability": "available"}).json()["items"]
    assert [r["id"] for r in available] == [profile.pk]
    assert client.get("/api/researchers", {"discipline": "430"}).json()["count"] == 2
    assert client.get("/api/researchers/999999").status_code == 404


NEW = {
    "name": "张教授",
    "title": "教授",
    "title_level": "senior_full",
    "degree": "doctorate",
    "disciplines": ["430"],
    "keywords": ["储能"],
    "achievements": [{"kind": "patent", "title": "一种储能材料", "year": 2022}],
}


def test_unit_adds_a_researcher_to_its_own_unit(users, unit, api_client):
    response = api_client(users["unit"]).post(
        "/api/researchers", NEW, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    researcher = Researcher.objects.get(pk=response.json()["id"])
    assert researcher.unit == unit
    assert researcher.achievements.get().title == "一种储能材料"
    assert response.json()["can_edit"] is True


@pytest.mark.parametrize(
    "role", ["enterprise", "researcher", "city_bureau", "province_admin", "tech_manager", "auditor"]
)
def test_other_roles_cannot_add_researchers_to_the_unit(role, users, unit, api_client):
    before = Researcher.objects.count()
    response = api_client(users[role]).post(
        "/api/researchers", NEW | {"unit": unit.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Researcher.objects.count() == before


def test_unit_cannot_add_to_another_unit(users, api_client):
    other_unit = factories.UnitFactory()
    response = api_client(users["unit"]).post(
        "/api/researchers", NEW | {"unit": other_unit.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Researcher.objects.filter(unit=other_unit).exists()


def test_bad_researcher_input_is_422_and_adds_nothing(users, api_client):
    before = Researcher.objects.count()
    client = api_client(users["unit"])
    unknown = client.post(
        "/api/researchers", NEW | {"disciplines": ["999"]}, content_type="application/json"
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "disciplines"
    capacity = client.post(
        "/api/researchers", NEW | {"capacity": 50}, content_type="application/json"
    )
    assert capacity.status_code == 422
    assert capacity.json()["detail"]
    assert Researcher.objects.count() == before


def test_researcher_edits_own_profile_but_not_the_integrity_flag(users, profile, api_client):
    client = api_client(users["researcher"])
    response = client.patch(
        f"/api/researchers/{profile.pk}",
        {"availability": "limited"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["availability"] == "limited"
    flag = client.patch(
        f"/api/researchers/{profile.pk}",
        {"has_integrity_record": True},
        content_type="application/json",
    )
    assert flag.status_code == 403
    profile.refresh_from_db()
    assert profile.has_integrity_record is False


@pytest.mark.parametrize(
    "role",
    ["enterprise", "other_enterprise", "city_bureau", "province_admin", "tech_manager", "auditor"],
)
def test_others_cannot_edit_a_profile(role, users, profile, api_client):
    response = api_client(users[role]).patch(
        f"/api/researchers/{profile.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.name != "改名"


def test_teams(users, unit, profile, api_client):
    team = factories.TeamFactory(unit=unit, leader=profile)
    team.members.set([profile])
    client = api_client(users["enterprise"])
    listed = client.get("/api/teams").json()
    assert [t["id"] for t in listed["items"]] == [team.pk]
    body = client.get(f"/api/teams/{team.pk}").json()
    assert body["unit"] == unit.name
    assert body["leader"] == {"id": profile.pk, "name": profile.name}
    assert body["members"] == [{"id": profile.pk, "name": profile.name}]
    assert client.get("/api/teams/999999").status_code == 404
