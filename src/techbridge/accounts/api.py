"""API authentication (bearer tokens and the browser session), the caller's identity and the
management of their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from techbridge.accounts import services
from techbridge.accounts.models import ApiToken

router = Router(tags=["accounts"])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tb_…`` with a token issued by ``accounts.services.issue_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.authenticate_token(token)
        if user is not None:
            # Code that reads request.user sees the token's owner, as with a session.
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Django's session, so the web UI can call the API; CSRF is checked for signed-in sessions.

    Unlike ``ninja.security.django_auth`` an anonymous request is not CSRF-checked, so a request
    with a missing or revoked token gets 401, not a 403 about CSRF.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


token_auth = TokenAuth()
session_auth = BrowserSessionAuth()
API_AUTH = [token_auth, session_auth]


def actor(request: HttpRequest) -> Any:
    """The authenticated user of an API request, whichever way they signed in."""
    return request.auth  # type: ignore[attr-defined]


class OrganisationRef(Schema):
    id: int
    name: str
    kind: str


class RegionRef(Schema):
    code: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    organisation: OrganisationRef | None
    region: RegionRef | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str


class TokenIn(Schema):
    name: str


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    user = actor(request)
    region = user.region
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "organisation": user.organisation,
        "region": {"code": region.code, "name": region.full_name} if region else None,
    }


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def list_tokens(request):
    return ApiToken.objects.filter(user=actor(request)).order_by("-created_at", "-id")


@router.post(
    "/tokens",
    response={201: TokenCreated},
    auth=session_auth,
    summary="Create an API token (signed-in browser session only)",
)
def create_token(request, payload: TokenIn):
    """The raw token is in this response only; it cannot be read again."""
    token, raw = services.issue_token(user=actor(request), name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": raw})


@router.delete("/tokens/{int:token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(request, token_id: int):
    services.revoke_token(user=actor(request), token_id=token_id)
    return Status(204, None)
