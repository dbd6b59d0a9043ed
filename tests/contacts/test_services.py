"""The contact process through its services: every transition, expiry, refusals that change
nothing, notifications, terms, thread and cooperations."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from techbridge.audit.models import AuditEntry
from techbridge.contacts import selectors, services
from techbridge.contacts.models import Contact, ContactEvent, Cooperation, Message
from techbridge.core.errors import InvalidState, NotFound, PermissionRefused, ValidationFailed
from techbridge.demands.models import Demand, DemandAccess
from techbridge.demands.selectors import can_see_details
from techbridge.notifications.models import Notification, Todo
from techbridge.talent.models import EnterpriseRelation
from tests import factories
from tests.contacts.conftest import make_demand

pytestmark = pytest.mark.django_db


def _events(contact):
    return list(contact.events.values_list("action", "from_state", "to_state"))


def test_invitation_is_sent_recorded_and_notified(users, invitation, researcher):
    assert invitation.state == Contact.State.SENT
    assert invitation.kind == Contact.Kind.INVITATION
    assert _events(invitation) == [("send", "", "sent")]
    note = Notification.objects.get(recipient=users["researcher"])
    assert invitation.demand.title in note.title
    assert note.url == invitation.get_absolute_url()
    assert Todo.objects.filter(owner=users["researcher"], done_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(
        object_type="contacts.contact", object_id=str(invitation.pk), action="create"
    ).exists()
    expected = timezone.now() + datetime.timedelta(days=14)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60


def test_opening_marks_viewed_once_and_only_for_the_recipient(users, invitation):
    same = services.open_contact(actor=users["enterprise"], contact=invitation)
    assert same.state == Contact.State.SENT
    viewed = services.open_contact(actor=users["researcher"], contact=invitation)
    assert viewed.state == Contact.State.VIEWED and viewed.viewed_at is not None
    again = services.open_contact(actor=users["researcher"], contact=viewed)
    assert again.state == Contact.State.VIEWED
    assert [e[0] for e in _events(invitation)] == ["send", "view"]


@pytest.mark.parametrize("opened", [False, True])
def test_accept_from_sent_or_viewed_tells_the_enterprise(users, invitation, opened):
    if opened:
        services.open_contact(actor=users["researcher"], contact=invitation)
    accepted = services.transition(actor=users["researcher"], contact=invitation, step="accept")
    assert accepted.state == Contact.State.ACCEPTED and accepted.responded_at
    told = Notification.objects.filter(recipient=users["enterprise"], target_id=str(accepted.pk))
    assert told.count() == 1 and accepted.demand.title in told.get().title
    assert not Todo.objects.filter(owner=users["researcher"], done_at__isnull=True).exists()


def test_decline_needs_a_reason_from_the_list(users, invitation):
    for reason, note in (("", ""), ("bogus", ""), ("other", "")):
        with pytest.raises(ValidationFailed):
            services.transition(
                actor=users["researcher"],
                contact=invitation,
                step="decline",
                reason=reason,
                note=note,
            )
    invitation.refresh_from_db()
    assert invitation.state == Contact.State.SENT
    assert _events(invitation) == [("send", "", "sent")]
    declined = services.transition(
        actor=users["researcher"],
        contact=invitation,
        step="decline",
        reason="no_capacity",
        note="本学期课程太多",
    )
    assert declined.state == Contact.State.DECLINED
    assert declined.decline_reason == "no_capacity"
    assert declined.events.last().comment.endswith("本学期课程太多")


def test_interest_declined_with_reason_reaches_the_researcher(users, interest):
    assert interest.kind == Contact.Kind.INTEREST
    assert Notification.objects.filter(recipient=users["enterprise"]).count() == 1
    services.transition(
        actor=users["enterprise"],
        contact=interest,
        step="decline",
        reason="not_suitable",
        note="需要有中试经验",
    )
    note = Notification.objects.filter(recipient=users["researcher"]).latest("id")
    assert "需要有中试经验" in note.body


def test_withdraw_is_the_senders_and_answers_are_the_recipients(users, invitation):
    with pytest.raises(PermissionRefused):
        services.transition(actor=users["enterprise"], contact=invitation, step="accept")
    with pytest.raises(PermissionRefused):
        services.transition(actor=users["researcher"], contact=invitation, step="withdraw")
    withdrawn = services.transition(actor=users["enterprise"], contact=invitation, step="withdraw")
    assert withdrawn.state == Contact.State.WITHDRAWN
    with pytest.raises(InvalidState):
        services.transition(actor=users["researcher"], contact=invitation, step="accept")


@pytest.mark.parametrize(
    "role", ["other_enterprise", "unit", "city_bureau", "province_admin", "tech_manager", "auditor"]
)
def test_nobody_else_answers(users, invitation, role):
    for step in ("accept", "decline", "withdraw"):
        with pytest.raises(PermissionRefused):
            services.transition(
                actor=users[role], contact=invitation, step=step, reason="other", note="x"
            )
    invitation.refresh_from_db()
    assert invitation.state == Contact.State.SENT


def test_closed_contacts_take_no_step(users, invitation):
    services.transition(actor=users["researcher"], contact=invitation, step="accept")
    for step in ("accept", "decline", "withdraw"):
        actor = users["enterprise"] if step == "withdraw" else users["researcher"]
        with pytest.raises(InvalidState):
            services.transition(
                actor=actor, contact=invitation, step=step, reason="other", note="x"
            )


def test_expiry_by_the_platform_only(users, invitation, settings):
    with pytest.raises(PermissionRefused):
        services.transition(actor=users["enterprise"], contact=invitation, step="expire")
    assert services.expire_overdue() == 0
    later = timezone.now() + datetime.timedelta(days=15)
    assert services.expire_overdue(now=later) == 1
    invitation.refresh_from_db()
    assert invitation.state == Contact.State.EXPIRED
    assert invitation.events.last().actor is None
    told = set(
        Notification.objects.filter(title__contains=invitation.demand.title).values_list(
            "recipient__username", flat=True
        )
    )
    assert {users["enterprise"].username, users["researcher"].username} <= told
    assert services.expire_overdue(now=later) == 0


def test_an_overdue_contact_cannot_be_accepted(users, invitation):
    Contact.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    invitation.refresh_from_db()
    with pytest.raises(InvalidState):
        services.transition(actor=users["researcher"], contact=invitation, step="accept")


def test_expiry_days_come_from_settings(users, demand, researcher, settings):
    settings.CONTACT_EXPIRY_DAYS = 3
    contact = services.invite(actor=users["enterprise"], demand=demand, researcher=researcher)
    left = contact.expires_at - timezone.now()
    assert datetime.timedelta(days=3) - datetime.timedelta(minutes=1) < left
    assert left <= datetime.timedelta(days=3)


def test_one_live_contact_per_pair(users, invitation, demand, researcher):
    with pytest.raises(InvalidState):
        services.invite(actor=users["enterprise"], demand=demand, researcher=researcher)
    with pytest.raises(InvalidState):
        services.express_interest(actor=users["researcher"], demand=demand)
    assert Contact.objects.count() == 1
    services.transition(actor=users["enterprise"], contact=invitation, step="withdraw")
    again = services.express_interest(actor=users["researcher"], demand=demand)
    assert again.state == Contact.State.SENT


def test_bad_starts_change_nothing(users, enterprise, demand, researcher):
    draft = make_demand(users, enterprise, status=Demand.Status.DRAFT, published_at=None)
    closed = make_demand(users, enterprise, status=Demand.Status.CLOSED)
    expired = make_demand(users, enterprise, deadline=timezone.localdate() - datetime.timedelta(1))
    cases = [
        (
            PermissionRefused,
            lambda: services.invite(
                actor=users["other_enterprise"], demand=demand, researcher=researcher
            ),
        ),
        (
            PermissionRefused,
            lambda: services.invite(
                actor=users["researcher"], demand=demand, researcher=researcher
            ),
        ),
        (
            PermissionRefused,
            lambda: services.invite(
                actor=users["city_bureau"], demand=demand, researcher=researcher
            ),
        ),
        (
            InvalidState,
            lambda: services.invite(actor=users["enterprise"], demand=draft, researcher=researcher),
        ),
        (
            InvalidState,
            lambda: services.invite(
                actor=users["enterprise"], demand=closed, researcher=researcher
            ),
        ),
        (ValidationFailed, lambda: services.invite(actor=users["enterprise"], demand=demand)),
        (
            ValidationFailed,
            lambda: services.invite(
                actor=users["enterprise"], demand=demand, researcher=researcher, message="长" * 2001
            ),
        ),
        (
            PermissionRefused,
            lambda: services.express_interest(actor=users["enterprise"], demand=demand),
        ),
        (PermissionRefused, lambda: services.express_interest(actor=users["unit"], demand=demand)),
        (NotFound, lambda: services.express_interest(actor=users["researcher"], demand=closed)),
        (
            InvalidState,
            lambda: services.express_interest(actor=users["researcher"], demand=expired),
        ),
    ]
    for error, call in cases:
        with pytest.raises(error):
            call()
    assert Contact.objects.count() == 0
    assert not Notification.objects.exists()


def test_declared_relation_or_own_unit_refuses_contact(users, enterprise, demand, researcher):
    EnterpriseRelation.objects.create(
        researcher=researcher, enterprise=enterprise, kind=EnterpriseRelation.Kind.FAMILY
    )
    with pytest.raises(ValidationFailed, match=r"Conflict of interest|利益"):
        services.invite(actor=users["enterprise"], demand=demand, researcher=researcher)
    demand.enterprise.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.express_interest(
            actor=users["researcher"], demand=Demand.objects.get(pk=demand.pk)
        )
    assert Contact.objects.count() == 0


def test_team_invitation_goes_to_its_leader(users, demand, researcher, unit):
    team = factories.TeamFactory(unit=unit, leader=researcher)
    contact = services.invite(actor=users["enterprise"], demand=demand, team=team)
    assert contact.team == team and contact.researcher == researcher
    assert selectors.side_of(users["researcher"], contact) == "researcher"
    leaderless = factories.TeamFactory(unit=unit)
    with pytest.raises(ValidationFailed):
        services.invite(actor=users["enterprise"], demand=demand, team=leaderless)


def test_researcher_without_account_is_told_through_the_unit(users, demand, unit):
    offline = factories.ResearcherFactory(unit=unit)
    contact = services.invite(actor=users["enterprise"], demand=demand, researcher=offline)
    note = Notification.objects.get(recipient=users["unit"])
    assert offline.name in note.title
    assert contact.state == Contact.State.SENT


def test_contact_details_after_acceptance_only(users, invitation):
    assert selectors.details_of_other_side(users["enterprise"], invitation) is None
    assert selectors.details_of_other_side(users["researcher"], invitation) is None
    services.transition(actor=users["researcher"], contact=invitation, step="accept")
    invitation.refresh_from_db()
    theirs = selectors.details_of_other_side(users["enterprise"], invitation)
    assert theirs.phone == "13800000000" and theirs.email == "li@example.edu.cn"
    mine = selectors.details_of_other_side(users["researcher"], invitation)
    assert mine.name == "王经理" and mine.phone == "0532-88886666"
    for role in ("unit", "city_bureau", "auditor", "other_enterprise"):
        assert selectors.details_of_other_side(users[role], invitation) is None


@pytest.mark.parametrize("level", ["invited", "confidential"])
def test_protected_demand_shows_enterprise_details_after_the_terms(
    users, enterprise, researcher, level
):
    demand = make_demand(users, enterprise, confidentiality=level, contact_phone="0532-1")
    contact = services.invite(actor=users["enterprise"], demand=demand, researcher=researcher)
    services.transition(actor=users["researcher"], contact=contact, step="accept")
    contact.refresh_from_db()
    assert selectors.details_of_other_side(users["researcher"], contact) is None
    assert selectors.details_of_other_side(users["enterprise"], contact) is not None
    with pytest.raises(PermissionRefused):
        services.accept_terms(actor=users["enterprise"], contact=contact)
    services.accept_terms(actor=users["researcher"], contact=contact, ip_address="10.0.0.9")
    contact.refresh_from_db()
    assert contact.nda_accepted_by == users["researcher"]
    assert selectors.details_of_other_side(users["researcher"], contact).phone == "0532-1"
    entry = AuditEntry.objects.filter(object_type="contacts.contact", action="grant").latest("id")
    assert entry.ip_address == "10.0.0.9"
    demand = Demand.objects.get(pk=demand.pk)
    # An invited-level demand opens its details to the researcher; a confidential one never.
    assert can_see_details(users["researcher"], demand) is (level == "invited")
    assert DemandAccess.objects.filter(demand=demand).exists() is (level == "invited")


def test_thread_is_for_the_two_sides_and_auditors(users, invitation):
    with pytest.raises(InvalidState):
        services.post_message(actor=users["enterprise"], contact=invitation, body="你好")
    services.transition(actor=users["researcher"], contact=invitation, step="accept")
    invitation.refresh_from_db()
    services.post_message(actor=users["enterprise"], contact=invitation, body="请问周三方便吗？")
    services.post_message(actor=users["researcher"], contact=invitation, body="可以")
    for role in ("unit", "city_bureau", "province_admin", "other_enterprise", "tech_manager"):
        with pytest.raises(PermissionRefused):
            services.messages_for(user=users[role], contact=invitation)
        with pytest.raises(PermissionRefused):
            services.post_message(actor=users[role], contact=invitation, body="插一句")
    read = services.messages_for(user=users["auditor"], contact=invitation)
    assert [m.body for m in read] == ["请问周三方便吗？", "可以"]
    assert AuditEntry.objects.filter(
        actor=users["auditor"], action="view_protected", object_type="contacts.contact"
    ).exists()
    with pytest.raises(PermissionRefused):
        services.post_message(actor=users["auditor"], contact=invitation, body="审计")
    assert Message.objects.count() == 2


def test_messages_refuse_bad_input(users, invitation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.transition(actor=users["researcher"], contact=invitation, step="accept")
    invitation.refresh_from_db()
    bad = [
        dict(body="   "),
        dict(body="长" * 2001),
        dict(body="附件", attachment=SimpleUploadedFile("run.exe", b"MZ")),
        dict(body="附件", attachment=SimpleUploadedFile("empty.pdf", b"")),
    ]
    for kwargs in bad:
        with pytest.raises(ValidationFailed):
            services.post_message(actor=users["enterprise"], contact=invitation, **kwargs)
    assert Message.objects.count() == 0
    ok = services.post_message(
        actor=users["enterprise"],
        contact=invitation,
        body="方案见附件",
        attachment=SimpleUploadedFile("方案 v1.pdf", b"%PDF-1.4 test"),
    )
    assert ok.attachment_name.endswith(".pdf") and ok.attachment.read() == b"%PDF-1.4 test"


def test_cooperation_recorded_by_either_side(users, invitation):
    today = timezone.localdate()
    with pytest.raises(InvalidState):
        services.record_cooperation(
            actor=users["enterprise"], contact=invitation, kind="visit", happened_on=today
        )
    services.transition(actor=users["researcher"], contact=invitation, step="accept")
    invitation.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.record_cooperation(
            actor=users["enterprise"], contact=invitation, kind="lunch", happened_on=today
        )
    with pytest.raises(PermissionRefused):
        services.record_cooperation(
            actor=users["unit"], contact=invitation, kind="visit", happened_on=today
        )
    services.record_cooperation(
        actor=users["researcher"], contact=invitation, kind="visit", happened_on=today, note="现场"
    )
    assert Cooperation.objects.get().recorded_by == users["researcher"]
    assert invitation.events.filter(action="cooperation").exists()


def test_lists_per_role(users, invitation, interest_other_demand):
    for role, expected in {
        "enterprise": 2,
        "researcher": 2,
        "unit": 2,
        "city_bureau": 2,
        "auditor": 2,
        "other_enterprise": 0,
        "tech_manager": 0,
    }.items():
        assert selectors.contacts_visible_to(users[role]).count() == expected, role
    assert list(selectors.waiting_for(users["researcher"])) == [invitation]
    assert list(selectors.waiting_for(users["enterprise"])) == [interest_other_demand]


@pytest.fixture
def interest_other_demand(users, enterprise, researcher):
    other = make_demand(users, enterprise)
    return services.express_interest(actor=users["researcher"], demand=other)


def test_every_step_leaves_an_event_and_an_audit_entry(users, invitation):
    services.open_contact(actor=users["researcher"], contact=invitation)
    services.transition(
        actor=users["researcher"], contact=invitation, step="decline", reason="location"
    )
    assert ContactEvent.objects.filter(contact=invitation).count() == 3
    steps = AuditEntry.objects.filter(
        object_type="contacts.contact", object_id=str(invitation.pk), action="update"
    )
    assert [e.detail["step"] for e in steps.order_by("id")] == ["view", "decline"]
