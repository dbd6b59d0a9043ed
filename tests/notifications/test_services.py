"""notify, e-mail preferences, unsubscribe and mark-read through the services."""

from __future__ import annotations

import pytest
from django.core import mail

from techbridge.audit.models import AuditEntry
from techbridge.core.errors import NotFound, ValidationFailed
from techbridge.notifications import selectors, services
from techbridge.notifications.models import Notification
from tests import factories


def test_notify_creates_an_in_app_row_pointing_at_its_target(alice, target):
    n = services.notify(
        recipient=alice,
        kind=Notification.Kind.DEMAND_MATCH,
        title="A demand matches your profile",
        body="Shared keywords: 隔膜",
        url=f"/demands/{target.pk}/",
        target=target,
        email="none",
    )
    assert n.recipient == alice
    assert (n.target_type, n.target_id) == ("demands.demand", str(target.pk))
    assert not n.is_read
    assert not n.digest
    assert selectors.unread_count(alice) == 1
    assert list(selectors.notifications_for(alice)) == [n]
    assert mail.outbox == []


def test_immediate_notification_is_emailed_at_once_with_an_unsubscribe_link(alice):
    n = services.notify(
        recipient=alice,
        kind=Notification.Kind.WORKFLOW,
        title="Your application was approved",
        url="/dispatch/1/",
        email="immediate",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert "Your application was approved" in message.subject
    token = selectors.preferences_for(alice).unsubscribe_token
    assert f"http://127.0.0.1:8000/notifications/unsubscribe/{token}/" in message.body
    assert "http://127.0.0.1:8000/dispatch/1/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    n.refresh_from_db()
    assert n.emailed_at is not None
    assert not n.digest


def test_links_in_emails_start_with_site_url(alice, settings):
    settings.SITE_URL = "https://kejiqiao.example.cn"
    services.notify(
        recipient=alice, kind="workflow", title="T", url="/dispatch/1/", email="immediate"
    )
    assert "https://kejiqiao.example.cn/dispatch/1/" in mail.outbox[0].body


def test_immediate_email_is_not_sent_to_a_user_who_switched_it_off(alice):
    services.update_preferences(user=alice, email_digest=True, immediate_email=False)
    n = services.notify(recipient=alice, kind="todo", title="Review X", email="immediate")
    assert mail.outbox == []
    # It is not lost: it waits for the daily digest instead.
    assert n.digest and n.emailed_at is None
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_unsubscribed_user_gets_in_app_notifications_but_no_email(alice):
    services.unsubscribe(token=selectors.preferences_for(alice).unsubscribe_token)
    services.notify(recipient=alice, kind="todo", title="Review X", email="immediate")
    assert mail.outbox == []
    assert services.send_daily_digests() == 0
    assert mail.outbox == []
    assert selectors.unread_count(alice) == 1


def test_user_without_email_address_gets_no_mail(db):
    from tests import factories

    user = factories.UserFactory(email="")
    services.notify(recipient=user, kind="system", title="Hello", email="immediate")
    assert mail.outbox == []


def test_sending_an_immediate_email_twice_sends_once(alice):
    n = services.notify(recipient=alice, kind="workflow", title="T", email="immediate")
    assert services.send_immediate_email(notification_id=n.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "gossip", "title": "T"}, "kind"),
        ({"kind": "system", "title": "  "}, "title"),
        ({"kind": "system", "title": "T", "email": "sms"}, "email"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(alice, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        services.notify(recipient=alice, **kwargs)
    assert exc.value.field == field
    assert not Notification.objects.exists()


def test_mark_read_and_mark_all_read(alice):
    first = services.notify(recipient=alice, kind="system", title="One", email="none")
    services.notify(recipient=alice, kind="system", title="Two", email="none")
    services.mark_read(user=alice, notification_id=first.pk)
    assert selectors.unread_count(alice) == 1
    # Marking it again keeps the first reading time.
    read_at = Notification.objects.get(pk=first.pk).read_at
    services.mark_read(user=alice, notification_id=first.pk)
    assert Notification.objects.get(pk=first.pk).read_at == read_at
    assert services.mark_all_read(user=alice) == 1
    assert selectors.unread_count(alice) == 0


def test_a_user_cannot_mark_someone_elses_notification_read(alice, bob):
    n = services.notify(recipient=alice, kind="system", title="Private", email="none")
    with pytest.raises(NotFound):
        services.mark_read(user=bob, notification_id=n.pk)
    assert services.mark_all_read(user=bob) == 0
    n.refresh_from_db()
    assert n.read_at is None


def test_anonymous_users_see_no_notifications(alice):
    from django.contrib.auth.models import AnonymousUser

    services.notify(recipient=alice, kind="system", title="Private", email="none")
    assert selectors.unread_count(AnonymousUser()) == 0
    assert not selectors.notifications_for(AnonymousUser()).exists()


def test_preference_changes_are_audited(alice):
    services.update_preferences(user=alice, email_digest=False, immediate_email=True)
    entry = AuditEntry.objects.get(action="notifications.preferences")
    assert entry.actor == alice
    assert entry.detail["after"] == {
        "email_digest": False,
        "immediate_email": True,
        "immediate_sms": True,
    }
    # Saving the same values again is no change and writes nothing.
    services.update_preferences(user=alice, email_digest=False, immediate_email=True)
    assert AuditEntry.objects.filter(action="notifications.preferences").count() == 1


def test_unsubscribe_works_only_for_its_own_token(alice, bob):
    alice_token = selectors.preferences_for(alice).unsubscribe_token
    bob_preference = selectors.preferences_for(bob)
    assert alice_token != bob_preference.unsubscribe_token

    preference = services.unsubscribe(token=alice_token)
    assert preference.user == alice
    assert not preference.email_digest and not preference.immediate_email
    bob_preference.refresh_from_db()
    assert bob_preference.email_digest and bob_preference.immediate_email
    assert AuditEntry.objects.filter(action="notifications.unsubscribe").count() == 1

    # Idempotent: a second click changes and records nothing.
    services.unsubscribe(token=alice_token)
    assert AuditEntry.objects.filter(action="notifications.unsubscribe").count() == 1

    for bad in ("", "not-a-token", alice_token[:-1]):
        with pytest.raises(NotFound):
            services.unsubscribe(token=bad)


@pytest.fixture
def sms_outbox(settings):
    from techbridge.notifications import sms

    settings.SMS_BACKEND = "techbridge.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_immediate_notifications_are_texted_once_to_a_phone(db, sms_outbox):
    from techbridge.notifications.models import Notification
    from techbridge.notifications.tasks import send_notification_sms

    user = factories.UserFactory(phone="13900001111")
    note = services.notify(
        recipient=user, kind="workflow", title="请答复邀请", url="/contacts/1/", email="immediate"
    )
    assert [m.to for m in sms_outbox] == ["13900001111"]
    assert "请答复邀请" in sms_outbox[0].text and "/contacts/1/" in sms_outbox[0].text
    # A worker that runs the task again sends nothing more.
    assert send_notification_sms.apply(kwargs={"notification_id": note.pk}).get() is False
    assert len(sms_outbox) == 1
    assert Notification.objects.get(pk=note.pk).texted_at is not None
    services.notify(recipient=user, kind="workflow", title="摘要", email="digest")
    assert len(sms_outbox) == 1


def test_no_text_without_phone_or_consent(db, sms_outbox):
    silent = factories.UserFactory(phone="")
    services.notify(recipient=silent, kind="workflow", title="甲", email="immediate")
    opted_out = factories.UserFactory(phone="13900002222")
    services.update_preferences(
        user=opted_out, email_digest=True, immediate_email=True, immediate_sms=False
    )
    services.notify(recipient=opted_out, kind="workflow", title="乙", email="immediate")
    assert sms_outbox == []


def test_long_texts_are_cut(db, sms_outbox):
    from techbridge.notifications import sms

    sms.send_sms(to="1", text="长" * 500)
    assert len(sms_outbox[0].text) == sms.MAX_SMS_CHARS and sms_outbox[0].text.endswith("…")
