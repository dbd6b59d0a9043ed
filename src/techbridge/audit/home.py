"""The audit trail's panel of the home page (registered in ``AuditConfig.ready``)."""

from __future__ import annotations

from typing import Any

from techbridge.accounts.models import Role
from techbridge.core.home import register_panel


def _trail(user: Any) -> dict[str, Any] | None:
    return {} if user.role == Role.AUDITOR else None


def register() -> None:
    register_panel("audit.trail", template="audit/home/trail.html", build=_trail, order=50)
