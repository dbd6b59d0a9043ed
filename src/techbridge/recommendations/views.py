"""The recommendation panels, loaded by htmx into the demand page and the researcher's home so
those pages stay fast. Thin: permissions and rules are in ``selectors`` and ``services``; a
refused user gets 403 (``PermissionRefused`` through the domain-error middleware)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from techbridge.core.errors import PermissionRefused
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.demands.selectors import demands_visible_to
from techbridge.recommendations import services
from techbridge.talent.models import Researcher


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


@login_required
def demand_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """推荐专家: researchers and teams for a demand, by region scope."""
    demand = get_object_or_404(
        demands_visible_to(request.user).prefetch_related("disciplines"), pk=pk
    )
    scope = request.GET.get("scope", "national")
    if scope not in services.SCOPES:
        scope = "national"
    k = min(max(_int(request.GET.get("k"), 10), 1), services.MAX_K)
    panel = services.demand_panel(demand=demand, user=request.user, scope=scope, k=k)
    context = {
        "demand": demand,
        "rows": panel.researchers,
        "teams": panel.teams,
        "scope": scope,
        "scopes": [
            ("local", _("Local")),
            ("province", _("Province")),
            ("national", _("National")),
        ],
    }
    return render(request, "recommendations/_demand_panel.html", context)


def _demands_for(request: AuthenticatedHttpRequest, researcher: Researcher) -> HttpResponse:
    k = min(max(_int(request.GET.get("k"), 6), 1), services.MAX_K)
    rows = services.recommend_demands(researcher=researcher, user=request.user, k=k)
    return render(
        request,
        "recommendations/_demand_cards.html",
        {"rows": rows, "researcher": researcher},
    )


@login_required
def my_demands(request: AuthenticatedHttpRequest) -> HttpResponse:
    """为您推荐的需求 on a researcher's home page."""
    researcher = Researcher.objects.filter(user=request.user).first()
    if researcher is None:
        raise PermissionRefused(_("Your account has no researcher profile."))
    return _demands_for(request, researcher)


@login_required
def researcher_demands(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Demands recommended for one researcher (their unit, region administrators)."""
    return _demands_for(request, get_object_or_404(Researcher, pk=pk))
