"""Conflicts of interest in the dispatch: a researcher who declared a relation with an
enterprise (or whose unit it is) is never paired with its application. Every step that would
pair them is refused and changes nothing, the two-way selection leaves the pair out in both
modes and the rankings do not offer it; withdrawing the relation makes the pair possible again.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from techbridge.audit.models import AuditEntry
from techbridge.core.errors import InvalidState, ValidationFailed
from techbridge.dispatch import eligibility, services
from techbridge.dispatch import selection as sel
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    Preference,
    SelectionRun,
    Transition,
)
from techbridge.talent import services as talent
from techbridge.talent.models import EnterpriseRelation
from tests import factories
from tests.dispatch.conftest import CA, EA
from tests.dispatch.test_selection_setup import build_selection

pytestmark = pytest.mark.django_db

CONFLICT = "Conflict of interest"


def declare(researcher_user, enterprise, kind="shareholding") -> EnterpriseRelation:
    """The researcher declares a relation on their own profile, through the talent service."""
    return talent.declare_relation(
        actor=researcher_user,
        researcher=researcher_user.researcher,
        enterprise=enterprise,
        kind=kind,
        note="持股 5%",
    )


def withdraw(researcher_user, relation: EnterpriseRelation) -> None:
    talent.withdraw_relation(actor=researcher_user, relation=relation)


def counts(obj) -> tuple[int, int, int, int]:
    return (
        Transition.objects.filter(object_type=obj.KIND, object_id=obj.pk).count(),
        Transition.objects.count(),
        Dispatch.objects.count(),
        AuditEntry.objects.count(),
    )


# --- the pair rule ------------------------------------------------------------------------------


def test_pair_conflict_is_a_declared_relation_or_the_researchers_own_unit(actors, enterprise):
    user = actors["researcher"]
    researcher = user.researcher
    other_enterprise = actors["other_enterprise"].organisation
    assert eligibility.pair_conflict(researcher, enterprise) is None

    relation = declare(user, enterprise, kind="family")
    enterprise.refresh_from_db()  # a fresh instance reads the declared relations again
    reason = eligibility.pair_conflict(researcher, enterprise)
    assert reason is not None and CONFLICT in reason
    assert researcher.name in reason and enterprise.name in reason
    # the kind and the note of the relation are private: the reason may reach the enterprise
    assert str(EnterpriseRelation.Kind.FAMILY.label) not in reason and "5%" not in reason
    # only that enterprise, only that researcher
    assert eligibility.pair_conflict(researcher, other_enterprise) is None
    colleague = factories.ResearcherFactory(unit=researcher.unit)
    assert eligibility.pair_conflict(colleague, enterprise) is None

    withdraw(user, relation)
    enterprise.refresh_from_db()
    assert eligibility.pair_conflict(researcher, enterprise) is None

    employee = factories.ResearcherFactory.build(unit=enterprise)
    assert CONFLICT in (eligibility.pair_conflict(employee, enterprise) or "")


# --- each step that would pair them -------------------------------------------------------------


def test_applying_to_the_enterprise_is_refused_and_creates_nothing(actors, flow, enterprise):
    ea = flow.to("enterprise_application", EA.DISPATCHED)
    relation = declare(actors["researcher"], enterprise)
    before = (Transition.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationFailed, match=CONFLICT):
        services.create_commissioner_application(
            actor=actors["researcher"], enterprise_application=ea, statement="隔膜研究"
        )
    assert not CommissionerApplication.objects.exists()
    assert (Transition.objects.count(), AuditEntry.objects.count()) == before

    withdraw(actors["researcher"], relation)
    application = services.create_commissioner_application(
        actor=actors["researcher"], enterprise_application=ea, statement="隔膜研究"
    )
    assert application.state == CA.DRAFT


# (action, the state the application is in, actor, comment, details)
PAIRING_STEPS = [
    ("submit", CA.DRAFT, "researcher", "", {}),
    ("unit_approve", CA.SUBMITTED, "unit", "", {}),
    ("select", CA.UNIT_APPROVED, "province_admin", "", {"method": "stable"}),
    ("select", CA.UNIT_APPROVED, "province_admin", "企业点名需要", {"method": "override"}),
    ("override_select", CA.NOT_SELECTED, "province_admin", "企业点名需要", {}),
]


@pytest.mark.parametrize(
    ("action", "state", "actor", "comment", "params"),
    PAIRING_STEPS,
    ids=["submit", "unit_approve", "select", "select-override", "override_select"],
)
def test_a_step_pairing_them_is_refused_changes_nothing_and_passes_once_withdrawn(
    actors, flow, enterprise, action, state, actor, comment, params
):
    application = flow.to("commissioner_application", state)
    relation = declare(actors["researcher"], enterprise)
    before = counts(application)

    with pytest.raises(ValidationFailed, match=CONFLICT) as refused:
        services.transition(
            obj=application, action=action, actor=actors[actor], comment=comment, **params
        )
    assert enterprise.name in refused.value.message
    application.refresh_from_db()
    assert application.state == state
    assert counts(application) == before
    assert not Dispatch.objects.exists()

    withdraw(actors["researcher"], relation)
    result = services.transition(
        obj=application, action=action, actor=actors[actor], comment=comment, **params
    )
    assert result.state != state
    if action in ("select", "override_select"):
        assert Dispatch.objects.get().commissioner_application == application


def test_a_relation_with_another_enterprise_refuses_nothing(actors, flow):
    declare(actors["researcher"], actors["other_enterprise"].organisation)
    application = flow.to("commissioner_application", CA.UNIT_APPROVED)
    services.transition(
        obj=application, action="select", actor=actors["province_admin"], method="stable"
    )
    assert Dispatch.objects.count() == 1


# --- the two-way selection ----------------------------------------------------------------------


@pytest.fixture
def selection(actors, round_):
    return build_selection(actors, round_)


def first_choices(selection):
    """甲 and A, 丙 and B rank each other first: without a conflict, both solvers pair them."""
    a, b = selection.enterprises["A"], selection.enterprises["B"]
    jia, bing = selection.researchers["甲"], selection.researchers["丙"]
    sel.save_ranking(
        actor=a.user,
        ranker=a.obj,
        ordered_ids=[selection.application(r, "A").pk for r in ("甲", "乙", "丙")],
    )
    sel.save_ranking(
        actor=b.user,
        ranker=b.obj,
        ordered_ids=[selection.application(r, "B").pk for r in ("丙", "甲")],
    )
    sel.save_ranking(
        actor=jia.user, ranker=jia.obj, round_=selection.round, ordered_ids=[a.obj.pk, b.obj.pk]
    )
    sel.save_ranking(
        actor=bing.user, ranker=bing.obj, round_=selection.round, ordered_ids=[b.obj.pk, a.obj.pk]
    )


def pairs(run) -> set[tuple[str, str]]:
    return {(p["enterprise"], p["researcher_name"]) for p in run.result["pairs"]}


@pytest.mark.parametrize("mode", ["stable", "optimal"])
def test_the_selection_never_pairs_them_and_does_again_once_withdrawn(selection, actors, mode):
    first_choices(selection)
    admin = actors["province_admin"]
    a = selection.enterprises["A"].obj
    jia = selection.researchers["甲"]
    wanted = (a.enterprise.name, "甲")
    assert wanted in pairs(sel.run_selection(actor=admin, round_=selection.round, mode=mode))

    relation = declare(jia.user, a.enterprise)
    instance = sel.build_instance(round_=selection.round)
    assert jia.obj.pk not in instance.enterprise_prefs[a.pk]
    assert a.pk not in instance.researcher_prefs[jia.obj.pk]
    run = sel.run_selection(actor=admin, round_=selection.round, mode=mode)
    assert wanted not in pairs(run)
    assert pairs(run)  # the others are still paired
    [left_out] = run.result["conflicts"]
    assert left_out["commissioner_application"] == selection.application("甲", "A").pk
    assert left_out["researcher_name"] == "甲" and left_out["enterprise"] == a.enterprise.name
    assert left_out["reason"] == sel.REASON_CONFLICT_OF_INTEREST
    assert left_out["reason_text"] != left_out["reason"]  # translated through gettext

    withdraw(jia.user, relation)
    run = sel.run_selection(actor=admin, round_=selection.round, mode=mode)
    assert wanted in pairs(run) and run.result["conflicts"] == []


def test_applying_the_selection_marks_the_conflicted_candidate_not_selected_with_why(
    selection, actors
):
    first_choices(selection)
    admin = actors["province_admin"]
    a = selection.enterprises["A"].obj
    declare(selection.researchers["甲"].user, a.enterprise)
    run = sel.run_selection(actor=admin, round_=selection.round, mode="stable")
    sel.apply_selection(actor=admin, run=run)

    conflicted = selection.application("甲", "A")
    assert conflicted.state == CA.NOT_SELECTED
    assert not Dispatch.objects.filter(commissioner_application=conflicted).exists()
    entry = Transition.objects.get(action="not_select", object_id=conflicted.pk)
    assert run.result["conflicts"][0]["reason_text"] in entry.comment
    # and no override pairs them after all
    with pytest.raises(ValidationFailed, match=CONFLICT):
        sel.override(actor=admin, application=conflicted, enterprise_application=a, reason="点名")
    conflicted.refresh_from_db()
    assert conflicted.state == CA.NOT_SELECTED
    assert not Dispatch.objects.filter(commissioner_application=conflicted).exists()


@pytest.mark.parametrize("change", ["declared", "withdrawn"])
def test_a_conflict_appearing_or_ending_after_the_run_makes_it_stale(selection, actors, change):
    first_choices(selection)
    admin = actors["province_admin"]
    a = selection.enterprises["A"].obj
    jia = selection.researchers["甲"].user
    relation = declare(jia, a.enterprise) if change == "withdrawn" else None
    run = sel.run_selection(actor=admin, round_=selection.round, mode="stable")
    assert ((a.enterprise.name, "甲") in pairs(run)) == (relation is None)
    if relation is None:
        declare(jia, a.enterprise)
    else:
        withdraw(jia, relation)
    before = Transition.objects.count()

    with pytest.raises(InvalidState, match=r"declared relations .* compute it again"):
        sel.apply_selection(actor=admin, run=run)
    assert Transition.objects.count() == before and not Dispatch.objects.exists()
    run.refresh_from_db()
    assert run.status == SelectionRun.Status.DRAFT


def test_override_before_the_run_is_refused_and_passes_once_withdrawn(selection, actors):
    admin = actors["province_admin"]
    a = selection.enterprises["A"].obj
    jia = selection.researchers["甲"]
    relation = declare(jia.user, a.enterprise)
    application = selection.application("甲", "A")
    with pytest.raises(ValidationFailed, match=CONFLICT):
        sel.override(actor=admin, application=application, enterprise_application=a, reason="点名")
    # naming the enterprise through another application of the researcher is refused too
    with pytest.raises(ValidationFailed, match=CONFLICT):
        sel.override(
            actor=admin,
            application=selection.application("甲", "B"),
            enterprise_application=a,
            reason="点名",
        )
    application.refresh_from_db()
    assert application.state == CA.UNIT_APPROVED and not Dispatch.objects.exists()

    withdraw(jia.user, relation)
    dispatch = sel.override(
        actor=admin, application=application, enterprise_application=a, reason="点名"
    )
    assert dispatch.commissioner_application == application


# --- what the rankings and the administrator's page offer ---------------------------------------


def test_rankings_do_not_offer_a_conflicted_partner(selection, actors):
    a = selection.enterprises["A"]
    jia = selection.researchers["甲"]
    conflicted = selection.application("甲", "A")
    relation = declare(jia.user, a.obj.enterprise)

    offered = [o.application for o in sel.ranking(actor=a.user, ranker=a.obj)]
    assert conflicted not in offered and {o.researcher.name for o in offered} == {"乙", "丙"}
    mine = sel.ranking(actor=jia.user, ranker=jia.obj, round_=selection.round)
    assert [o.ranked_id for o in mine] == [selection.enterprises["B"].obj.pk]
    with pytest.raises(ValidationFailed, match="not candidates you may rank"):
        sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=[conflicted.pk])
    with pytest.raises(ValidationFailed, match="not candidates you may rank"):
        sel.save_ranking(
            actor=jia.user, ranker=jia.obj, round_=selection.round, ordered_ids=[a.obj.pk]
        )
    assert not Preference.objects.exists()
    overview = sel.round_overview(actor=actors["province_admin"], round_=selection.round)
    assert conflicted in overview.candidates and conflicted not in overview.overridable

    withdraw(jia.user, relation)
    assert conflicted in [o.application for o in sel.ranking(actor=a.user, ranker=a.obj)]
    overview = sel.round_overview(actor=actors["province_admin"], round_=selection.round)
    assert conflicted in overview.overridable


def test_a_ranking_saved_before_the_relation_no_longer_offers_it(selection):
    a = selection.enterprises["A"]
    order = [selection.application(r, "A").pk for r in ("甲", "乙", "丙")]
    sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=order)
    declare(selection.researchers["甲"].user, a.obj.enterprise)
    shown = sel.ranking(actor=a.user, ranker=a.obj)
    assert [o.application.pk for o in shown] == order[1:]
    assert [o.rank for o in shown] == [2, 3]


# --- pages --------------------------------------------------------------------------------------


def signed_in(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_enterprise_application_page_says_why_the_researcher_may_not_apply(
    client, actors, flow, enterprise
):
    ea = flow.to("enterprise_application", EA.DISPATCHED)
    declare(actors["researcher"], enterprise)
    page = signed_in(client, actors["researcher"]).get(ea.get_absolute_url()).content.decode()
    assert 'id="apply-as-commissioner"' not in page
    assert 'id="conflict-of-interest"' in page and CONFLICT in page
    answer = client.post(
        reverse("dispatch:commissioner_application_create", args=[ea.pk]),
        {"statement": "十年隔膜研究经验", "plan": "每月驻企五天", "submit": "1"},
    )
    assert CONFLICT in answer.content.decode()
    assert not CommissionerApplication.objects.exists()


def test_the_run_page_lists_the_left_out_pair_with_the_reason(client, selection, actors):
    a = selection.enterprises["A"].obj
    declare(selection.researchers["甲"].user, a.enterprise)
    run = sel.run_selection(actor=actors["province_admin"], round_=selection.round, mode="stable")
    page = signed_in(client, actors["province_admin"]).get(run.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert f"甲 → {a.enterprise.name}" in body
    assert "declared a relation with this enterprise" in body
