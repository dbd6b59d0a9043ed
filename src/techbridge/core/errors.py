"""Domain exceptions: services raise them with a message a user can read.

One middleware (web) and one exception handler (API) turn them into a 4xx answer; a 500 is a bug.
"""

from __future__ import annotations


class TechBridgeError(Exception):
    """Base of every error a user may see; ``message`` is already translated."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(TechBridgeError):
    status_code = 422


class PermissionRefused(TechBridgeError):
    status_code = 403


class NotFound(TechBridgeError):
    status_code = 404


class InvalidState(TechBridgeError):
    status_code = 409


class ValidationErrors(ValidationFailed):
    """Several fields are wrong at once; ``errors`` maps each field (or ``None`` for the whole
    input) to its messages, so a form can show all of them beside their fields."""

    def __init__(self, errors: dict[str | None, list[str]]):
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field)
        self.errors = errors
