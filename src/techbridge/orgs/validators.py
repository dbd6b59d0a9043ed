"""Validation of the unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from techbridge.core.errors import ValidationFailed


def validate_credit_code(value: str) -> str:
    """Return the code in canonical form, or raise with a message that says what is wrong."""
    code = uscc.compact(value or "")
    try:
        return uscc.validate(code)
    except InvalidLength:
        raise ValidationFailed(
            _("The unified social credit code must have 18 characters; this one has %(n)d.")
            % {"n": len(code)},
            field="credit_code",
        ) from None
    except InvalidChecksum:
        raise ValidationFailed(
            _(
                "The check character (the 18th) of the unified social credit code is wrong: "
                "the code has a typing error."
            ),
            field="credit_code",
        ) from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationFailed(
            _(
                "The unified social credit code contains characters that are not allowed "
                "(digits and capital letters other than I, O, Z, S, V)."
            ),
            field="credit_code",
        ) from None
