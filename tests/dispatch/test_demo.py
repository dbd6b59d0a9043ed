"""The demo round: one round in progress with applications in several states."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from techbridge.dispatch.demo import build_demo_round
from techbridge.dispatch.models import Objection, Phase, Transition
from techbridge.refdata.models import Degree, TitleLevel
from tests import factories


def test_build_demo_round_spreads_applications_over_the_states(actors):
    unit = factories.UnitFactory()
    enterprises = [factories.EnterpriseFactory() for _ in range(12)]
    for enterprise in enterprises:
        factories.DemandFactory(enterprise=enterprise)
    too_young = factories.EnterpriseFactory(registered_on=None)
    factories.DemandFactory(enterprise=too_young)
    researchers = [factories.ResearcherFactory(unit=unit) for _ in range(9)]
    ineligible = factories.ResearcherFactory(
        unit=unit, degree=Degree.MASTER, title_level=TitleLevel.JUNIOR
    )

    demo = build_demo_round(
        province_admin=actors["province_admin"],
        enterprises=[too_young, *enterprises],
        researchers=[ineligible, *researchers],
    )

    round_ = demo.round
    assert round_.enforce_phases
    assert Phase.MEETINGS in round_.current_phases(timezone.localdate())
    assert too_young not in [a.enterprise for a in demo.enterprise_applications]
    assert ineligible not in [c.researcher for c in demo.commissioner_applications]
    enterprise_states = Counter(a.state for a in demo.enterprise_applications)
    assert enterprise_states == {
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "rejected": 1,
        "dispatched": 8,
    }
    assert Counter(c.state for c in demo.commissioner_applications) == {
        "selected": 5,
        "unit_approved": 1,
        "submitted": 1,
        "unit_rejected": 1,
    }
    dispatch_states = sorted(d.state for d in demo.dispatches)
    assert dispatch_states == [
        "agreement_pending",
        "in_publication",
        "in_service",
        "intention_confirmed",
        "meeting_scheduled",
    ]
    assert Objection.objects.filter(dispatch__round=round_, resolution="").count() == 1
    # Every state was reached through the services: each object has its timeline.
    for dispatch in demo.dispatches:
        assert Transition.objects.filter(object_type="dispatch", object_id=dispatch.pk).exists()
    # The accounts the demo lacked were created without a usable password.
    assert demo.created_users
    assert not any(u.has_usable_password() for u in demo.created_users)


def test_the_featured_pair_waits_for_the_agreement_and_each_party_has_a_to_do(
    actors, enterprise, unit
):
    from techbridge.agreements.models import AgreementDocument
    from techbridge.notifications.models import Todo

    others = [factories.EnterpriseFactory() for _ in range(6)]
    for company in [*others, enterprise]:
        factories.DemandFactory(enterprise=company)
    researchers = [factories.ResearcherFactory(unit=unit) for _ in range(3)]
    featured_researcher = actors["researcher"].researcher

    demo = build_demo_round(
        province_admin=actors["province_admin"],
        enterprises=[*others, enterprise],
        researchers=[*researchers, featured_researcher],
        featured_enterprise=enterprise,
        featured_researcher=featured_researcher,
    )

    featured = next(d for d in demo.dispatches if d.enterprise_application.enterprise == enterprise)
    assert featured.commissioner_application.researcher == featured_researcher
    assert featured.state == "agreement_pending"
    # Every dispatch past the publication has its agreement generated.
    for dispatch in demo.dispatches:
        generated = AgreementDocument.objects.filter(dispatch=dispatch).exists()
        assert generated == (dispatch.state in ("agreement_pending", "in_service")), dispatch
    owners = set(
        Todo.objects.filter(
            target_type="dispatch.dispatch", target_id=str(featured.pk), done_at__isnull=True
        ).values_list("owner_id", flat=True)
    )
    assert {actors[name].pk for name in ("enterprise", "researcher", "unit")} <= owners
    assert not demo.created_users or all(u.pk != actors["unit"].pk for u in demo.created_users)
