"""Round services, applications, quotas, selection and publication objections."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from techbridge.accounts.models import Role
from techbridge.core.errors import InvalidState, PermissionRefused, ValidationFailed
from techbridge.dispatch import services
from techbridge.dispatch.models import Dispatch, Objection, Phase, Round, Transition
from tests import factories
from tests.dispatch.conftest import CA, DS, EA, Flow

# --- rounds -----------------------------------------------------------------------------------


def test_open_round_with_default_consecutive_phases(actors):
    start = datetime.date(2026, 3, 1)
    round_ = services.open_round(
        actor=actors["province_admin"],
        name="2026年第一批",
        region=factories.region("370000"),
        starts_on=start,
        max_enterprises_per_city=20,
        commissioners_per_enterprise=2,
    )
    assert round_.status == Round.Status.OPEN
    assert round_.enterprise_applications_opens == start
    for earlier, later in zip(Phase.values, Phase.values[1:], strict=False):
        assert round_.window(later)[0] == round_.window(earlier)[1] + datetime.timedelta(days=1)
    assert round_.current_phases(start) == [Phase.ENTERPRISE_APPLICATIONS]
    assert (round_.max_enterprises_per_city, round_.commissioners_per_enterprise) == (20, 2)


def test_a_city_round(actors):
    round_ = services.open_round(
        actor=actors["province_admin"], name="青岛市专场", region=factories.region("370200")
    )
    assert round_.region_id == "370200"


@pytest.mark.parametrize(
    "name", ["city_bureau", "other_province_admin", "enterprise", "unit", "auditor"]
)
def test_only_the_provinces_administrator_opens_a_round(actors, name):
    with pytest.raises(PermissionRefused):
        services.open_round(actor=actors[name], name="越权批次", region=factories.region("370000"))
    assert not Round.objects.exists()


def test_phase_dates_must_be_in_order(actors):
    with pytest.raises(ValidationFailed, match="closes before it opens"):
        services.open_round(
            actor=actors["province_admin"],
            name="日期错误",
            region=factories.region("370000"),
            dates={
                "city_review_opens": datetime.date(2026, 5, 1),
                "city_review_closes": datetime.date(2026, 4, 1),
            },
        )
    assert not Round.objects.exists()


def test_update_round_quotas_and_dates(actors, round_):
    updated = services.update_round(
        actor=actors["province_admin"],
        round_=round_,
        data={"max_commissioners_per_unit": 5, "publication_days": 7},
    )
    assert (updated.max_commissioners_per_unit, updated.publication_days) == (5, 7)
    with pytest.raises(ValidationFailed, match="cannot be changed"):
        services.update_round(actor=actors["province_admin"], round_=round_, data={"status": "x"})
    with pytest.raises(PermissionRefused):
        services.update_round(actor=actors["city_bureau"], round_=round_, data={"name": "x"})


def test_close_round(actors, round_):
    with pytest.raises(PermissionRefused):
        services.close_round(actor=actors["other_province_admin"], round_=round_)
    services.close_round(actor=actors["province_admin"], round_=round_)
    with pytest.raises(InvalidState):
        services.close_round(actor=actors["province_admin"], round_=round_)


# --- applications -----------------------------------------------------------------------------


def test_enterprise_application_creation_is_recorded(actors, round_, demand):
    application = services.create_enterprise_application(
        actor=actors["enterprise"], round_=round_, demand=demand, conditions_committed=True
    )
    assert application.state == EA.DRAFT
    entry = Transition.objects.get(object_type="enterprise_application", object_id=application.pk)
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
        "create",
        "",
        EA.DRAFT,
        actors["enterprise"],
    )


def test_enterprise_applies_once_per_round(actors, round_, demand):
    services.create_enterprise_application(actor=actors["enterprise"], round_=round_, demand=demand)
    with pytest.raises(ValidationFailed, match="already applied"):
        services.create_enterprise_application(
            actor=actors["enterprise"], round_=round_, demand=demand
        )


@pytest.mark.parametrize("name", ["other_enterprise", "city_bureau", "researcher", "tech_manager"])
def test_only_the_enterprise_applies_for_itself(actors, round_, demand, name):
    with pytest.raises(PermissionRefused):
        services.create_enterprise_application(actor=actors[name], round_=round_, demand=demand)


def test_the_demand_must_be_the_enterprises_and_open(actors, round_, demand):
    other = factories.DemandFactory()
    with pytest.raises(PermissionRefused):
        services.create_enterprise_application(
            actor=actors["enterprise"], round_=round_, demand=other
        )
    demand.status = "closed"
    demand.save()
    with pytest.raises(ValidationFailed, match="closed"):
        services.create_enterprise_application(
            actor=actors["enterprise"], round_=round_, demand=demand
        )


def test_a_submitted_application_cannot_be_edited(actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    with pytest.raises(InvalidState):
        services.update_enterprise_application(
            actor=actors["enterprise"], application=application, data={"conditions": "x"}
        )


def test_researchers_apply_only_to_applications_sent_to_the_units(actors, flow):
    application = flow.to("enterprise_application", EA.APPROVED)
    with pytest.raises(InvalidState, match="not open to researchers"):
        services.create_commissioner_application(
            actor=actors["researcher"], enterprise_application=application
        )
    flow.to("enterprise_application", EA.DISPATCHED)
    application.refresh_from_db()
    with pytest.raises(PermissionRefused):
        services.create_commissioner_application(
            actor=actors["unit"], enterprise_application=application
        )
    mine = services.create_commissioner_application(
        actor=actors["researcher"], enterprise_application=application, statement="愿意服务"
    )
    assert mine.state == CA.DRAFT
    with pytest.raises(ValidationFailed, match="already applied"):
        services.create_commissioner_application(
            actor=actors["researcher"], enterprise_application=application
        )
    with pytest.raises(PermissionRefused):
        services.update_commissioner_application(
            actor=actors["unit"], application=mine, data={"plan": "x"}
        )


def test_creating_an_application_outside_its_phase_is_refused(actors, round_, demand):
    today = timezone.localdate()
    services.update_round(
        actor=actors["province_admin"],
        round_=round_,
        data={
            "enforce_phases": True,
            "enterprise_applications_opens": today + datetime.timedelta(days=10),
            "enterprise_applications_closes": today + datetime.timedelta(days=20),
            "city_review_opens": today + datetime.timedelta(days=21),
            "city_review_closes": today + datetime.timedelta(days=30),
        },
    )
    with pytest.raises(InvalidState, match="allowed only during Enterprise applications"):
        services.create_enterprise_application(
            actor=actors["enterprise"], round_=round_, demand=demand
        )


# --- quotas -----------------------------------------------------------------------------------


def _second_enterprise_application(actors, round_, *, region=None):
    enterprise = factories.EnterpriseFactory(**({"region": region} if region else {}))
    user = factories.UserFactory(role=Role.ENTERPRISE, organisation=enterprise)
    demand = factories.DemandFactory(enterprise=enterprise)
    application = services.create_enterprise_application(
        actor=user, round_=round_, demand=demand, conditions_committed=True
    )
    return services.transition(obj=application, action="submit", actor=user)


def test_city_quota_of_enterprises(actors, flow, round_):
    services.update_round(
        actor=actors["province_admin"], round_=round_, data={"max_enterprises_per_city": 1}
    )
    flow.to("enterprise_application", EA.APPROVED)
    second = _second_enterprise_application(actors, round_)
    with pytest.raises(InvalidState, match="quota of 1 enterprises"):
        services.transition(obj=second, action="approve", actor=actors["city_bureau"])
    # Another city's quota is its own.
    jinan = factories.region("370100", "济南市")
    third = _second_enterprise_application(actors, round_, region=jinan)
    approved = services.transition(obj=third, action="approve", actor=actors["other_city_bureau"])
    assert approved.state == EA.APPROVED


def _candidate(actors, enterprise_application, *, unit=None):
    unit = unit or actors["unit"].organisation
    user = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    factories.ResearcherFactory(unit=unit, user=user)
    user.refresh_from_db()
    application = services.create_commissioner_application(
        actor=user, enterprise_application=enterprise_application
    )
    return services.transition(obj=application, action="submit", actor=user)


def test_unit_quota_of_commissioners(actors, flow, round_):
    services.update_round(
        actor=actors["province_admin"], round_=round_, data={"max_commissioners_per_unit": 1}
    )
    flow.to("commissioner_application", CA.UNIT_APPROVED)
    second = _candidate(actors, flow.enterprise_application)
    with pytest.raises(InvalidState, match="unit's quota of 1"):
        services.transition(obj=second, action="unit_approve", actor=actors["unit"])
    # The same researcher applying to a second enterprise does not count twice.
    other = _second_enterprise_application(actors, round_)
    services.transition(obj=other, action="approve", actor=actors["city_bureau"])
    services.transition(obj=other, action="send_to_units", actor=actors["province_admin"])
    again = services.create_commissioner_application(
        actor=actors["researcher"], enterprise_application=other
    )
    again = services.transition(obj=again, action="submit", actor=actors["researcher"])
    approved = services.transition(obj=again, action="unit_approve", actor=actors["unit"])
    assert approved.state == CA.UNIT_APPROVED


def test_selection_respects_k_and_m(actors, flow, round_):
    first = flow.to("commissioner_application", CA.UNIT_APPROVED)
    second = _candidate(actors, flow.enterprise_application)
    second = services.transition(obj=second, action="unit_approve", actor=actors["unit"])
    services.record_selection(actor=actors["province_admin"], application=first, method="stable")
    with pytest.raises(InvalidState, match="already has the 1 commissioner"):
        services.record_selection(actor=actors["province_admin"], application=second)
    services.update_round(
        actor=actors["province_admin"], round_=round_, data={"commissioners_per_enterprise": 2}
    )
    dispatch = services.record_selection(actor=actors["province_admin"], application=second)
    assert dispatch.state == DS.SELECTED
    assert Dispatch.objects.filter(enterprise_application=flow.enterprise_application).count() == 2

    # m = 1: the first researcher cannot be selected by a second enterprise.
    other = _second_enterprise_application(actors, round_)
    services.transition(obj=other, action="approve", actor=actors["city_bureau"])
    services.transition(obj=other, action="send_to_units", actor=actors["province_admin"])
    again = services.create_commissioner_application(
        actor=actors["researcher"], enterprise_application=other
    )
    services.transition(obj=again, action="submit", actor=actors["researcher"])
    services.transition(obj=again, action="unit_approve", actor=actors["unit"])
    with pytest.raises(InvalidState, match="already serves the 1 enterprise"):
        services.record_selection(actor=actors["province_admin"], application=again)


def test_an_override_needs_a_reason(actors, flow):
    application = flow.to("commissioner_application", CA.UNIT_APPROVED)
    with pytest.raises(ValidationFailed, match="reason"):
        services.record_selection(
            actor=actors["province_admin"], application=application, method="override"
        )
    dispatch = services.record_selection(
        actor=actors["province_admin"],
        application=application,
        method="override",
        comment="企业点名需要该专家",
    )
    assert dispatch.selection_method == "override"
    entry = Transition.objects.get(object_type="dispatch", object_id=dispatch.pk)
    assert entry.comment == "企业点名需要该专家"


# --- objections during publication ------------------------------------------------------------


def test_objection_blocks_the_publication_until_resolved(actors, flow):
    dispatch = flow.to("dispatch", DS.IN_PUBLICATION)
    objection = services.lodge_objection(
        dispatch=dispatch, reason="该专家与企业存在利益关联", contact="13800000000"
    )
    assert objection.lodged_by is None and objection.is_open
    with pytest.raises(InvalidState, match="objection"):
        services.transition(obj=dispatch, action="pass_publication", actor=actors["province_admin"])
    with pytest.raises(PermissionRefused):
        services.resolve_objection(
            actor=actors["city_bureau"], objection=objection, resolution="dismissed", comment="x"
        )
    services.resolve_objection(
        actor=actors["province_admin"],
        objection=objection,
        resolution="dismissed",
        comment="经核查不存在利益关联",
    )
    with pytest.raises(InvalidState, match="already been resolved"):
        services.resolve_objection(
            actor=actors["province_admin"], objection=objection, resolution="upheld", comment="x"
        )
    passed = services.transition(
        obj=dispatch, action="pass_publication", actor=actors["province_admin"]
    )
    assert passed.state == DS.AGREEMENT_PENDING


def test_an_upheld_objection_cancels_the_dispatch(actors, flow):
    dispatch = flow.to("dispatch", DS.IN_PUBLICATION)
    objection = services.lodge_objection(
        dispatch=dispatch, reason="学历造假", actor=actors["other_enterprise"]
    )
    services.resolve_objection(
        actor=actors["province_admin"], objection=objection, resolution="upheld", comment="属实"
    )
    dispatch.refresh_from_db()
    assert dispatch.state == DS.CANCELLED
    assert Objection.objects.get().resolved_by == actors["province_admin"]


def test_objections_need_a_reason_a_contact_and_the_publication_period(actors, flow):
    dispatch = flow.to("dispatch", DS.FILED)
    with pytest.raises(InvalidState, match="publication period"):
        services.lodge_objection(dispatch=dispatch, reason="x", actor=actors["enterprise"])
    dispatch = flow.to("dispatch", DS.IN_PUBLICATION)
    with pytest.raises(ValidationFailed):
        services.lodge_objection(dispatch=dispatch, reason=" ", actor=actors["enterprise"])
    with pytest.raises(ValidationFailed, match="contact"):
        services.lodge_objection(dispatch=dispatch, reason="匿名异议")
    assert not Objection.objects.exists()


def test_the_publication_period_must_run_out_when_phases_are_enforced(actors, flow, round_):
    dispatch = flow.to("dispatch", DS.IN_PUBLICATION)
    today = timezone.localdate()
    services.update_round(
        actor=actors["province_admin"],
        round_=round_,
        data={
            "enforce_phases": True,
            "publication_opens": today - datetime.timedelta(days=1),
            "publication_closes": today + datetime.timedelta(days=30),
        },
    )
    with pytest.raises(InvalidState, match="runs until"):
        services.transition(obj=dispatch, action="pass_publication", actor=actors["province_admin"])


def test_flow_fixture_reaches_every_state(actors, round_, demand):
    flow = Flow(actors, round_, demand)
    assert flow.to("dispatch", DS.IN_SERVICE).state == DS.IN_SERVICE
