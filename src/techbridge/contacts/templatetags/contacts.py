"""Contact buttons for other apps' pages: invite a recommended researcher or team, express
interest in a demand. Each shows the live contact's state instead when one exists."""

from __future__ import annotations

from typing import Any

from django import template

from techbridge.accounts.models import Role
from techbridge.contacts import selectors
from techbridge.demands.models import Demand
from techbridge.demands.selectors import can_edit

register = template.Library()


@register.simple_tag(takes_context=True)
def live_contacts(context: Any, demand: Demand) -> dict[tuple[str, int], Any] | None:
    """The demand's live contacts for the owner who may invite (None for everyone else, who
    gets no invite buttons)."""
    user = context["request"].user
    if user.is_superuser or not can_edit(user, demand) or not selectors.takes_contacts(demand):
        return None
    return selectors.live_contacts_for_demand(demand)


@register.inclusion_tag("contacts/_invite_button.html", takes_context=True)
def invite_button(
    context: Any, demand: Demand, live_map: Any, researcher: Any = None, team: Any = None
) -> dict[str, Any]:
    if live_map is None:
        return {"hidden": True}
    key = ("team", team.pk) if team is not None else ("researcher", researcher.pk)
    return {
        "demand": demand,
        "researcher": researcher,
        "team": team,
        "live": live_map.get(key),
        "button_id": f"{key[0]}-{key[1]}",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("contacts/_interest_box.html", takes_context=True)
def interest_box(context: Any, demand: Any, open: bool = False) -> dict[str, Any]:
    user = context["request"].user
    demand_id = demand.pk if hasattr(demand, "pk") else demand["id"]
    status = demand.status if hasattr(demand, "status") else demand["status"]
    if (
        user.role != Role.RESEARCHER
        or getattr(user, "researcher", None) is None
        or status != Demand.Status.PUBLISHED
    ):
        return {"hidden": True}
    return {
        "demand": {"pk": demand_id},
        "live": selectors.live_contact_for_researcher_id(demand_id, user),
        "open": open,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("contacts/_demand_contacts.html", takes_context=True)
def demand_contacts(context: Any, demand: Demand) -> dict[str, Any]:
    """The contacts of one demand, on its page, for whoever may list them."""
    user = context["request"].user
    contacts = selectors.contacts_visible_to(user).filter(demand=demand)
    rows = list(contacts[:50]) if user.role != Role.RESEARCHER else []
    if not rows and not (can_edit(user, demand) and not user.is_superuser):
        return {"hidden": True}
    return {"contacts": rows, "demand": demand}
