"""The daily digest: one e-mail per user per calendar day (Asia/Shanghai) with everything
waiting, nothing for users who opted out, and never two on one day."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from techbridge.notifications import selectors, services
from techbridge.notifications.models import DigestLog, Notification
from tests import factories

UTC = datetime.UTC
# 09:00 in Shanghai on 2 March 2026.
MORNING = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _match(user, title):
    return services.notify(recipient=user, kind="demand_match", title=title, url="/demands/1/")


def test_one_digest_per_user_listing_all_their_pending_notifications(alice, bob):
    for title in ("Demand A", "Demand B", "Demand C"):
        _match(alice, title)
    _match(bob, "Demand D")

    assert services.send_daily_digests(now=MORNING) == 2

    assert len(mail.outbox) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    alice_mail = by_recipient["alice@example.com"]
    for title in ("Demand A", "Demand B", "Demand C"):
        assert title in alice_mail.body
    assert "Demand D" not in alice_mail.body
    assert "3" in alice_mail.subject
    assert "http://127.0.0.1:8000/demands/1/" in alice_mail.body
    token = selectors.preferences_for(alice).unsubscribe_token
    assert f"/notifications/unsubscribe/{token}/" in alice_mail.body
    assert "Demand D" in by_recipient["bob@example.com"].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    log = DigestLog.objects.get(user=alice)
    assert (log.date, log.notification_count) == (datetime.date(2026, 3, 2), 3)


def test_a_second_run_on_the_same_day_sends_nothing(alice):
    _match(alice, "Demand A")
    assert services.send_daily_digests(now=MORNING) == 1
    _match(alice, "Demand B")

    assert services.send_daily_digests(now=MORNING + datetime.timedelta(hours=10)) == 0
    assert len(mail.outbox) == 1

    # The next day's run sends what arrived meanwhile, and only that.
    assert services.send_daily_digests(now=MORNING + datetime.timedelta(days=1)) == 1
    assert len(mail.outbox) == 2
    assert "Demand B" in mail.outbox[1].body
    assert "Demand A" not in mail.outbox[1].body


def test_the_day_is_the_calendar_day_in_shanghai(alice):
    # 23:30 and 00:30 in Shanghai are two days, although both are 1 March in UTC.
    before_midnight = datetime.datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    after_midnight = datetime.datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    _match(alice, "Demand A")
    assert services.send_daily_digests(now=before_midnight) == 1
    _match(alice, "Demand B")
    assert services.send_daily_digests(now=after_midnight) == 1
    assert sorted(DigestLog.objects.values_list("date", flat=True)) == [
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 2),
    ]


def test_users_who_opted_out_get_no_digest(alice, bob):
    services.update_preferences(user=alice, email_digest=False, immediate_email=True)
    services.unsubscribe(token=selectors.preferences_for(bob).unsubscribe_token)
    _match(alice, "Demand A")
    _match(bob, "Demand B")

    assert services.send_daily_digests(now=MORNING) == 0
    assert mail.outbox == []
    # Their notifications stay in the app.
    assert selectors.unread_count(alice) == selectors.unread_count(bob) == 1


def test_read_in_app_and_in_app_only_notifications_are_not_emailed(alice, bob):
    read = _match(alice, "Already seen")
    services.mark_read(user=alice, notification_id=read.pk)
    services.notify(recipient=alice, kind="system", title="In app only", email="none")
    _match(bob, "Demand B")

    assert services.send_daily_digests(now=MORNING) == 1
    assert mail.outbox[0].to == ["bob@example.com"]
    assert not DigestLog.objects.filter(user=alice).exists()


def test_users_without_address_or_inactive_get_no_digest(db):
    no_address = factories.UserFactory(email="")
    inactive = factories.UserFactory(email="gone@example.com", is_active=False)
    _match(no_address, "Demand A")
    _match(inactive, "Demand B")
    assert services.send_daily_digests(now=MORNING) == 0
    assert mail.outbox == []


def test_a_digest_already_logged_for_today_is_not_sent_again(alice):
    """What a concurrent run leaves behind: the DigestLog row is taken, so this run skips."""
    DigestLog.objects.create(user=alice, date=datetime.date(2026, 3, 2))
    _match(alice, "Demand A")
    assert services.send_daily_digests(now=MORNING) == 0
    assert mail.outbox == []


def test_the_database_refuses_two_digests_for_one_user_and_day(alice):
    DigestLog.objects.create(user=alice, date=datetime.date(2026, 3, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        DigestLog.objects.create(user=alice, date=datetime.date(2026, 3, 2))


def test_a_failed_send_leaves_the_day_free_for_a_retry(alice, monkeypatch):
    _match(alice, "Demand A")

    def broken_send(self, fail_silently=False):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    assert services.send_daily_digests(now=MORNING) == 0
    assert not DigestLog.objects.exists()
    assert Notification.objects.get().emailed_at is None

    monkeypatch.undo()
    assert services.send_daily_digests(now=MORNING) == 1
    assert len(mail.outbox) == 1


def test_send_digests_command(alice):
    from typer.testing import CliRunner

    from techbridge.cli import build_app

    _match(alice, "Demand A")
    result = CliRunner().invoke(build_app(), ["notifications", "send-digests"])
    assert result.exit_code == 0, result.output
    assert "1 digest(s) sent." in result.output
    assert len(mail.outbox) == 1
