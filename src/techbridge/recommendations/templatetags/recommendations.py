"""Hooks other apps' templates use to load a recommendation panel lazily (htmx), shown only to
those allowed to see it, so the host pages need no view change."""

from __future__ import annotations

from typing import Any

from django import template

from techbridge.recommendations import selectors

register = template.Library()


@register.inclusion_tag("recommendations/_demand_hook.html", takes_context=True)
def demand_recommendations(context: dict[str, Any], demand: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "demand": demand,
        "allowed": selectors.can_see_researcher_recommendations(user, demand),
    }
