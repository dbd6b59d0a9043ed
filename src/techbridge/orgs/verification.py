"""Verification of self-registered enterprises by the science bureau of their region.

A city bureau verifies the enterprises in its city (counties included), a provincial
administrator those in its province, a superuser any. An enterprise waits in
``Verification.PENDING`` until approved (it may then publish demands) or rejected with a
reason; a rejected enterprise corrects its data and submits again. Every decision is audited
and its users are told in the app and by e-mail.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role, User
from techbridge.accounts.permissions import ADMIN_ROLES, administered_region_q, administers_region
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import InvalidState, PermissionRefused, ValidationFailed
from techbridge.notifications import services as notifications
from techbridge.notifications.models import Notification
from techbridge.orgs.models import Organisation


def is_verifier(user: Any) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in ADMIN_ROLES)


def can_verify(user: Any, organisation: Organisation) -> bool:
    return (
        is_verifier(user)
        and organisation.is_enterprise
        and administers_region(user, organisation.region_id)
    )


def pending_enterprises_for(user: Any) -> QuerySet[Organisation]:
    """Enterprises waiting for ``user``'s verification, oldest first; none for other roles."""
    if not is_verifier(user):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            administered_region_q(user),
            kind=Organisation.Kind.ENTERPRISE,
            verification_status=Organisation.Verification.PENDING,
        )
        .select_related("region", "region__parent")
        .prefetch_related("members")
        .order_by("submitted_at", "pk")
    )


def verifiers_of(organisation: Organisation) -> list[User]:
    """The active bureau users who may verify ``organisation``."""
    candidates = User.objects.filter(
        role__in=ADMIN_ROLES, is_active=True, region__isnull=False
    ).order_by("pk")
    return [user for user in candidates if administers_region(user, organisation.region_id)]


def tell_verifiers(organisation: Organisation) -> None:
    """Put the registration on the to-do list of every bureau user who may verify it."""
    title = _("Verify the registration of %(name)s") % {"name": organisation.name}
    for user in verifiers_of(organisation):
        notifications.open_todo(
            owner=user,
            title=title,
            url=reverse("orgs:verification_queue"),
            target=organisation,
        )


def _applicants(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(organisation=organisation, role=Role.ENTERPRISE, is_active=True)


def _locked_pending(actor: Any, organisation: Organisation) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not can_verify(actor, organisation):
        raise PermissionRefused(_("You may not verify enterprises outside your region."))
    if organisation.verification_status != Organisation.Verification.PENDING:
        raise InvalidState(
            _("This registration is not waiting for verification (it is %(state)s).")
            % {"state": organisation.get_verification_status_display()}
        )
    return organisation


@transaction.atomic
def approve_enterprise(*, actor: Any, organisation: Organisation) -> Organisation:
    organisation = _locked_pending(actor, organisation)
    organisation.verification_status = Organisation.Verification.VERIFIED
    organisation.verification_reason = ""
    organisation.verified_at = timezone.now()
    organisation.save(
        update_fields=["verification_status", "verification_reason", "verified_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=organisation,
        summary=_("Registration verified: %(name)s") % {"name": organisation.name},
        detail={"verification": "verified"},
    )
    notifications.close_todos(target=organisation)
    for user in _applicants(organisation):
        notifications.notify(
            recipient=user,
            kind=Notification.Kind.WORKFLOW,
            title=_("Your enterprise %(name)s was verified") % {"name": organisation.name},
            body=_("You can now publish your technical demands."),
            url=reverse("core:home"),
            target=organisation,
            email="immediate",
        )
    return organisation


@transaction.atomic
def reject_enterprise(*, actor: Any, organisation: Organisation, reason: str) -> Organisation:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("Give the reason for the rejection, so that the enterprise can correct it."),
            field="reason",
        )
    organisation = _locked_pending(actor, organisation)
    organisation.verification_status = Organisation.Verification.REJECTED
    organisation.verification_reason = reason
    organisation.save(update_fields=["verification_status", "verification_reason", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=organisation,
        summary=_("Registration rejected: %(name)s") % {"name": organisation.name},
        detail={"verification": "rejected", "reason": reason},
    )
    notifications.close_todos(target=organisation)
    for user in _applicants(organisation):
        notifications.notify(
            recipient=user,
            kind=Notification.Kind.WORKFLOW,
            title=_("The registration of %(name)s was not accepted") % {"name": organisation.name},
            body=_("Reason: %(reason)s. Correct your enterprise's data and submit it again.")
            % {"reason": reason},
            url=reverse("orgs:edit", args=[organisation.pk]),
            target=organisation,
            email="immediate",
        )
    return organisation


@transaction.atomic
def resubmit_enterprise(*, actor: Any, organisation: Organisation) -> Organisation:
    """A rejected enterprise's user sends the corrected registration back to the bureau."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not (
        actor.is_authenticated
        and actor.role == Role.ENTERPRISE
        and actor.organisation_id == organisation.pk
    ):
        raise PermissionRefused(_("Only the enterprise's own users submit its registration."))
    if organisation.verification_status != Organisation.Verification.REJECTED:
        raise InvalidState(_("Only a rejected registration can be submitted again."))
    organisation.verification_status = Organisation.Verification.PENDING
    organisation.submitted_at = timezone.now()
    organisation.save(update_fields=["verification_status", "submitted_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=organisation,
        summary=_("Registration submitted again: %(name)s") % {"name": organisation.name},
        detail={"verification": "pending", "previous_reason": organisation.verification_reason},
    )
    tell_verifiers(organisation)
    return organisation
