"""``{% agreement_panel dispatch user as panel %}``: the panel's data for one user."""

from __future__ import annotations

from typing import Any

from django import template

from techbridge.agreements import selectors

register = template.Library()


@register.simple_tag
def agreement_panel(dispatch: Any, user: Any) -> selectors.Panel:
    return selectors.panel_for(user=user, dispatch=dispatch)
