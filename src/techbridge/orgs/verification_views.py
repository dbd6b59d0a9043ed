"""The bureau's queue of enterprise registrations, and the enterprise's own resubmission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from techbridge.core.errors import PermissionRefused, TechBridgeError
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.orgs import verification
from techbridge.orgs.models import Organisation


@login_required
@require_http_methods(["GET", "POST"])
def verification_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not verification.is_verifier(request.user):
        raise PermissionRefused(_("Only science bureaus verify enterprise registrations."))
    pending = verification.pending_enterprises_for(request.user)
    errors: dict[int, str] = {}
    reasons: dict[int, str] = {}
    if request.method == "POST":
        organisation = get_object_or_404(pending, pk=request.POST.get("organisation", "0"))
        reason = request.POST.get("reason", "")
        try:
            if request.POST.get("decision") == "approve":
                verification.approve_enterprise(actor=request.user, organisation=organisation)
                messages.success(request, _("%(name)s is verified.") % {"name": organisation.name})
            else:
                verification.reject_enterprise(
                    actor=request.user, organisation=organisation, reason=reason
                )
                messages.success(
                    request,
                    _("The registration of %(name)s was rejected; the enterprise was told why.")
                    % {"name": organisation.name},
                )
        except TechBridgeError as exc:
            errors[organisation.pk] = exc.message
            reasons[organisation.pk] = reason
        else:
            return redirect("orgs:verification_queue")
    rows = [
        {"organisation": o, "error": errors.get(o.pk, ""), "reason": reasons.get(o.pk, "")}
        for o in pending
    ]
    status = 422 if errors else 200
    return render(request, "orgs/verification_queue.html", {"rows": rows}, status=status)


@login_required
@require_POST
def resubmit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.ENTERPRISE)
    verification.resubmit_enterprise(actor=request.user, organisation=organisation)
    messages.success(request, _("Your registration was sent to the science bureau again."))
    return redirect("core:home")
