"""Read-only pages of the dispatch programme; the forms and buttons come with the full UI.

Thin: what a user may list or open comes from ``dispatch.selectors``; a page the user may not
see answers 404, as for records that do not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.dispatch import eligibility, selectors
from techbridge.dispatch import workflow as wf


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = selectors.applications_visible_to(request.user)
    context = {
        "rounds": selectors.rounds_visible_to(request.user)[:20],
        "enterprise_applications": visible.enterprise[:50],
        "commissioner_applications": visible.commissioner[:50],
        "dispatches": visible.dispatch[:50],
    }
    return render(request, "dispatch/index.html", context)


def _timeline_rows(obj: Any) -> list[dict[str, Any]]:
    states = dict(type(obj).State.choices)
    rows = []
    for entry in selectors.timeline(obj):
        step = wf.TABLE.get((obj.KIND, entry.action))
        rows.append(
            {
                "entry": entry,
                "action": step.label if step else _("Created"),
                "from": states.get(entry.from_state, entry.from_state),
                "to": states.get(entry.to_state, entry.to_state),
            }
        )
    return rows


def _page(request: AuthenticatedHttpRequest, obj: Any, extra: dict[str, Any]) -> HttpResponse:
    context = {
        "object": obj,
        "kind": obj._meta.verbose_name,
        "timeline": _timeline_rows(obj),
        "actions": selectors.actions_available(obj, request.user),
        **extra,
    }
    return render(request, "dispatch/detail.html", context)


def _visible(queryset: Any, pk: int) -> Any:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


@login_required
def enterprise_application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    application = _visible(selectors.enterprise_applications_visible_to(user), pk)
    results = eligibility.check_enterprise(round_=application.round, application=application)
    return _page(
        request,
        application,
        {
            "eligibility": results,
            "candidates": selectors.commissioner_applications_visible_to(user).filter(
                enterprise_application=application
            ),
            "dispatches": selectors.dispatches_visible_to(user).filter(
                enterprise_application=application
            ),
        },
    )


@login_required
def commissioner_application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _visible(selectors.commissioner_applications_visible_to(request.user), pk)
    results = eligibility.check_commissioner(
        round_=application.round, researcher=application.researcher
    )
    return _page(request, application, {"eligibility": results})


@login_required
def dispatch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dispatch = _visible(selectors.dispatches_visible_to(request.user), pk)
    return _page(request, dispatch, {"objections": dispatch.objections.all()})
