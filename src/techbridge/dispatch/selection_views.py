"""Pages of the two-way selection (双向选择): the enterprise's and the researcher's ranking pages
and the provincial administrator's selection page (run, look at the result, apply, override).

Thin: every read and change goes through ``dispatch.selection``. Someone who may not use a page
gets 403; a refused change comes back as a message with nothing changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.models import Role
from techbridge.core.errors import TechBridgeError
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.dispatch import selection
from techbridge.dispatch.models import (
    CommissionerApplication,
    EnterpriseApplication,
    Round,
    SelectionRun,
)

CA = CommissionerApplication.State


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "dispatch/selection/home.html", {"home": selection.selection_home(request.user)}
    )


# --- ranking pages ------------------------------------------------------------------------------


def order_from_post(request: AuthenticatedHttpRequest) -> list[int]:
    """The order a ranking form asks for: the lines sorted by the rank typed in (a line left
    blank keeps its place after the numbered ones), then one line moved up or down."""
    shown = []
    for value in request.POST.getlist("line"):
        try:
            shown.append(int(value))
        except ValueError:
            continue

    def typed(position_and_id: tuple[int, int]) -> tuple[int, int]:
        position, line = position_and_id
        try:
            return int(request.POST.get(f"rank-{line}", "")), position
        except ValueError:
            return 10**9, position

    order = [line for _position, line in sorted(enumerate(shown), key=typed)]
    move = request.POST.get("move", "")
    direction, _sep, target = move.partition(":")
    if target.isdigit() and int(target) in order:
        i = order.index(int(target))
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    return order


def _ranking_page(
    request: AuthenticatedHttpRequest,
    *,
    ranker: Any,
    round_: Round,
    title: str,
    extra: dict[str, Any],
) -> HttpResponse:
    if not selection.can_rank(request.user, ranker):
        raise PermissionDenied
    kwargs = {"round_": round_} if not isinstance(ranker, EnterpriseApplication) else {}
    if request.method == "POST":
        try:
            selection.save_ranking(
                actor=request.user, ranker=ranker, ordered_ids=order_from_post(request), **kwargs
            )
        except TechBridgeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your ranking has been saved."))
        if not request.htmx:
            return redirect(request.path)
    options = selection.ranking(actor=request.user, ranker=ranker, **kwargs)
    context = {
        "title": title,
        "round": round_,
        "options": options,
        "is_saved": any(o.rank is not None for o in options),
        **extra,
    }
    template = (
        "dispatch/selection/_ranking.html" if request.htmx else "dispatch/selection/ranking.html"
    )
    return render(request, template, context)


@login_required
def enterprise_ranking(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        EnterpriseApplication.objects.select_related("round", "round__region", "enterprise"),
        pk=pk,
    )
    return _ranking_page(
        request,
        ranker=application,
        round_=application.round,
        title=_("Rank the candidates of %(enterprise)s") % {"enterprise": application.enterprise},
        extra={"side": "enterprise", "enterprise_application": application},
    )


@login_required
def researcher_ranking(request: AuthenticatedHttpRequest, round_pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.select_related("region"), pk=round_pk)
    researcher = (
        getattr(request.user, "researcher", None) if request.user.role == Role.RESEARCHER else None
    )
    if researcher is None:
        raise PermissionDenied
    return _ranking_page(
        request,
        ranker=researcher,
        round_=round_,
        title=_("Rank the enterprises you applied to"),
        extra={"side": "researcher"},
    )


# --- the administrator's page -------------------------------------------------------------------


def _admin_round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("region"), pk=pk)
    if not selection.can_run_selection(request.user, round_):
        raise PermissionDenied
    return round_


@login_required
def round_selection(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _admin_round(request, pk)
    overview = selection.round_overview(actor=request.user, round_=round_)
    context = {
        "round": round_,
        "overview": overview,
        "modes": SelectionRun.Mode.choices,
    }
    return render(request, "dispatch/selection/round.html", context)


@login_required
@require_POST
def run_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _admin_round(request, pk)
    try:
        run = selection.run_selection(
            actor=request.user, round_=round_, mode=request.POST.get("mode", "")
        )
    except TechBridgeError as error:
        messages.error(request, error.message)
        return redirect("dispatch:selection:round", pk=round_.pk)
    return redirect(run.get_absolute_url())


def _run(request: AuthenticatedHttpRequest, pk: int) -> SelectionRun:
    run = get_object_or_404(SelectionRun.objects.select_related("round", "round__region"), pk=pk)
    if not selection.can_run_selection(request.user, run.round):
        raise PermissionDenied
    return run


def _labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "reason_label": selection.reason_label(row["reason"])} for row in rows]


@login_required
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    result = run.result
    context = {
        "run": run,
        "round": run.round,
        "pairs": result.get("pairs", []),
        "unmatched_enterprises": _labelled(result.get("unmatched_enterprises", [])),
        "unmatched_researchers": _labelled(result.get("unmatched_researchers", [])),
        "conflicts": _labelled(result.get("conflicts", [])),
        "quota_usage": result.get("quota_usage", []),
        "stats": result.get("stats", {}),
        "is_stale": run.status == SelectionRun.Status.DRAFT
        and selection.fingerprint(run.round) != run.fingerprint,
    }
    return render(request, "dispatch/selection/run.html", context)


@login_required
@require_POST
def run_apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        selection.apply_selection(actor=request.user, run=run)
    except TechBridgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The selection has been applied."))
    return redirect(run.get_absolute_url())


@login_required
@require_POST
def override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _admin_round(request, pk)
    application = CommissionerApplication.objects.filter(
        round=round_, pk=request.POST.get("application") or 0
    ).first()
    if application is None:
        messages.error(request, _("Choose a candidate."))
        return redirect("dispatch:selection:round", pk=round_.pk)
    try:
        selection.override(
            actor=request.user,
            application=application,
            enterprise_application=application.enterprise_application,
            reason=request.POST.get("reason", ""),
        )
    except TechBridgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(researcher)s has been selected for %(enterprise)s.")
            % {
                "researcher": application.researcher,
                "enterprise": application.enterprise_application.enterprise,
            },
        )
    return redirect("dispatch:selection:round", pk=round_.pk)
