"""Who may generate and read a dispatch's three-party agreement, and what its panel shows.

* Readers: the three parties (the enterprise's users and authorised technology managers, the
  commissioner, users of the commissioner's unit) and the administrators of the dispatch (the
  city bureau of the enterprise's city, the provincial administrators of the round's region,
  superusers), as the dispatch workflow defines them (``dispatch.workflow.is_party``). Auditors
  read the audit trail, not the agreement. The agreement contains the demand's protected details:
  the parties are entitled to them, and every download is audited.
* Generating: the same people, while the dispatch is ``agreement_pending``. A new version may
  replace the current one only until the first party confirms: a confirmation applies to the
  text the party saw, so from then on the text is frozen (and after the third confirmation the
  dispatch is in service and its agreement final).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from techbridge.agreements.models import AgreementDocument
from techbridge.core.errors import InvalidState, PermissionRefused, TechBridgeError
from techbridge.dispatch import selectors as dispatch_selectors
from techbridge.dispatch import workflow as wf
from techbridge.dispatch.models import Dispatch

DS = Dispatch.State
AGREEMENT_PARTIES = (wf.Party.ENTERPRISE, wf.Party.RESEARCHER, wf.Party.UNIT)
READERS = (*AGREEMENT_PARTIES, wf.Party.CITY_BUREAU, wf.Party.PROVINCE)
# A document exists only from agreement_pending on; a cancelled dispatch keeps its record.
READABLE_STATES = (DS.AGREEMENT_PENDING, DS.IN_SERVICE, DS.CANCELLED)
# The dispatch pages' step endpoint (POST ``action=confirm_agreement``); the panel falls back to
# a link to the dispatch page if it is missing.
TRANSITION_URL_NAME = "dispatch:dispatch_step"


def documents_of(dispatch: Dispatch) -> QuerySet[AgreementDocument]:
    """Every version of ``dispatch``'s agreement, newest first."""
    return AgreementDocument.objects.filter(dispatch=dispatch).order_by("-version")


def document_for(dispatch: Dispatch) -> AgreementDocument | None:
    """The current (newest) version of ``dispatch``'s agreement, or None."""
    return documents_of(dispatch).select_related("generated_by").first()


def is_reader(user: Any, dispatch: Dispatch) -> bool:
    """A party of the agreement or an administrator of the dispatch."""
    if not getattr(user, "is_authenticated", False):
        return False
    subject = wf.subject_of(dispatch)
    return any(wf.is_party(user, party, subject) for party in READERS)


def can_download(user: Any, dispatch: Dispatch) -> bool:
    """Whether ``user`` may read ``dispatch``'s agreement (when one has been generated)."""
    return dispatch.state in READABLE_STATES and is_reader(user, dispatch)


def any_party_confirmed(dispatch: Dispatch) -> bool:
    return any(
        getattr(dispatch, wf.CONFIRMATION_FIELDS[party]) is not None for party in AGREEMENT_PARTIES
    )


def generation_refusal(user: Any, dispatch: Dispatch) -> TechBridgeError | None:
    """Why ``user`` may not generate a (new version of the) agreement now, or None."""
    if not is_reader(user, dispatch):
        return PermissionRefused(
            _(
                "Only the three parties of the agreement and the administrators of its region "
                "may generate it."
            )
        )
    if dispatch.state == DS.IN_SERVICE:
        return InvalidState(_("All three parties have confirmed the agreement; its text is final."))
    if dispatch.state != DS.AGREEMENT_PENDING:
        return InvalidState(
            _(
                "The agreement is generated once the publication has passed; the dispatch is "
                "“%(state)s”."
            )
            % {"state": dispatch.get_state_display()}
        )
    if any_party_confirmed(dispatch) and documents_of(dispatch).exists():
        return InvalidState(
            _("A party has already confirmed the agreement, so its text can no longer be replaced.")
        )
    return None


def can_generate(user: Any, dispatch: Dispatch) -> bool:
    return generation_refusal(user, dispatch) is None


@dataclass
class PartyState:
    heading: str
    name: str
    confirmed_at: Any
    is_you: bool


@dataclass
class Panel:
    """What the agreement panel on the dispatch page shows to one user."""

    visible: bool
    document: AgreementDocument | None = None
    versions: int = 0
    can_generate: bool = False
    can_download: bool = False
    can_confirm: bool = False
    confirm_url: str = ""
    confirm_on_dispatch_page: bool = False
    is_final: bool = False
    parties: list[PartyState] = field(default_factory=list)


def _confirm_url(dispatch: Dispatch) -> str:
    try:
        return reverse(TRANSITION_URL_NAME, args=[dispatch.pk])
    except NoReverseMatch:
        return ""


def panel_for(*, user: Any, dispatch: Dispatch) -> Panel:
    if dispatch.state not in READABLE_STATES or not is_reader(user, dispatch):
        return Panel(visible=False)
    document = document_for(dispatch)
    if dispatch.state == DS.CANCELLED and document is None:
        return Panel(visible=False)
    subject = wf.subject_of(dispatch)
    headings = {
        wf.Party.ENTERPRISE: (_("Host enterprise"), str(subject.enterprise)),
        wf.Party.RESEARCHER: (_("Commissioner"), subject.researcher.name),
        wf.Party.UNIT: (_("Dispatching unit"), subject.researcher.unit.name),
    }
    parties = [
        PartyState(
            heading=headings[party][0],
            name=headings[party][1],
            confirmed_at=getattr(dispatch, wf.CONFIRMATION_FIELDS[party]),
            is_you=wf.is_party(user, party, subject),
        )
        for party in AGREEMENT_PARTIES
    ]
    # The workflow says whether the step is open to this user; each party confirms once.
    can_confirm = (
        document is not None
        and any(p.is_you and p.confirmed_at is None for p in parties)
        and any(
            step.action == "confirm_agreement"
            for step in dispatch_selectors.actions_available(dispatch, user)
        )
    )
    confirm_url = _confirm_url(dispatch) if can_confirm else ""
    return Panel(
        visible=True,
        document=document,
        versions=documents_of(dispatch).count(),
        can_generate=can_generate(user, dispatch),
        can_download=document is not None,
        can_confirm=can_confirm,
        confirm_url=confirm_url,
        confirm_on_dispatch_page=can_confirm and not confirm_url,
        is_final=dispatch.state == DS.IN_SERVICE,
        parties=parties,
    )
