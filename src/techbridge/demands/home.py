"""The demands' panels of the home page (registered in ``DemandsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import administered_region_q, is_region_administrator
from techbridge.core.home import register_panel
from techbridge.demands.models import Demand
from techbridge.demands.selectors import demands_visible_to, enterprises_acted_for

OWNER_ROLES = (Role.ENTERPRISE, Role.TECH_MANAGER)


def _published(user: Any) -> dict[str, Any]:
    visible = demands_visible_to(user)
    return {"count": visible.filter(status=Demand.Status.PUBLISHED).count()}


def _own(user: Any) -> Any:
    visible = demands_visible_to(user)
    return (
        visible.filter(enterprise__in=enterprises_acted_for(user)) | visible.filter(manager=user)
    ).distinct()


def _drafts(user: Any) -> dict[str, Any] | None:
    if user.role not in OWNER_ROLES:
        return None
    return {"count": _own(user).filter(status=Demand.Status.DRAFT).count()}


def _mine(user: Any) -> dict[str, Any] | None:
    if user.role not in OWNER_ROLES:
        return None
    demands = list(_own(user).order_by("-updated_at")[:10])
    return {"demands": demands} if demands else None


def _region(user: Any) -> dict[str, Any] | None:
    if not is_region_administrator(user):
        return None
    region_demands = Demand.objects.filter(administered_region_q(user))
    return {
        "published": region_demands.filter(status=Demand.Status.PUBLISHED).count(),
        "closed": region_demands.filter(status=Demand.Status.CLOSED).count(),
    }


def _recent(user: Any) -> dict[str, Any]:
    visible = demands_visible_to(user)
    return {"demands": visible.filter(status=Demand.Status.PUBLISHED)[:8]}


def register() -> None:
    register_panel(
        "demands.published", template="demands/home/published.html", build=_published, order=10
    )
    register_panel("demands.drafts", template="demands/home/drafts.html", build=_drafts, order=20)
    register_panel("demands.region", template="demands/home/region.html", build=_region, order=40)
    register_panel(
        "demands.mine", template="demands/home/mine.html", build=_mine, place="main", order=20
    )
    register_panel(
        "demands.recent", template="demands/home/recent.html", build=_recent, place="main", order=90
    )
