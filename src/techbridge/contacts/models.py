"""The first contact between an enterprise and a researcher (or a team) about one demand.

A ``Contact`` is either an invitation (邀请: the enterprise asks a recommended researcher or team)
or an expression of interest (意向 / 揭榜: a researcher offers to take the demand on). Both run
through the same states (``contacts.workflow``): sent → viewed → accepted / declined / withdrawn /
expired. Every change leaves a ``ContactEvent`` on the timeline both sides read. Once accepted,
the two sides exchange messages (站内信) and may record what they do next (``Cooperation``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Contact(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation from the enterprise")
        INTEREST = "interest", _("Expression of interest from the researcher")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        VIEWED = "viewed", _("Viewed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class DeclineReason(models.TextChoices):
        NOT_MY_FIELD = "not_my_field", _("Outside my field")
        NO_CAPACITY = "no_capacity", _("No capacity at the moment")
        CONDITIONS = "conditions", _("Conditions or budget do not fit")
        LOCATION = "location", _("Location too far")
        ALREADY_SOLVED = "already_solved", _("The demand is already being handled")
        NOT_SUITABLE = "not_suitable", _("Profile does not fit the demand")
        OTHER = "other", _("Other")

    OPEN_STATES = (State.SENT, State.VIEWED)
    LIVE_STATES = (State.SENT, State.VIEWED, State.ACCEPTED)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    demand = models.ForeignKey(
        "demands.Demand",
        verbose_name=_("demand"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    researcher = models.ForeignKey(
        "talent.Researcher",
        verbose_name=_("researcher"),
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text=_("The researcher invited or interested; for a team, its leader."),
    )
    team = models.ForeignKey(
        "talent.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SENT, db_index=True
    )
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("explanation"), blank=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    viewed_at = models.DateTimeField(_("viewed"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    nda_accepted_at = models.DateTimeField(
        _("non-disclosure terms accepted"),
        null=True,
        blank=True,
        help_text=_("When the researcher accepted the demand's terms from their own account."),
    )
    nda_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("terms accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            # One live contact per demand and researcher (or team): a second click, a retried
            # request or the other side's own initiative finds the one that exists.
            models.UniqueConstraint(
                fields=["demand", "researcher"],
                condition=Q(team__isnull=True, state__in=["sent", "viewed", "accepted"]),
                name="contact_one_live_per_demand_researcher",
            ),
            models.UniqueConstraint(
                fields=["demand", "team"],
                condition=Q(team__isnull=False, state__in=["sent", "viewed", "accepted"]),
                name="contact_one_live_per_demand_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.counterpart_name} — {self.demand}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("contacts:detail", args=[self.pk])

    @property
    def counterpart_name(self) -> str:
        return str(self.team) if self.team_id else str(self.researcher)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_accepted(self) -> bool:
        return self.state == self.State.ACCEPTED


EVENT_LABELS = {
    "send": _("sent the contact"),
    "view": _("opened"),
    "accept": _("accepted"),
    "decline": _("declined"),
    "withdraw": _("withdrew"),
    "expire": _("expired"),
    "accept_terms": _("accepted the non-disclosure terms"),
    "cooperation": _("recorded a cooperation"),
    "dispatch_application": _("started a commissioner application"),
}


class ContactEvent(models.Model):
    """One step on a contact's timeline: who moved it from which state to which, when and why."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the platform took the step (expiry)."),
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("contact event")
        verbose_name_plural = _("contact events")

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.from_state} → {self.to_state}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))

    @property
    def to_state_label(self) -> str:
        return str(Contact.State(self.to_state).label) if self.to_state else ""


def message_upload_to(instance: Message, filename: str) -> str:
    return f"contacts/{instance.contact_id}/{filename}"


class Message(models.Model):
    """A message of the thread (站内信) of an accepted contact, read only by its two sides and by
    auditors."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("message"))
    attachment = models.FileField(_("attachment"), upload_to=message_upload_to, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return self.body[:50]


class Cooperation(models.Model):
    """What the two sides of an accepted contact did next without a dispatch: a consultation, a
    visit, a contract in negotiation."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Technical consultation")
        VISIT = "visit", _("Visit to the enterprise")
        NEGOTIATION = "negotiation", _("Contract in negotiation")
        OTHER = "other", _("Other cooperation")

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="cooperations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"
