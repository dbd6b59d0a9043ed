"""Organisations over the API: names for everyone signed in, contacts per
``orgs.selectors.can_see_contact``, registration and editing of enterprises."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from techbridge.accounts.api import actor
from techbridge.api_common import Page, paginated
from techbridge.core.errors import NotFound
from techbridge.orgs import selectors, services
from techbridge.orgs.models import Organisation
from techbridge.refdata.api import resolve_industry, resolve_region
from techbridge.refdata.codes import region_prefix

router = Router(tags=["organisations"])

CONTACT_FIELDS = ("credit_code", "contact_name", "contact_phone", "contact_email", "address")


class OrganisationItem(Schema):
    id: int
    kind: Organisation.Kind
    name: str
    region: str
    region_code: str
    industry_code: str | None
    size: str


class OrganisationOut(OrganisationItem):
    kind_label: str
    industry: str | None
    registered_on: datetime.date | None
    registered_in_province_on: datetime.date | None
    is_high_tech: bool
    is_tech_sme: bool
    is_independent_legal_person: bool
    description: str
    contact_visible: bool
    can_edit: bool
    # Shown only to members, authorised managers and the region's administrators.
    credit_code: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    address: str | None


class OrganisationFilters(Schema):
    q: str = ""
    kind: Organisation.Kind | None = None
    region: str = ""
    page: int = 1


class EnterprisePatch(Schema):
    name: str | None = None
    credit_code: str | None = None
    registered_on: datetime.date | None = None
    registered_in_province_on: datetime.date | None = None
    region: str | None = None
    industry: str | None = None
    size: Organisation.Size | None = None
    is_high_tech: bool | None = None
    is_tech_sme: bool | None = None
    is_independent_legal_person: bool | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    address: str | None = None
    description: str | None = None


class EnterpriseIn(EnterprisePatch):
    name: str
    credit_code: str
    registered_on: datetime.date
    region: str
    industry: str


def _item(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.pk,
        "kind": org.kind,
        "name": org.name,
        "region": org.region.full_name,
        "region_code": org.region_id,
        "industry_code": org.industry_id,
        "size": org.size,
    }


def _detail(user: Any, org: Organisation) -> dict[str, Any]:
    visible = selectors.can_see_contact(user, org)
    data = _item(org) | {
        "kind_label": str(org.get_kind_display()),
        "industry": str(org.industry) if org.industry_id else None,
        "registered_on": org.registered_on,
        "registered_in_province_on": org.registered_in_province_on,
        "is_high_tech": org.is_high_tech,
        "is_tech_sme": org.is_tech_sme,
        "is_independent_legal_person": org.is_independent_legal_person,
        "description": org.description,
        "contact_visible": visible,
        "can_edit": org.is_enterprise and selectors.can_manage(user, org),
    }
    for field in CONTACT_FIELDS:
        data[field] = getattr(org, field) if visible else None
    return data


def _data(payload: EnterprisePatch) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    for field in ("name", "credit_code", "registered_on", "region", "industry"):
        if field in data and data[field] is None:
            data.pop(field)
    if "region" in data:
        data["region"] = resolve_region(data["region"])
    if "industry" in data:
        data["industry"] = resolve_industry(data["industry"])
    for field in (
        "size",
        "contact_name",
        "contact_phone",
        "contact_email",
        "address",
        "description",
    ):
        if field in data and data[field] is None:
            data[field] = ""
    for field in ("is_high_tech", "is_tech_sme", "is_independent_legal_person"):
        if field in data and data[field] is None:
            data.pop(field)
    return data


def _get(user: Any, organisation_id: int) -> Organisation:
    org = selectors.organisations_visible_to(user).filter(pk=organisation_id).first()
    if org is None:
        raise NotFound(_("No such organisation."))
    return org


@router.get("/organisations", response=Page[OrganisationItem], summary="List organisations")
def list_organisations(request, filters: Query[OrganisationFilters]):
    qs = selectors.organisations_visible_to(actor(request))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region:
        # A province code selects its cities too.
        qs = qs.filter(region__code__startswith=region_prefix(filters.region))
    if filters.q.strip():
        qs = qs.filter(Q(name__icontains=filters.q.strip()))
    return paginated(qs, filters.page, _item)


@router.get(
    "/organisations/{int:organisation_id}", response=OrganisationOut, summary="One organisation"
)
def get_organisation(request, organisation_id: int):
    user = actor(request)
    return _detail(user, _get(user, organisation_id))


@router.post(
    "/organisations/enterprises", response={201: OrganisationOut}, summary="Register an enterprise"
)
def register_enterprise(request, payload: EnterpriseIn):
    user = actor(request)
    org = services.register_enterprise(actor=user, data=_data(payload))
    return Status(201, _detail(user, org))


@router.patch(
    "/organisations/{int:organisation_id}", response=OrganisationOut, summary="Edit an enterprise"
)
def update_enterprise(request, organisation_id: int, payload: EnterprisePatch):
    user = actor(request)
    org = services.update_enterprise(
        actor=user, organisation=_get(user, organisation_id), data=_data(payload)
    )
    return _detail(user, org)
