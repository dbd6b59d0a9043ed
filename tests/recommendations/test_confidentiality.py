"""A confidential demand is matched with its protected text, but a researcher is not shown that
text — neither in the demand's fields nor in the reasons — until access is granted."""

from __future__ import annotations

import pytest

from techbridge.demands import services as demand_services
from techbridge.recommendations import services
from tests import factories
from tests.recommendations.conftest import researcher

SECRET = "浆料配方"


@pytest.fixture
def secret_demand(users, enterprise):
    demand = factories.DemandFactory(
        enterprise=enterprise,
        created_by=users["enterprise"],
        title="动力电池隔膜涂层工艺改进",
        summary="寻求隔膜方面的合作。",
        description=f"现有隔膜在高温下收缩，需要改进{SECRET}。",
        expected_outcome="热收缩率降低到2%以下。",
        keywords=[SECRET],
        confidentiality="invited",
    )
    return demand


@pytest.fixture
def expert():
    return researcher(
        name="王浆料",
        keywords=[SECRET, "隔膜"],
        paper="锂电池隔膜改性研究",
        with_account=True,
    )


def texts(row) -> str:
    return " ".join([row.reasons.sentence, *(item.value for item in row.reasons.items)])


def test_protected_text_ranks_but_is_not_shown_until_access_is_granted(
    secret_demand, expert, users
):
    rows = services.recommend_demands(researcher=expert, user=expert.user)
    assert [row.demand for row in rows] == [secret_demand]
    row = rows[0]
    assert row.fields["details_visible"] is False
    for field in ("description", "expected_outcome", "keywords", "contact_phone"):
        assert row.fields[field] is None
    assert SECRET not in texts(row)
    # What stays is public: the shared term from the title, the researcher's own paper.
    assert "隔膜" in row.reasons.values("keyword")

    demand_services.invite_researcher(
        actor=users["enterprise"], demand=secret_demand, researcher=expert
    )
    assert SECRET not in texts(services.recommend_demands(researcher=expert, user=expert.user)[0])
    demand_services.accept_terms(actor=expert.user, demand=secret_demand)

    row = services.recommend_demands(researcher=expert, user=expert.user)[0]
    assert row.fields["details_visible"] is True
    assert row.fields["keywords"] == [SECRET]
    assert SECRET in row.reasons.values("keyword")
    assert SECRET in row.reasons.sentence


def test_the_unit_sees_the_recommendation_masked(secret_demand, expert):
    unit_user = factories.UserFactory(role="unit", organisation=expert.unit)
    row = services.recommend_demands(researcher=expert, user=unit_user)[0]
    assert row.fields["description"] is None
    assert SECRET not in texts(row)


def test_the_owner_sees_the_full_reasons_for_researchers(secret_demand, expert, users):
    rows = services.recommend_researchers(demand=secret_demand, user=users["enterprise"])
    assert rows[0].researcher == expert
    assert SECRET in rows[0].reasons.values("keyword")


def test_the_api_masks_protected_fields_and_reasons(secret_demand, expert, client):
    client.force_login(expert.user)
    response = client.get(f"/api/researchers/{expert.pk}/recommended-demands")
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    [item] = response.json()
    assert item["demand"]["id"] == secret_demand.pk
    assert item["demand"]["description"] is None


def test_the_home_cards_do_not_quote_protected_text(secret_demand, expert, client):
    client.force_login(expert.user)
    response = client.get("/recommendations/for-me/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert secret_demand.title in page
    assert SECRET not in page


def test_drafts_are_not_recommended_to_researchers(secret_demand, expert):
    draft = factories.DemandFactory(title="隔膜浆料草稿", keywords=[SECRET], status="draft")
    assert draft not in [
        r.demand for r in services.recommend_demands(researcher=expert, user=expert.user)
    ]
