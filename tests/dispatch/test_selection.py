"""The two-way selection services: rankings, the engine's starting order, the instance, running
and applying a selection, stale runs and overrides."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from techbridge.audit.models import AuditEntry
from techbridge.core.errors import InvalidState, PermissionRefused, ValidationFailed
from techbridge.dispatch import selection as sel
from techbridge.dispatch import services
from techbridge.dispatch.models import Dispatch, Preference, SelectionRun, Transition
from techbridge.matching import assignment
from techbridge.recommendations import services as recommendations
from tests import factories
from tests.dispatch.conftest import CA, DS
from tests.dispatch.test_selection_setup import build_selection

pytestmark = pytest.mark.django_db


@pytest.fixture
def selection(actors, round_):
    return build_selection(actors, round_)


def ids(options):
    return [o.ranked_id for o in options]


# --- rankings -----------------------------------------------------------------------------------


def test_enterprise_saves_a_ranking_of_its_candidates(selection):
    a = selection.enterprises["A"]
    order = [selection.application(r, "A").pk for r in ("乙", "丙", "甲")]
    sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=order)
    saved = Preference.objects.filter(side="enterprise").order_by("rank")
    assert [p.commissioner_application_id for p in saved] == order
    assert [p.rank for p in saved] == [1, 2, 3]
    assert ids(sel.ranking(actor=a.user, ranker=a.obj)) == order
    assert AuditEntry.objects.filter(summary="Two-way selection ranking saved").exists()


def test_a_new_ranking_replaces_the_old_one_and_may_be_partial(selection):
    a = selection.enterprises["A"]
    first = selection.application("丙", "A").pk
    sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=[selection.application("乙", "A").pk])
    sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=[first])
    assert list(
        Preference.objects.filter(side="enterprise").values_list(
            "commissioner_application_id", "rank"
        )
    ) == [(first, 1)]
    shown = sel.ranking(actor=a.user, ranker=a.obj)
    assert shown[0].ranked_id == first and shown[0].rank == 1
    assert [o.rank for o in shown[1:]] == [None, None]


def test_researcher_ranks_the_enterprises_they_applied_to(selection):
    jia = selection.researchers["甲"]
    order = [selection.enterprises["B"].obj.pk, selection.enterprises["A"].obj.pk]
    sel.save_ranking(actor=jia.user, ranker=jia.obj, round_=selection.round, ordered_ids=order)
    assert ids(sel.ranking(actor=jia.user, ranker=jia.obj, round_=selection.round)) == order
    assert Preference.objects.filter(side="researcher").count() == 2


@pytest.mark.parametrize(
    "bad",
    [
        "duplicate",
        "other_enterprise_candidate",
        "not_a_number",
        "not_approved",
    ],
)
def test_a_ranking_with_foreign_or_repeated_ids_is_refused_and_changes_nothing(selection, bad):
    a = selection.enterprises["A"]
    jia_a = selection.application("甲", "A").pk
    sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=[jia_a])
    if bad == "duplicate":
        order = [jia_a, jia_a]
    elif bad == "other_enterprise_candidate":
        order = [selection.application("甲", "B").pk]
    elif bad == "not_a_number":
        order = ["x"]
    else:
        selection.add_researcher("丁")
        researcher = selection.researchers["丁"]
        draft = services.create_commissioner_application(
            actor=researcher.user, enterprise_application=a.obj
        )
        order = [draft.pk]
    with pytest.raises(ValidationFailed):
        sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=order)
    assert list(Preference.objects.values_list("commissioner_application_id", flat=True)) == [jia_a]


def test_researcher_may_not_rank_an_enterprise_they_did_not_apply_to(selection):
    yi = selection.researchers["乙"]
    with pytest.raises(ValidationFailed):
        sel.save_ranking(
            actor=yi.user,
            ranker=yi.obj,
            round_=selection.round,
            ordered_ids=[selection.enterprises["B"].obj.pk],
        )


@pytest.mark.parametrize(
    "who",
    ["other_enterprise", "researcher", "unit", "city_bureau", "province_admin", "auditor"],
)
def test_only_the_enterprise_ranks_its_candidates(selection, actors, who):
    a = selection.enterprises["A"]
    actor = actors[who]
    if who == "other_enterprise":
        actor = selection.enterprises["B"].user
    with pytest.raises(PermissionRefused):
        sel.save_ranking(actor=actor, ranker=a.obj, ordered_ids=[])
    with pytest.raises(PermissionRefused):
        sel.ranking(actor=actor, ranker=a.obj)
    assert not Preference.objects.exists()


def test_an_authorised_technology_manager_ranks_for_the_enterprise(selection, actors):
    a = selection.enterprises["A"]
    manager = actors["tech_manager"]
    a.obj.enterprise.authorised_managers.add(manager)
    sel.save_ranking(actor=manager, ranker=a.obj, ordered_ids=[selection.application("乙", "A").pk])
    assert Preference.objects.get().ranked_by == manager


@pytest.mark.parametrize("who", ["other_researcher", "enterprise", "unit", "city_bureau"])
def test_only_the_researcher_ranks_their_enterprises(selection, actors, who):
    jia = selection.researchers["甲"]
    actor = {
        "other_researcher": selection.researchers["乙"].user,
        "enterprise": selection.enterprises["A"].user,
        "unit": selection.units["main"][1],
        "city_bureau": actors["city_bureau"],
    }[who]
    with pytest.raises(PermissionRefused):
        sel.save_ranking(
            actor=actor,
            ranker=jia.obj,
            round_=selection.round,
            ordered_ids=[selection.enterprises["A"].obj.pk],
        )
    assert not Preference.objects.exists()


def test_rankings_are_saved_only_in_the_selection_phase(selection, actors):
    today = timezone.localdate()
    services.update_round(
        actor=actors["province_admin"],
        round_=selection.round,
        data={
            "enforce_phases": True,
            "selection_opens": today + datetime.timedelta(days=3),
            "selection_closes": today + datetime.timedelta(days=10),
            "meetings_opens": today + datetime.timedelta(days=11),
            "meetings_closes": today + datetime.timedelta(days=20),
            "publication_opens": today + datetime.timedelta(days=21),
            "publication_closes": today + datetime.timedelta(days=40),
        },
    )
    a = selection.enterprises["A"]
    with pytest.raises(InvalidState, match="Two-way selection"):
        sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=[])
    with pytest.raises(InvalidState, match="Two-way selection"):
        sel.run_selection(actor=actors["province_admin"], round_=selection.round, mode="stable")


# --- the engine's starting order ----------------------------------------------------------------


def test_default_order_of_an_enterprise_follows_the_engine(selection):
    a = selection.enterprises["A"].obj
    options = sel.default_order(ranker=a)
    engine = recommendations.score_researchers_for_demand(
        demand=a.demand, researchers=[o.application.researcher for o in options]
    )
    assert [o.application.researcher_id for o in options] == [r.researcher.pk for r in engine]
    assert [o.score for o in options] == [r.score for r in engine]
    # the poet is last for a battery separator demand, and each line says why
    assert options[-1].application.researcher.name == "丙"
    assert options[0].score > options[-1].score
    assert options[0].reasons.sentence


def test_default_order_is_whatever_the_engine_ranks(selection, monkeypatch):
    a = selection.enterprises["A"].obj
    real = recommendations.score_researchers_for_demand

    def reversed_engine(*, demand, researchers):
        rows = real(demand=demand, researchers=researchers)
        return [
            recommendations.ResearcherRecommendation(
                row.researcher, float(i), row.reasons, row.region_relation
            )
            for i, row in enumerate(rows)
        ]

    monkeypatch.setattr(recommendations, "score_researchers_for_demand", reversed_engine)
    options = sel.default_order(ranker=a)
    assert [o.score for o in options] == [2.0, 1.0, 0.0]
    assert options[0].application.researcher.name == "丙"


def test_default_order_of_a_researcher_is_by_the_pair_score(selection, monkeypatch):
    jia = selection.researchers["甲"]
    b = selection.enterprises["B"].obj

    def engine(*, demand, researchers):
        score = 5.0 if demand.pk == b.demand_id else 1.0
        return [
            recommendations.ResearcherRecommendation(r, score, recommendations.Reasons("x"), "city")
            for r in researchers
        ]

    monkeypatch.setattr(recommendations, "score_researchers_for_demand", engine)
    options = sel.default_order(ranker=jia.obj, round_=selection.round, viewer=jia.user)
    assert ids(options) == [b.pk, selection.enterprises["A"].obj.pk]
    assert options[0].reasons is not None


# --- the instance -------------------------------------------------------------------------------


def test_instance_from_rankings_with_unranked_candidates_in_the_engine_order(selection):
    a, b = selection.enterprises["A"], selection.enterprises["B"]
    jia, yi, bing = (selection.researchers[n] for n in ("甲", "乙", "丙"))
    sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=[selection.application("丙", "A").pk])
    sel.save_ranking(
        actor=jia.user, ranker=jia.obj, round_=selection.round, ordered_ids=[b.obj.pk, a.obj.pk]
    )
    instance = sel.build_instance(round_=selection.round)
    assert instance.enterprises == {a.obj.pk: 1, b.obj.pk: 1}
    assert instance.researchers == {jia.obj.pk: 1, yi.obj.pk: 1, bing.obj.pk: 1}
    # A ranked 丙 first; 甲 and 乙 follow in the engine's order (equal profiles: by application)
    assert instance.enterprise_prefs[a.obj.pk][0] == bing.obj.pk
    assert set(instance.enterprise_prefs[a.obj.pk][1:]) == {jia.obj.pk, yi.obj.pk}
    # B saved nothing: the engine's order, the poet last
    assert instance.enterprise_prefs[b.obj.pk] == [jia.obj.pk, bing.obj.pk]
    assert instance.researcher_prefs[jia.obj.pk] == [b.obj.pk, a.obj.pk]
    assert instance.researcher_prefs[yi.obj.pk] == [a.obj.pk]
    assert instance.scores is None  # optimal mode scores by the ranks
    assert instance.quotas == {}


def test_capacities_are_reduced_by_existing_dispatches_and_quotas_become_groups(selection, actors):
    admin = actors["province_admin"]
    services.update_round(
        actor=admin,
        round_=selection.round,
        data={
            "commissioners_per_enterprise": 2,
            "enterprises_per_commissioner": 2,
            "max_enterprises_per_city": 3,
            "max_commissioners_per_unit": 1,
        },
    )
    a, b = selection.enterprises["A"], selection.enterprises["B"]
    jia, yi, bing = (selection.researchers[n].obj for n in ("甲", "乙", "丙"))
    sel.override(
        actor=admin,
        application=selection.application("甲", "A"),
        enterprise_application=a.obj,
        reason="企业急需",
    )
    prepared = sel.prepare(round_=selection.round)
    instance = prepared.instance
    assert instance.enterprises == {a.obj.pk: 1, b.obj.pk: 2}
    assert instance.researchers == {jia.pk: 1, yi.pk: 2, bing.pk: 2}
    # 甲's application to A is selected already, so it is no candidate any more
    assert jia.pk not in instance.enterprise_prefs[a.obj.pk]
    city = instance.quotas["city:3702"]
    assert city.side == "enterprise"
    assert city.members == {a.obj.pk, b.obj.pk}
    assert city.limit == 3 * 2 - 1
    main = instance.quotas[f"unit:{jia.unit_id}"]
    assert main.side == "researcher" and main.members == {jia.pk, yi.pk}
    assert main.limit == 1 * 2 - 1
    other = instance.quotas[f"unit:{bing.unit_id}"]
    assert other.limit == 2
    assert prepared.parameters["quotas"]["city:3702"]["existing"] == 1


# --- run and apply ------------------------------------------------------------------------------


def rank_all(selection):
    """A prefers 乙 then 甲 then 丙; B prefers 丙 then 甲; 甲 prefers A."""
    a, b = selection.enterprises["A"], selection.enterprises["B"]
    sel.save_ranking(
        actor=a.user,
        ranker=a.obj,
        ordered_ids=[selection.application(r, "A").pk for r in ("乙", "甲", "丙")],
    )
    sel.save_ranking(
        actor=b.user,
        ranker=b.obj,
        ordered_ids=[selection.application(r, "B").pk for r in ("丙", "甲")],
    )
    jia = selection.researchers["甲"]
    sel.save_ranking(
        actor=jia.user, ranker=jia.obj, round_=selection.round, ordered_ids=[a.obj.pk, b.obj.pk]
    )


def test_run_stores_a_draft_with_pairs_and_translated_reasons(selection, actors):
    rank_all(selection)
    run = sel.run_selection(actor=actors["province_admin"], round_=selection.round, mode="stable")
    assert run.status == SelectionRun.Status.DRAFT
    a, b = selection.enterprises["A"].obj, selection.enterprises["B"].obj
    pairs = {(p["enterprise_application"], p["researcher_name"]) for p in run.result["pairs"]}
    assert pairs == {(a.pk, "乙"), (b.pk, "丙")}
    [unmatched] = run.result["unmatched_researchers"]
    assert unmatched["researcher_name"] == "甲"
    assert unmatched["reason"] == assignment.REASON_ENTERPRISES_PREFER_OTHERS
    assert unmatched["reason_text"] != unmatched["reason"]  # translated through gettext
    assert run.parameters["k"] == 1 and run.parameters["score"] == "ranks"
    instance = sel.build_instance(round_=selection.round)
    result = assignment.assign(instance, mode="stable")
    assert assignment.blocking_pairs(instance, result) == []
    assert not Dispatch.objects.exists()  # a draft changes no application


@pytest.mark.parametrize("mode", ["stable", "optimal"])
def test_both_modes_keep_the_unit_quota(selection, actors, mode):
    admin = actors["province_admin"]
    services.update_round(
        actor=admin, round_=selection.round, data={"max_commissioners_per_unit": 1}
    )
    rank_all(selection)
    run = sel.run_selection(actor=admin, round_=selection.round, mode=mode)
    names = sorted(p["researcher_name"] for p in run.result["pairs"])
    assert names.count("甲") + names.count("乙") <= 1
    usage = {u["group"]: u for u in run.result["quota_usage"]}
    assert all(not u["exceeded"] for u in usage.values())
    assert run.result["stats"]["quota_violations"] == {}


@pytest.mark.parametrize("mode", ["stable", "optimal"])
def test_both_modes_keep_a_binding_city_quota(selection, actors, mode):
    admin = actors["province_admin"]
    rank_all(selection)
    unlimited = sel.run_selection(actor=admin, round_=selection.round, mode=mode)
    assert len(unlimited.result["pairs"]) == 2  # A and B, both in city 3702
    services.update_round(actor=admin, round_=selection.round, data={"max_enterprises_per_city": 1})
    run = sel.run_selection(actor=admin, round_=selection.round, mode=mode)
    assert len(run.result["pairs"]) == 1
    [usage] = run.result["quota_usage"]
    assert (usage["group"], usage["used"], usage["limit"]) == ("city:3702", 1, 1)
    assert not usage["exceeded"]
    assert run.result["stats"]["quota_violations"] == {}
    instance = sel.build_instance(round_=selection.round)
    result = assignment.assign(instance, mode=mode)
    assert assignment.constraint_violations(instance, result.pairs) == []
    if mode == "stable":
        assert assignment.blocking_pairs(instance, result) == []


def test_only_the_provincial_administrator_of_the_region_runs_and_applies(selection, actors):
    for who in ("other_province_admin", "city_bureau", "enterprise", "researcher", "unit"):
        with pytest.raises(PermissionRefused):
            sel.run_selection(actor=actors[who], round_=selection.round, mode="stable")
    run = sel.run_selection(actor=actors["province_admin"], round_=selection.round, mode="stable")
    with pytest.raises(PermissionRefused):
        sel.apply_selection(actor=actors["other_province_admin"], run=run)
    with pytest.raises(ValidationFailed):
        sel.run_selection(actor=actors["province_admin"], round_=selection.round, mode="random")
    run.refresh_from_db()
    assert run.status == SelectionRun.Status.DRAFT
    assert not Dispatch.objects.exists()


def test_apply_selects_the_pairs_and_not_the_others(selection, actors):
    rank_all(selection)
    admin = actors["province_admin"]
    run = sel.run_selection(actor=admin, round_=selection.round, mode="stable")
    sel.apply_selection(actor=admin, run=run)
    run.refresh_from_db()
    assert run.status == SelectionRun.Status.APPLIED and run.applied_by == admin
    selected = {
        (d.enterprise_application_id, d.commissioner_application.researcher.name)
        for d in Dispatch.objects.all()
    }
    a, b = selection.enterprises["A"].obj, selection.enterprises["B"].obj
    assert selected == {(a.pk, "乙"), (b.pk, "丙")}
    assert set(Dispatch.objects.values_list("state", "selection_method")) == {
        (DS.SELECTED, "stable")
    }
    states = {
        (r, e): selection.application(r, e).state
        for r, e in [("甲", "A"), ("甲", "B"), ("乙", "A"), ("丙", "A"), ("丙", "B")]
    }
    assert states == {
        ("甲", "A"): CA.NOT_SELECTED,
        ("甲", "B"): CA.NOT_SELECTED,
        ("乙", "A"): CA.SELECTED,
        ("丙", "A"): CA.NOT_SELECTED,
        ("丙", "B"): CA.SELECTED,
    }
    not_selected = Transition.objects.get(
        action="not_select", object_id=selection.application("甲", "A").pk
    )
    assert not_selected.actor == admin and not_selected.detail["method"] == "stable"
    assert unmatched_text(run, "甲") in not_selected.comment
    other = Transition.objects.get(
        action="not_select", object_id=selection.application("丙", "A").pk
    )
    assert "another enterprise" in other.comment
    assert Transition.objects.filter(action="select").count() == 2
    with pytest.raises(InvalidState, match="already been applied"):
        sel.apply_selection(actor=admin, run=run)


def unmatched_text(run, name):
    return next(
        u["reason_text"]
        for u in run.result["unmatched_researchers"]
        if u["researcher_name"] == name
    )


@pytest.mark.parametrize("change", ["ranking", "withdrawal", "override", "quota"])
def test_a_stale_run_is_refused_and_changes_nothing(selection, actors, change):
    rank_all(selection)
    admin = actors["province_admin"]
    run = sel.run_selection(actor=admin, round_=selection.round, mode="stable")
    if change == "ranking":
        b = selection.enterprises["B"]
        sel.save_ranking(
            actor=b.user, ranker=b.obj, ordered_ids=[selection.application("甲", "B").pk]
        )
    elif change == "withdrawal":
        services.transition(
            obj=selection.application("乙", "A"),
            action="not_select",
            actor=admin,
            method="manual",
        )
    elif change == "override":
        sel.override(
            actor=admin,
            application=selection.application("甲", "B"),
            enterprise_application=selection.enterprises["B"].obj,
            reason="人选调整",
        )
    else:
        services.update_round(
            actor=admin, round_=selection.round, data={"max_commissioners_per_unit": 1}
        )
    before = Transition.objects.count()
    with pytest.raises(InvalidState, match="compute it again"):
        sel.apply_selection(actor=admin, run=run)
    assert Transition.objects.count() == before
    run.refresh_from_db()
    assert run.status == SelectionRun.Status.DRAFT


def test_apply_is_all_or_nothing(selection, actors, monkeypatch):
    rank_all(selection)
    admin = actors["province_admin"]
    run = sel.run_selection(actor=admin, round_=selection.round, mode="stable")
    real = services.transition

    def failing(*, obj, action, **kwargs):
        if action == "not_select":
            raise InvalidState("boom")
        return real(obj=obj, action=action, **kwargs)

    monkeypatch.setattr(services, "transition", failing)
    with pytest.raises(InvalidState, match="boom"):
        sel.apply_selection(actor=admin, run=run)
    assert not Dispatch.objects.exists()
    assert not Transition.objects.filter(action="select").exists()


# --- overrides ----------------------------------------------------------------------------------


def test_override_requires_a_reason_and_records_it_in_the_timeline(selection, actors):
    admin = actors["province_admin"]
    application = selection.application("丙", "A")
    a = selection.enterprises["A"].obj
    with pytest.raises(ValidationFailed, match="reason"):
        sel.override(actor=admin, application=application, enterprise_application=a, reason=" ")
    assert not Dispatch.objects.exists()
    dispatch = sel.override(
        actor=admin, application=application, enterprise_application=a, reason="企业点名需要"
    )
    assert dispatch.selection_method == "override"
    entry = Transition.objects.get(action="select", object_id=application.pk)
    assert entry.comment == "企业点名需要" and entry.detail["method"] == "override"
    from techbridge.dispatch.selectors import timeline

    assert [t.action for t in timeline(application)][-1] == "select"


def test_override_picks_the_researchers_application_to_the_named_enterprise(selection, actors):
    b = selection.enterprises["B"].obj
    dispatch = sel.override(
        actor=actors["province_admin"],
        application=selection.application("甲", "A"),
        enterprise_application=b,
        reason="人选调整",
    )
    assert dispatch.enterprise_application == b
    with pytest.raises(ValidationFailed, match="did not apply"):
        sel.override(
            actor=actors["province_admin"],
            application=selection.application("乙", "A"),
            enterprise_application=b,
            reason="人选调整",
        )


def test_override_after_the_selection_was_applied_selects_a_not_selected_candidate(
    selection, actors
):
    rank_all(selection)
    admin = actors["province_admin"]
    run = sel.run_selection(actor=admin, round_=selection.round, mode="stable")
    sel.apply_selection(actor=admin, run=run)
    jia = selection.application("甲", "A")
    a = selection.enterprises["A"].obj
    assert jia.state == CA.NOT_SELECTED
    # Within the quotas: A already has its one commissioner.
    with pytest.raises(InvalidState, match="already has"):
        sel.override(actor=admin, application=jia, enterprise_application=a, reason="企业点名需要")
    with pytest.raises(ValidationFailed, match="reason"):
        sel.override(actor=admin, application=jia, enterprise_application=a, reason="")
    jia.refresh_from_db()
    assert jia.state == CA.NOT_SELECTED and Dispatch.objects.count() == 2

    services.update_round(
        actor=admin, round_=selection.round, data={"commissioners_per_enterprise": 2}
    )
    dispatch = sel.override(
        actor=admin, application=jia, enterprise_application=a, reason="企业点名需要"
    )

    jia.refresh_from_db()
    assert jia.state == CA.SELECTED
    assert dispatch.commissioner_application == jia and dispatch.state == DS.SELECTED
    assert dispatch.selection_method == "override"
    entry = Transition.objects.get(action="override_select", object_id=jia.pk)
    assert (entry.from_state, entry.to_state) == (CA.NOT_SELECTED, CA.SELECTED)
    assert entry.comment == "企业点名需要" and entry.detail["method"] == "override"
    assert entry.actor == admin


@pytest.mark.parametrize("who", ["other_province_admin", "city_bureau", "enterprise", "unit"])
def test_only_the_provincial_administrator_overrides(selection, actors, who):
    with pytest.raises(PermissionRefused):
        sel.override(
            actor=actors[who],
            application=selection.application("甲", "A"),
            enterprise_application=selection.enterprises["A"].obj,
            reason="理由",
        )
    assert not Dispatch.objects.exists()


def test_researcher_from_another_region_is_still_a_candidate(selection):
    # a researcher of another province may apply; regions limit enterprises, not commissioners
    selection.add_researcher("戊", unit="far")
    selection.researchers["戊"].obj.region = factories.region("440100", "广州市")
    selection.researchers["戊"].obj.save()
    selection.apply("戊", "B")
    assert (
        selection.researchers["戊"].obj.pk in sel.build_instance(round_=selection.round).researchers
    )
