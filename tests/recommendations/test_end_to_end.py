"""End to end: a demand written and published through the demand services yields
recommendations whose reasons name real evidence, and is pushed to the top researchers."""

from __future__ import annotations

import pytest
from django.core import mail

from techbridge.demands import services as demand_services
from techbridge.notifications import services as notifications
from techbridge.notifications.models import Notification
from techbridge.recommendations import services
from tests import factories
from tests.recommendations.conftest import PAPER_TITLE, researcher


@pytest.fixture
def draft(users, enterprise):
    return demand_services.create_demand(
        actor=users["enterprise"],
        enterprise=enterprise,
        data={
            "title": "储能电池隔膜热收缩问题攻关",
            "summary": "寻求锂电池隔膜方面的专家。",
            "description": "陶瓷涂层隔膜在高温下收缩明显，希望改进涂布工艺。",
            "expected_outcome": "130摄氏度下热收缩率低于2%。",
            "keywords": ["陶瓷涂层", "热收缩"],
            "industry": factories.industry(),
            "cooperation_mode": "joint_rd",
            "disciplines": [factories.discipline()],
        },
    )


def test_published_demand_is_recommended_with_evidence_and_pushed(
    draft, users, django_capture_on_commit_callbacks
):
    best = researcher(
        name="王隔膜", keywords=["陶瓷涂层", "隔膜"], paper=PAPER_TITLE, with_account=True
    )
    second = researcher(name="李涂布", keywords=["涂布工艺", "热收缩"], with_account=True)
    no_account = researcher(name="赵无号", keywords=["陶瓷涂层"])
    busy = researcher(name="钱满员", keywords=["陶瓷涂层", "隔膜"], with_account=True, capacity=0)
    researcher(name="孙农业", keywords=["小麦育种"], with_account=True)

    # Drafts are not pushed; publishing pushes once the publication commits.
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        demand = demand_services.publish_demand(actor=users["enterprise"], demand=draft)

    rows = services.recommend_researchers(demand=demand, user=users["enterprise"], k=10)
    top = rows[0]
    assert top.researcher == best
    assert "陶瓷涂层" in top.reasons.values("keyword")
    assert top.reasons.values("achievement") == [PAPER_TITLE]
    assert "陶瓷涂层" in top.reasons.sentence and PAPER_TITLE in top.reasons.sentence
    assert busy not in [row.researcher for row in rows]

    pushed = Notification.objects.filter(kind=Notification.Kind.DEMAND_MATCH)
    recipients = {n.recipient_id for n in pushed}
    assert {best.user_id, second.user_id} <= recipients
    assert busy.user_id not in recipients
    assert no_account.user_id is None
    note = pushed.get(recipient=best.user)
    assert demand.title in note.title
    assert note.url == f"/demands/{demand.pk}/"
    # A public demand: the reason may quote its keywords.
    assert "陶瓷涂层" in note.body
    assert note.target_id == str(demand.pk)

    # Pushing again (a retried task) tells nobody twice.
    assert services.push_demand_to_researchers(demand_id=demand.pk) == 0

    # The daily digest: one e-mail per researcher, naming the demand; opt-outs get none.
    notifications.update_preferences(user=second.user, email_digest=False, immediate_email=False)
    assert notifications.send_daily_digests() >= 1
    to = [message.to[0] for message in mail.outbox]
    assert best.user.email in to and second.user.email not in to
    assert to.count(best.user.email) == 1
    assert demand.title in next(m.body for m in mail.outbox if m.to == [best.user.email])
    assert notifications.send_daily_digests() == 0  # at most one digest a day


def test_push_of_an_invited_demand_quotes_only_public_text(
    users, enterprise, django_capture_on_commit_callbacks
):
    draft = factories.DemandFactory(
        enterprise=enterprise,
        created_by=users["enterprise"],
        status="draft",
        published_at=None,
        title="隔膜改进",
        summary="隔膜合作",
        description="核心难点是浆料配方。",
        keywords=["浆料配方"],
        confidentiality="invited",
    )
    expert = researcher(name="王浆料", keywords=["浆料配方", "隔膜"], with_account=True)
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.publish_demand(actor=users["enterprise"], demand=draft)
    note = Notification.objects.get(recipient=expert.user)
    assert "浆料配方" not in note.title + note.body
    assert "隔膜" in note.body


def test_editing_a_published_demand_does_not_push_again(
    pool, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.update_demand(
            actor=users["enterprise"], demand=pool.demand, data={"summary": "新的摘要"}
        )
    assert not Notification.objects.exists()
