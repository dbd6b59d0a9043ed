"""The OpenAPI schema, the offline docs page and the reference-data endpoints."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

from tests import factories

ENDPOINTS = {
    "/api/me": {"get"},
    "/api/tokens": {"get", "post"},
    "/api/tokens/{token_id}": {"delete"},
    "/api/organisations": {"get"},
    "/api/organisations/{organisation_id}": {"get", "patch"},
    "/api/organisations/enterprises": {"post"},
    "/api/demands": {"get", "post"},
    "/api/demands/{demand_id}": {"get", "patch"},
    "/api/demands/{demand_id}/publish": {"post"},
    "/api/demands/{demand_id}/close": {"post"},
    "/api/demands/{demand_id}/invitations": {"post"},
    "/api/demands/{demand_id}/accept-terms": {"post"},
    "/api/researchers": {"get", "post"},
    "/api/researchers/{researcher_id}": {"get", "patch"},
    "/api/teams": {"get"},
    "/api/teams/{team_id}": {"get"},
    "/api/regions": {"get"},
    "/api/industries": {"get"},
    "/api/disciplines": {"get"},
    "/api/notifications": {"get"},
    "/api/notifications/{notification_id}/read": {"post"},
    "/api/notifications/read-all": {"post"},
    "/api/todos": {"get"},
    "/api/demands/{demand_id}/recommendations": {"get"},
    "/api/researchers/{researcher_id}/recommended-demands": {"get"},
    "/api/contacts": {"get"},
    "/api/contacts/invitations": {"post"},
    "/api/contacts/interests": {"post"},
    "/api/contacts/{contact_id}": {"get"},
    "/api/contacts/{contact_id}/steps": {"post"},
    "/api/contacts/{contact_id}/messages": {"get", "post"},
    "/api/dispatch/rounds": {"get"},
    "/api/dispatch/applications": {"get"},
    "/api/dispatch/{kind}/{object_id}": {"get"},
    "/api/dispatch/{kind}/{object_id}/transitions": {"post"},
}


def test_openapi_schema_lists_every_endpoint(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = {path: set(ops) for path, ops in schema["paths"].items()}
    assert paths == ENDPOINTS
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    # Protected demand fields are typed and nullable.
    description = schema["components"]["schemas"]["DemandOut"]["properties"]["description"]
    assert {"type": "null"} in description["anyOf"]


def test_docs_page_works_offline(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    assert "cdn" not in html.lower()
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(asset), asset


def test_reference_data_by_parent(users, api_client):
    factories.region("370100", "济南市")
    factories.region("110000")
    factories.industry()
    factories.discipline()
    client = api_client(users["researcher"])
    # The data migration may have loaded the full tables; the rows above exist either way.
    provinces = client.get("/api/regions").json()
    assert {"370000", "110000"} <= {r["code"] for r in provinces}
    assert {r["level"] for r in provinces} == {1}
    cities = client.get("/api/regions", {"parent": "370000"}).json()
    assert {"370100", "370200"} <= {c["code"] for c in cities}
    assert {c["parent"] for c in cities} == {"370000"}
    sections = client.get("/api/industries").json()
    assert "C" in {i["code"] for i in sections}
    assert {i["level"] for i in sections} == {1}
    divisions = client.get("/api/industries", {"parent": "C"}).json()
    assert "39" in {i["code"] for i in divisions}
    assert {i["parent"] for i in divisions} == {"C"}
    assert "430" in {d["code"] for d in client.get("/api/disciplines").json()}
