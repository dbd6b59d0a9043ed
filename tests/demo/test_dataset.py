"""The content of a small demo build: accounts, credit codes, mixes, texts and search."""

from __future__ import annotations

import re

import pytest
from stdnum.cn import uscc

from techbridge.accounts.models import Role, User
from techbridge.demands.models import Demand, DemandAccess
from techbridge.demands.selectors import DemandFilters, can_see_details, filter_demands
from techbridge.demo import vocab
from techbridge.demo.builder import DEMO_PASSWORD, planned_counts
from techbridge.orgs.models import Organisation
from techbridge.orgs.validators import validate_credit_code
from techbridge.talent.models import Achievement, Researcher, Team
from tests.demo.conftest import SMALL_SCALE

CJK = re.compile(r"[\u4e00-\u9fff]")
pytestmark = pytest.mark.django_db


def test_the_build_creates_the_planned_numbers(demo):
    planned = planned_counts(SMALL_SCALE)
    enterprises = Organisation.objects.filter(kind="enterprise")
    # Plus one registration waiting for the bureau's verification.
    assert enterprises.filter(verification_status="verified").count() == planned["enterprises"]
    assert enterprises.filter(verification_status="pending").count() == 1
    assert Researcher.objects.count() == planned["researchers"]
    assert Demand.objects.count() == planned["demands"]
    assert 0 < Team.objects.count() <= planned["teams"]
    assert demo.counts["search_terms"] > 0
    per_researcher = Achievement.objects.count() / Researcher.objects.count()
    assert 2 <= per_researcher <= 6


def test_every_credit_code_is_valid(demo):
    codes = list(
        Organisation.objects.filter(kind="enterprise").values_list("credit_code", flat=True)
    )
    assert codes and len(set(codes)) == len(codes)
    for code in codes:
        assert uscc.is_valid(code), code
        assert validate_credit_code(code) == code
        assert code[:8].isdigit()
        assert code[2:8] == code[2:4] + code[4:8]  # the region code follows the 2-digit prefix


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_has_an_account_that_logs_in_with_the_documented_password(demo, role, client):
    account = next(a for a in demo.accounts if User.objects.get(username=a.username).role == role)
    assert not client.login(username=account.username, password="wrong-password")
    assert client.login(username=account.username, password=DEMO_PASSWORD)
    assert client.session["_auth_user_id"] == str(User.objects.get(username=account.username).pk)


def test_admin_is_a_superuser_and_the_accounts_are_linked(demo, client):
    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    researcher_user = User.objects.get(username="researcher")
    profile = researcher_user.researcher
    assert profile.unit == researcher_user.organisation
    assert User.objects.get(username="unit").organisation == profile.unit
    enterprise_user = User.objects.get(username="enterprise")
    city_user = User.objects.get(username="city")
    assert city_user.region == enterprise_user.organisation.region
    assert city_user.organisation.kind == Organisation.Kind.CITY_BUREAU
    manager = User.objects.get(username="manager")
    assert manager.managed_enterprises.count() >= 2
    assert enterprise_user.organisation in manager.managed_enterprises.all()
    own = Demand.objects.filter(enterprise=enterprise_user.organisation)
    assert set(own.values_list("status", flat=True)) == set(Demand.Status.values)
    assert set(own.values_list("confidentiality", flat=True)) == set(Demand.Confidentiality.values)


def test_the_demo_researcher_sees_an_invited_demand_after_accepting_the_terms(demo):
    researcher_user = User.objects.get(username="researcher")
    access = DemandAccess.objects.filter(
        researcher__user=researcher_user, nda_accepted_at__isnull=False
    ).first()
    assert access is not None
    assert can_see_details(researcher_user, access.demand)
    other = User.objects.filter(role=Role.RESEARCHER).exclude(pk=researcher_user.pk).first()
    if other is not None:  # a researcher without the invitation is refused
        assert not can_see_details(other, access.demand)


def test_statuses_and_confidentiality_levels_are_mixed(demo):
    statuses = set(Demand.objects.values_list("status", flat=True))
    levels = list(Demand.objects.values_list("confidentiality", flat=True))
    assert statuses == set(Demand.Status.values)
    assert set(levels) == set(Demand.Confidentiality.values)
    assert levels.count("public") > len(levels) / 2
    assert DemandAccess.objects.filter(nda_accepted_at__isnull=False).exists()
    availability = set(Researcher.objects.values_list("availability", flat=True))
    assert Researcher.Availability.AVAILABLE in availability and len(availability) > 1
    assert Researcher.objects.filter(has_integrity_record=True).exists()


def test_texts_are_chinese_and_varied(demo):
    demands = list(Demand.objects.all())
    titles = [d.title for d in demands]
    assert len(set(titles)) >= 0.8 * len(titles)
    for demand in demands:
        assert CJK.search(demand.title) and CJK.search(demand.description)
        assert demand.description.count("。") >= 2
        assert "{" not in demand.description + demand.title + demand.expected_outcome
        assert 3 <= len(demand.keywords) <= 6
    names = list(Researcher.objects.values_list("name", flat=True))
    assert all(CJK.fullmatch(n[0]) and 2 <= len(n) <= 4 for n in names)
    assert len(set(names)) >= 0.8 * len(names)
    industries = Organisation.objects.filter(kind="enterprise").values("industry").distinct()
    assert industries.count() >= 5


def test_about_forty_percent_lies_in_the_demo_province(demo):
    prefix = vocab.DEMO_PROVINCE[:2]
    enterprises = Organisation.objects.filter(kind="enterprise")
    share = enterprises.filter(region__code__startswith=prefix).count() / enterprises.count()
    assert 0.3 <= share <= 0.5
    outside = enterprises.exclude(region__code__startswith=prefix)
    assert outside.values("region__code").distinct().count() >= 3


def test_search_finds_demands_by_a_vocabulary_keyword(demo):
    user = User.objects.get(username="researcher")
    demand = Demand.objects.filter(status="published", confidentiality="public").first()
    keyword = next(k for k in demand.keywords if k in {w for f in vocab.FIELDS for w in f.keywords})
    results = filter_demands(user, DemandFilters(q=keyword))
    assert demand in results


def test_search_does_not_reveal_confidential_keywords(demo):
    """Protected words of a confidential demand do not find it for an ordinary researcher."""
    user = User.objects.get(username="researcher")
    hidden = Demand.objects.filter(status="published", confidentiality="confidential")
    for demand in hidden:
        word = next((k for k in demand.keywords if k not in demand.title), None)
        if word and word not in demand.summary:
            assert demand not in filter_demands(user, DemandFilters(q=word))


def test_dates_follow_the_life_of_a_demand(demo):
    for demand in Demand.objects.exclude(status="draft").select_related("enterprise"):
        assert demand.enterprise.registered_on < demand.created_at.date()
        assert demand.created_at <= demand.published_at
        if demand.closed_at:
            assert demand.published_at <= demand.closed_at
    for access in DemandAccess.objects.select_related("demand"):
        assert access.demand.published_at <= access.invited_at
        if access.nda_accepted_at:
            assert access.invited_at <= access.nda_accepted_at


def test_one_dispatch_round_is_in_progress_with_the_demo_accounts_taking_part(demo, client):
    from techbridge.dispatch.models import (
        CommissionerApplication,
        Dispatch,
        EnterpriseApplication,
        Round,
    )
    from techbridge.notifications.models import Todo

    [round_] = Round.objects.all()
    assert round_.status == Round.Status.OPEN and round_.created_by.username == "province"
    assert demo.counts["dispatches"] == Dispatch.objects.count() > 0
    states = set(EnterpriseApplication.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "dispatched"} <= states
    assert CommissionerApplication.objects.exists()
    assert len(set(Dispatch.objects.values_list("state", flat=True))) >= 2
    enterprise = User.objects.get(username="enterprise").organisation
    featured = Dispatch.objects.get(enterprise_application__enterprise=enterprise)
    assert featured.state == Dispatch.State.AGREEMENT_PENDING
    assert featured.commissioner_application.researcher.user.username == "researcher"
    assert featured.agreement_documents.exists()
    for username in ("enterprise", "researcher", "unit"):
        assert Todo.objects.filter(
            owner__username=username,
            target_type="dispatch.dispatch",
            target_id=str(featured.pk),
            done_at__isnull=True,
        ).exists(), username
    # The demo accounts see the round's applications on their pages.
    for username, expected in (("enterprise", featured), ("researcher", featured)):
        client.login(username=username, password=DEMO_PASSWORD)
        assert expected.get_absolute_url() in client.get("/dispatch/").content.decode(), username


def test_contacts_exist_in_every_state_for_the_demo_accounts(demo):
    from techbridge.accounts.models import User
    from techbridge.contacts import selectors
    from techbridge.contacts.models import Contact

    assert demo.counts["contacts"] == Contact.objects.count()
    states = {(c.kind, c.state) for c in Contact.objects.all()}
    for state in Contact.State.values:
        assert any(s == state for _k, s in states), state
    assert {k for k, _s in states} == set(Contact.Kind.values)
    researcher = User.objects.get(username="researcher")
    enterprise = User.objects.get(username="enterprise")
    assert selectors.waiting_for(researcher).exists()
    assert selectors.waiting_for(enterprise).exists()
    assert researcher.display_name == researcher.researcher.name
    accepted = Contact.objects.get(state=Contact.State.ACCEPTED)
    assert accepted.messages.count() == 2 and accepted.cooperations.exists()


def test_the_queues_hold_one_registration_each(demo, client):
    from techbridge.orgs.verification import pending_enterprises_for
    from techbridge.talent.models import JoinRequest

    city = User.objects.get(username="city")
    pending = list(pending_enterprises_for(city))
    assert len(pending) == 1
    assert pending[0].region.level == 3 and pending[0].region.code[:4] == city.region_id[:4]
    unit = User.objects.get(username="unit")
    request = JoinRequest.objects.get(status="pending", kind="self")
    assert request.unit == unit.organisation and not request.user.is_active
    client.login(username="unit", password=DEMO_PASSWORD)
    assert request.name in client.get("/talent/join/requests/").content.decode()
    client.login(username="city", password=DEMO_PASSWORD)
    assert pending[0].name in client.get("/orgs/verification/").content.decode()
    # The pending enterprise's account logs in and drafts, but does not publish yet.
    assert client.login(username="newcompany", password=DEMO_PASSWORD)
