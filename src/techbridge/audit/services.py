"""Writing to and verifying the hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models, transaction

from techbridge.audit.models import AuditEntry


def _digest(previous_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((previous_hash + body).encode()).hexdigest()


def _payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "actor": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "detail": entry.detail,
        "ip": entry.ip_address,
    }


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry; call it inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    with transaction.atomic():
        last = AuditEntry.objects.select_for_update().order_by("-id").first()
        previous_hash = last.entry_hash if last else ""
        entry = AuditEntry(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            summary=summary[:255],
            detail=detail or {},
            ip_address=ip_address,
            previous_hash=previous_hash,
        )
        entry.entry_hash = _digest(previous_hash, _payload(entry))
        entry.save()
    return entry


def verify_chain() -> int | None:
    """Return the id of the first entry whose hash does not match, or None if the chain holds."""
    previous_hash = ""
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.previous_hash != previous_hash or entry.entry_hash != _digest(
            previous_hash, _payload(entry)
        ):
            return entry.pk
        previous_hash = entry.entry_hash
    return None


def client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None
