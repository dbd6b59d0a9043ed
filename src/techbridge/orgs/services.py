"""Registering and maintaining enterprises."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused, ValidationFailed
from techbridge.core.validation import full_clean_or_raise, reject_unknown_fields
from techbridge.orgs import selectors
from techbridge.orgs.models import Organisation
from techbridge.orgs.validators import validate_credit_code

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "registered_on",
    "registered_in_province_on",
    "region",
    "industry",
    "size",
    "is_high_tech",
    "is_tech_sme",
    "is_independent_legal_person",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "description",
)


def _apply(organisation: Organisation, data: dict[str, Any]) -> None:
    reject_unknown_fields(data, ENTERPRISE_FIELDS)
    for field, value in data.items():
        setattr(organisation, field, value)
    organisation.credit_code = validate_credit_code(organisation.credit_code)
    clash = Organisation.objects.filter(credit_code=organisation.credit_code).exclude(
        pk=organisation.pk
    )
    if clash.exists():
        raise ValidationFailed(
            _("An enterprise with this unified social credit code is already registered."),
            field="credit_code",
        )
    if organisation.registered_on is None:
        raise ValidationFailed(_("The registration date is required."), field="registered_on")
    if organisation.registered_on > timezone.localdate():
        raise ValidationFailed(
            _("The registration date lies in the future."), field="registered_on"
        )
    since = organisation.registered_in_province_on
    if since is not None and (since > timezone.localdate() or since < organisation.registered_on):
        raise ValidationFailed(
            _(
                "The date of registration in the current province must lie between the "
                "registration date and today."
            ),
            field="registered_in_province_on",
        )
    if organisation.industry_id is None:
        raise ValidationFailed(_("The industry is required."), field="industry")


@transaction.atomic
def register_enterprise(*, actor: Any, data: dict[str, Any]) -> Organisation:
    """Create an enterprise; an enterprise user without an organisation becomes its member."""
    if actor.role not in (Role.ENTERPRISE, Role.TECH_MANAGER) and not actor.is_superuser:
        raise PermissionRefused(
            _("Only enterprise users and technology managers register enterprises.")
        )
    if actor.role == Role.ENTERPRISE and actor.organisation_id is not None:
        raise PermissionRefused(_("Your account already belongs to an enterprise."))
    organisation = Organisation(kind=Organisation.Kind.ENTERPRISE)
    _apply(organisation, dict(data))
    full_clean_or_raise(organisation)
    organisation.save()
    if actor.role == Role.ENTERPRISE:
        actor.organisation = organisation
        actor.region = organisation.region
        actor.save(update_fields=["organisation", "region"])
    elif actor.role == Role.TECH_MANAGER:
        organisation.authorised_managers.add(actor)
    audit.record(
        actor=actor, action=AuditEntry.Action.CREATE, obj=organisation, summary=organisation.name
    )
    return organisation


@transaction.atomic
def update_enterprise(
    *, actor: Any, organisation: Organisation, data: dict[str, Any]
) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.is_enterprise or not selectors.can_manage(actor, organisation):
        raise PermissionRefused(_("You may not edit this enterprise."))
    _apply(organisation, dict(data))
    full_clean_or_raise(organisation)
    organisation.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=organisation,
        summary=organisation.name,
        detail={"fields": sorted(data)},
    )
    return organisation


@transaction.atomic
def authorise_manager(*, actor: Any, organisation: Organisation, manager: Any) -> None:
    if not (
        actor.is_superuser
        or (actor.role == Role.ENTERPRISE and actor.organisation_id == organisation.pk)
    ):
        raise PermissionRefused(_("Only the enterprise itself authorises technology managers."))
    if manager.role != Role.TECH_MANAGER:
        raise ValidationFailed(_("This user is not a technology manager."))
    organisation.authorised_managers.add(manager)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        obj=organisation,
        summary=str(manager),
        detail={"manager": manager.pk},
    )
