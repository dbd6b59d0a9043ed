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

The model knows nothing of disciplines beyond the labels it is given: the engine keeps a second
one over the industries profiles serve (GB/T 4754), recognising a demand's industry the same way.
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
    """Per-discipline centroids and memberships of one pool, updated as profiles come and go.

    Centroids are kept as running sums of member vectors (float64), so adding or removing a
    profile costs one vector addition; a discipline whose last profile left takes no mass.
    """

    def __init__(
        self,
        disciplines_of_profiles: Sequence[Sequence[str]],
        vectors: np.ndarray,
        settings: DisciplineSettings | None = None,
        *,
        dim: int | None = None,
        prefix: str = "discipline",
    ) -> None:
        self.settings = settings or DisciplineSettings()
        self.prefix = prefix  # of its arrays' names when saved
        self.dim = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else (dim or 0)
        self.names: list[str] = sorted({d for names in disciplines_of_profiles for d in names})
        self._position = {name: i for i, name in enumerate(self.names)}
        self._counts = np.zeros(len(self.names), dtype=np.int64)
        self._sums = np.zeros((len(self.names), self.dim), dtype=np.float64)
        width = max((len(names) for names in disciplines_of_profiles), default=1)
        self._labels = np.full((len(disciplines_of_profiles), max(width, 1)), -1, dtype=np.int32)
        self.size = 0
        self._centroids: np.ndarray | None = None
        self.add(disciplines_of_profiles, vectors)

    def __len__(self) -> int:
        return len(self.names)

    def index_of(self, name: str) -> int | None:
        return self._position.get(name)

    def add(self, disciplines_of_profiles: Sequence[Sequence[str]], vectors: np.ndarray) -> None:
        """Append profiles at positions ``size``, ``size + 1``, …"""
        count = len(disciplines_of_profiles)
        if count == 0:
            return
        for names in disciplines_of_profiles:
            for name in names:
                if name not in self._position:
                    self._position[name] = len(self.names)
                    self.names.append(name)
        grow = len(self.names) - len(self._counts)
        if grow > 0:
            self._counts = np.concatenate([self._counts, np.zeros(grow, dtype=np.int64)])
            self._sums = np.vstack([self._sums, np.zeros((grow, self.dim), dtype=np.float64)])
        width = max(self._labels.shape[1], *(len(names) for names in disciplines_of_profiles))
        needed = self.size + count
        if needed > len(self._labels) or width > self._labels.shape[1]:
            grown = np.full((max(needed, 2 * len(self._labels)), width), -1, dtype=np.int32)
            grown[: self.size, : self._labels.shape[1]] = self._labels[: self.size]
            self._labels = grown
        rows, columns = [], []
        for offset, names in enumerate(disciplines_of_profiles):
            for slot, name in enumerate(dict.fromkeys(names)):
                column = self._position[name]
                self._labels[self.size + offset, slot] = column
                rows.append(offset)
                columns.append(column)
        if rows:
            row_array = np.asarray(rows, dtype=np.int64)
            column_array = np.asarray(columns, dtype=np.int64)
            np.add.at(self._counts, column_array, 1)
            if self.dim:
                np.add.at(self._sums, column_array, np.asarray(vectors, np.float64)[row_array])
        self.size = needed
        self._centroids = None

    def remove(self, position: int, vector: np.ndarray) -> None:
        """Take the profile at ``position`` out of its disciplines."""
        columns = self._labels[position][self._labels[position] >= 0]
        if len(columns) == 0:
            return
        self._counts[columns] -= 1
        if self.dim:
            self._sums[columns] -= np.asarray(vector, dtype=np.float64)
            self._sums[columns[self._counts[columns] == 0]] = 0.0
        self._labels[position] = -1
        self._centroids = None

    @property
    def centroids(self) -> np.ndarray:
        if self._centroids is None:
            self._centroids = l2_normalise(self._sums.astype(np.float32))
        return self._centroids

    def labels_of(self, positions: np.ndarray) -> np.ndarray:
        """(len(positions), width) discipline columns, −1 padded."""
        return self._labels[np.asarray(positions, dtype=np.int64)]

    def centroid_distribution(self, query_vector: np.ndarray) -> np.ndarray:
        similarities = self.centroids @ np.asarray(query_vector, dtype=np.float32)
        similarities = np.where(self._counts > 0, similarities, -np.inf)
        return _softmax(similarities, self.settings.centroid_temperature)

    def neighbour_distribution(self, positions: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Vote of the profiles at ``positions`` (pool order) with fused ``scores`` in [0, 1]."""
        count = min(self.settings.neighbour_count, len(positions))
        distribution = np.zeros(len(self.names), dtype=np.float64)
        if count == 0:
            return distribution
        best = np.argsort(-scores, kind="stable")[:count]
        weights = np.exp((scores[best] - scores[best[0]]) / self.settings.neighbour_temperature)
        labels = self.labels_of(positions[best])
        voters = np.broadcast_to(weights[:, None], labels.shape)
        valid = labels >= 0
        np.add.at(distribution, labels[valid], voters[valid])
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
        if not self.names or not (self._counts > 0).any():
            return np.zeros(len(self.names))
        share = self.settings.neighbour_share
        neighbours = self.neighbour_distribution(positions, scores)
        if neighbours.sum() == 0:
            share = 0.0
        distribution = share * neighbours + (1 - share) * self.centroid_distribution(query_vector)
        position = self._position.get(stated)
        if position is not None and self._counts[position] > 0:
            stated_share = self.settings.stated_share
            distribution = (1 - stated_share) * distribution
            distribution[position] += stated_share
        return distribution

    def agreement(self, distribution: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """For each profile at ``positions``: best declared discipline's probability / the max."""
        if distribution.size == 0 or distribution.max() <= 0:
            return np.zeros(len(positions), dtype=np.float64)
        relative = np.append(distribution / distribution.max(), 0.0)
        labels = self.labels_of(positions)
        # −1 (no discipline) picks the appended 0.
        return relative[labels].max(axis=1) if labels.shape[1] else np.zeros(len(positions))

    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        return (
            {"names": self.names, "size": self.size},
            {
                f"{self.prefix}.counts": self._counts,
                f"{self.prefix}.sums": self._sums,
                f"{self.prefix}.labels": self._labels[: self.size],
            },
        )

    @classmethod
    def from_state(
        cls,
        meta: dict,
        arrays: dict[str, np.ndarray],
        settings: DisciplineSettings,
        dim: int,
        *,
        prefix: str = "discipline",
    ) -> DisciplineModel:
        model = cls([], np.zeros((0, dim), np.float32), settings, dim=dim, prefix=prefix)
        model.names = list(meta["names"])
        model._position = {name: i for i, name in enumerate(model.names)}
        model._counts = np.array(arrays[f"{prefix}.counts"], dtype=np.int64)
        model._sums = np.array(arrays[f"{prefix}.sums"], dtype=np.float64).reshape(-1, dim)
        model._labels = np.array(arrays[f"{prefix}.labels"], dtype=np.int32)
        if model._labels.ndim != 2 or model._labels.shape[1] == 0:
            model._labels = np.full((int(meta["size"]), 1), -1, dtype=np.int32)
        model.size = int(meta["size"])
        return model


def _softmax(values: np.ndarray, temperature: float) -> np.ndarray:
    if values.size == 0:
        return values.astype(np.float64)
    shifted = (values - values.max()) / max(temperature, 1e-6)
    exponentials = np.exp(shifted.astype(np.float64))
    return exponentials / exponentials.sum()
