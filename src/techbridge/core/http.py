"""The request type of views behind ``login_required``, for the type checker.

There ``request.user`` is a real ``User``, never ``AnonymousUser``, and ``request.htmx`` is set by
django-htmx's ``HtmxMiddleware`` (the pattern django-htmx documents for type checking).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from techbridge.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
