"""The talent pool's panels of the home page (registered in ``TalentConfig.ready``)."""

from __future__ import annotations

from typing import Any

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import administered_region_q, is_region_administrator
from techbridge.core.home import register_panel
from techbridge.talent.models import JoinRequest, Researcher


def _pool(user: Any) -> dict[str, Any]:
    return {"count": Researcher.objects.count()}


def _profile(user: Any) -> dict[str, Any] | None:
    if user.role != Role.RESEARCHER:
        return None
    return {"profile": Researcher.objects.filter(user=user).first()}


def _unit(user: Any) -> dict[str, Any] | None:
    if user.role != Role.UNIT or not user.organisation_id:
        return None
    people = Researcher.objects.filter(unit_id=user.organisation_id)
    return {
        "count": people.count(),
        "available": people.filter(availability=Researcher.Availability.AVAILABLE).count(),
        "unit_id": user.organisation_id,
        "join_pending": JoinRequest.objects.filter(
            unit_id=user.organisation_id,
            kind=JoinRequest.Kind.SELF,
            status=JoinRequest.Status.PENDING,
        ).count(),
    }


def _region(user: Any) -> dict[str, Any] | None:
    if not is_region_administrator(user):
        return None
    return {"count": Researcher.objects.filter(administered_region_q(user)).count()}


def register() -> None:
    register_panel("talent.pool", template="talent/home/pool.html", build=_pool, order=11)
    register_panel("talent.profile", template="talent/home/profile.html", build=_profile, order=21)
    register_panel("talent.unit", template="talent/home/unit.html", build=_unit, order=30)
    register_panel("talent.region", template="talent/home/region.html", build=_region, order=41)
