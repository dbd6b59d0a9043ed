"""Search through the API never matches protected text the caller may not read."""

from __future__ import annotations

import pytest

from tests import factories

SECRET_WORD = "钛合金"


@pytest.fixture
def secret_demands(users, enterprise):
    """A confidential and an invited demand whose only mention of the word is protected."""
    return {
        level: factories.DemandFactory(
            enterprise=enterprise,
            created_by=users["enterprise"],
            title=f"{level} 表面处理工艺",
            summary="寻求表面处理合作",
            description=f"需要改进{SECRET_WORD}零件的激光焊接工艺。",
            confidentiality=level,
        )
        for level in ("confidential", "invited")
    }


def found(client, text: str) -> set[int]:
    response = client.get("/api/demands", {"q": text})
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


# Who finds the word: the owner and the administrators of the region, not other roles.
@pytest.mark.parametrize(
    ("role", "finds"),
    [
        ("enterprise", True),
        ("city_bureau", True),
        ("province_admin", True),
        ("other_enterprise", False),
        ("researcher", False),
        ("unit", False),
        ("tech_manager", False),
        ("auditor", False),
    ],
)
def test_protected_words_find_demands_only_for_entitled_users(
    role, finds, users, secret_demands, api_client
):
    client = api_client(users[role])
    expected = {d.pk for d in secret_demands.values()} if finds else set()
    assert found(client, SECRET_WORD) == expected
    # Public words find both demands for everyone who may list them.
    assert found(client, "表面处理") == {d.pk for d in secret_demands.values()}


def test_invited_researcher_finds_the_word_after_accepting_terms(users, secret_demands, api_client):
    invited = secret_demands["invited"]
    owner = api_client(users["enterprise"])
    owner.post(
        f"/api/demands/{invited.pk}/invitations",
        {"researcher": users["researcher"].researcher.pk},
        content_type="application/json",
    )
    client = api_client(users["researcher"])
    assert found(client, SECRET_WORD) == set()
    client.post(f"/api/demands/{invited.pk}/accept-terms")
    assert found(client, SECRET_WORD) == {invited.pk}


def test_search_results_are_masked_like_the_list(users, secret_demands, api_client):
    response = api_client(users["researcher"]).get("/api/demands", {"q": "表面处理"})
    for item in response.json()["items"]:
        assert item["description"] is None
        assert SECRET_WORD not in str(item)
