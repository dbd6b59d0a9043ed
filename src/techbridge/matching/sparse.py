"""BM25 over profile fields, each field weighted (BM25 per field, scores added with weights).

Keywords and achievement titles say what a researcher does in few words, so a term there counts
more than the same term in an abstract or a biography. One bm25s index per field keeps each
field's length normalisation to its own kind of text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import bm25s
import numpy as np

from techbridge.matching.model import Profile
from techbridge.matching.text import Tokeniser


@dataclass(frozen=True, slots=True)
class FieldWeights:
    """How much a term match in each profile field counts."""

    keywords: float = 3.0
    titles: float = 2.0
    discipline: float = 1.0
    abstracts: float = 1.0
    summary: float = 0.5


def profile_fields(profile: Profile) -> dict[str, str]:
    """The text of each weighted field of a profile."""
    return {
        "keywords": " ; ".join(profile.keywords),
        "titles": " ; ".join(a.title for a in profile.achievements if a.title),
        "discipline": " ; ".join(profile.disciplines),
        "abstracts": " ; ".join(a.abstract for a in profile.achievements if a.abstract),
        "summary": profile.summary,
    }


class SparseIndex:
    """BM25 scores of a query against every profile of a pool, fields weighted."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        tokeniser: Tokeniser,
        *,
        weights: FieldWeights | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.tokeniser = tokeniser
        self.weights = weights or FieldWeights()
        self.size = len(profiles)
        self._indexes: list[tuple[float, bm25s.BM25]] = []
        texts = [profile_fields(profile) for profile in profiles]
        for spec in fields(FieldWeights):
            weight = getattr(self.weights, spec.name)
            corpus = [tokeniser.tokenise(text[spec.name]) for text in texts]
            if weight <= 0 or not any(corpus):
                continue
            index = bm25s.BM25(k1=k1, b=b)
            index.index(corpus, show_progress=False)
            self._indexes.append((weight, index))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Weighted BM25 score of every profile (in pool order) for the query's tokens."""
        total = np.zeros(self.size, dtype=np.float32)
        terms = list(dict.fromkeys(query_tokens))
        if not terms:
            return total
        for weight, index in self._indexes:
            known = [term for term in terms if term in index.vocab_dict]
            if known:
                total += weight * index.get_scores(known)
        return total
