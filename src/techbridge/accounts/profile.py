"""A user's own contact details."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from techbridge.accounts.models import User
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused, ValidationErrors

CONTACT_FIELDS = ("display_name", "email", "phone")


@transaction.atomic
def update_contact_details(*, actor: Any, user: User, data: dict[str, str]) -> User:
    """Change the display name, e-mail and phone of one's own account; audited with the
    fields that changed."""
    if not actor.is_authenticated or actor.pk != user.pk:
        raise PermissionRefused(_("You may only change your own contact details."))
    user = User.objects.select_for_update().get(pk=user.pk)
    values = {field: str(data.get(field, "")).strip() for field in CONTACT_FIELDS}
    errors: dict[str | None, list[str]] = {}
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if len(values["phone"]) > 30:
        errors["phone"] = [_("The phone number is too long.")]
    if len(values["display_name"]) > 100:
        errors["display_name"] = [_("The display name is too long.")]
    if errors:
        raise ValidationErrors(errors)
    changed = sorted(f for f, v in values.items() if getattr(user, f) != v)
    if changed:
        for field in changed:
            setattr(user, field, values[field])
        user.save(update_fields=changed)
        audit.record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=user,
            summary=_("Contact details of %(user)s") % {"user": user.username},
            detail={"fields": changed},
        )
    return user
