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
