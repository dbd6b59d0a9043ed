"""Measuring rankings against graded judgements: nDCG@10, Recall@10, Recall@50, MRR.

nDCG@10 uses the gain 2^grade − 1 and the ideal ordering of all judged grades of the query;
Recall and MRR count the profiles carrying the query's highest grade (the "right answers").
Queries without any positive judgement are skipped. Figures are given overall (``all``) and per
query type, as ``shared/MATCHING.md`` specifies.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from techbridge.matching.dense import Encoder
from techbridge.matching.engine import EngineSettings, MatchingEngine
from techbridge.matching.model import Dataset

METRICS = ("ndcg@10", "recall@10", "recall@50", "mrr")


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain at ``k`` (gain 2^g − 1, log2 discount)."""
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    ideal_gain = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    if ideal_gain == 0:
        return 0.0
    gain = sum((2 ** grades.get(p, 0) - 1) / math.log2(i + 2) for i, p in enumerate(ranked[:k]))
    return gain / ideal_gain


def best_profiles(grades: Mapping[str, int]) -> set[str]:
    """Profiles with the query's highest (positive) grade."""
    top = max(grades.values(), default=0)
    return {profile for profile, grade in grades.items() if grade == top} if top > 0 else set()


def recall_at(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    best = best_profiles(grades)
    return len(best & set(ranked[:k])) / len(best) if best else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int]) -> float:
    best = best_profiles(grades)
    for position, profile in enumerate(ranked, start=1):
        if profile in best:
            return 1.0 / position
    return 0.0


def query_metrics(ranked: Sequence[str], grades: Mapping[str, int]) -> dict[str, float]:
    return {
        "ndcg@10": ndcg_at(ranked, grades, 10),
        "recall@10": recall_at(ranked, grades, 10),
        "recall@50": recall_at(ranked, grades, 50),
        "mrr": reciprocal_rank(ranked, grades),
    }


def summarise(
    rankings: Sequence[Sequence[str]],
    query_types: Sequence[str],
    grades: Sequence[Mapping[str, int]],
) -> dict[str, dict[str, float]]:
    """Mean metrics over ``all`` queries and per query type (3 decimals)."""
    groups: dict[str, list[dict[str, float]]] = {"all": []}
    for ranked, query_type, query_grades in zip(rankings, query_types, grades, strict=True):
        if not best_profiles(query_grades):
            continue
        metrics = query_metrics(ranked, query_grades)
        groups["all"].append(metrics)
        groups.setdefault(query_type or "untyped", []).append(metrics)
    return {
        group: {
            metric: round(sum(m[metric] for m in rows) / len(rows), 3) if rows else 0.0
            for metric in METRICS
        }
        for group, rows in groups.items()
    }


@dataclass(frozen=True, slots=True)
class EvaluationRun:
    """Figures per method and group, and how long each stage took."""

    figures: dict[str, dict[str, dict[str, float]]]
    timings: dict[str, float]
    query_count: int
    profile_count: int


def evaluate(
    dataset: Dataset,
    *,
    encoder: Encoder,
    methods: Sequence[str] = ("bm25", "dense", "hybrid"),
    settings: EngineSettings | None = None,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> EvaluationRun:
    """Build the engine on the dataset's profiles and measure each method on its queries."""
    queries = dataset.queries[:limit] if limit else dataset.queries
    started = time.perf_counter()
    engine = MatchingEngine(dataset.profiles, encoder=encoder, settings=settings, progress=progress)
    built = time.perf_counter()
    rankings = engine.rank_ids(queries, k=50, methods=methods, progress=progress)
    ranked = time.perf_counter()
    all_grades = dataset.grades()
    grades = [all_grades.get(query.id, {}) for query in queries]
    types = [query.type for query in queries]
    figures = {method: summarise(rankings[method], types, grades) for method in methods}
    return EvaluationRun(
        figures=figures,
        timings={"build_s": round(built - started, 1), "queries_s": round(ranked - built, 1)},
        query_count=len(queries),
        profile_count=len(dataset.profiles),
    )
