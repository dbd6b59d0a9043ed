"""Account pages: contact details, API tokens, and the unit administrators bureau staff create."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from techbridge.accounts import services, unit_admins
from techbridge.accounts.forms import ContactDetailsForm, UnitAdministratorForm
from techbridge.accounts.profile import CONTACT_FIELDS, update_contact_details
from techbridge.core.errors import PermissionRefused, TechBridgeError
from techbridge.core.forms import add_service_error
from techbridge.core.http import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ContactDetailsForm(
        request.POST or None, initial={f: getattr(user, f) for f in CONTACT_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_contact_details(actor=user, user=user, data=form.cleaned_data)
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your contact details were saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def unit_administrators(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not unit_admins.creates_unit_administrators(request.user):
        raise PermissionRefused(_("Only science bureaus create unit administrators."))
    units = unit_admins.units_administered_by(request.user)
    form = UnitAdministratorForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            user = unit_admins.create_unit_administrator(actor=request.user, **form.cleaned_data)
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The account %(username)s was created; a link to set its password was sent.")
                % {"username": user.username},
            )
            return redirect("accounts:unit_administrators")
    return render(
        request,
        "accounts/unit_administrators.html",
        {"form": form, "administrators": unit_admins.unit_administrators_for(request.user)},
    )


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
