"""Turning Django's model validation into the domain's ``ValidationFailed``."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from techbridge.core.errors import ValidationFailed


def full_clean_or_raise(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.message_dict.items()))
            label = ""
            if field != "__all__":
                # full_clean reports errors under concrete fields, which have a verbose name.
                model_field = cast("models.Field[Any, Any]", instance._meta.get_field(field))
                label = str(model_field.verbose_name)
            message = f"{label}: {errors[0]}" if label else errors[0]
            raise ValidationFailed(message, field=field) from None
        raise ValidationFailed(exc.messages[0]) from None


KEYWORD_SEPARATORS = ("，", "；", ";", "、")
MAX_KEYWORDS = 30


def clean_keywords(keywords: Iterable[str] | str | None) -> list[str]:
    """Keywords as a list: a string is split on commas (half or full width), semicolons and
    enumeration commas; blanks and repeats go, order stays, at most ``MAX_KEYWORDS``."""
    if isinstance(keywords, str):
        for separator in KEYWORD_SEPARATORS:
            keywords = keywords.replace(separator, ",")
        keywords = keywords.split(",")
    return list(dict.fromkeys(k.strip() for k in keywords or [] if k and k.strip()))[:MAX_KEYWORDS]


def reject_unknown_fields(data: Iterable[str], allowed: Collection[str]) -> None:
    """Refuse input naming fields a service does not change, rather than ignoring them."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
