"""Technical demands over the API.

Every read goes through ``demands.selectors``: lists through ``filter_demands`` and each item
through ``mask``, so protected fields are null unless the caller may see them, and search never
matches hidden text. Every response that carries protected details of a non-public demand is
written to the audit trail (channel ``api``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from techbridge.accounts.api import actor
from techbridge.api_common import Page, paginated
from techbridge.audit.services import client_ip
from techbridge.core.errors import NotFound, ValidationFailed
from techbridge.demands import selectors, services
from techbridge.demands.models import Demand, DemandAccess
from techbridge.orgs.selectors import organisations_visible_to
from techbridge.refdata.api import resolve_disciplines, resolve_industry, resolve_region
from techbridge.talent.selectors import researchers_visible_to

router = Router(tags=["demands"])


class DemandOut(Schema):
    id: int
    title: str
    summary: str
    enterprise: str
    enterprise_id: int
    industry: str
    industry_code: str
    disciplines: list[str]
    region: str
    region_code: str
    cooperation_mode: str
    cooperation_mode_code: Demand.CooperationMode
    confidentiality: Demand.Confidentiality
    confidentiality_label: str
    status: Demand.Status
    status_label: str
    deadline: datetime.date | None
    published_at: datetime.datetime | None
    details_visible: bool
    # Protected: null unless details_visible.
    description: str | None
    expected_outcome: str | None
    keywords: list[str] | None
    budget_min: Decimal | None
    budget_max: Decimal | None
    contact_name: str | None
    contact_phone: str | None


class DemandDetailOut(DemandOut):
    can_edit: bool
    invitation_pending: bool


class DemandFilterQuery(Schema):
    q: str = ""
    industry: str = ""
    discipline: str = ""
    region: str = ""
    status: Demand.Status | None = None
    cooperation_mode: Demand.CooperationMode | None = None
    mine: bool = False
    page: int = 1


class DemandPatch(Schema):
    title: str | None = None
    summary: str | None = None
    description: str | None = None
    expected_outcome: str | None = None
    keywords: list[str] | None = None
    industry: str | None = None
    disciplines: list[str] | None = None
    cooperation_mode: Demand.CooperationMode | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    deadline: datetime.date | None = None
    region: str | None = None
    confidentiality: Demand.Confidentiality | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


class DemandIn(DemandPatch):
    enterprise: int | None = None
    title: str
    description: str
    industry: str
    cooperation_mode: Demand.CooperationMode


class CloseIn(Schema):
    reason: str = ""


class InvitationIn(Schema):
    researcher: int


class AccessOut(Schema):
    id: int
    demand_id: int
    researcher_id: int
    researcher: str
    invited_at: datetime.datetime
    nda_accepted_at: datetime.datetime | None

    @staticmethod
    def resolve_researcher(obj: DemandAccess) -> str:
        return str(obj.researcher)


NULLABLE = ("budget_min", "budget_max", "deadline")


def _data(payload: DemandPatch) -> dict[str, Any]:
    """The service's ``data`` from a request body: codes become rows, null text becomes ''."""
    data = payload.model_dump(exclude_unset=True)
    data.pop("enterprise", None)
    for field, value in list(data.items()):
        if value is None and field not in NULLABLE:
            if field in (
                "industry",
                "region",
                "disciplines",
                "cooperation_mode",
                "confidentiality",
            ):
                data.pop(field)
            else:
                data[field] = [] if field == "keywords" else ""
    if "industry" in data:
        data["industry"] = resolve_industry(data["industry"])
    if "region" in data:
        data["region"] = resolve_region(data["region"])
    if "disciplines" in data:
        data["disciplines"] = resolve_disciplines(data["disciplines"])
    return data


def _visible(user: Any, demand_id: int) -> Demand:
    demand = (
        selectors.demands_visible_to(user)
        .prefetch_related("disciplines")
        .filter(pk=demand_id)
        .first()
    )
    if demand is None:
        raise NotFound(_("No such demand."))
    return demand


def _record_views(request: HttpRequest, demands: Sequence[Demand]) -> None:
    for demand in demands:
        services.record_detail_view(
            user=actor(request), demand=demand, channel="api", ip_address=client_ip(request)
        )


def _detail(request: HttpRequest, demand: Demand, *, record_view: bool) -> dict[str, Any]:
    user = actor(request)
    visible = selectors.can_see_details(user, demand)
    if visible and record_view:
        _record_views(request, [demand])
    return selectors.mask(demand, details_visible=visible) | {
        "can_edit": selectors.can_edit(user, demand),
        "invitation_pending": selectors.pending_access_for(user, demand) is not None,
    }


def _reloaded(request: HttpRequest, demand: Demand) -> dict[str, Any]:
    """A written demand as its author sees it; writing is not a view to audit."""
    return _detail(request, _visible(actor(request), demand.pk), record_view=False)


@router.get("/demands", response=Page[DemandOut], summary="List and search demands")
def list_demands(request, filters: Query[DemandFilterQuery]):
    """Demands the caller may list. ``q`` searches public text, and protected text only of the
    demands whose details the caller may see."""
    user = actor(request)
    qs = selectors.filter_demands(
        user,
        selectors.DemandFilters(
            q=filters.q,
            industry=filters.industry,
            discipline=filters.discipline,
            region=filters.region,
            status=filters.status or "",
            cooperation_mode=filters.cooperation_mode or "",
            mine=filters.mine,
        ),
    ).prefetch_related("disciplines")

    def build_page(rows: Sequence[Demand]) -> list[dict[str, Any]]:
        entitled = set(
            selectors.demands_with_details_for(user)
            .filter(pk__in=[d.pk for d in rows])
            .values_list("pk", flat=True)
        )
        _record_views(request, [d for d in rows if d.pk in entitled])
        return [selectors.mask(d, details_visible=d.pk in entitled) for d in rows]

    return paginated(qs, filters.page, build_page=build_page)


@router.get("/demands/{int:demand_id}", response=DemandDetailOut, summary="One demand")
def get_demand(request, demand_id: int):
    return _detail(request, _visible(actor(request), demand_id), record_view=True)


@router.post("/demands", response={201: DemandDetailOut}, summary="Create a demand (draft)")
def create_demand(request, payload: DemandIn):
    """``enterprise`` defaults to the caller's organisation."""
    user = actor(request)
    if payload.enterprise is not None:
        enterprise = organisations_visible_to(user).filter(pk=payload.enterprise).first()
        if enterprise is None:
            raise ValidationFailed(_("No such enterprise."), field="enterprise")
    elif user.organisation_id is not None:
        enterprise = user.organisation
    else:
        raise ValidationFailed(_("Say which enterprise the demand belongs to."), field="enterprise")
    demand = services.create_demand(
        actor=user, enterprise=enterprise, data=_data(payload), ip_address=client_ip(request)
    )
    return Status(201, _reloaded(request, demand))


@router.patch("/demands/{int:demand_id}", response=DemandDetailOut, summary="Edit a demand")
def update_demand(request, demand_id: int, payload: DemandPatch):
    user = actor(request)
    demand = services.update_demand(
        actor=user,
        demand=_visible(user, demand_id),
        data=_data(payload),
        ip_address=client_ip(request),
    )
    return _reloaded(request, demand)


@router.post(
    "/demands/{int:demand_id}/publish", response=DemandDetailOut, summary="Publish a draft demand"
)
def publish_demand(request, demand_id: int):
    user = actor(request)
    demand = services.publish_demand(
        actor=user, demand=_visible(user, demand_id), ip_address=client_ip(request)
    )
    return _reloaded(request, demand)


@router.post("/demands/{int:demand_id}/close", response=DemandDetailOut, summary="Close a demand")
def close_demand(request, demand_id: int, payload: CloseIn | None = None):
    user = actor(request)
    demand = services.close_demand(
        actor=user,
        demand=_visible(user, demand_id),
        reason=payload.reason if payload else "",
        ip_address=client_ip(request),
    )
    return _reloaded(request, demand)


@router.post(
    "/demands/{int:demand_id}/invitations",
    response={201: AccessOut},
    summary="Invite a researcher to see an invited demand's details",
)
def invite_researcher(request, demand_id: int, payload: InvitationIn):
    user = actor(request)
    demand = _visible(user, demand_id)
    researcher = researchers_visible_to(user).filter(pk=payload.researcher).first()
    if researcher is None:
        raise ValidationFailed(_("No such researcher."), field="researcher")
    return Status(201, services.invite_researcher(actor=user, demand=demand, researcher=researcher))


@router.post(
    "/demands/{int:demand_id}/accept-terms",
    response=AccessOut,
    summary="Accept the non-disclosure terms of an invitation",
)
def accept_terms(request, demand_id: int):
    user = actor(request)
    return services.accept_terms(actor=user, demand=_visible(user, demand_id))
