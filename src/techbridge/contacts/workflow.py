"""The contact process as one transition table.

Each ``Step`` names the states it leaves from, the state it leads to and which side takes it: the
side that sent the contact (``initiator``), the side that received it (``recipient``) or the
platform (``system``, for expiry). ``contacts.services.transition`` is the only code that moves a
contact; pages and the API ask ``steps_open_to`` which buttons to show, so a button is never
offered that the service would refuse.

Sides: for an invitation the enterprise sent it and the researcher (a team's leader) answers; for
an expression of interest the researcher sent it and the enterprise answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from techbridge.contacts.models import Contact

S = Contact.State


class Side(StrEnum):
    INITIATOR = "initiator"
    RECIPIENT = "recipient"
    SYSTEM = "system"


@dataclass(frozen=True)
class Step:
    name: str
    label: Any  # a lazy translation
    sources: tuple[str, ...]
    target: str
    side: Side
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("view", _("Open"), (S.SENT,), S.VIEWED, Side.RECIPIENT),
        Step("accept", _("Accept"), (S.SENT, S.VIEWED), S.ACCEPTED, Side.RECIPIENT),
        Step(
            "decline",
            _("Decline"),
            (S.SENT, S.VIEWED),
            S.DECLINED,
            Side.RECIPIENT,
            needs_reason=True,
        ),
        Step("withdraw", _("Withdraw"), (S.SENT, S.VIEWED), S.WITHDRAWN, Side.INITIATOR),
        Step("expire", _("Expire"), (S.SENT, S.VIEWED), S.EXPIRED, Side.SYSTEM),
    )
}
# Steps a person chooses from a button; ``view`` is taken by opening the page.
BUTTON_STEPS = ("accept", "decline", "withdraw")
