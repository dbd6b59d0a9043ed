"""Organisation pages: the directory, one organisation, enterprise registration and upkeep.

Thin: permissions and rules come from ``orgs.selectors`` and ``orgs.services``; a refused
action raises a domain error that the form shows or the error middleware renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from techbridge.core.errors import PermissionRefused, TechBridgeError
from techbridge.core.forms import add_service_error
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.core.pagination import paginate
from techbridge.demands.models import Demand
from techbridge.demands.selectors import demands_visible_to
from techbridge.orgs import selectors, services
from techbridge.orgs.forms import AuthoriseManagerForm, EnterpriseForm, OrganisationFilterForm
from techbridge.orgs.models import Organisation


@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = form.apply(selectors.organisations_visible_to(request.user))
    page = paginate(organisations, request.GET.get("page"))
    context = {"form": form, "page_obj": page}
    if request.htmx and request.htmx.target == "results":
        return render(request, "orgs/_results.html", context)
    return render(request, "orgs/list.html", context)


@login_required
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(selectors.organisations_visible_to(request.user), pk=pk)
    demands = demands_visible_to(request.user).filter(
        enterprise=organisation, status=Demand.Status.PUBLISHED
    )[:20]
    return render(
        request,
        "orgs/detail.html",
        {
            "organisation": organisation,
            "can_see_contact": selectors.can_see_contact(request.user, organisation),
            "can_manage": selectors.can_manage(request.user, organisation),
            "demands": demands,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.register_enterprise(actor=request.user, data=form.cleaned_data)
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The enterprise was registered."))
            return redirect("orgs:detail", pk=organisation.pk)
    return render(request, "orgs/enterprise_form.html", {"form": form, "organisation": None})


def _managed_enterprise(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(
        selectors.organisations_visible_to(request.user),
        pk=pk,
        kind=Organisation.Kind.ENTERPRISE,
    )
    if not selectors.can_manage(request.user, organisation):
        raise PermissionRefused(_("You may not edit this enterprise."))
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _managed_enterprise(request, pk)
    form = EnterpriseForm(request.POST or None, initial=EnterpriseForm.initial_from(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_enterprise(
                actor=request.user, organisation=organisation, data=form.cleaned_data
            )
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The enterprise was updated."))
            return redirect("orgs:detail", pk=organisation.pk)
    return render(
        request, "orgs/enterprise_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def authorise_manager(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _managed_enterprise(request, pk)
    q = request.GET.get("q", "").strip()
    form = AuthoriseManagerForm(request.POST or None, q=q)
    if request.method == "POST" and form.is_valid():
        try:
            services.authorise_manager(
                actor=request.user, organisation=organisation, manager=form.cleaned_data["manager"]
            )
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(manager)s may now act for %(enterprise)s.")
                % {"manager": form.cleaned_data["manager"], "enterprise": organisation},
            )
            return redirect("orgs:authorise", pk=organisation.pk)
    return render(
        request,
        "orgs/authorise.html",
        {
            "organisation": organisation,
            "form": form,
            "q": q,
            "managers": organisation.authorised_managers.select_related("organisation"),
        },
    )
