"""Combining ranked lists and scores: reciprocal-rank fusion and normalised linear blends."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def normalise_scores(scores: np.ndarray) -> np.ndarray:
    """Scale scores to [0, 1] by min and max (all equal → all zero)."""
    scores = np.asarray(scores, dtype=np.float32)
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high - low <= 1e-12:
        return np.zeros_like(scores)
    return (scores - low) / (high - low)


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each item by descending score (ties broken by position)."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    result = np.empty(len(order), dtype=np.int64)
    result[order] = np.arange(1, len(order) + 1)
    return result


def reciprocal_rank_fusion(score_lists: Sequence[np.ndarray], *, k: float = 60.0) -> np.ndarray:
    """RRF: the sum over lists of 1 / (k + rank); robust to incomparable score scales."""
    fused = np.zeros(len(score_lists[0]), dtype=np.float64)
    for scores in score_lists:
        fused += 1.0 / (k + ranks(scores))
    return fused


def linear_blend(score_lists: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Weighted sum of min-max normalised scores."""
    fused = np.zeros(len(score_lists[0]), dtype=np.float64)
    for scores, weight in zip(score_lists, weights, strict=True):
        fused += weight * normalise_scores(scores)
    return fused
