"""Who may see which demand, and which of its fields.

Every list, detail page, export, search and API response goes through these functions, so the
confidentiality rules live in one place:

* ``public``: a published demand's details are visible to every signed-in user.
* ``invited``: details only to the owner, the administrators of its region and researchers who
  were invited and accepted the non-disclosure terms.
* ``confidential``: details only to the owner and the administrators of its region.

The owner is the enterprise's users, the technology managers it authorised and the demand's
manager. Everyone who may list a demand sees its public fields (title, summary, industry,
disciplines, region, cooperation mode, deadline, status).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import administered_region_q, administers_region
from techbridge.demands.models import PROTECTED_FIELDS, Demand
from techbridge.orgs.models import Organisation
from techbridge.refdata.codes import region_prefix
from techbridge.search import services as search_services
from techbridge.search.models import SearchTerm


def _owner_q(user: Any) -> Q:
    q = Q(manager=user) | Q(enterprise__authorised_managers=user)
    if user.role == Role.ENTERPRISE and user.organisation_id:
        q |= Q(enterprise_id=user.organisation_id)
    return q


def is_owner(user: Any, demand: Demand) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.ENTERPRISE and user.organisation_id == demand.enterprise_id:
        return True
    if demand.manager_id == user.pk:
        return True
    return (
        user.role == Role.TECH_MANAGER
        and demand.enterprise.authorised_managers.filter(pk=user.pk).exists()
    )


def enterprises_acted_for(user: Any) -> QuerySet[Organisation]:
    """Enterprises ``user`` may write demands for: their own enterprise, or those that authorised
    them as technology manager; every enterprise for a superuser."""
    enterprises = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
    if not user.is_authenticated:
        return enterprises.none()
    if user.is_superuser:
        return enterprises
    if user.role == Role.ENTERPRISE:
        return enterprises.filter(pk=user.organisation_id)
    if user.role == Role.TECH_MANAGER:
        return enterprises.filter(authorised_managers=user)
    return enterprises.none()


def acting_for_q(enterprise_id: int) -> Q:
    """Accounts that act for an enterprise (the inverse of ``enterprises_acted_for``): its own
    enterprise users and the technology managers it authorised. Superusers are not included."""
    return Q(role=Role.ENTERPRISE, organisation_id=enterprise_id) | Q(
        role=Role.TECH_MANAGER, managed_enterprises=enterprise_id
    )


def can_act_for(user: Any, enterprise: Organisation) -> bool:
    return enterprises_acted_for(user).filter(pk=enterprise.pk).exists()


def demands_visible_to(user: Any) -> QuerySet[Demand]:
    """Demands ``user`` may list: published ones, their own, and all but drafts where they
    administer the region."""
    if not user.is_authenticated:
        return Demand.objects.none()
    base = Demand.objects.select_related("industry", "region", "region__parent", "enterprise")
    if user.is_superuser:
        return base.all()
    q = Q(status=Demand.Status.PUBLISHED) | _owner_q(user)
    q |= administered_region_q(user) & ~Q(status=Demand.Status.DRAFT)
    return base.filter(q).distinct()


def demands_with_details_for(user: Any) -> QuerySet[Demand]:
    """Demands whose protected details ``user`` may read."""
    if not user.is_authenticated:
        return Demand.objects.none()
    if user.is_superuser:
        return Demand.objects.all()
    q = _owner_q(user) | (administered_region_q(user) & ~Q(status=Demand.Status.DRAFT))
    published = Q(status__in=[Demand.Status.PUBLISHED, Demand.Status.CLOSED])
    q |= published & Q(confidentiality=Demand.Confidentiality.PUBLIC)
    researcher = getattr(user, "researcher", None) if user.role == Role.RESEARCHER else None
    if researcher is not None:
        q |= published & Q(
            confidentiality=Demand.Confidentiality.INVITED,
            accesses__researcher=researcher,
            accesses__nda_accepted_at__isnull=False,
        )
    return Demand.objects.filter(q).distinct()


def can_see_details(user: Any, demand: Demand) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or is_owner(user, demand):
        return True
    if demand.status != Demand.Status.DRAFT and administers_region(user, demand.region_id):
        return True
    if demand.status == Demand.Status.DRAFT:
        return False
    if demand.confidentiality == Demand.Confidentiality.PUBLIC:
        return True
    if demand.confidentiality == Demand.Confidentiality.INVITED and user.role == Role.RESEARCHER:
        return demand.accesses.filter(researcher__user=user, nda_accepted_at__isnull=False).exists()
    return False


def can_edit(user: Any, demand: Demand) -> bool:
    return user.is_authenticated and (user.is_superuser or is_owner(user, demand))


def pending_access_for(user: Any, demand: Demand) -> Any:
    """The invitation waiting for ``user`` to accept the non-disclosure terms, if any."""
    if not user.is_authenticated or user.role != Role.RESEARCHER:
        return None
    return demand.accesses.filter(researcher__user=user, nda_accepted_at__isnull=True).first()


@dataclass(frozen=True)
class DemandFilters:
    q: str = ""
    industry: str = ""
    discipline: str = ""
    region: str = ""
    status: str = ""
    cooperation_mode: str = ""
    mine: bool = False


def filter_demands(user: Any, filters: DemandFilters) -> QuerySet[Demand]:
    """The visible demands narrowed by the list page's filters and Chinese full-text search."""
    qs = demands_visible_to(user)
    if filters.industry:
        qs = qs.filter(Q(industry_id=filters.industry) | Q(industry__parent_id=filters.industry))
    if filters.discipline:
        qs = qs.filter(disciplines__code=filters.discipline)
    if filters.region:
        # A province code selects its cities too.
        qs = qs.filter(region__code__startswith=region_prefix(filters.region))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.cooperation_mode:
        qs = qs.filter(cooperation_mode=filters.cooperation_mode)
    if filters.mine:
        qs = qs.filter(_owner_q(user))
    if filters.q:
        qs = search_services.search(
            qs,
            kind=SearchTerm.Kind.DEMAND,
            text=filters.q,
            protected_ids=demands_with_details_for(user).values("id"),
        )
    return qs.distinct()


def mask(demand: Demand, *, details_visible: bool) -> dict[str, Any]:
    """The fields of ``demand`` that may be shown; protected ones are None when hidden."""
    data: dict[str, Any] = {
        "id": demand.pk,
        "title": demand.title,
        "summary": demand.summary,
        "enterprise": demand.enterprise.name,
        "enterprise_id": demand.enterprise_id,
        "industry": str(demand.industry),
        "industry_code": demand.industry_id,
        "disciplines": [str(d) for d in demand.disciplines.all()],
        "region": demand.region.full_name,
        "region_code": demand.region_id,
        "cooperation_mode": demand.get_cooperation_mode_display(),
        "cooperation_mode_code": demand.cooperation_mode,
        "confidentiality": demand.confidentiality,
        "confidentiality_label": demand.get_confidentiality_display(),
        "status": demand.status,
        "status_label": demand.get_status_display(),
        "deadline": demand.deadline,
        "published_at": demand.published_at,
        "details_visible": details_visible,
    }
    for field in PROTECTED_FIELDS:
        data[field] = getattr(demand, field) if details_visible else None
    return data


def public_teaser(demand: Demand) -> dict[str, Any]:
    """What an anonymous visitor may see of a published demand: ``mask`` without details; a
    demand that is not public keeps even its title, summary and enterprise back, leaving only
    its industry, region and dates."""
    is_public = demand.confidentiality == Demand.Confidentiality.PUBLIC
    data = mask(demand, details_visible=False)
    if not is_public:
        for field in ("title", "summary", "enterprise", "enterprise_id", "disciplines"):
            data[field] = None
    data["is_public"] = is_public
    return data


def latest_public_teasers(limit: int = 8) -> list[dict[str, Any]]:
    """The latest published demands for the landing page, each through ``public_teaser``."""
    demands = (
        Demand.objects.filter(status=Demand.Status.PUBLISHED)
        .select_related("industry", "region", "region__parent", "enterprise")
        .prefetch_related("disciplines")
        .order_by("-published_at", "-pk")[:limit]
    )
    return [public_teaser(demand) for demand in demands]
