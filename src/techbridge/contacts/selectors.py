"""Who sees which contact, which side a user is on, what they may do next and what contact
details each side may read.

* The two sides read the whole contact: the enterprise side (the enterprise's users, the
  technology managers it authorised, the demand's manager) and the researcher side (the
  researcher's own account; for a team, its leader's).
* The researcher's unit and the administrators of the demand's region see the contact in their
  lists and on its page (who, which demand, state, timeline), never the message thread.
* Auditors read everything, the thread included; they change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role, User
from techbridge.accounts.permissions import (
    administered_region_q,
    administers_region,
    is_region_administrator,
)
from techbridge.contacts.models import Contact
from techbridge.contacts.workflow import BUTTON_STEPS, STEPS, Side, Step
from techbridge.demands.models import Demand
from techbridge.demands.selectors import acting_for_q, is_owner

ENTERPRISE = "enterprise"
RESEARCHER = "researcher"


def contacts_with_parties() -> QuerySet[Contact]:
    """Contacts with the demand, enterprise, researcher, unit and team they are shown with."""
    return Contact.objects.select_related(
        "demand",
        "demand__enterprise",
        "demand__region",
        "demand__region__parent",
        "researcher",
        "researcher__unit",
        "team",
        "initiated_by",
    )


def _enterprise_side_q(user: Any) -> Q:
    q = Q(demand__manager=user) | Q(demand__enterprise__authorised_managers=user)
    if user.role == Role.ENTERPRISE and user.organisation_id:
        q |= Q(demand__enterprise_id=user.organisation_id)
    return q


def contacts_visible_to(user: Any) -> QuerySet[Contact]:
    if not user.is_authenticated:
        return Contact.objects.none()
    if user.is_superuser or user.role == Role.AUDITOR:
        return contacts_with_parties()
    q = _enterprise_side_q(user) | Q(researcher__user=user)
    if user.role == Role.UNIT and user.organisation_id:
        q |= Q(researcher__unit_id=user.organisation_id)
    if is_region_administrator(user):
        q |= administered_region_q(user, "demand__region")
    return contacts_with_parties().filter(q).distinct()


def side_of(user: Any, contact: Contact) -> str | None:
    """``"enterprise"`` or ``"researcher"`` when ``user`` is one of the two sides, else None.
    Superusers administer; they are never a side."""
    if not user.is_authenticated or user.is_superuser:
        return None
    if contact.researcher is not None and contact.researcher.user_id == user.pk:
        return RESEARCHER
    if user.role in (Role.ENTERPRISE, Role.TECH_MANAGER) and is_owner(user, contact.demand):
        return ENTERPRISE
    return None


def initiator_side(contact: Contact) -> str:
    return ENTERPRISE if contact.kind == Contact.Kind.INVITATION else RESEARCHER


def recipient_side(contact: Contact) -> str:
    return RESEARCHER if contact.kind == Contact.Kind.INVITATION else ENTERPRISE


def step_side(step: Step, contact: Contact) -> str | None:
    if step.side == Side.INITIATOR:
        return initiator_side(contact)
    if step.side == Side.RECIPIENT:
        return recipient_side(contact)
    return None


def can_take(user: Any, step: Step, contact: Contact) -> bool:
    side = step_side(step, contact)
    return side is not None and contact.state in step.sources and side_of(user, contact) == side


def steps_open_to(user: Any, contact: Contact) -> list[Step]:
    """The buttons ``user`` gets on ``contact``, in the table's order."""
    return [STEPS[name] for name in BUTTON_STEPS if can_take(user, STEPS[name], contact)]


def side_users(side: str, contact: Contact) -> QuerySet[User]:
    """The active accounts of one side: who is told when the other side acts."""
    users = User.objects.filter(is_active=True)
    if side == RESEARCHER:
        user_id = contact.researcher.user_id if contact.researcher is not None else None
        return users.filter(pk=user_id) if user_id else users.none()
    demand = contact.demand
    q = acting_for_q(demand.enterprise_id)
    if demand.manager_id:
        q |= Q(pk=demand.manager_id)
    return users.filter(q).distinct()


def unit_users(contact: Contact) -> QuerySet[User]:
    if contact.researcher is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, role=Role.UNIT, organisation_id=contact.researcher.unit_id
    )


def can_read_thread(user: Any, contact: Contact) -> bool:
    """The message thread: the two sides and auditors, nobody else."""
    if not user.is_authenticated:
        return False
    return user.role == Role.AUDITOR or side_of(user, contact) is not None


def can_write_thread(user: Any, contact: Contact) -> bool:
    return contact.is_accepted and side_of(user, contact) is not None


def takes_contacts(demand: Demand) -> bool:
    """Only a published demand before its deadline takes invitations and interests."""
    return demand.status == Demand.Status.PUBLISHED and (
        demand.deadline is None or demand.deadline >= timezone.localdate()
    )


def needs_terms(contact: Contact) -> bool:
    """Whether the researcher must accept the demand's non-disclosure terms (from their own
    account) before the enterprise's contact details are shown to them."""
    return (
        contact.demand.confidentiality != Demand.Confidentiality.PUBLIC
        and contact.nda_accepted_at is None
    )


@dataclass(frozen=True)
class ContactDetails:
    name: str
    phone: str
    email: str
    organisation: str


def details_of_other_side(user: Any, contact: Contact) -> ContactDetails | None:
    """How ``user`` reaches the other side, or None while they may not: only the two sides of an
    accepted contact; the researcher sees the enterprise's only after accepting the terms of a
    demand that is not public."""
    side = side_of(user, contact)
    if side is None or not contact.is_accepted:
        return None
    if side == ENTERPRISE:
        researcher = contact.researcher
        account = researcher.user
        return ContactDetails(
            name=researcher.name,
            phone=researcher.phone or (account.phone if account else ""),
            email=researcher.email or (account.email if account else ""),
            organisation=researcher.unit.name,
        )
    if needs_terms(contact):
        return None
    demand = contact.demand
    enterprise = demand.enterprise
    return ContactDetails(
        name=demand.contact_name or enterprise.contact_name,
        phone=demand.contact_phone or enterprise.contact_phone,
        email=enterprise.contact_email
        or next((u.email for u in side_users(ENTERPRISE, contact) if u.email), ""),
        organisation=enterprise.name,
    )


def next_step_text(contact: Contact) -> str:
    """Who acts next and what they can do, in one sentence for the contact page."""
    recipient = (
        _("the researcher") if recipient_side(contact) == RESEARCHER else _("the enterprise")
    )
    if contact.is_open:
        return _(
            "Waiting for %(who)s to accept or decline, until %(date)s; the sender may withdraw "
            "it meanwhile."
        ) % {"who": recipient, "date": timezone.localtime(contact.expires_at).date().isoformat()}
    if contact.is_accepted:
        if needs_terms(contact):
            return _(
                "Accepted. The researcher accepts the demand's non-disclosure terms to see the "
                "enterprise's contact details; both sides can write messages now."
            )
        return _(
            "Accepted. Both sides see each other's contact details and write messages; the "
            "enterprise can apply for a commissioner or either side can record a cooperation."
        )
    return _("Closed: nothing more to do.")


def waiting_for(user: Any) -> QuerySet[Contact]:
    """Open contacts that wait for ``user``'s answer (their inbox queue)."""
    visible = contacts_visible_to(user).filter(state__in=Contact.OPEN_STATES)
    answer_to_researcher = Q(kind=Contact.Kind.INVITATION, researcher__user=user)
    answer_to_enterprise = Q(kind=Contact.Kind.INTEREST) & (
        _enterprise_side_q(user) if user.is_authenticated else Q(pk__in=[])
    )
    if user.role in (Role.ENTERPRISE, Role.TECH_MANAGER):
        return visible.filter(answer_to_enterprise)
    if user.role == Role.RESEARCHER:
        return visible.filter(answer_to_researcher)
    return visible.none()


def sent_by_side(user: Any) -> QuerySet[Contact]:
    visible = contacts_visible_to(user)
    if user.role in (Role.ENTERPRISE, Role.TECH_MANAGER):
        return visible.filter(_enterprise_side_q(user), kind=Contact.Kind.INVITATION)
    if user.role == Role.RESEARCHER:
        return visible.filter(researcher__user=user, kind=Contact.Kind.INTEREST)
    return visible.none()


def live_contacts_for_demand(demand: Demand) -> dict[tuple[str, int], Contact]:
    """The live contacts of one demand keyed by ("researcher", id) or ("team", id), for the
    buttons of the recommendation panel (one query)."""
    found: dict[tuple[str, int], Contact] = {}
    for contact in Contact.objects.filter(demand=demand, state__in=Contact.LIVE_STATES):
        if contact.team_id:
            found[("team", contact.team_id)] = contact
        elif contact.researcher_id:
            found[("researcher", contact.researcher_id)] = contact
    return found


def live_contact_for_researcher_id(demand_id: int, user: Any) -> Contact | None:
    """The researcher's own live contact about one demand, if any."""
    if not user.is_authenticated or user.role != Role.RESEARCHER:
        return None
    return (
        Contact.objects.filter(
            demand_id=demand_id,
            researcher__user=user,
            team__isnull=True,
            state__in=Contact.LIVE_STATES,
        )
        .order_by("-id")
        .first()
    )


def administers_contact(user: Any, contact: Contact) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or (is_region_administrator(user) and administers_region(user, contact.demand.region_id))
    )
