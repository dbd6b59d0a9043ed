"""Demand pages: the filtered list, one demand, the demand form, owner actions and exports.

Thin: who sees what comes from ``demands.selectors`` (``demands_visible_to``,
``can_see_details``, ``mask``), every change goes through ``demands.services``, and a refused
action comes back as a message or a form error with nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from techbridge.accounts.models import Role
from techbridge.audit.services import client_ip
from techbridge.core.errors import PermissionRefused, TechBridgeError, ValidationFailed
from techbridge.core.forms import add_service_error
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.core.pagination import paginate
from techbridge.demands import exports, selectors, services
from techbridge.demands.forms import CloseForm, DemandFilterForm, DemandForm
from techbridge.demands.models import Demand
from techbridge.talent.selectors import (
    ResearcherFilters,
    filter_researchers,
    researchers_visible_to,
)


def _filter_form(request: AuthenticatedHttpRequest) -> DemandFilterForm:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return DemandFilterForm(params or None)


@login_required
def demand_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _filter_form(request)
    demands = selectors.filter_demands(request.user, form.to_filters()).prefetch_related(
        "disciplines"
    )
    page = paginate(demands, request.GET.get("page"))
    # Rows are built from the masked public fields, so a list can never show protected text.
    rows = [selectors.mask(d, details_visible=False) for d in page]
    context = {"form": form, "page_obj": page, "rows": rows}
    if request.htmx and request.htmx.target == "results":
        return render(request, "demands/_results.html", context)
    return render(request, "demands/list.html", context)


@login_required
def demand_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    file_format = request.GET.get("format", "csv")
    if file_format not in exports.FORMATS:
        raise Http404(_("Unknown export format."))
    content = exports.export_demands(
        user=request.user,
        filters=_filter_form(request).to_filters(),
        file_format=file_format,
        ip_address=client_ip(request),
    )
    content_type, extension = exports.FORMATS[file_format]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="demands.{extension}"'
    return response


def _visible_demand(request: AuthenticatedHttpRequest, pk: int) -> Demand:
    return get_object_or_404(selectors.demands_visible_to(request.user), pk=pk)


@login_required
def demand_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    demand = _visible_demand(request, pk)
    user = request.user
    details_visible = selectors.can_see_details(user, demand)
    if details_visible:
        services.record_detail_view(
            user=user, demand=demand, channel="web", ip_address=client_ip(request)
        )
    can_edit = selectors.can_edit(user, demand)
    context: dict[str, Any] = {
        "demand": demand,
        "fields": selectors.mask(demand, details_visible=details_visible),
        "details_visible": details_visible,
        "pending_access": selectors.pending_access_for(user, demand),
        "can_edit": can_edit,
        "close_form": CloseForm(),
    }
    if can_edit and demand.confidentiality == Demand.Confidentiality.INVITED:
        context["accesses"] = demand.accesses.select_related("researcher", "researcher__unit")
    if can_edit:
        context.update(_researcher_search(request))
    return render(request, "demands/detail.html", context)


def _researcher_search(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    q = request.GET.get("researcher_q", "").strip()
    found = filter_researchers(request.user, ResearcherFilters(q=q))[:20] if q else []
    return {"researcher_q": q, "researchers_found": found}


@login_required
def researcher_search(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The invitation search box's results (an htmx partial of the detail page)."""
    demand = _visible_demand(request, pk)
    if not selectors.can_edit(request.user, demand):
        raise PermissionRefused(_("You may not invite researchers to this demand."))
    context = {"demand": demand, **_researcher_search(request)}
    return render(request, "demands/_researcher_results.html", context)


def _publishing(request: AuthenticatedHttpRequest) -> bool:
    return "publish" in request.POST


@login_required
@require_http_methods(["GET", "POST"])
def demand_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprises = selectors.enterprises_acted_for(request.user)
    if not enterprises and request.user.role == Role.ENTERPRISE:
        messages.info(request, _("Register your enterprise first; then you can publish demands."))
        return redirect("orgs:register")
    if not enterprises:
        raise PermissionRefused(
            _("Only an enterprise, or a technology manager it authorised, publishes demands.")
        )
    first = enterprises[0]
    form = DemandForm(
        request.POST or None,
        enterprises=enterprises,
        initial={"enterprise": first.pk, "region": first.region_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            # Create and publish together or not at all: a refused publication saves nothing.
            with transaction.atomic():
                demand = services.create_demand(
                    actor=request.user,
                    enterprise=form.cleaned_data["enterprise"],
                    data=form.service_data(),
                    ip_address=client_ip(request),
                )
                if _publishing(request):
                    services.publish_demand(
                        actor=request.user, demand=demand, ip_address=client_ip(request)
                    )
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            if _publishing(request):
                messages.success(request, _("The demand was published."))
            else:
                messages.success(request, _("The demand was saved as a draft."))
            return redirect("demands:detail", pk=demand.pk)
    return render(
        request,
        "demands/form.html",
        {"form": form, "demand": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    demand = _visible_demand(request, pk)
    if not selectors.can_edit(request.user, demand):
        raise PermissionRefused(_("You may not edit this demand."))
    form = DemandForm(request.POST or None, initial=DemandForm.initial_from(demand))
    if request.method == "GET":
        # The form shows the protected fields, so opening it is a view of them.
        services.record_detail_view(
            user=request.user, demand=demand, channel="web", ip_address=client_ip(request)
        )
    if request.method == "POST" and form.is_valid():
        publishing = _publishing(request) and demand.status == Demand.Status.DRAFT
        try:
            with transaction.atomic():
                demand = services.update_demand(
                    actor=request.user,
                    demand=demand,
                    data=form.service_data(),
                    ip_address=client_ip(request),
                )
                if publishing:
                    services.publish_demand(
                        actor=request.user, demand=demand, ip_address=client_ip(request)
                    )
        except TechBridgeError as exc:
            demand.refresh_from_db()
            add_service_error(form, exc)
        else:
            if publishing:
                messages.success(request, _("The demand was saved and published."))
            else:
                messages.success(request, _("The demand was saved."))
            return redirect("demands:detail", pk=demand.pk)
    return render(
        request,
        "demands/form.html",
        {"form": form, "demand": demand},
    )


def _act(request: AuthenticatedHttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    """Run one owner action on a visible demand; a refusal becomes an error message."""
    demand = _visible_demand(request, pk)
    try:
        action(demand)
    except TechBridgeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("demands:detail", pk=demand.pk)


@login_required
@require_POST
def demand_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda demand: services.publish_demand(
            actor=request.user, demand=demand, ip_address=client_ip(request)
        ),
        _("The demand was published."),
    )


@login_required
@require_POST
def demand_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = CloseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda demand: services.close_demand(
            actor=request.user, demand=demand, reason=reason, ip_address=client_ip(request)
        ),
        _("The demand was closed."),
    )


@login_required
@require_POST
def demand_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def invite(demand: Demand) -> None:
        researcher_id = request.POST.get("researcher", "")
        researcher = (
            researchers_visible_to(request.user).filter(pk=researcher_id).first()
            if researcher_id.isdigit()
            else None
        )
        if researcher is None:
            raise ValidationFailed(_("Choose a researcher to invite."))
        services.invite_researcher(actor=request.user, demand=demand, researcher=researcher)

    return _act(request, pk, invite, _("The researcher was invited."))


@login_required
@require_POST
def demand_accept_terms(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda demand: services.accept_terms(actor=request.user, demand=demand),
        _("You accepted the non-disclosure terms; the details are now shown to you."),
    )
