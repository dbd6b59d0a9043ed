"""Two-way selection (双向选择): assign commissioners to host enterprises from both sides' rankings.

In the selection phase of a round every enterprise ranks the researchers who applied to it and
every researcher ranks the enterprises it applied to. An enterprise takes up to ``k``
commissioners and a commissioner serves up to ``m`` enterprises (the capacities). Two solvers
work on the same :class:`Instance`:

* :func:`stable_assignment` - a weakly stable many-to-many matching under the group quotas,
  computed by researcher-proposing deferred acceptance that never exceeds a quota;
* :func:`techbridge.matching.assignment_optimal.optimal_assignment` - the assignment with the
  largest total match score under the capacities and the group quotas (per-city, per-unit caps),
  as a min-cost flow.

:func:`assign` picks one by name. Both return a :class:`Result` that names every enterprise and
researcher left without any partner and says why, in an English source string meant for
translation by the caller (the module imports nothing from Django). Only mutually acceptable
pairs - the researcher appears in the enterprise's list and the enterprise in the researcher's -
are ever formed; agents with capacity 0 are not available to anyone. Both solvers keep every
capacity and every group quota.

Stability under group quotas. A quota caps the pairs of a group on one side: cities group
enterprises, units group researchers. It is read as a place shared by the group's members, in
the spirit of the weak stability of matching with regional caps (Kamada and Kojima, "Efficient
matching under distributional constraints", AER 2015, and "Stability concepts in matching under
distributional constraints", JET 2017), applied to both sides. An agent *can take* a new partner

* when it has a free place of its own and its group (if any) has a free place - adding the pair
  raises its group's count by one; or
* when it has no free place and ranks the newcomer above its worst partner, whom it gives up -
  its group's count does not change.

A mutually acceptable pair ``(e, r)`` that is not formed *blocks* when ``e`` can take ``r`` and
``r`` can take ``e``; an assignment is *weakly stable* when it keeps every capacity and quota and
no pair blocks. Without quotas this is ordinary pairwise stability. What it tolerates: a pair
that both sides want but that only fits because the other side gives up a partner of the same
group (a researcher leaving another enterprise of the same city, an enterprise dropping another
researcher of the same unit) - a transfer inside a full group - and an agent with a free place
in a full group that would swap a partner for a preferred one. :func:`blocking_pairs` lists the
pairs that block in this sense, so an empty list is the guarantee.

The stable solver reaches it by deferred acceptance in which a proposal to an enterprise with a
free place in a full city is rejected for good (enterprise loads never fall, so a full city
stays full) and a researcher whose unit is full waits until an eviction frees a place of the
unit. Without quotas the result is the researcher-optimal pairwise-stable assignment, as before.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

AgentId = Hashable
Pair = tuple[AgentId, AgentId]  # (enterprise, researcher)
Side = Literal["enterprise", "researcher"]
Mode = Literal["stable", "optimal"]

ENTERPRISE: Side = "enterprise"
RESEARCHER: Side = "researcher"

# Why an agent stayed without any partner. Plain English source strings: the platform translates
# them. The optimal solver adds its own (see assignment_optimal).
REASON_CAPACITY_ZERO = "capacity 0"
REASON_NO_ACCEPTABLE_CANDIDATE = "no mutually acceptable candidate"
REASON_NO_ACCEPTABLE_ENTERPRISE = "no mutually acceptable enterprise"
REASON_ENTERPRISES_PREFER_OTHERS = "all acceptable enterprises filled with preferred candidates"
REASON_CANDIDATES_PREFER_OTHERS = "all acceptable candidates serve enterprises they prefer"
REASON_GROUP_QUOTA_REACHED = "group quota reached"
REASON_ENTERPRISES_FULL_OR_CAPPED = (
    "all acceptable enterprises are full or their group quota is reached"
)
REASON_CANDIDATES_FULL_OR_CAPPED = (
    "all acceptable candidates are fully assigned or their group quota is reached"
)


class InvalidInstance(ValueError):
    """The instance is malformed (unknown agent, duplicate in a ranking, negative capacity …)."""


@dataclass(frozen=True)
class Quota:
    """A cap on the number of pairs formed by a group of agents on one side.

    ``side="enterprise"`` groups enterprises (e.g. all host enterprises of one city: at most
    ``limit`` commissioner assignments in that city); ``side="researcher"`` groups researchers
    (e.g. the researchers of one dispatching unit: at most ``limit`` assignments from that unit).
    The limit counts pairs, so a commissioner serving two enterprises of a city counts twice.
    Groups on the same side must be disjoint.
    """

    side: Side
    members: frozenset[AgentId]
    limit: int


@dataclass
class Instance:
    """One selection: capacities, both sides' rankings (best first), optional scores and quotas.

    ``scores`` maps ``(enterprise, researcher)`` to a non-negative match score (for instance the
    matching engine's relevance); the optimal solver maximises its sum. Without scores it uses
    :func:`rank_score`, computed from both rankings.
    """

    enterprises: Mapping[AgentId, int]
    researchers: Mapping[AgentId, int]
    enterprise_prefs: Mapping[AgentId, Sequence[AgentId]]
    researcher_prefs: Mapping[AgentId, Sequence[AgentId]]
    scores: Mapping[Pair, float] | None = None
    quotas: Mapping[AgentId, Quota] = field(default_factory=dict)


@dataclass
class Result:
    """An assignment: pairs ``(enterprise, researcher)``, who has no partner and why, statistics.

    ``pairs`` lists enterprises in instance order and each enterprise's commissioners in its own
    ranking order. ``objective`` is the total score of the pairs (see :func:`total_score`).
    """

    mode: Mode
    pairs: list[Pair]
    unmatched_enterprises: dict[AgentId, str]
    unmatched_researchers: dict[AgentId, str]
    objective: float
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class Compiled:
    """The instance over integer indices, reduced to mutually acceptable available pairs.

    ``enterprise_list[e]`` and ``researcher_list[r]`` keep each side's order; ``enterprise_rank[e]``
    maps a researcher index to its position in ``enterprise_list[e]``.
    """

    enterprise_ids: list[AgentId]
    researcher_ids: list[AgentId]
    enterprise_capacity: list[int]
    researcher_capacity: list[int]
    enterprise_list: list[list[int]]
    researcher_list: list[list[int]]
    enterprise_rank: list[dict[int, int]]
    researcher_rank: list[dict[int, int]]
    # group index of each agent on its side, or -1; the limits by group index; the group ids
    enterprise_group: list[int]
    researcher_group: list[int]
    group_ids: list[AgentId]
    group_limit: list[int]


def compile_instance(instance: Instance) -> Compiled:
    """Check the instance and index it; raises :class:`InvalidInstance` on malformed input."""
    enterprise_ids = list(instance.enterprises)
    researcher_ids = list(instance.researchers)
    enterprise_index = {agent: i for i, agent in enumerate(enterprise_ids)}
    researcher_index = {agent: i for i, agent in enumerate(researcher_ids)}
    enterprise_capacity = [_capacity(instance.enterprises[a], a) for a in enterprise_ids]
    researcher_capacity = [_capacity(instance.researchers[a], a) for a in researcher_ids]

    enterprise_raw = _index_prefs(
        instance.enterprise_prefs, enterprise_index, researcher_index, "enterprise", "researcher"
    )
    researcher_raw = _index_prefs(
        instance.researcher_prefs, researcher_index, enterprise_index, "researcher", "enterprise"
    )
    enterprise_count, researcher_count = len(enterprise_ids), len(researcher_ids)
    ranked_by_enterprise: list[set[int]] = [
        set(prefs) for prefs in _dense(enterprise_raw, enterprise_count)
    ]
    researcher_list: list[list[int]] = []
    accepted_by: list[set[int]] = [set() for _ in range(enterprise_count)]
    for r, prefs in enumerate(_dense(researcher_raw, researcher_count)):
        if researcher_capacity[r] == 0:
            researcher_list.append([])
            continue
        kept = [e for e in prefs if enterprise_capacity[e] > 0 and r in ranked_by_enterprise[e]]
        researcher_list.append(kept)
        for e in kept:
            accepted_by[e].add(r)
    enterprise_list = [
        [r for r in prefs if r in accepted_by[e]]
        for e, prefs in enumerate(_dense(enterprise_raw, enterprise_count))
    ]
    enterprise_rank = [{r: i for i, r in enumerate(prefs)} for prefs in enterprise_list]
    researcher_rank = [{e: i for i, e in enumerate(prefs)} for prefs in researcher_list]

    enterprise_group = [-1] * enterprise_count
    researcher_group = [-1] * researcher_count
    group_ids: list[AgentId] = []
    group_limit: list[int] = []
    for group_id, quota in instance.quotas.items():
        if quota.side == ENTERPRISE:
            index, membership = enterprise_index, enterprise_group
        elif quota.side == RESEARCHER:
            index, membership = researcher_index, researcher_group
        else:
            raise InvalidInstance(f"quota {group_id!r}: side must be enterprise or researcher")
        if quota.limit < 0:
            raise InvalidInstance(f"quota {group_id!r}: the limit must not be negative")
        g = len(group_ids)
        group_ids.append(group_id)
        group_limit.append(quota.limit)
        for member in quota.members:
            if member not in index:
                raise InvalidInstance(f"quota {group_id!r}: unknown {quota.side} {member!r}")
            i = index[member]
            if membership[i] != -1:
                raise InvalidInstance(
                    f"{quota.side} {member!r} is in two quota groups: "
                    f"{group_ids[membership[i]]!r} and {group_id!r}"
                )
            membership[i] = g
    return Compiled(
        enterprise_ids,
        researcher_ids,
        enterprise_capacity,
        researcher_capacity,
        enterprise_list,
        researcher_list,
        enterprise_rank,
        researcher_rank,
        enterprise_group,
        researcher_group,
        group_ids,
        group_limit,
    )


def _capacity(value: int, agent: AgentId) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInstance(f"capacity of {agent!r} must be a non-negative integer")
    return value


def _index_prefs(
    prefs: Mapping[AgentId, Sequence[AgentId]],
    own_index: Mapping[AgentId, int],
    other_index: Mapping[AgentId, int],
    own_side: str,
    other_side: str,
) -> dict[int, list[int]]:
    indexed: dict[int, list[int]] = {}
    for agent, ranking in prefs.items():
        if agent not in own_index:
            raise InvalidInstance(f"ranking given for unknown {own_side} {agent!r}")
        positions = []
        for other in ranking:
            if other not in other_index:
                raise InvalidInstance(f"{own_side} {agent!r} ranks unknown {other_side} {other!r}")
            positions.append(other_index[other])
        if len(set(positions)) != len(positions):
            raise InvalidInstance(f"{own_side} {agent!r} ranks the same {other_side} twice")
        indexed[own_index[agent]] = positions
    return indexed


def _dense(indexed: dict[int, list[int]], count: int) -> Iterable[list[int]]:
    return (indexed.get(i, []) for i in range(count))


def rank_score(
    rank_by_enterprise: int,
    enterprise_list_length: int,
    rank_by_researcher: int,
    researcher_list_length: int,
) -> float:
    """The default match score: how high each side ranks the other, each in (0, 1], summed.

    Ranks count from 0 within the mutually acceptable part of each list, so the favourite of
    both sides scores 2 and the last resort of both scores a little above 0.
    """
    return (enterprise_list_length - rank_by_enterprise) / enterprise_list_length + (
        researcher_list_length - rank_by_researcher
    ) / researcher_list_length


def pair_scores(instance: Instance, compiled: Compiled) -> dict[tuple[int, int], float]:
    """The score of every mutually acceptable pair by index ``(e, r)``; checks given scores."""
    scores: dict[tuple[int, int], float] = {}
    given = instance.scores
    for e, candidates in enumerate(compiled.enterprise_list):
        enterprise = compiled.enterprise_ids[e]
        for rank, r in enumerate(candidates):
            if given is None:
                scores[e, r] = rank_score(
                    rank,
                    len(candidates),
                    compiled.researcher_rank[r][e],
                    len(compiled.researcher_list[r]),
                )
                continue
            key = (enterprise, compiled.researcher_ids[r])
            if key not in given:
                raise InvalidInstance(f"no score for the acceptable pair {key!r}")
            value = float(given[key])
            if not value >= 0:  # also refuses NaN
                raise InvalidInstance(f"the score of {key!r} must be a non-negative number")
            scores[e, r] = value
    return scores


def total_score(instance: Instance, pairs: Iterable[Pair]) -> float:
    """The sum of the scores of ``pairs`` (given scores, or :func:`rank_score` without them)."""
    compiled = compile_instance(instance)
    scores = pair_scores(instance, compiled)
    return _total_by_ids(compiled, scores, pairs)


def _total_by_ids(
    compiled: Compiled, scores: dict[tuple[int, int], float], pairs: Iterable[Pair]
) -> float:
    enterprise_index = {a: i for i, a in enumerate(compiled.enterprise_ids)}
    researcher_index = {a: i for i, a in enumerate(compiled.researcher_ids)}
    return sum(scores[enterprise_index[e], researcher_index[r]] for e, r in pairs)


# --- the stable solver -----------------------------------------------------------------------


def stable_assignment(instance: Instance) -> Result:
    """A weakly stable assignment under the group quotas (module docstring): researcher-proposing
    deferred acceptance with capacities and caps.

    Each researcher with a free place proposes to the next enterprise in its list; an enterprise
    keeps the best ``k`` proposals it has seen (a heap keyed on its ranking) and rejects the rest,
    and a rejected researcher goes on proposing. An enterprise with a free place in a full city
    rejects; a researcher of a full unit waits for a place of its unit. Every researcher proposes
    at most once to each enterprise, so the work is O(P log k + R) for P acceptable pairs and R
    researchers. No quota is ever exceeded. Without quotas the result is the researcher-optimal
    stable matching (Roth 1984 for the many-to-many case with responsive preferences); with
    ``m = 1`` it is the resident-optimal hospital/resident matching.
    """
    compiled = compile_instance(instance)
    held = _deferred_acceptance(compiled)
    pairs_by_index = [
        (e, r) for e, heap in enumerate(held) for _, r in sorted(heap, key=lambda item: -item[0])
    ]
    partner_count_r = [0] * len(compiled.researcher_ids)
    for _, r in pairs_by_index:
        partner_count_r[r] += 1
    unmatched_enterprises, unmatched_researchers = _stable_reasons(compiled, held, partner_count_r)
    scores = pair_scores(instance, compiled)
    return Result(
        mode="stable",
        pairs=[(compiled.enterprise_ids[e], compiled.researcher_ids[r]) for e, r in pairs_by_index],
        unmatched_enterprises=unmatched_enterprises,
        unmatched_researchers=unmatched_researchers,
        objective=sum(scores[pair] for pair in pairs_by_index),
        stats=_stats(compiled, pairs_by_index),
    )


def _deferred_acceptance(compiled: Compiled) -> list[list[tuple[int, int]]]:
    """Each enterprise's final held proposals as a heap of ``(-rank, researcher)``.

    Deferred acceptance in which a group cap is a place shared by the group's members (see the
    module docstring). An enterprise with a free place in a full city rejects every proposal for
    good: an enterprise's load never falls, so a full city stays full. A researcher whose unit is
    full stops proposing and waits, first come first served, until an eviction frees a place of
    its unit.
    """
    enterprise_capacity = compiled.enterprise_capacity
    researcher_capacity = compiled.researcher_capacity
    researcher_list = compiled.researcher_list
    enterprise_rank = compiled.enterprise_rank
    enterprise_group = compiled.enterprise_group
    researcher_group = compiled.researcher_group
    group_limit = compiled.group_limit
    group_used = [0] * len(group_limit)
    held: list[list[tuple[int, int]]] = [[] for _ in compiled.enterprise_ids]
    partners = [0] * len(compiled.researcher_ids)
    next_choice = [0] * len(compiled.researcher_ids)
    waiting: list[deque[int]] = [deque() for _ in group_limit]
    is_waiting = [False] * len(compiled.researcher_ids)
    # a rejected researcher may be queued while already queued; the loop below skips it then
    free = deque(r for r, prefs in enumerate(researcher_list) if prefs)
    while free:
        r = free.popleft()
        prefs = researcher_list[r]
        position = next_choice[r]
        capacity = researcher_capacity[r]
        unit = researcher_group[r]
        while partners[r] < capacity and position < len(prefs):
            if unit >= 0 and group_used[unit] >= group_limit[unit]:
                if not is_waiting[r]:
                    is_waiting[r] = True
                    waiting[unit].append(r)
                break
            e = prefs[position]
            position += 1
            rank = enterprise_rank[e][r]
            heap = held[e]
            if len(heap) < enterprise_capacity[e]:
                city = enterprise_group[e]
                if city >= 0:
                    if group_used[city] >= group_limit[city]:
                        continue
                    group_used[city] += 1
                heapq.heappush(heap, (-rank, r))
                partners[r] += 1
                if unit >= 0:
                    group_used[unit] += 1
            elif -heap[0][0] > rank:
                _, evicted = heapq.heapreplace(heap, (-rank, r))
                partners[r] += 1
                partners[evicted] -= 1
                free.append(evicted)
                evicted_unit = researcher_group[evicted]
                if evicted_unit != unit:
                    if unit >= 0:
                        group_used[unit] += 1
                    if evicted_unit >= 0:
                        group_used[evicted_unit] -= 1
                        _release_one(waiting[evicted_unit], is_waiting, free)
        next_choice[r] = position
        if unit >= 0 and group_used[unit] < group_limit[unit]:
            # r leaves a place of its unit unused (its list is exhausted, or it was released
            # but had been served meanwhile): the next waiting researcher tries it
            _release_one(waiting[unit], is_waiting, free)
    return held


def _release_one(waiting: deque[int], is_waiting: list[bool], free: deque[int]) -> None:
    if waiting:
        released = waiting.popleft()
        is_waiting[released] = False
        free.append(released)


def _stable_reasons(
    compiled: Compiled, held: list[list[tuple[int, int]]], researcher_load: Sequence[int]
) -> tuple[dict[AgentId, str], dict[AgentId, str]]:
    """Why each enterprise and researcher without a partner has none, after the stable solve.

    Once deferred acceptance ends, an acceptable partner is unavailable because it is full of
    partners it prefers or because its group is full (a free place in a full group is no place).
    """
    group_used = _group_load(compiled, [len(heap) for heap in held], researcher_load)
    group_full = [
        used >= limit for used, limit in zip(group_used, compiled.group_limit, strict=True)
    ]

    def is_capped(group: int) -> bool:
        return group >= 0 and group_full[group]

    unmatched_enterprises: dict[AgentId, str] = {}
    for e, heap in enumerate(held):
        if heap:
            continue
        if compiled.enterprise_capacity[e] == 0:
            reason = REASON_CAPACITY_ZERO
        elif not compiled.enterprise_list[e]:
            reason = REASON_NO_ACCEPTABLE_CANDIDATE
        elif is_capped(compiled.enterprise_group[e]):
            reason = REASON_GROUP_QUOTA_REACHED
        elif any(is_capped(compiled.researcher_group[r]) for r in compiled.enterprise_list[e]):
            reason = REASON_CANDIDATES_FULL_OR_CAPPED
        else:
            reason = REASON_CANDIDATES_PREFER_OTHERS
        unmatched_enterprises[compiled.enterprise_ids[e]] = reason
    unmatched_researchers: dict[AgentId, str] = {}
    for r, load in enumerate(researcher_load):
        if load:
            continue
        if compiled.researcher_capacity[r] == 0:
            reason = REASON_CAPACITY_ZERO
        elif not compiled.researcher_list[r]:
            reason = REASON_NO_ACCEPTABLE_ENTERPRISE
        elif is_capped(compiled.researcher_group[r]):
            reason = REASON_GROUP_QUOTA_REACHED
        elif any(is_capped(compiled.enterprise_group[e]) for e in compiled.researcher_list[r]):
            reason = REASON_ENTERPRISES_FULL_OR_CAPPED
        else:
            reason = REASON_ENTERPRISES_PREFER_OTHERS
        unmatched_researchers[compiled.researcher_ids[r]] = reason
    return unmatched_enterprises, unmatched_researchers


def _stats(compiled: Compiled, pairs: Sequence[tuple[int, int]]) -> dict[str, Any]:
    enterprise_load = [0] * len(compiled.enterprise_ids)
    researcher_load = [0] * len(compiled.researcher_ids)
    for e, r in pairs:
        enterprise_load[e] += 1
        researcher_load[r] += 1
    return {
        "pairs": len(pairs),
        "acceptable_pairs": sum(len(prefs) for prefs in compiled.enterprise_list),
        "unfilled_enterprise_places": sum(compiled.enterprise_capacity) - len(pairs),
        "unfilled_researcher_places": sum(compiled.researcher_capacity) - len(pairs),
        "quota_violations": _quota_violations(compiled, enterprise_load, researcher_load),
    }


def _group_load(
    compiled: Compiled, enterprise_load: Sequence[int], researcher_load: Sequence[int]
) -> list[int]:
    """The pairs each group holds, by group index, from the agents' loads."""
    used = [0] * len(compiled.group_ids)
    for e, load in enumerate(enterprise_load):
        if compiled.enterprise_group[e] >= 0:
            used[compiled.enterprise_group[e]] += load
    for r, load in enumerate(researcher_load):
        if compiled.researcher_group[r] >= 0:
            used[compiled.researcher_group[r]] += load
    return used


def _quota_violations(
    compiled: Compiled, enterprise_load: Sequence[int], researcher_load: Sequence[int]
) -> dict[AgentId, int]:
    used = _group_load(compiled, enterprise_load, researcher_load)
    return {
        compiled.group_ids[g]: used[g] - limit
        for g, limit in enumerate(compiled.group_limit)
        if used[g] > limit
    }


# --- checks shared by the solvers' tests and callers ------------------------------------------


def blocking_pairs(instance: Instance, result: Result) -> list[Pair]:
    """Mutually acceptable pairs not in ``result`` that could each take the other, within the
    capacities and the group quotas.

    An agent can take a new partner when it has a free place and its group (if any) has a free
    place, or when it has no free place and ranks the newcomer above its worst partner (whom it
    would give up, leaving its group's count unchanged). ``(e, r)`` blocks when the enterprise
    can take ``r`` and the researcher can take ``e``. An empty list means the assignment is
    weakly stable under the quotas (see the module docstring); without quotas that is pairwise
    stability.
    """
    compiled = compile_instance(instance)
    enterprise_index = {a: i for i, a in enumerate(compiled.enterprise_ids)}
    researcher_index = {a: i for i, a in enumerate(compiled.researcher_ids)}
    partners_of_e: list[set[int]] = [set() for _ in compiled.enterprise_ids]
    partners_of_r: list[set[int]] = [set() for _ in compiled.researcher_ids]
    for enterprise, researcher in result.pairs:
        e, r = enterprise_index[enterprise], researcher_index[researcher]
        partners_of_e[e].add(r)
        partners_of_r[r].add(e)
    group_used = _group_load(
        compiled, [len(p) for p in partners_of_e], [len(p) for p in partners_of_r]
    )

    def worst_rank(partners: set[int], rank: dict[int, int], capacity: int, group: int) -> float:
        # the rank a newcomer must beat: infinite while the agent and its group have a free
        # place, -infinite when only the group is full
        if len(partners) < capacity:
            has_room = group < 0 or group_used[group] < compiled.group_limit[group]
            return float("inf") if has_room else float("-inf")
        return max(rank[p] for p in partners) if partners else float("-inf")

    e_threshold = [
        worst_rank(
            partners_of_e[e],
            compiled.enterprise_rank[e],
            compiled.enterprise_capacity[e],
            compiled.enterprise_group[e],
        )
        for e in range(len(compiled.enterprise_ids))
    ]
    r_threshold = [
        worst_rank(
            partners_of_r[r],
            compiled.researcher_rank[r],
            compiled.researcher_capacity[r],
            compiled.researcher_group[r],
        )
        for r in range(len(compiled.researcher_ids))
    ]
    blocking: list[Pair] = []
    for e, candidates in enumerate(compiled.enterprise_list):
        for rank, r in enumerate(candidates):
            if r in partners_of_e[e]:
                continue
            if rank < e_threshold[e] and compiled.researcher_rank[r][e] < r_threshold[r]:
                blocking.append((compiled.enterprise_ids[e], compiled.researcher_ids[r]))
    return blocking


def constraint_violations(instance: Instance, pairs: Sequence[Pair]) -> list[str]:
    """What ``pairs`` break: unacceptable or repeated pairs, capacities, group quotas."""
    compiled = compile_instance(instance)
    enterprise_index = {a: i for i, a in enumerate(compiled.enterprise_ids)}
    researcher_index = {a: i for i, a in enumerate(compiled.researcher_ids)}
    problems: list[str] = []
    if len(set(pairs)) != len(pairs):
        problems.append("a pair appears twice")
    enterprise_load = [0] * len(compiled.enterprise_ids)
    researcher_load = [0] * len(compiled.researcher_ids)
    for enterprise, researcher in pairs:
        e, r = enterprise_index.get(enterprise), researcher_index.get(researcher)
        if e is None or r is None or r not in compiled.enterprise_rank[e]:
            problems.append(f"{(enterprise, researcher)!r} is not mutually acceptable")
            continue
        enterprise_load[e] += 1
        researcher_load[r] += 1
    for e, load in enumerate(enterprise_load):
        if load > compiled.enterprise_capacity[e]:
            problems.append(f"enterprise {compiled.enterprise_ids[e]!r} over capacity")
    for r, load in enumerate(researcher_load):
        if load > compiled.researcher_capacity[r]:
            problems.append(f"researcher {compiled.researcher_ids[r]!r} over capacity")
    for group, excess in _quota_violations(compiled, enterprise_load, researcher_load).items():
        problems.append(f"quota {group!r} exceeded by {excess}")
    return problems


def assign(instance: Instance, *, mode: Mode = "stable") -> Result:
    """Solve ``instance`` with the stable (default) or the optimal solver."""
    if mode == "stable":
        return stable_assignment(instance)
    if mode == "optimal":
        from techbridge.matching.assignment_optimal import optimal_assignment

        return optimal_assignment(instance)
    raise ValueError(f"unknown mode {mode!r}: expected stable or optimal")
