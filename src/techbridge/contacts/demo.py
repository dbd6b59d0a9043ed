"""Contacts of the demo data set, in every state, made through the services so that their
timelines, audit entries and notifications are those a real user would see.

The demo enterprise (``enterprise``) has invited researchers (waiting, opened, accepted with a
thread and a cooperation, withdrawn, expired) and waits for one expression of interest; the demo
researcher (``researcher``) has an invitation to answer, an interest waiting and one declined
with its reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from techbridge.accounts.models import User
from techbridge.contacts import selectors, services
from techbridge.contacts.models import Contact
from techbridge.demands.models import Demand
from techbridge.talent.models import Researcher


@dataclass
class DemoContacts:
    contacts: list[Contact] = field(default_factory=list)

    def add(self, contact: Contact) -> Contact:
        self.contacts.append(contact)
        return contact


def build_demo_contacts(
    *,
    enterprise_user: User,
    researcher_user: User,
    demo_demands: Sequence[Demand],
    other_demands: Sequence[tuple[Demand, User]],
    other_researchers: Sequence[Researcher],
) -> DemoContacts:
    """``demo_demands``: the demo enterprise's demands; ``other_demands``: other enterprises'
    demands with one of their accounts; ``other_researchers``: researchers to invite."""
    today = timezone.localdate()
    result = DemoContacts()
    own = [d for d in demo_demands if selectors.takes_contacts(d)]
    others = [(d, u) for d, u in other_demands if selectors.takes_contacts(d)]
    researcher = researcher_user.researcher  # type: ignore[attr-defined]
    if len(own) < 3 or len(others) < 4 or len(other_researchers) < 5:
        return result
    first, second, third = own[0], own[1], own[2]

    accepted = result.add(
        services.invite(
            actor=enterprise_user,
            demand=first,
            researcher=researcher,
            message="您好，我们在这个方向上遇到瓶颈，想请您来企业看看，共同分析原因。",
        )
    )
    services.open_contact(actor=researcher_user, contact=accepted)
    services.transition(actor=researcher_user, contact=accepted, step="accept")
    accepted.refresh_from_db()
    if accepted.demand.confidentiality != Demand.Confidentiality.PUBLIC:
        services.accept_terms(actor=researcher_user, contact=accepted)
    services.post_message(
        actor=enterprise_user,
        contact=accepted,
        body="感谢接受邀请！下周三上午是否方便来厂里看一下生产线？",
    )
    services.post_message(
        actor=researcher_user,
        contact=accepted,
        body="可以，我带一名博士生过去，请提前准备近三个月的工艺参数记录。",
    )
    services.record_cooperation(
        actor=enterprise_user,
        contact=accepted,
        kind="visit",
        happened_on=today - datetime.timedelta(days=2),
        note="现场查看涂布线，初步确定改进方向。",
    )

    viewed = result.add(
        services.invite(
            actor=enterprise_user,
            demand=second,
            researcher=researcher,
            message="想请您评估一下这个需求的技术可行性。",
        )
    )
    services.open_contact(actor=researcher_user, contact=viewed)

    candidates = [r for r in other_researchers if r.pk != researcher.pk]
    for r in candidates[:2]:
        result.add(
            services.invite(
                actor=enterprise_user, demand=first, researcher=r, message="期待与您交流。"
            )
        )
    withdrawn = result.add(
        services.invite(actor=enterprise_user, demand=second, researcher=candidates[2])
    )
    services.transition(
        actor=enterprise_user, contact=withdrawn, step="withdraw", note="已找到合适的合作方。"
    )
    expired = result.add(
        services.invite(actor=enterprise_user, demand=third, researcher=candidates[3])
    )
    Contact.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    services.expire_overdue()

    # The demo enterprise waits for its answer to a researcher's interest.
    result.add(
        services.express_interest(
            actor=researcher_user,
            demand=third,
            message="我们团队在该方向有中试经验，愿意揭榜。",
        )
    )

    (
        (invite_demand, invite_user),
        (declined_demand, declined_user),
        (waiting_demand, _u),
        (
            declined_invitation_demand,
            declined_invitation_user,
        ),
    ) = others[:4]
    result.add(
        services.invite(
            actor=invite_user,
            demand=invite_demand,
            researcher=researcher,
            message="看到您的研究方向与我们的需求很契合，诚邀合作。",
        )
    )
    refused = result.add(
        services.express_interest(
            actor=researcher_user, demand=declined_demand, message="愿意提供技术咨询。"
        )
    )
    services.transition(
        actor=declined_user,
        contact=refused,
        step="decline",
        reason="not_suitable",
        note="我们需要有中试放大经验的团队，感谢关注。",
    )
    result.add(
        services.express_interest(
            actor=researcher_user, demand=waiting_demand, message="可先做一次免费技术诊断。"
        )
    )
    turned_down = result.add(
        services.invite(
            actor=declined_invitation_user, demand=declined_invitation_demand, researcher=researcher
        )
    )
    services.transition(
        actor=researcher_user,
        contact=turned_down,
        step="decline",
        reason="no_capacity",
        note="本学期教学任务较重，明年可以再联系。",
    )
    return result


def delete_demo_contacts(*, demand_ids: Sequence[int], researcher_ids: Sequence[int]) -> int:
    """Contacts hold on to demands and researchers: they go first when demo data is removed."""
    deleted = Contact.objects.filter(
        Q(demand_id__in=demand_ids) | Q(researcher_id__in=researcher_ids)
    ).delete()
    return deleted[1].get("contacts.Contact", 0)
