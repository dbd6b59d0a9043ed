"""Role and region predicates that selectors and services share.

Region scope follows GB/T 2260 codes: a province's cities share its first two digits, a city's
districts and counties its first four. A county bureau acts within its county, a city bureau
within its city, a provincial administrator within its province; superusers everywhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from techbridge.accounts.models import Role

ADMIN_ROLES = (Role.COUNTY_BUREAU, Role.CITY_BUREAU, Role.PROVINCE_ADMIN)
# The bureaus that review the enterprises of their own area (a county's or a city's).
LOCAL_BUREAU_ROLES = (Role.COUNTY_BUREAU, Role.CITY_BUREAU)


def is_region_administrator(user: Any) -> bool:
    """A bureau user (county, city or province) acting within their region."""
    return bool(user.is_authenticated and user.role in ADMIN_ROLES)


def region_prefix(user: Any) -> str | None:
    """The code prefix of the region a bureau user administers, or None if not an administrator."""
    if not user.is_authenticated or user.region_id is None:
        return None
    if user.role == Role.PROVINCE_ADMIN:
        return str(user.region_id)[:2]
    if user.role == Role.CITY_BUREAU:
        return str(user.region_id)[:4]
    if user.role == Role.COUNTY_BUREAU:
        return str(user.region_id)
    return None


def administered_region_q(user: Any, field: str = "region") -> Q:
    """Rows whose ``field`` region lies in what ``user`` administers; matches nothing otherwise."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    prefix = region_prefix(user)
    if prefix is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__code__startswith": prefix})


def administers_region(user: Any, region_code: str) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    prefix = region_prefix(user)
    return prefix is not None and region_code.startswith(prefix)
