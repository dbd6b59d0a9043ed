"""The assignment with the largest total match score under capacities and group quotas.

A min-cost flow (OR-Tools ``SimpleMinCostFlow``) over five layers::

    source -> [researcher group] -> researcher -> enterprise -> [enterprise group] -> sink

with capacities: group arcs carry the group's limit, researcher and enterprise arcs their own
capacities, each mutually acceptable pair one unit at cost ``-score``. An arc from the source
straight to the sink at cost 0 lets the solver leave places empty, so the flow maximises the
score rather than the number of pairs. Integrality of min-cost flow makes the optimum a set of
pairs. Scores are scaled to integers (:data:`SCORE_SCALE`), so the optimum is exact up to
1/SCORE_SCALE per pair.

The model fits quotas that form one partition per side (each enterprise in at most one
enterprise-side group, each researcher in at most one researcher-side group), which covers
per-city caps on enterprises and per-unit caps on researchers. Nested groups (city within
province) would need one more layer per level; overlapping groups on one side, or a group mixing
both sides, do not fit a flow and are refused by :func:`~.assignment.compile_instance`.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from techbridge.matching.assignment import (
    REASON_CANDIDATES_FULL_OR_CAPPED,
    REASON_CAPACITY_ZERO,
    REASON_ENTERPRISES_FULL_OR_CAPPED,
    REASON_GROUP_QUOTA_REACHED,
    REASON_NO_ACCEPTABLE_CANDIDATE,
    REASON_NO_ACCEPTABLE_ENTERPRISE,
    AgentId,
    Compiled,
    Instance,
    Result,
    _stats,
    compile_instance,
    pair_scores,
)

SCORE_SCALE = 1_000_000

__all__ = [
    "REASON_CANDIDATES_FULL",
    "REASON_CANDIDATES_FULL_OR_CAPPED",
    "REASON_ENTERPRISES_FULL",
    "REASON_ENTERPRISES_FULL_OR_CAPPED",
    "REASON_GROUP_QUOTA_REACHED",
    "REASON_NO_SCORE_GAIN",
    "SCORE_SCALE",
    "SolverFailed",
    "optimal_assignment",
]

REASON_ENTERPRISES_FULL = "all acceptable enterprises are full"
REASON_CANDIDATES_FULL = "all acceptable candidates are fully assigned"
REASON_NO_SCORE_GAIN = "no remaining pair would add to the total score"


class SolverFailed(RuntimeError):
    """OR-Tools did not report an optimal flow (it should not happen on a valid network)."""


def optimal_assignment(instance: Instance) -> Result:
    """Maximise the total score of mutually acceptable pairs under capacities and group quotas."""
    compiled = compile_instance(instance)
    scores = pair_scores(instance, compiled)
    pairs = _solve_flow(compiled, scores)

    enterprise_load = [0] * len(compiled.enterprise_ids)
    researcher_load = [0] * len(compiled.researcher_ids)
    for e, r in pairs:
        enterprise_load[e] += 1
        researcher_load[r] += 1
    group_used = [0] * len(compiled.group_ids)
    for e, load in enumerate(enterprise_load):
        if compiled.enterprise_group[e] >= 0:
            group_used[compiled.enterprise_group[e]] += load
    for r, load in enumerate(researcher_load):
        if compiled.researcher_group[r] >= 0:
            group_used[compiled.researcher_group[r]] += load
    group_full = [
        used >= limit for used, limit in zip(group_used, compiled.group_limit, strict=True)
    ]

    def enterprise_blocked(e: int) -> tuple[bool, bool]:
        full = enterprise_load[e] >= compiled.enterprise_capacity[e]
        group = compiled.enterprise_group[e]
        return full, group >= 0 and group_full[group]

    def researcher_blocked(r: int) -> tuple[bool, bool]:
        full = researcher_load[r] >= compiled.researcher_capacity[r]
        group = compiled.researcher_group[r]
        return full, group >= 0 and group_full[group]

    unmatched_enterprises: dict[AgentId, str] = {}
    for e, load in enumerate(enterprise_load):
        if load == 0:
            unmatched_enterprises[compiled.enterprise_ids[e]] = _reason(
                capacity=compiled.enterprise_capacity[e],
                acceptable=compiled.enterprise_list[e],
                own_group_full=enterprise_blocked(e)[1],
                others=[researcher_blocked(r) for r in compiled.enterprise_list[e]],
                nobody=REASON_NO_ACCEPTABLE_CANDIDATE,
                all_full=REASON_CANDIDATES_FULL,
                all_full_or_capped=REASON_CANDIDATES_FULL_OR_CAPPED,
            )
    unmatched_researchers: dict[AgentId, str] = {}
    for r, load in enumerate(researcher_load):
        if load == 0:
            unmatched_researchers[compiled.researcher_ids[r]] = _reason(
                capacity=compiled.researcher_capacity[r],
                acceptable=compiled.researcher_list[r],
                own_group_full=researcher_blocked(r)[1],
                others=[enterprise_blocked(e) for e in compiled.researcher_list[r]],
                nobody=REASON_NO_ACCEPTABLE_ENTERPRISE,
                all_full=REASON_ENTERPRISES_FULL,
                all_full_or_capped=REASON_ENTERPRISES_FULL_OR_CAPPED,
            )
    order = {e: compiled.enterprise_rank[e] for e in range(len(compiled.enterprise_ids))}
    pairs.sort(key=lambda pair: (pair[0], order[pair[0]][pair[1]]))
    return Result(
        mode="optimal",
        pairs=[(compiled.enterprise_ids[e], compiled.researcher_ids[r]) for e, r in pairs],
        unmatched_enterprises=unmatched_enterprises,
        unmatched_researchers=unmatched_researchers,
        objective=sum(scores[pair] for pair in pairs),
        stats=_stats(compiled, pairs),
    )


def _reason(
    *,
    capacity: int,
    acceptable: list[int],
    own_group_full: bool,
    others: list[tuple[bool, bool]],
    nobody: str,
    all_full: str,
    all_full_or_capped: str,
) -> str:
    if capacity == 0:
        return REASON_CAPACITY_ZERO
    if not acceptable:
        return nobody
    if own_group_full:
        return REASON_GROUP_QUOTA_REACHED
    if all(full for full, _ in others):
        return all_full
    if all(full or capped for full, capped in others):
        return all_full_or_capped
    # a free acceptable partner exists, so adding the pair is allowed: only a score of 0 explains
    # why the optimum left it out
    return REASON_NO_SCORE_GAIN


def _solve_flow(compiled: Compiled, scores: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    enterprise_count = len(compiled.enterprise_ids)
    researcher_count = len(compiled.researcher_ids)
    group_count = len(compiled.group_ids)
    # node numbering: source, sink, researchers, enterprises, groups
    source, sink = 0, 1
    researcher_node = 2
    enterprise_node = researcher_node + researcher_count
    group_node = enterprise_node + enterprise_count

    pair_keys = list(scores)
    pair_count = len(pair_keys)
    pair_array = np.array(pair_keys, dtype=np.int64).reshape(pair_count, 2)
    starts: list[np.ndarray] = [researcher_node + pair_array[:, 1]]
    ends: list[np.ndarray] = [enterprise_node + pair_array[:, 0]]
    capacities: list[np.ndarray] = [np.ones(pair_count, dtype=np.int64)]
    costs: list[np.ndarray] = [
        -np.rint(
            np.fromiter(scores.values(), dtype=np.float64, count=pair_count) * SCORE_SCALE
        ).astype(np.int64)
    ]

    def add(start: np.ndarray, end: np.ndarray, capacity: np.ndarray) -> None:
        starts.append(start.astype(np.int64))
        ends.append(end.astype(np.int64))
        capacities.append(capacity.astype(np.int64))
        costs.append(np.zeros(len(start), dtype=np.int64))

    researcher_group = np.array(compiled.researcher_group, dtype=np.int64)
    enterprise_group = np.array(compiled.enterprise_group, dtype=np.int64)
    researchers = np.arange(researcher_count, dtype=np.int64)
    enterprises = np.arange(enterprise_count, dtype=np.int64)
    # source -> researcher, or source -> its group -> researcher
    add(
        np.where(researcher_group >= 0, group_node + researcher_group, source),
        researcher_node + researchers,
        np.array(compiled.researcher_capacity, dtype=np.int64),
    )
    # enterprise -> sink, or enterprise -> its group -> sink
    add(
        enterprise_node + enterprises,
        np.where(enterprise_group >= 0, group_node + enterprise_group, sink),
        np.array(compiled.enterprise_capacity, dtype=np.int64),
    )
    groups = np.arange(group_count, dtype=np.int64)
    limits = np.array(compiled.group_limit, dtype=np.int64)
    researcher_side = np.zeros(group_count, dtype=bool)
    researcher_side[researcher_group[researcher_group >= 0]] = True
    enterprise_side = np.zeros(group_count, dtype=bool)
    enterprise_side[enterprise_group[enterprise_group >= 0]] = True
    add(
        np.full(int(researcher_side.sum()), source),
        group_node + groups[researcher_side],
        limits[researcher_side],
    )
    add(
        group_node + groups[enterprise_side],
        np.full(int(enterprise_side.sum()), sink),
        limits[enterprise_side],
    )
    supply = max(sum(compiled.researcher_capacity), 1)
    add(np.array([source]), np.array([sink]), np.array([supply]))

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(starts),
        np.concatenate(ends),
        np.concatenate(capacities),
        np.concatenate(costs),
    )
    supplies = np.zeros(group_node + group_count, dtype=np.int64)
    supplies[source], supplies[sink] = supply, -supply
    flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverFailed(f"min-cost flow ended with status {status}")
    used = flow.flows(np.arange(pair_count, dtype=np.int64)) > 0
    return [(int(e), int(r)) for e, r in pair_array[used]]
