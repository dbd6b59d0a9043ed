"""The organisations' panels of the home page (registered in ``OrgsConfig.ready``): an
enterprise's verification status, and the verification queue of the bureaus."""

from __future__ import annotations

from typing import Any

from techbridge.accounts.models import Role
from techbridge.core.home import register_panel
from techbridge.orgs import verification


def _status(user: Any) -> dict[str, Any] | None:
    organisation = user.organisation if user.role == Role.ENTERPRISE else None
    if organisation is None or organisation.is_verified:
        return None
    return {"organisation": organisation}


def _queue(user: Any) -> dict[str, Any] | None:
    if not verification.is_verifier(user):
        return None
    return {"pending": verification.pending_enterprises_for(user).count()}


def register() -> None:
    register_panel(
        "orgs.verification_status",
        template="orgs/home/verification_status.html",
        build=_status,
        place="top",
        order=10,
    )
    register_panel(
        "orgs.verification_queue",
        template="orgs/home/verification_queue.html",
        build=_queue,
        order=35,
    )
