"""Reads of organisations: names are public to signed-in users; contacts and credit codes are
shown to members, authorised managers and the administrators of the region."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import administers_region, is_region_administrator
from techbridge.orgs.models import Organisation


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.select_related("region", "region__parent", "industry")


def can_manage(user: Any, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.organisation_id == organisation.pk and user.role in (Role.ENTERPRISE, Role.UNIT):
        return True
    return (
        user.role == Role.TECH_MANAGER
        and organisation.authorised_managers.filter(pk=user.pk).exists()
    )


def can_see_contact(user: Any, organisation: Organisation) -> bool:
    return can_manage(user, organisation) or (
        is_region_administrator(user) and administers_region(user, organisation.region_id)
    )
