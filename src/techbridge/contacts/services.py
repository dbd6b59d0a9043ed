"""The actions of the contact loop: invite, express interest, answer (accept, decline), withdraw,
open, expire, accept the terms, write messages and record a cooperation.

Each runs in one transaction, locks the contact it changes, checks the actor's side itself,
writes the timeline event and the audit entry, and tells the other side (in the app, and by
e-mail from a background task that never sends twice). ``transition`` is the only code that
changes a contact's state, following ``contacts.workflow.STEPS``.
"""

from __future__ import annotations

import datetime
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role, User
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.contacts import selectors
from techbridge.contacts.models import Contact, ContactEvent, Cooperation, Message
from techbridge.contacts.workflow import STEPS, Side, Step
from techbridge.core.errors import InvalidState, NotFound, PermissionRefused, ValidationFailed
from techbridge.demands import services as demand_services
from techbridge.demands.models import Demand, DemandAccess
from techbridge.demands.selectors import can_edit, demands_visible_to
from techbridge.notifications import services as notifications
from techbridge.notifications.models import Notification
from techbridge.talent.models import Researcher, Team
from techbridge.talent.selectors import conflict_of_interest

MAX_MESSAGE_CHARS = 2000
ATTACHMENT_SUFFIXES = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".txt",
    ".png",
    ".jpg",
    ".jpeg",
)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def expiry_days() -> int:
    return int(getattr(settings, "CONTACT_EXPIRY_DAYS", 14))


# --- starting a contact ------------------------------------------------------------------------


def _clean_message(message: str, *, field: str = "message", required: bool = False) -> str:
    text = (message or "").strip()
    if required and not text:
        raise ValidationFailed(_("Write a message."), field=field)
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValidationFailed(
            _("A message has at most %(n)d characters; this one has %(m)d.")
            % {"n": MAX_MESSAGE_CHARS, "m": len(text)},
            field=field,
        )
    return text


def _check_open_demand(demand: Demand) -> None:
    if selectors.takes_contacts(demand):
        return
    if demand.status != Demand.Status.PUBLISHED:
        raise InvalidState(
            _(
                "Only a published demand takes invitations and expressions of interest; "
                "this one is %(s)s."
            )
            % {"s": demand.get_status_display()}
        )
    raise InvalidState(_("The demand's deadline has passed."))


def _check_conflict(researcher: Researcher, demand: Demand) -> None:
    if conflict_of_interest(researcher, demand.enterprise):
        raise ValidationFailed(
            _(
                "Conflict of interest: %(researcher)s belongs to or declared a relation with "
                "%(enterprise)s, so the platform does not put them in contact about its demands."
            )
            % {"researcher": researcher, "enterprise": demand.enterprise}
        )


def _live_duplicate(demand: Demand, researcher: Researcher, team: Team | None) -> Contact | None:
    live = Contact.objects.filter(demand=demand, state__in=Contact.LIVE_STATES)
    if team is not None:
        return live.filter(team=team).first()
    return live.filter(researcher=researcher, team__isnull=True).first()


def _create(
    *,
    kind: str,
    actor: User,
    demand: Demand,
    researcher: Researcher,
    team: Team | None,
    message: str,
    ip_address: str | None,
) -> Contact:
    existing = _live_duplicate(demand, researcher, team)
    if existing is not None:
        raise InvalidState(
            _("A contact about this demand with %(who)s is already %(state)s.")
            % {"who": existing.counterpart_name, "state": existing.get_state_display()}
        )
    now = timezone.now()
    contact = Contact(
        kind=kind,
        demand=demand,
        researcher=researcher,
        team=team,
        initiated_by=actor,
        message=message,
        expires_at=now + datetime.timedelta(days=expiry_days()),
    )
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        # The other side, or a second click, made one at the same moment.
        raise InvalidState(_("A contact about this demand with them exists already.")) from None
    ContactEvent.objects.create(contact=contact, action="send", to_state=contact.state, actor=actor)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=contact,
        summary=str(contact)[:255],
        detail={
            "kind": kind,
            "demand": demand.pk,
            "researcher": researcher.pk,
            "team": team.pk if team else None,
        },
        ip_address=ip_address,
    )
    _tell_about_new(contact)
    return contact


@transaction.atomic
def invite(
    *,
    actor: User,
    demand: Demand,
    researcher: Researcher | None = None,
    team: Team | None = None,
    message: str = "",
    ip_address: str | None = None,
) -> Contact:
    """The enterprise invites a researcher, or a team through its leader, to its demand."""
    if (researcher is None) == (team is None):
        raise ValidationFailed(_("Choose a researcher or a team to invite."), field="researcher")
    if actor.is_superuser or not can_edit(actor, demand):
        raise PermissionRefused(
            _("Only the demand's enterprise, or a technology manager it authorised, invites.")
        )
    _check_open_demand(demand)
    if team is not None:
        researcher = team.leader
        if researcher is None:
            raise ValidationFailed(
                _("The team %(team)s has no leader to answer the invitation.") % {"team": team},
                field="team",
            )
    assert researcher is not None
    _check_conflict(researcher, demand)
    return _create(
        kind=Contact.Kind.INVITATION,
        actor=actor,
        demand=demand,
        researcher=researcher,
        team=team,
        message=_clean_message(message),
        ip_address=ip_address,
    )


@transaction.atomic
def express_interest(
    *, actor: User, demand: Demand, message: str = "", ip_address: str | None = None
) -> Contact:
    """A researcher offers to take a published demand on (揭榜 / 意向)."""
    researcher = getattr(actor, "researcher", None) if actor.role == Role.RESEARCHER else None
    if researcher is None:
        raise PermissionRefused(
            _("Only a researcher with a profile on the platform expresses interest.")
        )
    if not demands_visible_to(actor).filter(pk=demand.pk).exists():
        raise NotFound(_("No such demand."))
    _check_open_demand(demand)
    _check_conflict(researcher, demand)
    return _create(
        kind=Contact.Kind.INTEREST,
        actor=actor,
        demand=demand,
        researcher=researcher,
        team=None,
        message=_clean_message(message),
        ip_address=ip_address,
    )


# --- moving a contact --------------------------------------------------------------------------


def _locked(contact: Contact) -> Contact:
    return selectors.contacts_with_parties().select_for_update(of=("self",)).get(pk=contact.pk)


@transaction.atomic
def transition(
    *,
    actor: User | None,
    contact: Contact,
    step: str,
    reason: str = "",
    note: str = "",
    ip_address: str | None = None,
) -> Contact:
    """Take ``step`` on ``contact``: check, change, record, tell; all or nothing."""
    definition = STEPS.get(step)
    if definition is None:
        raise ValidationFailed(_("Unknown action."), field="step")
    contact = _locked(contact)
    _check_step(actor, definition, contact)
    reason, note = _check_reason(definition, reason, note)
    source = contact.state
    now = timezone.now()
    contact.state = definition.target
    fields = ["state", "updated_at"]
    if step == "view":
        contact.viewed_at = now
        fields.append("viewed_at")
    if step in ("accept", "decline"):
        contact.responded_at = now
        fields.append("responded_at")
    if step == "decline":
        contact.decline_reason, contact.decline_note = reason, note
        fields += ["decline_reason", "decline_note"]
    contact.save(update_fields=fields)
    comment = note if step != "decline" else _label_reason(reason, note)
    ContactEvent.objects.create(
        contact=contact,
        action=step,
        from_state=source,
        to_state=contact.state,
        actor=actor,
        comment=comment,
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=contact,
        summary=f"{definition.label}: {contact}"[:255],
        detail={"step": step, "from": source, "to": contact.state, "reason": reason, "note": note},
        ip_address=ip_address,
    )
    if step == "accept":
        _grant_details(contact, actor)
    if step != "view":
        _tell_about_step(contact, definition, actor, comment)
        notifications.close_todos(target=contact)
    return contact


def _check_step(actor: User | None, step: Step, contact: Contact) -> None:
    if step.side == Side.SYSTEM:
        if actor is not None:
            raise PermissionRefused(_("This step is taken by the platform itself."))
    elif actor is None or not selectors.can_take(actor, step, contact):
        side = selectors.step_side(step, contact)
        if actor is None or selectors.side_of(actor, contact) != side:
            who = _("the researcher") if side == selectors.RESEARCHER else _("the enterprise")
            raise PermissionRefused(
                _("“%(step)s” is for %(who)s of this contact.") % {"step": step.label, "who": who}
            )
    if contact.state not in step.sources:
        raise InvalidState(
            _("This contact is %(state)s; “%(step)s” is no longer possible.")
            % {"state": contact.get_state_display(), "step": step.label}
        )
    if step.name != "expire" and contact.is_open and contact.expires_at <= timezone.now():
        raise InvalidState(_("This contact has expired."))


def _check_reason(step: Step, reason: str, note: str) -> tuple[str, str]:
    note = _clean_message(note, field="note")
    if not step.needs_reason:
        return "", note
    if reason not in Contact.DeclineReason.values:
        raise ValidationFailed(_("Choose a reason from the list."), field="reason")
    if reason == Contact.DeclineReason.OTHER and not note:
        raise ValidationFailed(_("Explain the reason when you choose “Other”."), field="note")
    return reason, note


def _label_reason(reason: str, note: str) -> str:
    label = str(Contact.DeclineReason(reason).label) if reason else ""
    return f"{label}：{note}" if note and label else label or note


def _grant_details(contact: Contact, actor: User | None) -> None:
    """An accepted contact on a demand whose details go to invited researchers invites the
    researcher; the details show once they accept the terms from their own account."""
    demand = contact.demand
    if demand.confidentiality != Demand.Confidentiality.INVITED:
        return
    DemandAccess.objects.get_or_create(
        demand=demand, researcher=contact.researcher, defaults={"invited_by": contact.initiated_by}
    )


def open_contact(*, actor: User, contact: Contact) -> Contact:
    """The recipient opened the contact: ``sent`` becomes ``viewed`` (once)."""
    if (
        contact.state == Contact.State.SENT
        and selectors.can_take(actor, STEPS["view"], contact)
        and contact.expires_at > timezone.now()
    ):
        return transition(actor=actor, contact=contact, step="view")
    return contact


def expire_overdue(*, now: datetime.datetime | None = None) -> int:
    """Expire every open contact past its date; idempotent (each in its own transaction)."""
    now = now or timezone.now()
    count = 0
    for contact in Contact.objects.filter(state__in=Contact.OPEN_STATES, expires_at__lte=now):
        try:
            transition(actor=None, contact=contact, step="expire")
        except InvalidState:
            continue  # answered meanwhile
        count += 1
    return count


# --- after acceptance --------------------------------------------------------------------------


@transaction.atomic
def accept_terms(*, actor: User, contact: Contact, ip_address: str | None = None) -> Contact:
    """The researcher accepts the demand's non-disclosure terms from their own account; bound to
    that account, with time and address."""
    contact = _locked(contact)
    if selectors.side_of(actor, contact) != selectors.RESEARCHER:
        raise PermissionRefused(_("Only the researcher accepts the terms, from their own account."))
    if not contact.is_accepted:
        raise InvalidState(_("The terms are accepted once the contact is accepted."))
    if contact.nda_accepted_at is not None:
        raise InvalidState(_("You accepted the terms already."))
    contact.nda_accepted_at = timezone.now()
    contact.nda_accepted_by = actor
    contact.save(update_fields=["nda_accepted_at", "nda_accepted_by", "updated_at"])
    if contact.demand.confidentiality == Demand.Confidentiality.INVITED:
        access = DemandAccess.objects.filter(
            demand=contact.demand, researcher=contact.researcher
        ).first()
        if access is not None and access.nda_accepted_at is None:
            demand_services.accept_terms(actor=actor, demand=contact.demand)
    ContactEvent.objects.create(
        contact=contact,
        action="accept_terms",
        from_state=contact.state,
        to_state=contact.state,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        obj=contact,
        summary=_("Non-disclosure terms accepted"),
        detail={"demand": contact.demand_id},
        ip_address=ip_address,
    )
    return contact


def _check_attachment(upload: UploadedFile | None) -> str:
    if upload is None:
        return ""
    name = get_valid_filename(PurePath(upload.name or "").name) if upload.name else ""
    if not name or PurePath(name).suffix.lower() not in ATTACHMENT_SUFFIXES:
        raise ValidationFailed(
            _("Attach a document or picture (%(types)s).")
            % {"types": " ".join(ATTACHMENT_SUFFIXES)},
            field="attachment",
        )
    if not upload.size:
        raise ValidationFailed(_("The file is empty."), field="attachment")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(
            _("The file is %(size).1f MB; at most %(limit)d MB can be attached.")
            % {"size": upload.size / 1024 / 1024, "limit": MAX_ATTACHMENT_BYTES // 1024 // 1024},
            field="attachment",
        )
    return name[:255]


@transaction.atomic
def post_message(
    *,
    actor: User,
    contact: Contact,
    body: str,
    attachment: UploadedFile | None = None,
    ip_address: str | None = None,
) -> Message:
    contact = _locked(contact)
    if selectors.side_of(actor, contact) is None:
        raise PermissionRefused(_("Only the two sides of a contact write in its thread."))
    if not contact.is_accepted:
        raise InvalidState(_("Messages open once the contact is accepted."))
    text = _clean_message(body, field="body", required=True)
    name = _check_attachment(attachment)
    message = Message(contact=contact, sender=actor, body=text, attachment_name=name)
    if attachment is not None:
        message.attachment.save(name, attachment, save=False)
    message.save()
    contact.save(update_fields=["updated_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=message,
        summary=_("Message in contact %(id)s") % {"id": contact.pk},
        detail={"contact": contact.pk, "attachment": name},
        ip_address=ip_address,
    )
    other = (
        selectors.RESEARCHER
        if selectors.side_of(actor, contact) == selectors.ENTERPRISE
        else selectors.ENTERPRISE
    )
    _tell(
        selectors.side_users(other, contact),
        contact,
        _("New message from %(who)s about “%(demand)s”")
        % {"who": actor, "demand": contact.demand.title},
        body=text[:200],
        email="digest",
    )
    return message


def messages_for(
    *, user: User, contact: Contact, ip_address: str | None = None
) -> QuerySet[Message]:
    """The thread, for the two sides and auditors only; an auditor's reading is audited."""
    if not selectors.can_read_thread(user, contact):
        raise PermissionRefused(
            _("Only the two sides of a contact and auditors read its messages.")
        )
    if user.role == Role.AUDITOR:
        audit.record(
            actor=user,
            action=AuditEntry.Action.VIEW_PROTECTED,
            obj=contact,
            summary=_("Message thread read"),
            detail={"channel": "thread"},
            ip_address=ip_address,
        )
    return contact.messages.select_related("sender")


def record_attachment_download(
    *, user: User, message: Message, ip_address: str | None = None
) -> None:
    """An auditor's download of an attachment is in the trail, as their reading of the thread
    is; the two sides' own downloads are not (the thread is theirs)."""
    if user.role == Role.AUDITOR:
        audit.record(
            actor=user,
            action=AuditEntry.Action.VIEW_PROTECTED,
            obj=message.contact,
            summary=_("Attachment downloaded: %(name)s") % {"name": message.attachment_name},
            detail={"channel": "attachment", "message": message.pk},
            ip_address=ip_address,
        )


@transaction.atomic
def record_cooperation(
    *,
    actor: User,
    contact: Contact,
    kind: str,
    happened_on: datetime.date,
    note: str = "",
    ip_address: str | None = None,
) -> Cooperation:
    """Either side records what the accepted contact led to without a dispatch."""
    contact = _locked(contact)
    if selectors.side_of(actor, contact) is None:
        raise PermissionRefused(_("Only the two sides of a contact record a cooperation."))
    if not contact.is_accepted:
        raise InvalidState(_("A cooperation is recorded once the contact is accepted."))
    if kind not in Cooperation.Kind.values:
        raise ValidationFailed(_("Choose a kind of cooperation from the list."), field="kind")
    if not isinstance(happened_on, datetime.date):
        raise ValidationFailed(_("Enter the date of the cooperation."), field="happened_on")
    if happened_on > timezone.localdate() + datetime.timedelta(days=365):
        raise ValidationFailed(_("The date is more than a year ahead."), field="happened_on")
    cooperation = Cooperation.objects.create(
        contact=contact,
        kind=kind,
        happened_on=happened_on,
        note=_clean_message(note, field="note"),
        recorded_by=actor,
    )
    ContactEvent.objects.create(
        contact=contact,
        action="cooperation",
        from_state=contact.state,
        to_state=contact.state,
        actor=actor,
        comment=f"{cooperation.get_kind_display()} {happened_on.isoformat()}",
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=cooperation,
        summary=str(cooperation),
        detail={"contact": contact.pk},
        ip_address=ip_address,
    )
    return cooperation


def record_event(*, contact: Contact, action: str, actor: User, comment: str = "") -> ContactEvent:
    """Put what another process did with an accepted contact (a dispatch application started
    from it) on the contact's timeline, where both sides read it."""
    return ContactEvent.objects.create(
        contact=contact,
        action=action,
        from_state=contact.state,
        to_state=contact.state,
        actor=actor,
        comment=comment[:500],
    )


# --- telling -----------------------------------------------------------------------------------


def _tell(
    recipients: Any, contact: Contact, title: str, *, body: str = "", email: str = "immediate"
) -> None:
    for user in recipients:
        notifications.notify(
            recipient=user,
            kind=Notification.Kind.WORKFLOW,
            title=title,
            body=body,
            url=contact.get_absolute_url(),
            target=contact,
            email=email,  # type: ignore[arg-type]
        )


def _tell_about_new(contact: Contact) -> None:
    demand = contact.demand
    if contact.kind == Contact.Kind.INVITATION:
        title = _("%(enterprise)s invites you to its demand “%(demand)s”") % {
            "enterprise": demand.enterprise,
            "demand": demand.title,
        }
        recipients = selectors.side_users(selectors.RESEARCHER, contact)
        if not recipients.exists():
            # No account yet: the unit passes it on and can invite them to register.
            _tell(
                selectors.unit_users(contact),
                contact,
                _(
                    "%(researcher)s of your unit is invited to “%(demand)s”; "
                    "they have no account yet"
                )
                % {"researcher": contact.researcher, "demand": demand.title},
            )
            return
    else:
        title = _("%(researcher)s is interested in your demand “%(demand)s”") % {
            "researcher": contact.researcher,
            "demand": demand.title,
        }
        recipients = selectors.side_users(selectors.ENTERPRISE, contact)
    _tell(recipients, contact, title, body=contact.message[:200])
    for user in recipients:
        notifications.open_todo(
            owner=user,
            title=_("Answer: %(title)s") % {"title": title},
            url=contact.get_absolute_url(),
            target=contact,
            due=timezone.localtime(contact.expires_at).date(),
            notify_owner=False,
        )


def _tell_about_step(contact: Contact, step: Step, actor: User | None, comment: str) -> None:
    titles = {
        "accept": _("“%(demand)s”: %(who)s accepted; you can now reach each other"),
        "decline": _("“%(demand)s”: %(who)s declined"),
        "withdraw": _("“%(demand)s”: %(who)s withdrew the contact"),
        "expire": _("“%(demand)s”: the contact expired without an answer"),
    }
    acting = selectors.side_of(actor, contact) if actor is not None else None
    if acting == selectors.RESEARCHER:
        who = contact.counterpart_name
    else:
        who = contact.demand.enterprise.name
    title = titles[step.name] % {"demand": contact.demand.title, "who": who}
    if acting is None:
        recipients = list(selectors.side_users(selectors.ENTERPRISE, contact)) + list(
            selectors.side_users(selectors.RESEARCHER, contact)
        )
    else:
        other = selectors.ENTERPRISE if acting == selectors.RESEARCHER else selectors.RESEARCHER
        recipients = list(selectors.side_users(other, contact))
    _tell(recipients, contact, title, body=comment)
