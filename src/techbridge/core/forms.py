"""How every form of the site shows its errors: one renderer and one helper.

* ``FormRenderer`` (``settings.FORM_RENDERER``) renders ``{{ form }}`` and
  ``{{ field.as_field_group }}`` with the site's templates: a line above the form when anything
  is wrong, every field with its label above it, its help text and its errors beside it, all
  errors at once, the values as the user typed them (bound forms keep them).
* ``add_service_error`` puts an error raised by a service (``TechBridgeError`` with an optional
  ``field``, or ``ValidationErrors`` naming several) on the fields it names, or above the form:
  a view catches the domain error, calls it and renders the form again, so nothing changed and
  the user sees why.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates

from techbridge.core.errors import TechBridgeError, ValidationErrors


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def add_service_error(
    form: forms.BaseForm, error: TechBridgeError, *, default_field: str | None = None
) -> None:
    """Show ``error`` beside the field it names when the form has that field (every named field
    for ``ValidationErrors``), else beside ``default_field`` (None: above the form)."""
    errors = error.errors if isinstance(error, ValidationErrors) else {error.field: [error.message]}
    for field, messages in errors.items():
        target = field if field in form.fields else default_field
        for message in messages:
            form.add_error(target, message)
