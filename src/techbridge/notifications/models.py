"""Notifications, e-mail preferences, to-dos and the record of digests sent.

A notification or a to-do may point at any object through ``target_type`` (the model's
``app_label.model_name``) and ``target_id``, as audit entries do, so the workflow of any app can
open and close to-dos for its own records without this app knowing their models.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_unsubscribe_token() -> str:
    return secrets.token_urlsafe(32)


class Notification(models.Model):
    class Kind(models.TextChoices):
        DEMAND_MATCH = "demand_match", _("Matching demand")
        TODO = "todo", _("To-do")
        WORKFLOW = "workflow", _("Workflow")
        SYSTEM = "system", _("System")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    texted_at = models.DateTimeField(_("sent by text message"), null=True, blank=True)
    digest = models.BooleanField(
        _("in the daily digest"),
        default=False,
        help_text=_("Waits for the daily e-mail digest until it is e-mailed or read."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(digest=True, emailed_at__isnull=True, read_at__isnull=True),
                name="notification_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a user wants to be e-mailed; created on first use with everything switched on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_digest = models.BooleanField(
        _("daily e-mail digest"),
        default=True,
        help_text=_(
            "At most one e-mail a day listing new notifications, such as matching demands."
        ),
    )
    immediate_email = models.BooleanField(
        _("immediate e-mail for to-dos"),
        default=True,
        help_text=_("An e-mail as soon as something waits for you."),
    )
    immediate_sms = models.BooleanField(
        _("text message for to-dos"),
        default=True,
        help_text=_(
            "A text message to your phone as soon as something waits for you "
            "(an invitation to answer, a step to take)."
        ),
    )
    unsubscribe_token = models.CharField(
        _("unsubscribe token"), max_length=64, unique=True, default=new_unsubscribe_token
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class Todo(models.Model):
    """Something that waits for one user, such as reviewing an application; done when
    ``done_at`` is set (by ``close_todos`` when the workflow moves on)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="todos",
    )
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.CharField(_("object type"), max_length=100)
    target_id = models.CharField(_("object id"), max_length=64)
    due = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("to-do")
        verbose_name_plural = _("to-dos")
        ordering = [models.F("due").asc(nulls_last=True), "created_at", "id"]
        constraints = [
            # Opening the same to-do twice (a retried request, a re-run task) keeps one.
            models.UniqueConstraint(
                fields=["owner", "target_type", "target_id", "title"],
                condition=Q(done_at__isnull=True),
                name="todo_one_open_per_owner_target_title",
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="todo_target")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due is not None and self.due < timezone.localdate()


class DigestLog(models.Model):
    """One row per user and calendar day (in ``TIME_ZONE``, Asia/Shanghai) a digest went out;
    the unique constraint is what stops two concurrent runs from sending two."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField(_("date"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    notification_count = models.PositiveIntegerField(_("notifications"), default=0)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="digest_once_per_user_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date}"
