"""The matching engine: researchers for a demand, ranked with reasons.

Build once over a pool of profiles; then each query is cut into terms (BM25 over weighted
fields), encoded (dense inner product), the two score lists are blended, the query's discipline
is recognised from the pool itself, and profiles that agree with it move up. Four methods are
exposed so each component can be measured alone: ``bm25``, ``dense``, ``fusion`` (blend
without re-ranking) and ``hybrid`` (the full engine as the platform uses it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from techbridge.matching.dense import Encoder, build_vector_index
from techbridge.matching.disciplines import DisciplineModel, DisciplineSettings
from techbridge.matching.explain import Evidence, collect_evidence, explanation_sentence
from techbridge.matching.fusion import normalise_scores
from techbridge.matching.model import Profile, Query
from techbridge.matching.sparse import FieldWeights, SparseIndex
from techbridge.matching.text import Tokeniser

METHODS = ("bm25", "dense", "fusion", "hybrid")


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """The few weights of the engine; the defaults are argued in docs/matching.md."""

    field_weights: FieldWeights = field(default_factory=FieldWeights)
    # Share of BM25 in the blend of min-max normalised scores; dense gets the rest.
    sparse_share: float = 0.5
    # How far agreement with the recognised discipline (0..1) lifts a profile's blended score.
    discipline_weight: float = 1.5
    disciplines: DisciplineSettings = field(default_factory=DisciplineSettings)
    # Up to this pool size every profile is scored; above it, the union of each retriever's
    # top ``candidate_count`` is.
    full_scoring_limit: int = 50_000
    candidate_count: int = 1000


@dataclass(frozen=True, slots=True)
class Match:
    """One recommended profile."""

    profile: Profile
    score: float
    evidence: Evidence | None = None
    explanation: str = ""


def profile_text(profile: Profile) -> str:
    """The text a profile is encoded from: what the researcher does, in their own words."""
    parts = [
        *profile.disciplines,
        *profile.keywords,
        *(a.title for a in profile.achievements if a.title),
    ]
    if profile.summary:
        parts.append(profile.summary)
    return "；".join(parts)


class MatchingEngine:
    """A pool of profiles indexed for sparse, dense and hybrid matching."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        *,
        encoder: Encoder,
        settings: EngineSettings | None = None,
        tokeniser: Tokeniser | None = None,
        vectors: np.ndarray | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Index ``profiles``; ``vectors`` skips encoding when they were encoded before."""
        self.profiles = list(profiles)
        self.settings = settings or EngineSettings()
        self.encoder = encoder
        self.tokeniser = tokeniser or Tokeniser()
        self.tokeniser.add_words(
            word for profile in self.profiles for word in (*profile.disciplines, *profile.keywords)
        )
        say = progress or (lambda message: None)
        say(f"BM25 index of {len(self.profiles)} profiles")
        self.sparse = SparseIndex(
            self.profiles, self.tokeniser, weights=self.settings.field_weights
        )
        if vectors is None:
            say(f"encoding {len(self.profiles)} profiles")
            vectors = encoder.encode([profile_text(p) for p in self.profiles])
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.vector_index = build_vector_index(self.vectors)
        self.discipline_model = DisciplineModel(
            [p.disciplines for p in self.profiles], self.vectors, self.settings.disciplines
        )

    def __len__(self) -> int:
        return len(self.profiles)

    def rank(self, query: Query, *, k: int = 10, method: str = "hybrid") -> list[Match]:
        """The best ``k`` profiles for ``query``, each with its evidence and a sentence."""
        vector = self.encoder.encode([query.text])[0]
        tokens = self.tokeniser.tokenise(query.text)
        positions, scores, distribution = self._score(query, tokens, vector, method)
        predicted = (
            dict(zip(self.discipline_model.names, distribution.tolist(), strict=True))
            if distribution is not None
            else None
        )
        matches = []
        terms = list(dict.fromkeys(tokens))
        for position, score in self._top(positions, scores, k):
            profile = self.profiles[position]
            evidence = collect_evidence(profile, terms, self.tokeniser, predicted=predicted)
            matches.append(Match(profile, score, evidence, explanation_sentence(evidence)))
        return matches

    def rank_ids(
        self,
        queries: Sequence[Query],
        *,
        k: int = 50,
        methods: Sequence[str] = ("bm25", "dense", "hybrid"),
        progress: Callable[[str], None] | None = None,
    ) -> dict[str, list[list[str]]]:
        """Ranked profile ids per method for many queries (encoded in one batch)."""
        for method in methods:
            if method not in METHODS:
                raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
        say = progress or (lambda message: None)
        say(f"encoding {len(queries)} queries")
        vectors = self.encoder.encode([query.text for query in queries])
        say(f"ranking {len(queries)} queries")
        result: dict[str, list[list[str]]] = {method: [] for method in methods}
        for query, vector in zip(queries, vectors, strict=True):
            tokens = self.tokeniser.tokenise(query.text)
            for method in methods:
                positions, scores, _ = self._score(query, tokens, vector, method)
                result[method].append(
                    [self.profiles[p].id for p, _ in self._top(positions, scores, k)]
                )
        return result

    def _candidates(self, sparse: np.ndarray, vector: np.ndarray) -> np.ndarray:
        if len(self.profiles) <= self.settings.full_scoring_limit:
            return np.arange(len(self.profiles))
        count = min(self.settings.candidate_count, len(self.profiles))
        top_sparse = np.argpartition(-sparse, count - 1)[:count]
        _, top_dense = self.vector_index.search(vector[None, :], count)
        return np.union1d(top_sparse, top_dense[0][top_dense[0] >= 0])

    def _score(
        self, query: Query, tokens: list[str], vector: np.ndarray, method: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(candidate positions, their scores, discipline distribution or None)."""
        sparse_all = self.sparse.scores(tokens)
        if method == "bm25":
            return np.arange(len(self.profiles)), sparse_all, None
        positions = self._candidates(sparse_all, vector)
        dense = self.vectors[positions] @ np.asarray(vector, dtype=np.float32)
        if method == "dense":
            return positions, dense, None
        share = self.settings.sparse_share
        blended = normalise_scores(
            share * normalise_scores(sparse_all[positions]) + (1 - share) * normalise_scores(dense)
        )
        if method == "fusion" or len(self.discipline_model) == 0:
            return positions, blended, None
        model = self.discipline_model
        distribution = model.predict(vector, positions, blended, stated=query.discipline)
        final = blended + self.settings.discipline_weight * model.agreement(distribution, positions)
        return positions, final, distribution

    @staticmethod
    def _top(positions: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        k = min(k, len(positions))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((positions[top], -scores[top]))]
        return [(int(positions[i]), float(scores[i])) for i in top]
