"""Pages of the researcher's ways in (``talent.joining``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from techbridge.audit.services import client_ip
from techbridge.core.errors import PermissionRefused, TechBridgeError
from techbridge.core.forms import add_service_error
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.talent import joining, selectors
from techbridge.talent.joining_forms import AccountForm, InviteForm, SelfRegistrationForm
from techbridge.talent.models import JoinRequest


@login_required
@require_http_methods(["GET", "POST"])
def join_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The unit administrator's page: invite a researcher, decide on registrations."""
    units = selectors.units_managed_by(request.user)
    unit = units.first()
    if unit is None:
        raise PermissionRefused(_("Only a unit's administrator invites and confirms researchers."))
    requests = joining.join_requests_for(request.user)
    invite_form = InviteForm(request.POST if "invite" in request.POST else None)
    errors: dict[int, str] = {}
    reasons: dict[int, str] = {}
    if request.method == "POST" and "invite" in request.POST:
        if invite_form.is_valid():
            try:
                joining.invite_researcher(actor=request.user, unit=unit, **invite_form.cleaned_data)
            except TechBridgeError as exc:
                add_service_error(invite_form, exc)
            else:
                messages.success(
                    request,
                    _("An invitation was e-mailed to %(email)s.")
                    % {"email": invite_form.cleaned_data["email"]},
                )
                return redirect("talent:join_requests")
    elif request.method == "POST":
        join_request = get_object_or_404(requests, pk=request.POST.get("request", "0"))
        reason = request.POST.get("reason", "")
        try:
            if request.POST.get("decision") == "confirm":
                joining.confirm_join_request(actor=request.user, request=join_request)
                messages.success(request, _("%(name)s is confirmed.") % {"name": join_request.name})
            else:
                joining.reject_join_request(actor=request.user, request=join_request, reason=reason)
                messages.success(
                    request,
                    _("The registration of %(name)s was rejected; the researcher was told why.")
                    % {"name": join_request.name},
                )
        except TechBridgeError as exc:
            errors[join_request.pk] = exc.message
            reasons[join_request.pk] = reason
        else:
            return redirect("talent:join_requests")
    pending = [
        {"request": r, "error": errors.get(r.pk, ""), "reason": reasons.get(r.pk, "")}
        for r in requests
        if r.status == JoinRequest.Status.PENDING and r.kind == JoinRequest.Kind.SELF
    ]
    invitations = [
        r for r in requests if r.status == JoinRequest.Status.PENDING and r.kind == r.Kind.INVITED
    ]
    decided = [r for r in requests if r.status != JoinRequest.Status.PENDING][:20]
    status = 422 if errors or invite_form.errors else 200
    return render(
        request,
        "talent/join_requests.html",
        {
            "unit": unit,
            "invite_form": invite_form,
            "pending": pending,
            "invitations": invitations,
            "decided": decided,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def join_invited(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invited researcher chooses a user name and password."""
    invitation = joining.invitation_for_link(uidb64, token)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            joining.accept_invitation(
                uidb64=uidb64,
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                ip_address=client_ip(request),
            )
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your account is ready; log in with your new password."))
            return redirect("accounts:login")
    return render(request, "talent/join_invited.html", {"form": form, "invitation": invitation})


@require_http_methods(["GET", "POST"])
def join_self(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SelfRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            joining.request_to_join(
                unit=data["unit"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                title=data["title"],
                username=data["username"],
                password=data["password1"],
                ip_address=client_ip(request),
            )
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            return render(request, "talent/join_sent.html", {"unit": data["unit"]})
    return render(request, "talent/join_self.html", {"form": form})
