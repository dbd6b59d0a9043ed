"""The talent services used by the pages: integrity records, account links, teams and the
search index following achievements."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from techbridge.core.errors import PermissionRefused, ValidationFailed
from techbridge.talent import selectors, services
from techbridge.talent.selectors import ResearcherFilters
from tests import factories
from tests.talent.conftest import make_researcher

pytestmark = pytest.mark.django_db


def found(user, q):
    return {r.name for r in selectors.filter_researchers(user, ResearcherFilters(q=q))}


def test_researcher_may_not_set_their_integrity_record(users, profile):
    with pytest.raises(PermissionRefused):
        services.update_researcher(
            actor=users["researcher"], researcher=profile, data={"has_integrity_record": True}
        )
    profile.refresh_from_db()
    assert profile.has_integrity_record is False


def test_unit_sets_the_integrity_record(users, profile):
    services.update_researcher(
        actor=users["unit"], researcher=profile, data={"has_integrity_record": True}
    )
    profile.refresh_from_db()
    assert profile.has_integrity_record is True


def test_other_unit_may_not_set_the_integrity_record(profile, other_unit_user):
    with pytest.raises(PermissionRefused):
        services.update_researcher(
            actor=other_unit_user, researcher=profile, data={"has_integrity_record": True}
        )


@pytest.mark.parametrize(("field", "value"), [("capacity", 99), ("disciplines", ["999"])])
def test_invalid_update_changes_nothing(users, profile, field, value):
    with pytest.raises(ValidationFailed):
        services.update_researcher(
            actor=users["unit"], researcher=profile, data={"name": "不应保存", field: value}
        )
    profile.refresh_from_db()
    assert profile.name != "不应保存"


def test_achievement_index_follows_add_and_remove(users, profile):
    assert found(users["enterprise"], "声学超材料") == set()
    achievement = services.add_achievement(
        actor=users["researcher"],
        researcher=profile,
        data={"kind": "project", "title": "声学超材料降噪结构", "year": 2021},
    )
    assert found(users["enterprise"], "声学超材料") == {profile.name}
    services.remove_achievement(actor=users["unit"], achievement=achievement)
    assert found(users["enterprise"], "声学超材料") == set()


def test_link_account(users, unit):
    researcher = make_researcher(actor=users["unit"], unit=unit)
    account = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    services.link_account(actor=users["unit"], researcher=researcher, user=account)
    researcher.refresh_from_db()
    assert researcher.user == account
    assert selectors.can_manage(account, researcher)
    services.link_account(actor=users["unit"], researcher=researcher, user=None)
    researcher.refresh_from_db()
    assert researcher.user is None


@pytest.mark.parametrize("who", ["enterprise", "researcher", "city_bureau", "auditor"])
def test_link_account_refused_to_others(users, unit, who):
    researcher = make_researcher(actor=users["unit"], unit=unit)
    account = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    with pytest.raises(PermissionRefused):
        services.link_account(actor=users[who], researcher=researcher, user=account)
    researcher.refresh_from_db()
    assert researcher.user is None


def test_link_account_refused_to_another_unit(users, unit, other_unit_user):
    researcher = make_researcher(actor=users["unit"], unit=unit)
    own_account = factories.UserFactory(
        role=Role.RESEARCHER, organisation=other_unit_user.organisation
    )
    with pytest.raises(PermissionRefused):
        services.link_account(actor=other_unit_user, researcher=researcher, user=own_account)


def test_link_account_checks_the_account(users, unit):
    researcher = make_researcher(actor=users["unit"], unit=unit)
    outsider = factories.UserFactory(role=Role.RESEARCHER, organisation=factories.UnitFactory())
    for account in (users["enterprise"], outsider, users["researcher"]):
        with pytest.raises(ValidationFailed):
            services.link_account(actor=users["unit"], researcher=researcher, user=account)
    researcher.refresh_from_db()
    assert researcher.user is None


def test_team_of_another_unit_cannot_be_edited_by_naming_ones_own_unit(users, unit):
    team = factories.TeamFactory(name="他人团队")
    with pytest.raises(PermissionRefused):
        services.save_team(actor=users["unit"], unit=unit, name="夺取", members=[], team=team)
    team.refresh_from_db()
    assert (team.name, team.unit_id) == ("他人团队", team.unit_id)


def test_team_expertise_combines_members(users, unit):
    first = make_researcher(actor=users["unit"], unit=unit, name="甲", keywords=["A", "B"])
    second = make_researcher(
        actor=users["unit"],
        unit=unit,
        name="乙",
        keywords=["B", "C"],
        disciplines=[factories.discipline("520", "计算机科学技术")],
    )
    team = services.save_team(actor=users["unit"], unit=unit, name="组合", members=[first, second])
    keywords, disciplines = selectors.team_expertise(team)
    assert keywords[0] == "B" and set(keywords) == {"A", "B", "C"}
    assert [d.code for d in disciplines] == ["430", "520"]


def test_remaining_capacity_subtracts_live_dispatches_but_not_cancelled_ones(users, profile):
    from techbridge.dispatch import services as dispatch_services
    from techbridge.dispatch.models import (
        CommissionerApplication,
        Dispatch,
        EnterpriseApplication,
    )

    profile.capacity = 3
    profile.save()
    round_ = dispatch_services.open_round(
        actor=users["province_admin"],
        name="2026年第一批",
        region=factories.region("370000"),
        enforce_phases=False,
    )

    def dispatch(state: str) -> Dispatch:
        enterprise = factories.EnterpriseFactory()
        application = EnterpriseApplication.objects.create(
            round=round_,
            enterprise=enterprise,
            demand=factories.DemandFactory(enterprise=enterprise),
            created_by=users["province_admin"],
            state=EnterpriseApplication.State.DISPATCHED,
        )
        candidate = CommissionerApplication.objects.create(
            round=round_,
            researcher=profile,
            enterprise_application=application,
            state=CommissionerApplication.State.SELECTED,
        )
        return Dispatch.objects.create(
            round=round_,
            enterprise_application=application,
            commissioner_application=candidate,
            state=state,
        )

    assert selectors.remaining_capacity(profile) == 3
    dispatch(Dispatch.State.SELECTED)
    dispatch(Dispatch.State.CANCELLED)
    assert selectors.remaining_capacity(profile) == 2
    dispatch(Dispatch.State.IN_SERVICE)
    dispatch(Dispatch.State.AGREEMENT_PENDING)
    assert selectors.remaining_capacity(profile) == 0  # never negative
