"""How the audit trail page shows an entry: in words, not codes.

An entry keeps what happened as its service wrote it (codes in ``detail``, and a summary such as
``submit: draft → submitted``, under the hash chain). The page shows the choices by their labels:
a model's own choices are found from ``object_type`` (``app_label.model``), and an app whose
details hold other codes (a workflow's steps and parties) registers a labeller for its object
types with ``register_labels``, so this floor-1 app never imports a higher one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from techbridge.audit.models import AuditEntry

Labeller = Callable[[str, str], Any]
"""``labeller(key, code)``: the label of ``code`` found under ``key`` in a detail (None: none)."""

_LABELLERS: dict[str, Labeller] = {}
DETAIL_CHARS = 200

KEY_LABELS = {
    "transition": _("Step"),
    "from": _("State before"),
    "to": _("State after"),
    "party": _("Acting as"),
    "method": _("Method"),
    "fields": _("Fields"),
    "comment": _("Comment"),
    "channel": _("Channel"),
}


def register_labels(object_type: str, labeller: Labeller) -> None:
    """Let the audit page name the codes in the details of ``object_type`` entries."""
    _LABELLERS[object_type] = labeller


@dataclass(frozen=True)
class EntryView:
    entry: AuditEntry
    object_label: str  # the kind of object in words, with its id
    summary: str
    details: list[tuple[str, str]]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _choice_label(model: type[models.Model] | None, key: str, code: str) -> Any:
    """The label of ``code`` from the model's field ``key`` (``from``/``to``: its state)."""
    if model is None:
        return None
    names = ("state", "status") if key in ("from", "to") else (key,)
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        choices = dict(getattr(field, "flatchoices", None) or ())
        if code in choices:
            return choices[code]
    return None


def _key_label(model: type[models.Model] | None, key: str) -> str:
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    try:
        field = model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        field = None
    return str(getattr(field, "verbose_name", "") or key)


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def entry_view(entry: AuditEntry) -> EntryView:
    model = _model(entry.object_type)
    registered = _LABELLERS.get(entry.object_type)

    def label(key: str, value: Any) -> str:
        if isinstance(value, str):
            found = (registered(key, value) if registered else None) or _choice_label(
                model, key, value
            )
            if found:
                return str(found)
        return _text(value)

    detail = entry.detail if isinstance(entry.detail, dict) else {}
    summary = entry.summary
    if {"transition", "from", "to"} <= detail.keys():
        step, before, after = (label(k, detail[k]) for k in ("transition", "from", "to"))
        summary = f"{step}: {before} → {after}"
    kind = str(model._meta.verbose_name) if model is not None else entry.object_type
    return EntryView(
        entry=entry,
        object_label=f"{kind} #{entry.object_id}" if entry.object_id else kind,
        summary=summary,
        details=[(_key_label(model, k), label(k, v)) for k, v in detail.items()],
    )
