"""Registration pages: the choice between enterprise and researcher, the enterprise form and the
county options the form reloads when the city changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from techbridge.accounts.forms import EnterpriseRegistrationForm, county_choices
from techbridge.accounts.registration import EnterpriseRegistration, register_enterprise_account
from techbridge.audit.services import client_ip
from techbridge.core.errors import TechBridgeError
from techbridge.core.forms import add_service_error


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(request, "accounts/register_choice.html")


@require_http_methods(["GET", "POST"])
def register_enterprise(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = register_enterprise_account(
                registration=EnterpriseRegistration(
                    name=data["name"],
                    credit_code=data["credit_code"],
                    region=data["region"],
                    registered_on=data["registered_on"],
                    industry=data["industry"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    username=data["username"],
                    password=data["password1"],
                ),
                ip_address=client_ip(request),
            )
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Your enterprise is registered. You can draft demands now; the science "
                    "bureau verifies the registration before they can be published."
                ),
            )
            return redirect("core:home")
    return render(request, "accounts/register_enterprise.html", {"form": form})


@require_GET
def county_options(request: HttpRequest) -> HttpResponse:
    """The ``<option>`` list of a city's counties, for the county select."""
    return render(
        request,
        "accounts/_county_options.html",
        {"choices": county_choices(request.GET.get("city", "")[:12])},
    )
