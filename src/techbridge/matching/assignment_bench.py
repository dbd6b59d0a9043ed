"""Random selection rounds for the assignment benchmark (and for trying the solvers by hand).

:func:`random_instance` draws a round shaped like the real one: every researcher applies to
``prefs`` enterprises, favouring popular ones (log-normal popularity), and ranks them; every
enterprise ranks the researchers who applied to it but finds the weakest tenth unacceptable.
Both rankings follow a hidden fit score plus each side's own noise, and that fit is the match
score. Enterprises take 1-3 commissioners, researchers serve 1 or 2 enterprises; enterprises are
grouped into cities of about 100 and researchers into units of about 200, each capped at 80% of
its members' places. Deterministic for a seed.
"""

from __future__ import annotations

import math
import resource
import sys
import time
from typing import Any

import numpy as np

from techbridge.matching.assignment import (
    ENTERPRISE,
    RESEARCHER,
    AgentId,
    Instance,
    Pair,
    Quota,
    blocking_pairs,
    stable_assignment,
)

CITY_SIZE = 100
UNIT_SIZE = 200
QUOTA_SHARE = 0.8
UNACCEPTABLE_SHARE = 0.1


def random_instance(
    *, enterprises: int, researchers: int, prefs: int, seed: int, quotas: bool = True
) -> Instance:
    """A random round with ``enterprises`` × ``researchers`` and ``prefs`` applications each."""
    if enterprises < 1 or researchers < 1 or prefs < 1:
        raise ValueError("enterprises, researchers and prefs must be positive")
    prefs = min(prefs, enterprises)
    rng = np.random.default_rng(seed)
    popularity = rng.lognormal(0.0, 1.0, enterprises)
    popularity /= popularity.sum()
    quality = rng.normal(0.0, 1.0, researchers)
    appeal = np.log(popularity * enterprises)

    # oversample with replacement, keep the first `prefs` distinct choices of each researcher
    draws = rng.choice(enterprises, size=(researchers, 3 * prefs), p=popularity)
    applications: list[list[int]] = []
    for row in draws.tolist():
        chosen = list(dict.fromkeys(row))[:prefs]
        while len(chosen) < prefs:  # rare: a researcher drawn to the same few enterprises
            extra = int(rng.integers(enterprises))
            if extra not in chosen:
                chosen.append(extra)
        applications.append(chosen)

    pair_e = np.array(applications, dtype=np.int64).ravel()
    pair_r = np.repeat(np.arange(researchers, dtype=np.int64), prefs)
    fit = 0.6 * quality[pair_r] + 0.3 * appeal[pair_e] + rng.normal(0.0, 1.0, len(pair_e))
    score = np.round(1.0 / (1.0 + np.exp(-fit)), 4)
    researcher_utility = fit + rng.normal(0.0, 0.5, len(pair_e))
    enterprise_utility = fit + rng.normal(0.0, 0.5, len(pair_e))
    cutoff = np.quantile(enterprise_utility, UNACCEPTABLE_SHARE)

    researcher_prefs: dict[AgentId, list[int]] = {}
    order = np.lexsort((-researcher_utility, pair_r))
    for r, chunk in enumerate(np.split(pair_e[order], researchers)):
        researcher_prefs[r] = chunk.tolist()
    acceptable = enterprise_utility >= cutoff
    kept_e, kept_r, kept_u = pair_e[acceptable], pair_r[acceptable], enterprise_utility[acceptable]
    order = np.lexsort((-kept_u, kept_e))
    enterprise_prefs: dict[AgentId, list[int]] = {e: [] for e in range(enterprises)}
    for e, r in zip(kept_e[order].tolist(), kept_r[order].tolist(), strict=True):
        enterprise_prefs[e].append(r)

    enterprise_capacity = rng.integers(1, 4, enterprises).tolist()
    researcher_capacity = np.where(rng.random(researchers) < 0.7, 1, 2).tolist()
    scores: dict[Pair, float] = dict(
        zip(zip(pair_e.tolist(), pair_r.tolist(), strict=True), score.tolist(), strict=True)
    )
    groups: dict[AgentId, Quota] = {}
    if quotas:
        groups.update(_groups(ENTERPRISE, "city", enterprise_capacity, CITY_SIZE))
        groups.update(_groups(RESEARCHER, "unit", researcher_capacity, UNIT_SIZE))
    return Instance(
        enterprises=dict(enumerate(enterprise_capacity)),
        researchers=dict(enumerate(researcher_capacity)),
        enterprise_prefs=enterprise_prefs,
        researcher_prefs=researcher_prefs,
        scores=scores,
        quotas=groups,
    )


def _groups(side: Any, prefix: str, capacities: list[int], size: int) -> dict[str, Quota]:
    groups = {}
    for start in range(0, len(capacities), size):
        members = range(start, min(start + size, len(capacities)))
        limit = math.ceil(QUOTA_SHARE * sum(capacities[i] for i in members))
        groups[f"{prefix}-{start // size}"] = Quota(side, frozenset(members), limit)
    return groups


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_benchmark(
    *,
    enterprises: int,
    researchers: int,
    prefs: int,
    seed: int,
    quotas: bool = True,
    check: bool = True,
) -> dict[str, Any]:
    """Generate a round, solve it both ways and time each step; returns one flat dict."""
    from techbridge.matching.assignment_optimal import optimal_assignment

    report: dict[str, Any] = {
        "enterprises": enterprises,
        "researchers": researchers,
        "prefs": prefs,
        "seed": seed,
        "quotas": quotas,
    }
    started = time.perf_counter()
    instance = random_instance(
        enterprises=enterprises, researchers=researchers, prefs=prefs, seed=seed, quotas=quotas
    )
    report["generate_s"] = round(time.perf_counter() - started, 3)
    report["memory_after_generate_mb"] = round(peak_memory_mb(), 1)

    started = time.perf_counter()
    stable = stable_assignment(instance)
    report["stable_s"] = round(time.perf_counter() - started, 3)
    report["acceptable_pairs"] = stable.stats["acceptable_pairs"]
    report["stable_pairs"] = len(stable.pairs)
    report["stable_score"] = round(stable.objective, 3)
    report["stable_unmatched_enterprises"] = len(stable.unmatched_enterprises)
    report["stable_unmatched_researchers"] = len(stable.unmatched_researchers)
    report["stable_quota_violations"] = len(stable.stats["quota_violations"])
    if check:
        started = time.perf_counter()
        report["stable_blocking_pairs"] = len(blocking_pairs(instance, stable))
        report["check_s"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    optimal = optimal_assignment(instance)
    report["optimal_s"] = round(time.perf_counter() - started, 3)
    report["optimal_pairs"] = len(optimal.pairs)
    report["optimal_score"] = round(optimal.objective, 3)
    report["optimal_unmatched_enterprises"] = len(optimal.unmatched_enterprises)
    report["optimal_unmatched_researchers"] = len(optimal.unmatched_researchers)
    report["peak_memory_mb"] = round(peak_memory_mb(), 1)
    return report
