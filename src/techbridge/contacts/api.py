"""Contacts over the API: the same services and selectors as the pages, so a contact made or
answered by another system has the same timeline, audit entries and notifications."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from techbridge.accounts.api import actor
from techbridge.api_common import Page, paginated
from techbridge.audit.services import client_ip
from techbridge.contacts import selectors, services
from techbridge.contacts.models import Contact, Message
from techbridge.core.errors import NotFound, ValidationFailed
from techbridge.demands.selectors import demands_visible_to
from techbridge.talent.models import Researcher, Team

router = Router(tags=["contacts"])


class EventOut(Schema):
    action: str
    action_label: str
    from_state: str
    to_state: str
    actor: str | None
    comment: str
    at: datetime.datetime


class ContactOut(Schema):
    id: int
    kind: Contact.Kind
    kind_label: str
    demand_id: int
    demand_title: str
    enterprise: str
    researcher_id: int
    researcher: str
    team_id: int | None
    team: str | None
    state: Contact.State
    state_label: str
    message: str
    decline_reason: str
    decline_reason_label: str
    decline_note: str
    expires_at: datetime.datetime
    created_at: datetime.datetime
    updated_at: datetime.datetime
    my_side: str | None
    actions: list[str]
    next_step: str


class ContactDetailOut(ContactOut):
    events: list[EventOut]
    contact_details: dict[str, str] | None


class InviteIn(Schema):
    demand_id: int
    researcher_id: int | None = None
    team_id: int | None = None
    message: str = ""


class InterestIn(Schema):
    demand_id: int
    message: str = ""


class StepIn(Schema):
    step: str
    reason: str = ""
    note: str = ""


class MessageOut(Schema):
    id: int
    sender: str
    body: str
    attachment_name: str
    created_at: datetime.datetime


class MessageIn(Schema):
    body: str


def _out(contact: Contact, user: Any) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "kind": contact.kind,
        "kind_label": contact.get_kind_display(),
        "demand_id": contact.demand_id,
        "demand_title": contact.demand.title,
        "enterprise": contact.demand.enterprise.name,
        "researcher_id": contact.researcher_id,
        "researcher": contact.researcher.name,
        "team_id": contact.team_id,
        "team": contact.team.name if contact.team is not None else None,
        "state": contact.state,
        "state_label": contact.get_state_display(),
        "message": contact.message,
        "decline_reason": contact.decline_reason,
        "decline_reason_label": contact.get_decline_reason_display()
        if contact.decline_reason
        else "",
        "decline_note": contact.decline_note,
        "expires_at": contact.expires_at,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
        "my_side": selectors.side_of(user, contact),
        "actions": [step.name for step in selectors.steps_open_to(user, contact)],
        "next_step": selectors.next_step_text(contact),
    }


def _detail(contact: Contact, user: Any) -> dict[str, Any]:
    details = selectors.details_of_other_side(user, contact)
    return {
        **_out(contact, user),
        "events": [
            {
                "action": e.action,
                "action_label": e.action_label,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": str(e.actor) if e.actor else None,
                "comment": e.comment,
                "at": e.at,
            }
            for e in contact.events.select_related("actor")
        ],
        "contact_details": vars(details) if details else None,
    }


def _visible(request: HttpRequest, contact_id: int) -> Contact:
    contact = selectors.contacts_visible_to(actor(request)).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("No such contact."))
    return contact


@router.get("/contacts", response=Page[ContactOut], summary="My contacts")
def list_contacts(request: HttpRequest, page: int = 1, box: str = "") -> dict[str, Any]:
    user = actor(request)
    contacts = selectors.contacts_visible_to(user)
    if box == "waiting":
        contacts = selectors.waiting_for(user)
    elif box == "sent":
        contacts = selectors.sent_by_side(user)
    elif box:
        raise ValidationFailed(_("Unknown box; use waiting or sent."), field="box")
    return paginated(contacts, page, lambda c: _out(c, user))


@router.get("/contacts/{int:contact_id}", response=ContactDetailOut, summary="One contact")
def get_contact(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    user = actor(request)
    contact = services.open_contact(actor=user, contact=_visible(request, contact_id))
    return _detail(contact, user)


@router.post(
    "/contacts/invitations",
    response={201: ContactDetailOut},
    summary="Invite a researcher or a team to a demand",
)
def invite(request: HttpRequest, payload: InviteIn) -> Any:
    user = actor(request)
    demand = demands_visible_to(user).filter(pk=payload.demand_id).first()
    if demand is None:
        raise NotFound(_("No such demand."))
    researcher = (
        Researcher.objects.filter(pk=payload.researcher_id).first()
        if payload.researcher_id
        else None
    )
    team = Team.objects.filter(pk=payload.team_id).first() if payload.team_id else None
    if (payload.researcher_id and researcher is None) or (payload.team_id and team is None):
        raise NotFound(_("No such researcher or team."))
    contact = services.invite(
        actor=user,
        demand=demand,
        researcher=researcher,
        team=team,
        message=payload.message,
        ip_address=client_ip(request),
    )
    return Status(201, _detail(contact, user))


@router.post(
    "/contacts/interests",
    response={201: ContactDetailOut},
    summary="Express interest in a demand (揭榜)",
)
def express_interest(request: HttpRequest, payload: InterestIn) -> Any:
    user = actor(request)
    demand = demands_visible_to(user).filter(pk=payload.demand_id).first()
    if demand is None:
        raise NotFound(_("No such demand."))
    contact = services.express_interest(
        actor=user, demand=demand, message=payload.message, ip_address=client_ip(request)
    )
    return Status(201, _detail(contact, user))


@router.post(
    "/contacts/{int:contact_id}/steps",
    response=ContactDetailOut,
    summary="Accept, decline or withdraw a contact",
)
def take_step(request: HttpRequest, contact_id: int, payload: StepIn) -> dict[str, Any]:
    user = actor(request)
    if payload.step not in ("accept", "decline", "withdraw"):
        raise ValidationFailed(_("Unknown action."), field="step")
    contact = services.transition(
        actor=user,
        contact=_visible(request, contact_id),
        step=payload.step,
        reason=payload.reason,
        note=payload.note,
        ip_address=client_ip(request),
    )
    return _detail(contact, user)


@router.get(
    "/contacts/{int:contact_id}/messages",
    response=list[MessageOut],
    summary="The message thread of a contact",
)
def list_messages(request: HttpRequest, contact_id: int) -> list[dict[str, Any]]:
    user = actor(request)
    thread = services.messages_for(
        user=user, contact=_visible(request, contact_id), ip_address=client_ip(request)
    )
    return [_message_out(m) for m in thread]


@router.post(
    "/contacts/{int:contact_id}/messages",
    response={201: MessageOut},
    summary="Write a message in the thread of an accepted contact",
)
def post_message(request: HttpRequest, contact_id: int, payload: MessageIn) -> Any:
    user = actor(request)
    message = services.post_message(
        actor=user,
        contact=_visible(request, contact_id),
        body=payload.body,
        ip_address=client_ip(request),
    )
    return Status(201, _message_out(message))


def _message_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "sender": str(message.sender),
        "body": message.body,
        "attachment_name": message.attachment_name,
        "created_at": message.created_at,
    }
