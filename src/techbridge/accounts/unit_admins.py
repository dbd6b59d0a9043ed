"""Bureau staff create the administrator accounts of dispatching units in their region.

The account is active without a password; its owner sets one from a one-time link e-mailed
at once (``accounts.links``, the password-reset mechanism)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from techbridge.accounts.links import account_link
from techbridge.accounts.models import Role, User
from techbridge.accounts.permissions import ADMIN_ROLES, administered_region_q, administers_region
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused, ValidationErrors
from techbridge.orgs.models import Organisation


def creates_unit_administrators(user: Any) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in ADMIN_ROLES)


def units_administered_by(user: Any) -> QuerySet[Organisation]:
    """Dispatching units in the region of a bureau user (for whom they create accounts)."""
    if not creates_unit_administrators(user):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(administered_region_q(user), kind=Organisation.Kind.UNIT)
        .select_related("region", "region__parent")
        .order_by("name")
    )


def unit_administrators_for(user: Any) -> QuerySet[User]:
    return (
        User.objects.filter(role=Role.UNIT, organisation__in=units_administered_by(user))
        .select_related("organisation")
        .order_by("organisation__name", "username")
    )


@transaction.atomic
def create_unit_administrator(
    *, actor: Any, unit: Organisation, username: str, name: str, email: str
) -> User:
    if not (
        creates_unit_administrators(actor)
        and unit.kind == Organisation.Kind.UNIT
        and administers_region(actor, unit.region_id)
    ):
        raise PermissionRefused(
            _("Only the science bureau of the unit's region creates its administrators.")
        )
    user = User(
        username=username.strip(),
        role=Role.UNIT,
        organisation=unit,
        region=unit.region,
        display_name=name.strip(),
        email=email.strip(),
    )
    errors: dict[str | None, list[str]] = {}
    if not user.display_name:
        errors["name"] = [_("Enter the administrator's full name.")]
    try:
        validate_email(user.email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    if not user.username:
        errors["username"] = [_("Choose a user name.")]
    elif User.objects.filter(username__iexact=user.username).exists():
        errors["username"] = [_("This user name is taken; choose another.")]
    if errors:
        raise ValidationErrors(errors)
    user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=user,
        summary=_("Administrator %(name)s of %(unit)s") % {"name": user.display_name, "unit": unit},
        detail={"unit": unit.pk, "role": Role.UNIT},
    )
    link = account_link(user, "accounts:password_reset_confirm")
    transaction.on_commit(
        lambda: send_mail(
            _("Your TechBridge account for %(unit)s") % {"unit": unit.name},
            _(
                "%(name)s,\n\n%(actor)s created your TechBridge account as administrator of "
                "%(unit)s. Your user name is %(username)s. Set your password here (the link "
                "works once, for three days):\n\n%(link)s\n"
            )
            % {
                "name": user.display_name,
                "actor": actor.organisation or actor,
                "unit": unit.name,
                "username": user.username,
                "link": link,
            },
            None,
            [user.email],
        )
    )
    return user
