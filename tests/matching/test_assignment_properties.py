"""Property tests of the two-way selection solvers on random rounds (hypothesis).

The stable solver never leaves a blocking pair, stays within capacities, reports quota excess
and agrees with the `matching` library on one-to-many rounds; the optimal solver respects
capacities and quotas, scores at least as much as the stable one and as much as an exhaustive
search on tiny rounds.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from techbridge.matching.assignment import (
    ENTERPRISE,
    REASON_CANDIDATES_PREFER_OTHERS,
    REASON_CAPACITY_ZERO,
    REASON_ENTERPRISES_PREFER_OTHERS,
    REASON_NO_ACCEPTABLE_CANDIDATE,
    REASON_NO_ACCEPTABLE_ENTERPRISE,
    RESEARCHER,
    Instance,
    Pair,
    Quota,
    Result,
    blocking_pairs,
    compile_instance,
    constraint_violations,
    pair_scores,
    stable_assignment,
    total_score,
)
from techbridge.matching.assignment_optimal import optimal_assignment


@st.composite
def instances(
    draw: st.DrawFn,
    *,
    max_enterprises: int = 6,
    max_researchers: int = 8,
    max_enterprise_capacity: int = 3,
    max_researcher_capacity: int = 2,
    with_scores: bool = False,
    with_quotas: bool = False,
) -> Instance:
    """A random round; ids are strings so that they can never pass for indices."""
    enterprise_count = draw(st.integers(1, max_enterprises))
    researcher_count = draw(st.integers(1, max_researchers))
    enterprises = [f"e{i}" for i in range(enterprise_count)]
    researchers = [f"r{i}" for i in range(researcher_count)]
    enterprise_capacity = {
        e: draw(st.integers(0, max_enterprise_capacity), label=f"cap {e}") for e in enterprises
    }
    researcher_capacity = {
        r: draw(st.integers(0, max_researcher_capacity), label=f"cap {r}") for r in researchers
    }
    enterprise_prefs = {
        e: draw(st.lists(st.sampled_from(researchers), unique=True), label=f"prefs {e}")
        for e in enterprises
    }
    researcher_prefs = {
        r: draw(st.lists(st.sampled_from(enterprises), unique=True), label=f"prefs {r}")
        for r in researchers
    }
    scores = None
    if with_scores:
        # integers keep the brute-force comparison exact
        scores = {
            (e, r): float(draw(st.integers(0, 9), label=f"score {e} {r}"))
            for e in enterprises
            for r in researchers
        }
    quotas: dict[object, Quota] = {}
    if with_quotas:
        for side, members in ((ENTERPRISE, enterprises), (RESEARCHER, researchers)):
            group_of = {m: draw(st.sampled_from([None, 0, 1]), label=f"group {m}") for m in members}
            for g in (0, 1):
                in_group = frozenset(m for m, chosen in group_of.items() if chosen == g)
                if in_group:
                    limit = draw(st.integers(0, 4), label=f"limit {side} {g}")
                    quotas[f"{side}-{g}"] = Quota(side, in_group, limit)
    return Instance(
        enterprises=enterprise_capacity,
        researchers=researcher_capacity,
        enterprise_prefs=enterprise_prefs,
        researcher_prefs=researcher_prefs,
        scores=scores,
        quotas=quotas,
    )


def brute_force_optimum(instance: Instance) -> float:
    """The best total score over every feasible set of pairs, by exhaustive search."""
    compiled = compile_instance(instance)
    scores = pair_scores(instance, compiled)
    pairs = sorted(scores)
    enterprise_load = [0] * len(compiled.enterprise_ids)
    researcher_load = [0] * len(compiled.researcher_ids)
    group_load = [0] * len(compiled.group_ids)

    def groups_of(e: int, r: int) -> list[int]:
        return [g for g in (compiled.enterprise_group[e], compiled.researcher_group[r]) if g >= 0]

    def search(i: int) -> float:
        if i == len(pairs):
            return 0.0
        best = search(i + 1)
        e, r = pairs[i]
        groups = groups_of(e, r)
        if (
            enterprise_load[e] < compiled.enterprise_capacity[e]
            and researcher_load[r] < compiled.researcher_capacity[r]
            and all(group_load[g] < compiled.group_limit[g] for g in groups)
        ):
            enterprise_load[e] += 1
            researcher_load[r] += 1
            for g in groups:
                group_load[g] += 1
            best = max(best, scores[e, r] + search(i + 1))
            enterprise_load[e] -= 1
            researcher_load[r] -= 1
            for g in groups:
                group_load[g] -= 1
        return best

    return search(0)


def partners(pairs: list[Pair]) -> tuple[set[object], set[object]]:
    """The enterprises and the researchers that appear in ``pairs``."""
    return {e for e, _ in pairs}, {r for _, r in pairs}


# --- the stable solver ------------------------------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None)


@PROPERTY
@given(instances())
def test_stable_result_has_no_blocking_pair(instance: Instance) -> None:
    assert blocking_pairs(instance, stable_assignment(instance)) == []


@PROPERTY
@given(instances(with_quotas=True))
def test_stable_result_respects_capacities_and_reports_quota_excess(instance: Instance) -> None:
    result = stable_assignment(instance)
    problems = constraint_violations(instance, result.pairs)
    # only acceptable pairs, once each, within capacities; quotas are reported, not enforced
    assert [p for p in problems if not p.startswith("quota")] == []
    reported = {f"quota {g!r} exceeded by {n}" for g, n in result.stats["quota_violations"].items()}
    assert set(problems) == reported


@PROPERTY
@given(instances(with_quotas=True, with_scores=True))
def test_stable_result_is_deterministic_and_names_every_unmatched_agent(instance: Instance) -> None:
    result = stable_assignment(instance)
    assert stable_assignment(instance) == result
    _assert_unmatched_complete(instance, result)
    assert set(result.unmatched_enterprises.values()) <= {
        REASON_CAPACITY_ZERO,
        REASON_NO_ACCEPTABLE_CANDIDATE,
        REASON_CANDIDATES_PREFER_OTHERS,
    }
    assert set(result.unmatched_researchers.values()) <= {
        REASON_CAPACITY_ZERO,
        REASON_NO_ACCEPTABLE_ENTERPRISE,
        REASON_ENTERPRISES_PREFER_OTHERS,
    }
    assert result.objective == pytest.approx(total_score(instance, result.pairs))


@settings(max_examples=150, deadline=None)
@given(instances(max_researcher_capacity=1))
def test_stable_result_equals_the_matching_library_when_researchers_serve_one_enterprise(
    instance: Instance,
) -> None:
    """With m = 1 the round is a hospital/resident game: compare with the reference library."""
    compiled = compile_instance(instance)
    resident_prefs = {
        compiled.researcher_ids[r]: [compiled.enterprise_ids[e] for e in prefs]
        for r, prefs in enumerate(compiled.researcher_list)
        if prefs
    }
    hospital_prefs = {
        compiled.enterprise_ids[e]: [compiled.researcher_ids[r] for r in prefs]
        for e, prefs in enumerate(compiled.enterprise_list)
        if prefs
    }
    expected: set[Pair] = set()
    if resident_prefs:
        game = HospitalResident.create_from_dictionaries(
            resident_prefs,
            hospital_prefs,
            {h: instance.enterprises[h] for h in hospital_prefs},
        )
        solution = game.solve(optimal="resident")
        expected = {
            (hospital.name, resident.name)
            for hospital, residents in solution.items()
            for resident in residents
        }
    assert set(stable_assignment(instance).pairs) == expected


# --- the optimal solver -----------------------------------------------------------------------


@PROPERTY
@given(instances(with_quotas=True, with_scores=True))
def test_optimal_result_respects_capacities_and_quotas(instance: Instance) -> None:
    result = optimal_assignment(instance)
    assert constraint_violations(instance, result.pairs) == []
    assert result.stats["quota_violations"] == {}
    assert optimal_assignment(instance) == result
    _assert_unmatched_complete(instance, result)
    assert result.objective == pytest.approx(total_score(instance, result.pairs))


@PROPERTY
@given(st.booleans().flatmap(lambda scored: instances(with_scores=scored)))
def test_optimal_score_is_at_least_the_stable_score(instance: Instance) -> None:
    assert optimal_assignment(instance).objective >= stable_assignment(instance).objective - 1e-6


@settings(max_examples=200, deadline=None)
@given(
    st.booleans().flatmap(
        lambda quotas: instances(
            max_enterprises=4, max_researchers=4, with_scores=True, with_quotas=quotas
        )
    )
)
def test_optimal_score_equals_brute_force_on_tiny_rounds(instance: Instance) -> None:
    assert optimal_assignment(instance).objective == pytest.approx(brute_force_optimum(instance))


@settings(max_examples=100, deadline=None)
@given(instances(max_enterprises=4, max_researchers=4, with_quotas=True))
def test_optimal_score_with_rank_scores_equals_brute_force(instance: Instance) -> None:
    # rank scores are fractions: the integer scaling of the flow must still find the optimum
    assert optimal_assignment(instance).objective == pytest.approx(
        brute_force_optimum(instance), abs=1e-5
    )


def _assert_unmatched_complete(instance: Instance, result: Result) -> None:
    matched_enterprises, matched_researchers = partners(result.pairs)
    assert set(result.unmatched_enterprises) == set(instance.enterprises) - matched_enterprises
    assert set(result.unmatched_researchers) == set(instance.researchers) - matched_researchers
    for agent, capacity in [*instance.enterprises.items(), *instance.researchers.items()]:
        if capacity == 0:
            assert (
                result.unmatched_enterprises.get(agent) == REASON_CAPACITY_ZERO
                or result.unmatched_researchers.get(agent) == REASON_CAPACITY_ZERO
            )
