"""Who may import what, into which organisation, and whose import runs one may read.

Units import researchers, enterprises and their authorised technology managers import demands,
superusers both. Whether an actor may add a row to a given organisation is the domain services'
own rule (``talent.services.create_researcher``, ``demands.services.create_demand``); the lists
here only offer the organisations that rule accepts.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role
from techbridge.core.errors import NotFound
from techbridge.imports.models import ImportRun
from techbridge.orgs.models import Organisation

# Keyed by plain str: ``kind`` arrives as a URL or form string, and Kind members are strs.
IMPORTING_ROLES: dict[str, tuple[Role, ...]] = {
    ImportRun.Kind.RESEARCHERS: (Role.UNIT,),
    ImportRun.Kind.DEMANDS: (Role.ENTERPRISE, Role.TECH_MANAGER),
}


def can_import(user: Any, kind: str) -> bool:
    if not user.is_authenticated or kind not in IMPORTING_ROLES:
        return False
    return user.is_superuser or user.role in IMPORTING_ROLES[kind]


def importable_kinds(user: Any) -> list[str]:
    return [kind for kind in ImportRun.Kind.values if can_import(user, kind)]


def import_targets(user: Any, kind: str) -> QuerySet[Organisation]:
    """The organisations ``user`` may import ``kind`` into."""
    if not can_import(user, kind):
        return Organisation.objects.none()
    org_kind = (
        Organisation.Kind.UNIT
        if kind == ImportRun.Kind.RESEARCHERS
        else Organisation.Kind.ENTERPRISE
    )
    orgs = Organisation.objects.filter(kind=org_kind)
    if user.is_superuser:
        return orgs
    if user.role == Role.TECH_MANAGER:
        return orgs.filter(authorised_managers=user)
    return orgs.filter(pk=user.organisation_id)


def runs_visible_to(user: Any) -> QuerySet[ImportRun]:
    """A user reads their own runs; superusers read every run."""
    if not user.is_authenticated:
        return ImportRun.objects.none()
    runs = ImportRun.objects.select_related("actor", "organisation")
    return runs if user.is_superuser else runs.filter(actor=user)


def organisation_by_id(pk: int) -> Organisation:
    """The organisation named on the command line; ``NotFound`` if there is none."""
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise NotFound(_("There is no organisation with id %(id)s.") % {"id": pk})
    return organisation


def active_user(username: str) -> Any:
    """The account a command-line import acts as; it must exist and be active."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(_("There is no active user named %(name)s.") % {"name": username})
    return user
