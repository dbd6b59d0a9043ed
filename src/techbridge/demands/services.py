"""Actions that change demands: create, edit, publish, close, invite and accept terms.

Each runs in one transaction, checks the actor's rights itself and writes the audit entry.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import InvalidState, PermissionRefused, ValidationFailed
from techbridge.core.validation import clean_keywords, full_clean_or_raise, reject_unknown_fields
from techbridge.demands import selectors
from techbridge.demands.models import Demand, DemandAccess
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Discipline
from techbridge.search import services as search_services
from techbridge.search.models import SearchTerm

EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "expected_outcome",
    "keywords",
    "industry",
    "cooperation_mode",
    "budget_min",
    "budget_max",
    "deadline",
    "region",
    "confidentiality",
    "contact_name",
    "contact_phone",
)


def index_terms(demand: Demand) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Public and protected texts of a demand, weighted for search."""
    disciplines = " ".join(d.name for d in demand.disciplines.all())
    public = [
        (demand.title, 3.0),
        (demand.summary, 1.5),
        (demand.industry.name if demand.industry_id else "", 1.0),
        (disciplines, 1.0),
        (demand.enterprise.name, 0.5),
    ]
    protected = [
        (demand.description, 1.0),
        (demand.expected_outcome, 1.0),
        (" ".join(demand.keywords or []), 2.0),
    ]
    if demand.confidentiality == Demand.Confidentiality.PUBLIC:
        return public + protected, []
    return public, protected


def reindex(demand: Demand) -> None:
    public, protected = index_terms(demand)
    search_services.index_document(
        kind=SearchTerm.Kind.DEMAND, object_id=demand.pk, public=public, protected=protected
    )


def _apply(demand: Demand, data: dict[str, Any]) -> list[Discipline] | None:
    reject_unknown_fields(data, (*EDITABLE_FIELDS, "disciplines"))
    for field in EDITABLE_FIELDS:
        if field in data:
            value = data[field]
            if field == "keywords":
                value = clean_keywords(value)
            setattr(demand, field, value)
    if (
        demand.budget_min is not None
        and demand.budget_max is not None
        and demand.budget_min > demand.budget_max
    ):
        raise ValidationFailed(
            _("The lower end of the budget range is above its upper end."), field="budget_min"
        )
    for bound in ("budget_min", "budget_max"):
        value = getattr(demand, bound)
        if value is not None and value < 0:
            raise ValidationFailed(_("A budget cannot be negative."), field=bound)
    if "disciplines" not in data:
        return None
    return list(data["disciplines"])


@transaction.atomic
def create_demand(
    *, actor: Any, enterprise: Organisation, data: dict[str, Any], ip_address: str | None = None
) -> Demand:
    if not enterprise.is_enterprise:
        raise ValidationFailed(_("Demands belong to enterprises."), field="enterprise")
    if not selectors.can_act_for(actor, enterprise):
        raise PermissionRefused(_("You may not publish demands for this enterprise."))
    demand = Demand(enterprise=enterprise, created_by=actor)
    if actor.role == Role.TECH_MANAGER:
        demand.manager = actor
    data = dict(data)
    data.setdefault("region", enterprise.region)
    disciplines = _apply(demand, data)
    full_clean_or_raise(demand)
    demand.save()
    if disciplines is not None:
        demand.disciplines.set(disciplines)
    reindex(demand)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=demand,
        summary=demand.title,
        ip_address=ip_address,
    )
    return demand


def _locked(demand: Demand) -> Demand:
    return Demand.objects.select_for_update().get(pk=demand.pk)


@transaction.atomic
def update_demand(
    *, actor: Any, demand: Demand, data: dict[str, Any], ip_address: str | None = None
) -> Demand:
    demand = _locked(demand)
    if not selectors.can_edit(actor, demand):
        raise PermissionRefused(_("You may not edit this demand."))
    if demand.status == Demand.Status.CLOSED:
        raise InvalidState(_("A closed demand cannot be edited."))
    changed = sorted(k for k in data if k in EDITABLE_FIELDS or k == "disciplines")
    disciplines = _apply(demand, dict(data))
    full_clean_or_raise(demand)
    demand.save()
    if disciplines is not None:
        demand.disciplines.set(disciplines)
    reindex(demand)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=demand,
        summary=demand.title,
        detail={"fields": changed},
        ip_address=ip_address,
    )
    return demand


@transaction.atomic
def publish_demand(*, actor: Any, demand: Demand, ip_address: str | None = None) -> Demand:
    demand = _locked(demand)
    if not selectors.can_edit(actor, demand):
        raise PermissionRefused(_("You may not publish this demand."))
    if not demand.enterprise.is_verified:
        raise PermissionRefused(
            _(
                "%(name)s has not been verified by the science bureau yet. You can keep drafting; "
                "demands can be published once the registration is verified."
            )
            % {"name": demand.enterprise.name}
        )
    if demand.status != Demand.Status.DRAFT:
        raise InvalidState(
            _("Only a draft can be published; this demand is %(s)s.")
            % {"s": demand.get_status_display()}
        )
    if demand.deadline and demand.deadline < timezone.localdate():
        raise ValidationFailed(
            _("The deadline has passed; set a later one before publishing."), field="deadline"
        )
    demand.status = Demand.Status.PUBLISHED
    demand.published_at = timezone.now()
    demand.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.PUBLISH,
        obj=demand,
        summary=demand.title,
        ip_address=ip_address,
    )
    return demand


@transaction.atomic
def close_demand(
    *, actor: Any, demand: Demand, reason: str = "", ip_address: str | None = None
) -> Demand:
    demand = _locked(demand)
    if not selectors.can_edit(actor, demand):
        raise PermissionRefused(_("You may not close this demand."))
    if demand.status == Demand.Status.CLOSED:
        raise InvalidState(_("This demand is already closed."))
    demand.status = Demand.Status.CLOSED
    demand.closed_at = timezone.now()
    demand.save(update_fields=["status", "closed_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CLOSE,
        obj=demand,
        summary=demand.title,
        detail={"reason": reason},
        ip_address=ip_address,
    )
    return demand


@transaction.atomic
def invite_researcher(*, actor: Any, demand: Demand, researcher: Any) -> DemandAccess:
    """Grant a researcher access to an ``invited`` demand's details, once they accept the NDA."""
    if not selectors.can_edit(actor, demand) and not (
        actor.role in (Role.CITY_BUREAU, Role.PROVINCE_ADMIN)
        and selectors.can_see_details(actor, demand)
    ):
        raise PermissionRefused(_("You may not invite researchers to this demand."))
    if demand.confidentiality != Demand.Confidentiality.INVITED:
        raise InvalidState(
            _("Only demands whose details are shown to invited researchers take invitations.")
        )
    access, _created = DemandAccess.objects.get_or_create(
        demand=demand, researcher=researcher, defaults={"invited_by": actor}
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        obj=demand,
        summary=str(researcher),
        detail={"researcher": researcher.pk},
    )
    return access


@transaction.atomic
def accept_terms(*, actor: Any, demand: Demand) -> DemandAccess:
    access = selectors.pending_access_for(actor, demand)
    if access is None:
        raise PermissionRefused(_("You have no invitation to this demand."))
    access.nda_accepted_at = timezone.now()
    access.save(update_fields=["nda_accepted_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        obj=demand,
        summary=_("Non-disclosure terms accepted"),
        detail={"access": access.pk},
    )
    return access


def record_detail_view(
    *, user: Any, demand: Demand, channel: str, ip_address: str | None = None
) -> None:
    """Log a view of protected details (web page, API or export); public demands are not logged."""
    if demand.confidentiality != Demand.Confidentiality.PUBLIC:
        audit.record(
            actor=user,
            action=AuditEntry.Action.VIEW_PROTECTED,
            obj=demand,
            summary=demand.title,
            detail={"channel": channel},
            ip_address=ip_address,
        )
