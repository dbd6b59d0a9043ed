"""The contacts' panel of the home page (registered in ``ContactsConfig.ready``): what waits
for the user's answer, or for units and bureaus the live contacts in their scope."""

from __future__ import annotations

from typing import Any

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import ADMIN_ROLES
from techbridge.contacts import selectors
from techbridge.contacts.models import Contact
from techbridge.core.home import register_panel

SIDE_ROLES = (Role.ENTERPRISE, Role.TECH_MANAGER, Role.RESEARCHER)
SCOPE_ROLES = (Role.UNIT, *ADMIN_ROLES)


def _inbox(user: Any) -> dict[str, Any] | None:
    if user.role in SIDE_ROLES:
        return {
            "waiting": selectors.waiting_for(user).count(),
            "accepted": selectors.contacts_visible_to(user)
            .filter(state=Contact.State.ACCEPTED)
            .count(),
            "side": True,
        }
    if user.role in SCOPE_ROLES:
        live = selectors.contacts_visible_to(user).filter(state__in=Contact.LIVE_STATES)
        return {"live": live.count(), "side": False}
    return None


def register() -> None:
    register_panel("contacts.inbox", template="contacts/home/inbox.html", build=_inbox, order=12)
