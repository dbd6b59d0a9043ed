"""Recognising a query's discipline from the talent pool itself, and agreement with it.

Nothing here is fitted on relevance judgements: the model is the pool's own profiles, each
labelled with the disciplines its researcher declared. Two views are blended into one
distribution over disciplines:

- centroids: the query vector's similarity to the mean vector of each discipline's profiles,
  turned into a distribution by a softmax (a nearest-centroid classifier);
- neighbours: the disciplines of the best-scoring profiles for this query, each weighted by a
  softmax of its fused retrieval score, so that one clear best match speaks loudly and a flat
  list of near-equals votes together (score-weighted k nearest neighbours, i.e. pseudo-relevance
  feedback).

A profile's agreement is the probability of its best-matching declared discipline relative to
the most probable one (1.0 = in the field the query most likely belongs to).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from techbridge.matching.dense import l2_normalise


@dataclass(frozen=True, slots=True)
class DisciplineSettings:
    """How the two views of a query's discipline are blended (see the module docstring)."""

    neighbour_count: int = 30
    neighbour_temperature: float = 0.1
    centroid_temperature: float = 0.05
    neighbour_share: float = 0.5
    # A discipline the demand states itself is the user's word, stronger than any guess.
    stated_share: float = 0.8


class DisciplineModel:
    """Per-discipline centroids and memberships of one pool of profiles."""

    def __init__(
        self,
        disciplines_of_profiles: Sequence[Sequence[str]],
        vectors: np.ndarray,
        settings: DisciplineSettings | None = None,
    ) -> None:
        self.settings = settings or DisciplineSettings()
        self.names: list[str] = sorted({d for names in disciplines_of_profiles for d in names})
        self._position = {name: i for i, name in enumerate(self.names)}
        rows, columns = [], []
        for row, names in enumerate(disciplines_of_profiles):
            for name in names:
                rows.append(row)
                columns.append(self._position[name])
        self._rows = np.asarray(rows, dtype=np.int64)
        self._columns = np.asarray(columns, dtype=np.int64)
        self.size = len(disciplines_of_profiles)
        sums = np.zeros((len(self.names), vectors.shape[1] if vectors.ndim == 2 else 0), np.float32)
        if len(self._rows):
            np.add.at(sums, self._columns, vectors[self._rows])
        self.centroids = l2_normalise(sums) if len(self.names) else sums

    def __len__(self) -> int:
        return len(self.names)

    def index_of(self, name: str) -> int | None:
        return self._position.get(name)

    def centroid_distribution(self, query_vector: np.ndarray) -> np.ndarray:
        similarities = self.centroids @ np.asarray(query_vector, dtype=np.float32)
        return _softmax(similarities, self.settings.centroid_temperature)

    def neighbour_distribution(self, positions: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Vote of the profiles at ``positions`` (pool order) with fused ``scores`` in [0, 1]."""
        count = min(self.settings.neighbour_count, len(positions))
        distribution = np.zeros(len(self.names), dtype=np.float64)
        if count == 0:
            return distribution
        best = np.argsort(-scores, kind="stable")[:count]
        weights = np.exp((scores[best] - scores[best[0]]) / self.settings.neighbour_temperature)
        profile_weight = dict(zip(positions[best].tolist(), weights.tolist(), strict=True))
        mask = np.isin(self._rows, positions[best])
        for row, column in zip(self._rows[mask], self._columns[mask], strict=True):
            distribution[column] += profile_weight[int(row)]
        total = distribution.sum()
        return distribution / total if total > 0 else distribution

    def predict(
        self,
        query_vector: np.ndarray,
        positions: np.ndarray,
        scores: np.ndarray,
        *,
        stated: str = "",
    ) -> np.ndarray:
        """Distribution over :attr:`names` for one query.

        ``positions``/``scores`` are the fused candidates; ``stated`` is a discipline the
        demand names itself, which then takes :attr:`DisciplineSettings.stated_share` of the mass.
        """
        if not self.names:
            return np.zeros(0)
        share = self.settings.neighbour_share
        neighbours = self.neighbour_distribution(positions, scores)
        if neighbours.sum() == 0:
            share = 0.0
        distribution = share * neighbours + (1 - share) * self.centroid_distribution(query_vector)
        position = self._position.get(stated)
        if position is not None:
            stated_share = self.settings.stated_share
            distribution = (1 - stated_share) * distribution
            distribution[position] += stated_share
        return distribution

    def agreement(self, distribution: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """For each profile at ``positions``: best declared discipline's probability / the max."""
        result = np.zeros(self.size, dtype=np.float64)
        if distribution.size == 0 or distribution.max() <= 0:
            return result[positions]
        relative = distribution / distribution.max()
        np.maximum.at(result, self._rows, relative[self._columns])
        return result[positions]


def _softmax(values: np.ndarray, temperature: float) -> np.ndarray:
    if values.size == 0:
        return values.astype(np.float64)
    shifted = (values - values.max()) / max(temperature, 1e-6)
    exponentials = np.exp(shifted.astype(np.float64))
    return exponentials / exponentials.sum()
