"""Account pages: API tokens for integrating other systems."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from techbridge.accounts import services
from techbridge.core.errors import TechBridgeError
from techbridge.core.http import AuthenticatedHttpRequest


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    raw = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.revoke_token(user=request.user, token_id=int(request.POST["revoke"]))
                messages.success(request, _("The token was revoked."))
            else:
                _token, raw = services.issue_token(
                    user=request.user, name=request.POST.get("name", "")
                )
        except (TechBridgeError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Invalid request.")))
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": request.user.api_tokens.order_by("-created_at"), "raw": raw},
    )
