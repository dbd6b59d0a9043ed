"""Reads of the audit trail: auditors and superusers read all of it, nobody else any of it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from techbridge.accounts.models import Role
from techbridge.audit.models import AuditEntry


def can_read_trail(user: Any) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.AUDITOR)


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def entries_visible_to(user: Any, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    if not can_read_trail(user):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.select_related("actor")
    f = filters or AuditFilters()
    if f.action:
        entries = entries.filter(action=f.action)
    if f.object_type:
        entries = entries.filter(object_type=f.object_type)
    if f.object_id:
        entries = entries.filter(object_id=f.object_id)
    if f.actor:
        entries = entries.filter(actor__username=f.actor)
    if f.date_from:
        entries = entries.filter(created_at__date__gte=f.date_from)
    if f.date_to:
        entries = entries.filter(created_at__date__lte=f.date_to)
    return entries


def object_types() -> list[str]:
    return list(
        AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
