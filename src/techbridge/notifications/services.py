"""The actions of notifications: notify a user, open and close to-dos, send e-mail (immediately
or as the daily digest), mark read, change preferences and unsubscribe.

E-mails are written in ``settings.LANGUAGE_CODE`` (Simplified Chinese) whatever the language of
the request that caused them, with absolute links built on ``settings.SITE_URL``.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, Literal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from techbridge.audit import services as audit
from techbridge.core.errors import NotFound, ValidationFailed
from techbridge.notifications import selectors, sms
from techbridge.notifications.models import (
    DigestLog,
    Notification,
    NotificationPreference,
    Todo,
)

log = logging.getLogger(__name__)

EmailMode = Literal["digest", "immediate", "none"]
EMAIL_MODES = ("digest", "immediate", "none")


# --- notifying -------------------------------------------------------------------------------


def notify(
    *,
    recipient: Any,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target: Any = None,
    email: EmailMode = "digest",
) -> Notification:
    """Show ``title`` to ``recipient`` in the app and, depending on ``email``:

    - ``"immediate"``: e-mail it now (through a background task) if the user takes immediate
      e-mails; otherwise it waits for their daily digest;
    - ``"digest"``: it waits for the daily digest (``send_daily_digests``);
    - ``"none"``: in the app only.
    """
    if kind not in Notification.Kind.values:
        raise ValidationFailed(_("Unknown kind of notification."), field="kind")
    if email not in EMAIL_MODES:
        raise ValidationFailed(_("Unknown e-mail mode."), field="email")
    if not title.strip():
        raise ValidationFailed(_("A notification needs a title."), field="title")
    target_type, target_id = selectors.target_key(target)
    with transaction.atomic():
        preference = selectors.preferences_for(recipient)
        send_now = email == "immediate" and preference.immediate_email and bool(recipient.email)
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            title=title[:255],
            body=body,
            url=url,
            target_type=target_type,
            target_id=target_id,
            digest=email != "none" and not send_now,
        )
        if send_now:
            from techbridge.notifications.tasks import send_notification_email
            from techbridge.tasks import run_task

            run_task(send_notification_email, notification_id=notification.pk)
        if email == "immediate" and preference.immediate_sms and recipient.phone:
            from techbridge.notifications.tasks import send_notification_sms
            from techbridge.tasks import run_task

            run_task(send_notification_sms, notification_id=notification.pk)
    return notification


def send_immediate_email(*, notification_id: int) -> bool:
    """E-mail one notification now; idempotent (a notification is e-mailed at most once).
    Returns whether a mail went out."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        recipient = notification.recipient
        preference = selectors.preferences_for(recipient)
        if not (recipient.is_active and recipient.email and preference.immediate_email):
            # Switched off since it was queued: it waits for the digest like the others.
            if not notification.digest:
                notification.digest = True
                notification.save(update_fields=["digest"])
            return False
        with translation.override(settings.LANGUAGE_CODE):
            context = _email_context(recipient, preference, [notification])
            subject = _("TechBridge: %(title)s") % {"title": notification.title}
            _send(
                recipient,
                preference,
                subject,
                "notifications/email/immediate.txt",
                context,
            )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def send_immediate_sms(*, notification_id: int) -> bool:
    """Text one notification to its recipient's phone now; idempotent (at most once), and
    nothing when they switched text messages off or have no phone number since."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.texted_at is not None:
            return False
        recipient = notification.recipient
        preference = selectors.preferences_for(recipient)
        if not (recipient.is_active and recipient.phone and preference.immediate_sms):
            return False
        with translation.override(settings.LANGUAGE_CODE):
            text = _("[TechBridge] %(title)s Details: %(link)s") % {
                "title": notification.title,
                "link": absolute_url(notification.url or reverse("notifications:list")),
            }
        sms.send_sms(to=recipient.phone, text=text)
        notification.texted_at = timezone.now()
        notification.save(update_fields=["texted_at"])
    return True


# --- to-dos ----------------------------------------------------------------------------------


def open_todo(
    *,
    owner: Any,
    title: str,
    url: str,
    target: Any,
    due: datetime.date | None = None,
    notify_owner: bool = True,
) -> Todo:
    """Put ``title`` on ``owner``'s to-do list for ``target``; idempotent: while the same to-do
    (owner, target, title) is open, opening it again returns it (updating ``due`` and ``url``).

    The owner is also notified (kind ``todo``, immediate e-mail if they take it)."""
    if target is None or target.pk is None:
        raise ValidationFailed(_("A to-do must be about a saved record."), field="target")
    if not title.strip():
        raise ValidationFailed(_("A to-do needs a title."), field="title")
    target_type, target_id = selectors.target_key(target)
    key = {"owner": owner, "target_type": target_type, "target_id": target_id, "title": title}
    with transaction.atomic():
        todo = Todo.objects.select_for_update().filter(done_at__isnull=True, **key).first()
        if todo is not None:
            if (todo.due, todo.url) != (due, url):
                todo.due, todo.url = due, url
                todo.save(update_fields=["due", "url"])
            return todo
        try:
            with transaction.atomic():
                todo = Todo.objects.create(url=url, due=due, **key)
        except IntegrityError:
            # A concurrent call opened it first.
            return Todo.objects.get(done_at__isnull=True, **key)
        if notify_owner:
            body = _("Due %(date)s.") % {"date": due.isoformat()} if due else ""
            notify(
                recipient=owner,
                kind=Notification.Kind.TODO,
                title=title,
                body=body,
                url=url,
                target=target,
                email="immediate",
            )
    return todo


def close_todos(*, target: Any, owner: Any = None) -> int:
    """Mark the open to-dos about ``target`` done (only ``owner``'s if given), and their to-do
    notifications read. Idempotent; returns how many to-dos were closed."""
    target_type, target_id = selectors.target_key(target)
    now = timezone.now()
    todos = Todo.objects.filter(target_type=target_type, target_id=target_id, done_at__isnull=True)
    notices = Notification.objects.filter(
        kind=Notification.Kind.TODO,
        target_type=target_type,
        target_id=target_id,
        read_at__isnull=True,
    )
    if owner is not None:
        todos = todos.filter(owner=owner)
        notices = notices.filter(recipient=owner)
    with transaction.atomic():
        closed = todos.update(done_at=now)
        notices.update(read_at=now)
    return closed


# --- reading ---------------------------------------------------------------------------------


def mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read; another user's is NotFound."""
    notification = selectors.notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: Any) -> int:
    return selectors.notifications_for(user, unread_only=True).update(read_at=timezone.now())


# --- preferences -----------------------------------------------------------------------------


def update_preferences(
    *,
    user: Any,
    email_digest: bool,
    immediate_email: bool,
    immediate_sms: bool | None = None,
    ip_address: str | None = None,
) -> NotificationPreference:
    """Change how ``user`` is e-mailed; audited, since it records their consent."""
    with transaction.atomic():
        preference = selectors.preferences_for(user)
        preference = NotificationPreference.objects.select_for_update().get(pk=preference.pk)
        before = {
            "email_digest": preference.email_digest,
            "immediate_email": preference.immediate_email,
            "immediate_sms": preference.immediate_sms,
        }
        after = {
            "email_digest": email_digest,
            "immediate_email": immediate_email,
            "immediate_sms": preference.immediate_sms if immediate_sms is None else immediate_sms,
        }
        if before == after:
            return preference
        preference.email_digest = email_digest
        preference.immediate_email = immediate_email
        preference.immediate_sms = after["immediate_sms"]
        preference.save(
            update_fields=["email_digest", "immediate_email", "immediate_sms", "updated_at"]
        )
        audit.record(
            actor=user,
            action="notifications.preferences",
            obj=preference,
            summary=_("E-mail preferences changed"),
            detail={"before": before, "after": after},
            ip_address=ip_address,
        )
    return preference


def unsubscribe(*, token: str, ip_address: str | None = None) -> NotificationPreference:
    """The one-click opt-out of e-mail links: no sign-in, the token is the proof. Switches off
    both the digest and immediate e-mails; in-app notifications go on. Idempotent."""
    with transaction.atomic():
        preference = (
            NotificationPreference.objects.select_for_update()
            .select_related("user")
            .filter(unsubscribe_token=token)
            .first()
            if token
            else None
        )
        if preference is None:
            raise NotFound(_("This unsubscribe link is not valid."))
        if preference.email_digest or preference.immediate_email:
            preference.email_digest = False
            preference.immediate_email = False
            preference.save(update_fields=["email_digest", "immediate_email", "updated_at"])
            audit.record(
                actor=preference.user,
                action="notifications.unsubscribe",
                obj=preference,
                summary=_("Unsubscribed from e-mail through the link in an e-mail"),
                ip_address=ip_address,
            )
    return preference


# --- the daily digest ------------------------------------------------------------------------


def send_daily_digests(*, now: datetime.datetime | None = None) -> int:
    """Send each user who has notifications waiting for the digest ONE e-mail listing them, at
    most once per calendar day in ``TIME_ZONE`` (Asia/Shanghai). Returns the number sent.

    The ``DigestLog(user, date)`` row is written before the mail in the same transaction; its
    unique constraint makes a concurrent run for the same day skip the user, and a failed send
    rolls it back so the next run tries again. Notifications already read in the app are not
    e-mailed. Users who switched the digest off, have no e-mail address or are inactive get none
    (their notifications stay in the app)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    user_ids = list(
        _pending_digest()
        .filter(recipient__is_active=True, recipient__email__gt="")
        .exclude(recipient__notification_preference__email_digest=False)
        .exclude(recipient_id__in=DigestLog.objects.filter(date=today).values("user_id"))
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    sent = 0
    for user_id in user_ids:
        try:
            if _send_digest_to(user_id=user_id, today=today, now=now):
                sent += 1
        except IntegrityError:
            # Another run sent this user's digest for today first.
            continue
        except Exception:
            # One bad address must not stop everyone else's digest; the next run retries.
            log.exception("Daily digest to user %s failed", user_id)
    return sent


def _pending_digest() -> QuerySet[Notification]:
    return Notification.objects.filter(digest=True, emailed_at__isnull=True, read_at__isnull=True)


def _send_digest_to(*, user_id: int, today: datetime.date, now: datetime.datetime) -> bool:
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        user = get_user_model().objects.get(pk=user_id)
        preference = selectors.preferences_for(user)
        if not preference.email_digest:
            return False
        log_row = DigestLog.objects.create(user=user, date=today, sent_at=now)
        items = list(_pending_digest().select_for_update().filter(recipient=user).order_by("id"))
        if not items:
            # Someone read them in the meantime: nothing to send, and today stays free.
            transaction.set_rollback(True)
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "TechBridge: %(count)d new notification",
                "TechBridge: %(count)d new notifications",
                len(items),
            ) % {"count": len(items)}
            context = _email_context(user, preference, items) | {"date": today}
            _send(user, preference, subject, "notifications/email/digest.txt", context)
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        log_row.notification_count = len(items)
        log_row.save(update_fields=["notification_count"])
    return True


# --- e-mail ----------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)


def _unsubscribe_url(preference: NotificationPreference) -> str:
    return absolute_url(
        reverse("notifications:unsubscribe", kwargs={"token": preference.unsubscribe_token})
    )


def _email_context(
    user: Any, preference: NotificationPreference, items: list[Notification]
) -> dict[str, Any]:
    return {
        "user": user,
        "items": [{"notification": n, "link": absolute_url(n.url)} for n in items],
        "notifications_url": absolute_url(reverse("notifications:list")),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "unsubscribe_url": _unsubscribe_url(preference),
    }


def _send(
    user: Any,
    preference: NotificationPreference,
    subject: str,
    template: str,
    context: dict[str, Any],
) -> None:
    unsubscribe_url = context["unsubscribe_url"]
    message = EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        # RFC 8058: mail clients offer their own one-click unsubscribe button.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
