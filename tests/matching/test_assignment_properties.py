"""Property tests of the two-way selection solvers on random rounds (hypothesis).

The stable solver keeps every capacity and group quota, leaves no pair that blocks under the
quotas (checked by ``blocking_pairs`` and, on tiny rounds, by an independent reading of the
definition), is plain deferred acceptance when there are no quotas and agrees with the
`matching` library on one-to-many rounds; the optimal solver respects capacities and quotas,
scores at least as much as the stable one and as much as an exhaustive search on tiny rounds.
"""

from __future__ import annotations

import heapq
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from techbridge.matching.assignment import (
    ENTERPRISE,
    REASON_CANDIDATES_FULL_OR_CAPPED,
    REASON_CANDIDATES_PREFER_OTHERS,
    REASON_CAPACITY_ZERO,
    REASON_ENTERPRISES_FULL_OR_CAPPED,
    REASON_ENTERPRISES_PREFER_OTHERS,
    REASON_GROUP_QUOTA_REACHED,
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


def plain_deferred_acceptance(instance: Instance) -> set[Pair]:
    """Researcher-proposing deferred acceptance without quotas, as the solver was before quotas
    were enforced: the reference for the regression test."""
    compiled = compile_instance(instance)
    held: list[list[tuple[int, int]]] = [[] for _ in compiled.enterprise_ids]
    partners = [0] * len(compiled.researcher_ids)
    next_choice = [0] * len(compiled.researcher_ids)
    free = deque(range(len(compiled.researcher_ids)))
    while free:
        r = free.popleft()
        prefs = compiled.researcher_list[r]
        while partners[r] < compiled.researcher_capacity[r] and next_choice[r] < len(prefs):
            e = prefs[next_choice[r]]
            next_choice[r] += 1
            rank = compiled.enterprise_rank[e][r]
            if len(held[e]) < compiled.enterprise_capacity[e]:
                heapq.heappush(held[e], (-rank, r))
                partners[r] += 1
            elif -held[e][0][0] > rank:
                _, rejected = heapq.heapreplace(held[e], (-rank, r))
                partners[r] += 1
                partners[rejected] -= 1
                free.append(rejected)
    return {
        (compiled.enterprise_ids[e], compiled.researcher_ids[r])
        for e, heap in enumerate(held)
        for _, r in heap
    }


def weakly_blocking_pairs_by_definition(instance: Instance, pairs: list[Pair]) -> set[Pair]:
    """The pairs that block under the quotas, read straight from the definition.

    An agent can take a newcomer when adding the pair (with a free place) or swapping its worst
    partner for it (without one) leaves no problem of the agent's own: its capacity and its own
    group's quota, checked by ``constraint_violations`` on the changed assignment.
    """
    compiled = compile_instance(instance)
    group_of = {
        member: group for group, quota in instance.quotas.items() for member in quota.members
    }
    ranking = {**instance.enterprise_prefs, **instance.researcher_prefs}
    capacity = {**instance.enterprises, **instance.researchers}
    present = set(pairs)

    def own_problems(agent: object, changed: list[Pair]) -> list[str]:
        own = [f"enterprise {agent!r} over capacity", f"researcher {agent!r} over capacity"]
        if agent in group_of:
            own.append(f"quota {group_of[agent]!r} exceeded")
        return [p for p in constraint_violations(instance, changed) if any(map(p.startswith, own))]

    def can_take(agent: object, newcomer: object, pair: Pair) -> bool:
        current = [p for p in pairs if agent in p]
        partners_of = [p[1] if p[0] == agent else p[0] for p in current]
        if len(current) < capacity[agent]:
            return own_problems(agent, [*pairs, pair]) == []
        if not current:
            return False
        order = list(ranking[agent])
        worst = max(partners_of, key=order.index)
        if order.index(newcomer) > order.index(worst):
            return False
        dropped = current[partners_of.index(worst)]
        return own_problems(agent, [p for p in pairs if p != dropped] + [pair]) == []

    return {
        (compiled.enterprise_ids[e], compiled.researcher_ids[r])
        for e, candidates in enumerate(compiled.enterprise_list)
        for r in candidates
        if (compiled.enterprise_ids[e], compiled.researcher_ids[r]) not in present
        and can_take(
            compiled.enterprise_ids[e],
            compiled.researcher_ids[r],
            (compiled.enterprise_ids[e], compiled.researcher_ids[r]),
        )
        and can_take(
            compiled.researcher_ids[r],
            compiled.enterprise_ids[e],
            (compiled.enterprise_ids[e], compiled.researcher_ids[r]),
        )
    }


@PROPERTY
@given(instances())
def test_stable_result_has_no_blocking_pair(instance: Instance) -> None:
    assert blocking_pairs(instance, stable_assignment(instance)) == []


@PROPERTY
@given(instances(with_quotas=True))
def test_stable_result_keeps_capacities_and_quotas_and_no_pair_blocks(instance: Instance) -> None:
    result = stable_assignment(instance)
    assert constraint_violations(instance, result.pairs) == []
    assert result.stats["quota_violations"] == {}
    assert blocking_pairs(instance, result) == []


@settings(max_examples=500, deadline=None)
@given(
    instances(
        max_enterprises=4,
        max_researchers=5,
        max_enterprise_capacity=2,
        max_researcher_capacity=2,
        with_quotas=True,
    )
)
def test_stable_result_is_weakly_stable_by_the_definition_on_tiny_rounds(
    instance: Instance,
) -> None:
    result = stable_assignment(instance)
    assert weakly_blocking_pairs_by_definition(instance, result.pairs) == set()
    # and the checker agrees with the definition on other assignments too: drop one pair
    for dropped in result.pairs:
        rest = [p for p in result.pairs if p != dropped]
        as_result = Result("stable", rest, {}, {}, 0.0)
        assert set(blocking_pairs(instance, as_result)) == weakly_blocking_pairs_by_definition(
            instance, rest
        )


@PROPERTY
@given(instances(max_researcher_capacity=3))
def test_without_quotas_the_stable_result_is_plain_deferred_acceptance(instance: Instance) -> None:
    assert set(stable_assignment(instance).pairs) == plain_deferred_acceptance(instance)


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
        REASON_GROUP_QUOTA_REACHED,
        REASON_CANDIDATES_FULL_OR_CAPPED,
    }
    assert set(result.unmatched_researchers.values()) <= {
        REASON_CAPACITY_ZERO,
        REASON_NO_ACCEPTABLE_ENTERPRISE,
        REASON_ENTERPRISES_PREFER_OTHERS,
        REASON_GROUP_QUOTA_REACHED,
        REASON_ENTERPRISES_FULL_OR_CAPPED,
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
