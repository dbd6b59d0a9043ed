"""Who sees which demand through the API, and which of its fields, for every role.

The demands belong to the ``enterprise`` fixture's organisation in 青岛 (370200); the city bureau
(青岛) and the provincial administrator (山东) administer that region. The technology manager is
not authorised by the enterprise and the researcher has no invitation.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techbridge.audit.models import AuditEntry
from techbridge.demands.models import PROTECTED_FIELDS
from tests import factories
from tests.api.conftest import LEVELS, STATUSES

# One row per role: for each demand, D = listed with its protected details, V = listed with
# protected fields null, - = not listed (detail is 404).
#                         public        invited       confidential
#                         draft pub clo draft pub clo draft pub clo
# fmt: off
MATRIX = {
    "enterprise":       "D     D   D   D     D   D   D     D   D",
    "other_enterprise": "-     D   -   -     V   -   -     V   -",
    "researcher":       "-     D   -   -     V   -   -     V   -",
    "unit":             "-     D   -   -     V   -   -     V   -",
    "city_bureau":      "-     D   D   -     D   D   -     D   D",
    "province_admin":   "-     D   D   -     D   D   -     D   D",
    "tech_manager":     "-     D   -   -     V   -   -     V   -",
    "auditor":          "-     D   -   -     V   -   -     V   -",
}
# fmt: on


def expected(role: str) -> dict[tuple[str, str], str]:
    codes = MATRIX[role].split()
    keys = [(level, status) for level in LEVELS for status in STATUSES]
    assert len(codes) == len(keys)
    return dict(zip(keys, codes, strict=True))


CASES = [
    pytest.param(role, level, status, code, id=f"{role}-{level}-{status}")
    for role in MATRIX
    for (level, status), code in expected(role).items()
]


def assert_protected(item: dict, *, visible: bool) -> None:
    assert item["details_visible"] is visible
    for field in PROTECTED_FIELDS:
        if visible:
            assert item[field] is not None, field
        else:
            assert item[field] is None, field


@pytest.mark.parametrize("role", list(MATRIX))
def test_list_shows_each_role_what_the_matrix_says(role, users, demand_grid, api_client):
    response = api_client(users[role]).get("/api/demands")
    assert response.status_code == 200
    items = {item["id"]: item for item in response.json()["items"]}
    for key, code in expected(role).items():
        demand = demand_grid[key]
        if code == "-":
            assert demand.pk not in items, key
        else:
            assert demand.pk in items, key
            assert_protected(items[demand.pk], visible=code == "D")
    assert response.json()["count"] == sum(1 for c in expected(role).values() if c != "-")


@pytest.mark.parametrize(("role", "level", "status", "code"), CASES)
def test_detail_follows_the_matrix(role, level, status, code, users, demand_grid, api_client):
    demand = demand_grid[level, status]
    response = api_client(users[role]).get(f"/api/demands/{demand.pk}")
    if code == "-":
        assert response.status_code == 404
        assert "description" not in response.json()
        return
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == demand.title
    assert_protected(body, visible=code == "D")
    if code == "D":
        assert body["description"] == demand.description
        assert body["keywords"] == demand.keywords
        assert body["contact_phone"] == "0532-12345678"


@pytest.mark.parametrize("level", ["invited", "confidential"])
def test_admin_viewing_protected_details_is_audited(level, users, demand_grid, api_client):
    demand = demand_grid[level, "published"]
    before = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PROTECTED).count()
    response = api_client(users["province_admin"]).get(f"/api/demands/{demand.pk}")
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PROTECTED)
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry.actor == users["province_admin"]
    assert entry.object_id == str(demand.pk)
    assert entry.detail == {"channel": "api"}


def test_masked_and_public_views_are_not_audited(users, demand_grid, api_client):
    client = api_client(users["researcher"])
    client.get(f"/api/demands/{demand_grid['confidential', 'published'].pk}")
    client.get(f"/api/demands/{demand_grid['public', 'published'].pk}")
    client.get("/api/demands")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PROTECTED).exists()


def test_list_audits_the_protected_details_it_returns(users, demand_grid, api_client):
    api_client(users["city_bureau"]).get("/api/demands")
    audited = set(
        AuditEntry.objects.filter(
            action=AuditEntry.Action.VIEW_PROTECTED, actor=users["city_bureau"]
        ).values_list("object_id", flat=True)
    )
    # Non-draft invited and confidential demands; public ones are not logged.
    assert audited == {
        str(demand_grid[level, status].pk)
        for level in ("invited", "confidential")
        for status in ("published", "closed")
    }


def test_invited_researcher_sees_details_only_after_accepting_terms(users, demand_grid, api_client):
    demand = demand_grid["invited", "published"]
    researcher = users["researcher"].researcher
    owner = api_client(users["enterprise"])
    response = owner.post(
        f"/api/demands/{demand.pk}/invitations",
        {"researcher": researcher.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()

    client = api_client(users["researcher"])
    before = client.get(f"/api/demands/{demand.pk}").json()
    assert before["invitation_pending"] is True
    assert_protected(before, visible=False)

    accepted = client.post(f"/api/demands/{demand.pk}/accept-terms")
    assert accepted.status_code == 200
    assert accepted.json()["nda_accepted_at"] is not None

    after = client.get(f"/api/demands/{demand.pk}").json()
    assert_protected(after, visible=True)
    listed = {i["id"]: i for i in client.get("/api/demands").json()["items"]}
    assert_protected(listed[demand.pk], visible=True)
    # Confidential demands stay closed to invited researchers.
    assert_protected(listed[demand_grid["confidential", "published"].pk], visible=False)


def test_accepting_terms_without_invitation_is_refused(users, demand_grid, api_client):
    demand = demand_grid["invited", "published"]
    response = api_client(users["researcher"]).post(f"/api/demands/{demand.pk}/accept-terms")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_list_query_count_does_not_grow_with_the_page(users, enterprise, api_client):
    client = api_client(users["researcher"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/demands").status_code == 200
        return len(captured)

    factories.DemandFactory(enterprise=enterprise, confidentiality="confidential")
    few = queries()
    for level in ("public", "invited", "confidential") * 3:
        factories.DemandFactory(enterprise=enterprise, confidentiality=level)
    assert queries() == few
