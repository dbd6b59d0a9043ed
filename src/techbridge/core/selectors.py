"""What each role's home page shows: its to-do items and the figures of its scope."""

from __future__ import annotations

from typing import Any

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import administered_region_q
from techbridge.demands.models import Demand
from techbridge.demands.selectors import demands_visible_to, latest_public_teasers
from techbridge.orgs import verification
from techbridge.talent.models import JoinRequest, Researcher


def home_context(user: Any) -> dict[str, Any]:
    visible = demands_visible_to(user)
    context: dict[str, Any] = {
        "role": user.role,
        "published_count": visible.filter(status=Demand.Status.PUBLISHED).count(),
        "researcher_count": Researcher.objects.count(),
        "recent_demands": visible.filter(status=Demand.Status.PUBLISHED)[:8],
    }
    if user.role in (Role.ENTERPRISE, Role.TECH_MANAGER):
        mine = visible.filter(enterprise__in=_enterprises_of(user)) | visible.filter(manager=user)
        context["my_demands"] = mine.distinct().order_by("-updated_at")[:10]
        context["draft_count"] = mine.filter(status=Demand.Status.DRAFT).distinct().count()
    if user.role == Role.ENTERPRISE and user.organisation_id:
        context["organisation"] = user.organisation
    if verification.is_verifier(user):
        context["pending_verifications"] = verification.pending_enterprises_for(user).count()
    if user.role == Role.RESEARCHER:
        context["profile"] = getattr(user, "researcher", None)
    if user.role == Role.UNIT and user.organisation_id:
        people = Researcher.objects.filter(unit_id=user.organisation_id)
        context["unit_researchers"] = people.count()
        context["unit_available"] = people.filter(availability="available").count()
        context["join_pending"] = JoinRequest.objects.filter(
            unit_id=user.organisation_id,
            kind=JoinRequest.Kind.SELF,
            status=JoinRequest.Status.PENDING,
        ).count()
    if user.role in (Role.CITY_BUREAU, Role.PROVINCE_ADMIN):
        region_demands = Demand.objects.filter(administered_region_q(user))
        context["region_published"] = region_demands.filter(status=Demand.Status.PUBLISHED).count()
        context["region_closed"] = region_demands.filter(status=Demand.Status.CLOSED).count()
        context["region_researchers"] = Researcher.objects.filter(
            administered_region_q(user)
        ).count()
    return context


def _enterprises_of(user: Any) -> list[int]:
    ids = list(user.managed_enterprises.values_list("pk", flat=True))
    if user.role == Role.ENTERPRISE and user.organisation_id:
        ids.append(user.organisation_id)
    return ids


def landing_context() -> dict[str, Any]:
    """The anonymous landing page: the programme's figures and the latest published demands,
    masked for the public (``demands.selectors.public_teaser``). A fixed handful of queries."""
    published = Demand.objects.filter(status=Demand.Status.PUBLISHED)
    demand_regions = published.values_list("region_id", flat=True).distinct()
    researcher_regions = Researcher.objects.values_list("region_id", flat=True).distinct()
    # A city is covered when a published demand or a researcher is placed in it or its counties.
    cities = {code[:4] for code in [*demand_regions, *researcher_regions] if code}
    return {
        "published_count": published.count(),
        "researcher_count": Researcher.objects.count(),
        "city_count": len(cities),
        "latest_demands": latest_public_teasers(),
    }
