"""The recommendations' panel of the home page (registered in ``RecommendationsConfig.ready``):
a researcher's recommended demands, loaded by htmx so the page stays fast."""

from __future__ import annotations

from typing import Any

from techbridge.accounts.models import Role
from techbridge.core.home import register_panel
from techbridge.talent.models import Researcher


def _for_researcher(user: Any) -> dict[str, Any] | None:
    if user.role != Role.RESEARCHER or not Researcher.objects.filter(user=user).exists():
        return None
    return {}


def register() -> None:
    register_panel(
        "recommendations.for_researcher",
        template="recommendations/_home_hook.html",
        build=_for_researcher,
        place="main",
        order=10,
    )
