"""Bearer tokens and the browser session both authenticate; nothing else does."""

from __future__ import annotations

import pytest
from django.test import Client

from techbridge.accounts import services
from techbridge.accounts.models import ApiToken


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize(
    "path", ["/api/me", "/api/demands", "/api/organisations", "/api/researchers", "/api/regions"]
)
def test_anonymous_requests_get_401(db, path):
    response = Client().get(path)
    assert response.status_code == 401


def test_anonymous_write_gets_401_not_a_csrf_error(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/demands", {}, content_type="application/json")
    assert response.status_code == 401


def test_session_signs_in(users, api_client):
    body = api_client(users["city_bureau"]).get("/api/me").json()
    assert body["role"] == "city_bureau"
    assert body["organisation"]["id"] == users["city_bureau"].organisation_id
    assert body["region"]["code"] == "370200"


def test_bearer_token_signs_in_and_is_marked_used(users):
    token, raw = services.issue_token(user=users["researcher"], name="CI")
    response = Client().get("/api/me", **bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == users["researcher"].username
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_unknown_and_revoked_tokens_get_401(users):
    token, raw = services.issue_token(user=users["researcher"], name="CI")
    assert Client().get("/api/demands", **bearer("tb_not-a-token")).status_code == 401
    services.revoke_token(user=users["researcher"], token_id=token.pk)
    assert Client().get("/api/demands", **bearer(raw)).status_code == 401


def test_session_creates_token_that_then_works(users, api_client):
    client = api_client(users["enterprise"])
    response = client.post("/api/tokens", {"name": "ERP"}, content_type="application/json")
    assert response.status_code == 201
    raw = response.json()["token"]
    assert raw.startswith("tb_")
    assert Client().get("/api/me", **bearer(raw)).status_code == 200

    listed = client.get("/api/tokens").json()
    assert [t["name"] for t in listed] == ["ERP"]
    assert "token" not in listed[0]  # the raw value is shown once only


def test_a_token_cannot_mint_tokens(users):
    _token, raw = services.issue_token(user=users["enterprise"], name="CI")
    response = Client().post(
        "/api/tokens", {"name": "more"}, content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 401
    assert ApiToken.objects.count() == 1


def test_token_without_name_is_422(users, api_client):
    response = api_client(users["enterprise"]).post(
        "/api/tokens", {"name": "  "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_revoke_by_api_and_only_own_tokens(users, api_client):
    token, raw = services.issue_token(user=users["enterprise"], name="ERP")
    other = api_client(users["other_enterprise"]).delete(f"/api/tokens/{token.pk}")
    assert other.status_code == 404
    assert Client().get("/api/me", **bearer(raw)).status_code == 200

    response = Client().delete(f"/api/tokens/{token.pk}", **bearer(raw))
    assert response.status_code == 204
    assert Client().get("/api/me", **bearer(raw)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_session_writes_are_csrf_checked(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["enterprise"])
    response = client.post("/api/tokens", {"name": "ERP"}, content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_token_writes_need_no_csrf_token(users, enterprise):
    _token, raw = services.issue_token(user=users["enterprise"], name="ERP")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/demands",
        {
            "title": "新需求",
            "description": "描述",
            "industry": "39",
            "cooperation_mode": "consulting",
        },
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 201, response.json()
