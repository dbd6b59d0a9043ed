"""Showing a service's domain error on the form that sent the input."""

from __future__ import annotations

from django import forms

from techbridge.core.errors import TechBridgeError, ValidationErrors


def add_service_error(form: forms.Form, exc: TechBridgeError) -> None:
    """Put the error beside the field it names (every field for ``ValidationErrors``), or above
    the form when the field is not on it."""
    errors = exc.errors if isinstance(exc, ValidationErrors) else {exc.field: [exc.message]}
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
