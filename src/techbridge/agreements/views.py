"""The agreement's two endpoints: generate a version (POST) and download it as DOCX or PDF.

Thin: the rules are in ``agreements.selectors`` and ``agreements.services``; a refusal raised
there becomes a 403/409 page through the domain error middleware.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.agreements import services
from techbridge.audit.services import client_ip
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.dispatch.models import Dispatch


@login_required
@require_POST
def generate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dispatch = get_object_or_404(Dispatch, pk=pk)
    document = services.generate_agreement(actor=request.user, dispatch=dispatch)
    messages.success(
        request,
        _("Agreement %(number)s version %(version)d generated.")
        % {"number": document.number, "version": document.version},
    )
    return redirect(dispatch.get_absolute_url())


@login_required
def document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dispatch = get_object_or_404(Dispatch, pk=pk)
    exported = services.export_agreement(
        user=request.user,
        dispatch=dispatch,
        file_format=request.GET.get("format", "docx"),
        ip_address=client_ip(request),
    )
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = cast(str, content_disposition_header(True, exported.filename))
    response["Cache-Control"] = "private, no-store"
    return response
