"""Self-registration of enterprises: the enterprise and its first user in one transaction.

The enterprise starts as waiting for verification (``Organisation.Verification.PENDING``); its
user may log in and draft demands at once, and ``demands.services.publish_demand`` refuses to
publish until the science bureau of its region has verified it (``orgs.verification``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role, User
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import ValidationErrors, ValidationFailed
from techbridge.orgs.models import Organisation
from techbridge.orgs.validators import validate_credit_code
from techbridge.orgs.verification import tell_verifiers
from techbridge.refdata.models import Industry, Region


@dataclass(frozen=True)
class EnterpriseRegistration:
    name: str
    credit_code: str
    region: Region
    # The date on the business licence (成立日期) and the main industry: the host-enterprise
    # rules (registered in the province for a year) and the matching need both.
    registered_on: datetime.date | None
    industry: Industry | None
    contact_name: str
    contact_phone: str
    contact_email: str
    username: str
    password: str


def check_new_account(
    errors: dict[str | None, list[str]], *, user: User, password: str, password_field: str
) -> None:
    """Collect what is wrong with a new account's user name and password (Django's password
    validators) into ``errors``."""
    if not user.username.strip():
        errors.setdefault("username", []).append(_("Choose a user name."))
    elif User.objects.filter(username__iexact=user.username).exists():
        errors.setdefault("username", []).append(_("This user name is taken; choose another."))
    try:
        User._meta.get_field("username").run_validators(user.username)
    except ValidationError as exc:
        errors.setdefault("username", []).extend(exc.messages)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault(password_field, []).extend(exc.messages)


def credit_code_errors(value: str) -> tuple[str, list[str]]:
    """The canonical credit code and what is wrong with it for a new registration: the check
    character (GB 32100) and whether an enterprise with it exists already."""
    try:
        code = validate_credit_code(value)
    except ValidationFailed as exc:
        return value, [exc.message]
    if Organisation.objects.filter(credit_code=code).exists():
        return code, [
            _(
                "An enterprise with this unified social credit code is already registered; "
                "ask its users to create an account for you, or contact the science bureau."
            )
        ]
    return code, []


def register_enterprise_account(
    *, registration: EnterpriseRegistration, ip_address: str | None = None
) -> User:
    """Create the enterprise (waiting for verification) and its first enterprise user, audit
    both and tell the bureaus that verify it; any wrong field refuses everything."""
    errors: dict[str | None, list[str]] = {}
    credit_code, problems = credit_code_errors(registration.credit_code)
    if problems:
        errors["credit_code"] = problems
    if not registration.name.strip():
        errors.setdefault("name", []).append(_("Enter the enterprise's registered name."))
    if registration.registered_on is None:
        errors.setdefault("registered_on", []).append(
            _("Enter the registration date on the business licence.")
        )
    elif registration.registered_on > timezone.localdate():
        errors.setdefault("registered_on", []).append(
            _("The registration date lies in the future.")
        )
    if registration.industry is None:
        errors.setdefault("industry", []).append(_("Choose the enterprise's main industry."))
    user = User(
        username=registration.username.strip(),
        role=Role.ENTERPRISE,
        region=registration.region,
        display_name=registration.contact_name.strip(),
        email=registration.contact_email.strip(),
        phone=registration.contact_phone.strip(),
    )
    check_new_account(errors, user=user, password=registration.password, password_field="password1")
    if errors:
        raise ValidationErrors(errors)
    try:
        return _create(registration, user, credit_code, ip_address)
    except IntegrityError:
        # A registration with the same code or user name committed in between.
        raise ValidationErrors(
            {None: [_("This enterprise or user name was registered a moment ago; check them.")]}
        ) from None


@transaction.atomic
def _create(
    registration: EnterpriseRegistration, user: User, credit_code: str, ip_address: str | None
) -> User:
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.ENTERPRISE,
        name=registration.name.strip(),
        credit_code=credit_code,
        region=registration.region,
        registered_on=registration.registered_on,
        industry=registration.industry,
        contact_name=registration.contact_name.strip(),
        contact_phone=registration.contact_phone.strip(),
        contact_email=registration.contact_email.strip(),
        verification_status=Organisation.Verification.PENDING,
        submitted_at=timezone.now(),
    )
    user.organisation = organisation
    user.set_password(registration.password)
    user.save()
    audit.record(
        actor=user,
        action=AuditEntry.Action.CREATE,
        obj=organisation,
        summary=_("Registered, waiting for verification: %(name)s") % {"name": organisation.name},
        detail={"user": user.pk, "credit_code": credit_code},
        ip_address=ip_address,
    )
    audit.record(
        actor=user,
        action=AuditEntry.Action.CREATE,
        obj=user,
        summary=user.username,
        ip_address=ip_address,
    )
    tell_verifiers(organisation)
    return user
