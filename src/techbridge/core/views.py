"""The role-specific home page and a health check."""

from __future__ import annotations

from typing import cast

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from techbridge.core import selectors
from techbridge.core.home import panels_for
from techbridge.core.http import AuthenticatedHttpRequest


def home(request: HttpRequest) -> HttpResponse:
    """The role's home page; an anonymous visitor gets the landing page."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html", selectors.landing_context())
    return _role_home(cast(AuthenticatedHttpRequest, request))


def _role_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": panels_for(request.user)})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
