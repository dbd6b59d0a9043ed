"""Researchers joining through their unit (see ``JoinRequest``).

* The unit's administrator invites a researcher by name and e-mail; the researcher chooses a
  user name and password from a one-time link (``accounts.links``) and the account becomes
  active with a profile in the unit.
* A researcher registers, naming their unit; the account waits inactive until the unit's
  administrator confirms (active, with a profile) or rejects with a reason.

Either way the researcher is told of the outcome, and every step is audited.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.links import account_link, user_for_link
from techbridge.accounts.models import Role, User
from techbridge.accounts.registration import check_new_account
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import (
    InvalidState,
    NotFound,
    PermissionRefused,
    ValidationErrors,
    ValidationFailed,
)
from techbridge.notifications import services as notifications
from techbridge.notifications.models import Notification
from techbridge.orgs.models import Organisation
from techbridge.talent import selectors
from techbridge.talent.models import JoinRequest, Researcher
from techbridge.talent.services import create_profile


def join_requests_for(user: Any) -> QuerySet[JoinRequest]:
    """The requests of the unit(s) ``user`` administers, newest first; none for others."""
    return (
        JoinRequest.objects.filter(unit__in=selectors.units_managed_by(user))
        .select_related("unit", "user")
        .order_by("-created_at", "-pk")
    )


def _unit_administrators(unit: Organisation) -> QuerySet[User]:
    return User.objects.filter(role=Role.UNIT, organisation=unit, is_active=True)


def _check_person(errors: dict[str | None, list[str]], *, name: str, email: str) -> None:
    if not name.strip():
        errors.setdefault("name", []).append(_("Enter the researcher's full name."))
    try:
        validate_email(email)
    except ValidationError:
        errors.setdefault("email", []).append(_("Enter a valid e-mail address."))


def _new_account(*, unit: Organisation, name: str, email: str, phone: str = "") -> User:
    return User(
        role=Role.RESEARCHER,
        organisation=unit,
        region=unit.region,
        display_name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        is_active=False,
    )


@transaction.atomic
def invite_researcher(*, actor: Any, unit: Organisation, name: str, email: str) -> JoinRequest:
    """Create the waiting account and e-mail the researcher a one-time link to complete it."""
    if not selectors.manages_unit(actor, unit.pk) or unit.kind != Organisation.Kind.UNIT:
        raise PermissionRefused(_("Only the unit's administrator invites its researchers."))
    errors: dict[str | None, list[str]] = {}
    _check_person(errors, name=name, email=email)
    if (
        not errors
        and JoinRequest.objects.filter(
            unit=unit, email__iexact=email.strip(), status=JoinRequest.Status.PENDING
        ).exists()
    ):
        errors["email"] = [_("An invitation to this e-mail address is already waiting.")]
    if errors:
        raise ValidationErrors(errors)
    user = _new_account(unit=unit, name=name, email=email)
    # A placeholder until the researcher chooses their user name; nobody can log in with it.
    user.username = f"invited-{secrets.token_hex(8)}"
    user.set_unusable_password()
    user.save()
    request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INVITED,
        unit=unit,
        user=user,
        name=name.strip(),
        email=email.strip(),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=request,
        summary=_("Invited %(name)s to join %(unit)s") % {"name": request.name, "unit": unit},
        detail={"email": request.email},
    )
    link = account_link(user, "talent:join_invited")
    transaction.on_commit(
        lambda: send_mail(
            _("Invitation to TechBridge from %(unit)s") % {"unit": unit.name},
            _(
                "%(name)s,\n\n%(unit)s invites you to TechBridge, the platform of the "
                "technology commissioner programme. Choose your user name and password here "
                "(the link works once, for three days):\n\n%(link)s\n"
            )
            % {"name": request.name, "unit": unit.name, "link": link},
            None,
            [request.email],
        )
    )
    return request


def invitation_for_link(uidb64: str, token: str) -> JoinRequest:
    """The waiting invitation a link is for; a used, expired or forged link is refused."""
    user = user_for_link(uidb64, token)
    request = (
        JoinRequest.objects.select_related("unit", "user").filter(user=user).first()
        if user is not None
        else None
    )
    if (
        request is None
        or request.kind != JoinRequest.Kind.INVITED
        or request.status != JoinRequest.Status.PENDING
    ):
        raise NotFound(
            _(
                "This invitation link is not valid: it was used already or has expired. "
                "Ask your unit for a new one."
            )
        )
    return request


@transaction.atomic
def accept_invitation(
    *, uidb64: str, token: str, username: str, password: str, ip_address: str | None = None
) -> User:
    request = invitation_for_link(uidb64, token)
    request = JoinRequest.objects.select_for_update().select_related("unit").get(pk=request.pk)
    user = User.objects.select_for_update().get(pk=request.user_id)
    user.username = username.strip()
    errors: dict[str | None, list[str]] = {}
    check_new_account(errors, user=user, password=password, password_field="password1")
    if errors:
        raise ValidationErrors(errors)
    user.set_password(password)
    user.is_active = True
    user.save()
    _confirm(request, decided_by=request.created_by)
    audit.record(
        actor=user,
        action=AuditEntry.Action.UPDATE,
        obj=request,
        summary=_("%(name)s accepted the invitation of %(unit)s")
        % {"name": request.name, "unit": request.unit},
        ip_address=ip_address,
    )
    for administrator in _unit_administrators(request.unit):
        notifications.notify(
            recipient=administrator,
            kind=Notification.Kind.SYSTEM,
            title=_("%(name)s accepted your invitation") % {"name": request.name},
            url=reverse("talent:detail", args=[user.researcher.pk]),
            target=request,
            email="digest",
        )
    return user


def _confirm(request: JoinRequest, *, decided_by: Any) -> Researcher:
    """Mark the request confirmed and give its (active) account a profile in the unit."""
    request.status = JoinRequest.Status.CONFIRMED
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    data: dict[str, Any] = {"name": request.name, "email": request.email, "title": request.title}
    if request.phone:
        data["phone"] = request.phone
    return create_profile(actor=decided_by, unit=request.unit, data=data, user=request.user)


@transaction.atomic
def request_to_join(
    *,
    unit: Organisation,
    name: str,
    email: str,
    phone: str,
    title: str,
    username: str,
    password: str,
    ip_address: str | None = None,
) -> JoinRequest:
    """A researcher registers; the account stays inactive until the unit confirms."""
    if unit.kind != Organisation.Kind.UNIT:
        raise ValidationFailed(_("Choose a university or research institute."), field="unit")
    errors: dict[str | None, list[str]] = {}
    _check_person(errors, name=name, email=email)
    user = _new_account(unit=unit, name=name, email=email, phone=phone)
    user.username = username.strip()
    check_new_account(errors, user=user, password=password, password_field="password1")
    if errors:
        raise ValidationErrors(errors)
    user.set_password(password)
    user.save()
    request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.SELF,
        unit=unit,
        user=user,
        name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        title=title.strip(),
    )
    audit.record(
        actor=user,
        action=AuditEntry.Action.CREATE,
        obj=request,
        summary=_("%(name)s asked to join %(unit)s") % {"name": request.name, "unit": unit},
        ip_address=ip_address,
    )
    for administrator in _unit_administrators(unit):
        notifications.open_todo(
            owner=administrator,
            title=_("Confirm or reject %(name)s, who registered as your researcher")
            % {"name": request.name},
            url=reverse("talent:join_requests"),
            target=request,
        )
    return request


def _locked_pending_self(actor: Any, request: JoinRequest) -> JoinRequest:
    request = (
        JoinRequest.objects.select_for_update().select_related("unit", "user").get(pk=request.pk)
    )
    if not selectors.manages_unit(actor, request.unit_id):
        raise PermissionRefused(_("Only the unit's administrator decides on its researchers."))
    if request.kind != JoinRequest.Kind.SELF or request.status != JoinRequest.Status.PENDING:
        raise InvalidState(_("This request is not waiting for a decision."))
    return request


def _tell_applicant(request: JoinRequest, subject: str, body: str) -> None:
    """E-mail the applicant directly: a rejected account cannot log in to read notices."""
    transaction.on_commit(lambda: send_mail(subject, body, None, [request.email]))


@transaction.atomic
def confirm_join_request(*, actor: Any, request: JoinRequest) -> Researcher:
    request = _locked_pending_self(actor, request)
    User.objects.filter(pk=request.user_id).update(is_active=True)
    request.user.is_active = True
    researcher = _confirm(request, decided_by=actor)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=request,
        summary=_("Confirmed %(name)s as a researcher of %(unit)s")
        % {"name": request.name, "unit": request.unit},
        detail={"decision": "confirmed", "researcher": researcher.pk},
    )
    notifications.close_todos(target=request)
    notifications.notify(
        recipient=request.user,
        kind=Notification.Kind.SYSTEM,
        title=_("%(unit)s confirmed your registration") % {"unit": request.unit.name},
        body=_("You can now log in and complete your profile."),
        url=reverse("talent:detail", args=[researcher.pk]),
        target=request,
        email="none",
    )
    _tell_applicant(
        request,
        _("%(unit)s confirmed your registration") % {"unit": request.unit.name},
        _("You can now log in to TechBridge as %(username)s and complete your profile.")
        % {"username": request.user.username},
    )
    return researcher


@transaction.atomic
def reject_join_request(*, actor: Any, request: JoinRequest, reason: str) -> JoinRequest:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            _("Give the reason for the rejection, so that the researcher can correct it."),
            field="reason",
        )
    request = _locked_pending_self(actor, request)
    request.status = JoinRequest.Status.REJECTED
    request.reason = reason
    # Free the user name, so that the researcher may register again with corrected details;
    # the inactive account stays as the record of the request.
    User.objects.filter(pk=request.user_id).update(
        username=f"rejected-{secrets.token_hex(8)}", is_active=False
    )
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=request,
        summary=_("Rejected the registration of %(name)s") % {"name": request.name},
        detail={"decision": "rejected", "reason": reason},
    )
    notifications.close_todos(target=request)
    notifications.notify(
        recipient=request.user,
        kind=Notification.Kind.SYSTEM,
        title=_("%(unit)s did not confirm your registration") % {"unit": request.unit.name},
        body=reason,
        target=request,
        email="none",
    )
    _tell_applicant(
        request,
        _("%(unit)s did not confirm your registration") % {"unit": request.unit.name},
        _(
            "Reason: %(reason)s\n\nYou may register again with corrected details, or ask "
            "your unit to invite you."
        )
        % {"reason": reason},
    )
    return request
