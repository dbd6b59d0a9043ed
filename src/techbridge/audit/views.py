"""The audit trail page for auditors: filter, page through, verify the hash chain."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from techbridge.audit import selectors, services
from techbridge.audit.display import entry_view
from techbridge.audit.forms import AuditFilterForm
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.core.pagination import paginate


@login_required
def entry_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.can_read_trail(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    entries = selectors.entries_visible_to(request.user, form.to_filters())
    page = paginate(entries, request.GET.get("page"), per_page=50)
    context = {
        "form": form,
        "page_obj": page,
        "rows": [entry_view(entry) for entry in page],
        "verified": None,
    }
    if request.GET.get("verify"):
        broken = services.verify_chain()
        context["verified"] = broken is None
        context["broken_id"] = broken
    return render(request, "audit/list.html", context)
