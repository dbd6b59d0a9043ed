"""Turns a domain error escaping a view into a readable page instead of a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from techbridge.core.errors import TechBridgeError


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TechBridgeError):
            return render(
                request,
                "core/error.html",
                {"message": exception.message},
                status=exception.status_code,
            )
        return None
