"""BM25 over weighted document fields, updated in place: add and remove without a rebuild.

Keywords and achievement titles say what a researcher does in few words, so a term there counts
more than the same term in an abstract or a biography: each field is scored by BM25 with its own
length normalisation, and the field scores are added with weights.

Why not bm25s's index. bm25s precomputes each (document, term) score, which bakes the corpus
statistics (document frequencies, average length) into every stored number: adding one document
changes them all, so the index cannot grow. Here the index stores raw term frequencies and the
statistics are kept as running counts, so a query is scored with the statistics of the pool as it
is now; the result is the same number bm25s's default ("lucene") variant gives for a fresh index
over the same pool (a test checks it). Storage:

- per field, a document-major list of (term id, frequency) rows, appended as documents arrive
  (it is also what a removal needs to take the document's terms out of the counts);
- per field, a term-major *main* posting list built in bulk, plus a *delta* posting list over the
  documents added since, rebuilt lazily (a few milliseconds) when a query finds it out of date;
  :meth:`SparseIndex.merge_delta` folds the delta into the main list when it grows past
  ``delta_limit``. Removed documents stay in the posting lists until then; the caller masks them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

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


def weights_of(weights: Any) -> dict[str, float]:
    """Field name → weight, from a weights dataclass (:class:`FieldWeights`) or a mapping."""
    if isinstance(weights, Mapping):
        return {str(name): float(value) for name, value in weights.items()}
    return {spec.name: float(getattr(weights, spec.name)) for spec in fields(weights)}


def profile_fields(profile: Profile) -> dict[str, str]:
    """The text of each weighted field of a profile."""
    return {
        "keywords": " ; ".join(profile.keywords),
        "titles": " ; ".join(a.title for a in profile.achievements if a.title),
        "discipline": " ; ".join(profile.disciplines),
        "abstracts": " ; ".join(a.abstract for a in profile.achievements if a.abstract),
        "summary": profile.summary,
    }


class GrowableArray:
    """A 1-D NumPy buffer that appends in amortised constant time."""

    def __init__(self, dtype: Any, values: np.ndarray | None = None) -> None:
        values = np.zeros(0, dtype=dtype) if values is None else np.asarray(values, dtype=dtype)
        self._data = np.array(values, dtype=dtype, copy=True)
        if len(self._data) == 0:
            self._data = np.zeros(64, dtype=dtype)
        self.size = len(values)

    def extend(self, values: np.ndarray | Sequence[Any]) -> None:
        values = np.asarray(values, dtype=self._data.dtype)
        needed = self.size + len(values)
        if needed > len(self._data):
            grown = np.zeros(max(needed, 2 * len(self._data)), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : needed] = values
        self.size = needed

    def append(self, value: Any) -> None:
        self.extend([value])

    @property
    def values(self) -> np.ndarray:
        """The stored values (a view: valid until the next append)."""
        return self._data[: self.size]


def _postings(
    rows: np.ndarray, terms: np.ndarray, frequencies: np.ndarray, vocabulary_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Term-major (pointer, documents, frequencies) from document-major triples."""
    order = np.argsort(terms, kind="stable")
    counts = np.bincount(terms, minlength=vocabulary_size)
    pointer = np.zeros(vocabulary_size + 1, dtype=np.int64)
    np.cumsum(counts, out=pointer[1:])
    return pointer, rows[order].astype(np.int32), frequencies[order].astype(np.float32)


class _Field:
    """One field's frequencies, lengths and statistics."""

    def __init__(self, weight: float) -> None:
        self.weight = weight
        self.row_pointer = GrowableArray(np.int64, np.zeros(1, dtype=np.int64))
        self.row_terms = GrowableArray(np.int32)
        self.row_frequencies = GrowableArray(np.float32)
        self.lengths = GrowableArray(np.float32)
        self.document_frequency = GrowableArray(np.int64)
        self.total_length = 0.0
        # Term-major posting lists: main over rows [0, main_rows), delta over the rest.
        self.main_rows = 0
        self.main: tuple[np.ndarray, np.ndarray, np.ndarray] = (
            np.zeros(1, np.int64),
            np.zeros(0, np.int32),
            np.zeros(0, np.float32),
        )
        self.delta: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # The main lists' term-frequency components tf / (tf + k1 (1 − b + b·len/avg)), valid
        # for the statistics in ``component_key``: a loaded, unchanging index computes them once.
        self.components: np.ndarray | None = None
        self.component_key: tuple[float, ...] = ()

    def main_components(self, k1: float, b: float, average: float) -> np.ndarray:
        key = (k1, b, average, float(len(self.main[1])))
        if self.components is None or self.component_key != key:
            _, documents, tfs = self.main
            norm = k1 * ((1 - b) + b * self.lengths.values / average)
            self.components = (tfs / (tfs + norm[documents])).astype(np.float32)
            self.component_key = key
        return self.components

    def row(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        pointer = self.row_pointer.values
        start, end = int(pointer[position]), int(pointer[position + 1])
        return self.row_terms.values[start:end], self.row_frequencies.values[start:end]

    def entries(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Document-major (rows, terms, frequencies) of rows [first, last)."""
        pointer = self.row_pointer.values
        start, end = int(pointer[first]), int(pointer[last])
        rows = np.repeat(np.arange(first, last, dtype=np.int32), np.diff(pointer[first : last + 1]))
        return rows, self.row_terms.values[start:end], self.row_frequencies.values[start:end]


class SparseIndex:
    """Weighted BM25 scores of a query against every document position."""

    def __init__(
        self,
        profiles: Sequence[Profile] = (),
        tokeniser: Tokeniser | None = None,
        *,
        weights: Any = None,
        k1: float = 1.2,
        b: float = 0.75,
        fields_of: Callable[[Any], Mapping[str, str]] = profile_fields,
        delta_limit: int = 20_000,
    ) -> None:
        self.tokeniser = tokeniser or Tokeniser()
        self.weights = weights if weights is not None else FieldWeights()
        self.k1, self.b = k1, b
        self.fields_of = fields_of
        self.delta_limit = delta_limit
        self.vocabulary: dict[str, int] = {}
        self.size = 0
        self.alive = GrowableArray(np.bool_)
        self._live = 0
        self._fields = {
            name: _Field(weight) for name, weight in weights_of(self.weights).items() if weight > 0
        }
        if profiles:
            self.add_many(profiles)
            self.merge_delta()

    # -- changes ---------------------------------------------------------------------------

    @property
    def alive_count(self) -> int:
        return self._live

    def _term_ids(self, tokens: Iterable[str], *, grow: bool) -> dict[int, int]:
        counts: Counter[int] = Counter()
        for token in tokens:
            term = self.vocabulary.get(token)
            if term is None:
                if not grow:
                    continue
                term = self.vocabulary[token] = len(self.vocabulary)
            counts[term] += 1
        return counts

    def add_many(self, documents: Iterable[Any], *, batch_size: int = 4096) -> None:
        """Append documents at positions ``size``, ``size + 1``, …"""
        batch: list[dict[str, list[str]]] = []
        for document in documents:
            batch.append(
                {
                    name: self.tokeniser.tokenise(text)
                    for name, text in self.fields_of(document).items()
                    if name in self._fields
                }
            )
            if len(batch) >= batch_size:
                self.add_tokens_batch(batch)
                batch = []
        if batch:
            self.add_tokens_batch(batch)

    def add(self, document: Any) -> int:
        """Append one document; returns its position."""
        self.add_many([document])
        return self.size - 1

    def add_tokens(self, tokens_by_field: Mapping[str, Sequence[str]]) -> int:
        """Append a document already cut into tokens per field; returns its position."""
        self.add_tokens_batch([tokens_by_field])
        return self.size - 1

    def add_tokens_batch(self, batch: Sequence[Mapping[str, Sequence[str]]]) -> None:
        """Append documents already cut into tokens per field (one NumPy update per field)."""
        for name, field in self._fields.items():
            terms: list[int] = []
            frequencies: list[int] = []
            ends: list[int] = []
            lengths: list[int] = []
            for tokens_by_field in batch:
                counts = self._term_ids(tokens_by_field.get(name, ()), grow=True)
                terms.extend(counts.keys())
                frequencies.extend(counts.values())
                ends.append(len(terms))
                lengths.append(sum(counts.values()))
            start = field.row_terms.size
            term_array = np.asarray(terms, dtype=np.int32)
            field.row_terms.extend(term_array)
            field.row_frequencies.extend(np.asarray(frequencies, dtype=np.float32))
            field.row_pointer.extend(start + np.asarray(ends, dtype=np.int64))
            field.lengths.extend(np.asarray(lengths, dtype=np.float32))
            field.total_length += float(sum(lengths))
            field.delta = None
        for field in self._fields.values():
            shortfall = len(self.vocabulary) - field.document_frequency.size
            if shortfall > 0:
                field.document_frequency.extend(np.zeros(shortfall, dtype=np.int64))
            start = int(field.row_pointer.values[self.size])
            added = field.row_terms.values[start:]
            unique, occurrences = np.unique(added, return_counts=True)
            field.document_frequency.values[unique] += occurrences
        self.alive.extend(np.ones(len(batch), dtype=np.bool_))
        self.size += len(batch)
        self._live += len(batch)

    def remove(self, position: int) -> None:
        """Take the document at ``position`` out of the statistics (its row stays, masked)."""
        if not self.alive.values[position]:
            return
        self.alive.values[position] = False
        self._live -= 1
        for field in self._fields.values():
            terms, _ = field.row(position)
            field.document_frequency.values[terms] -= 1
            field.total_length -= float(field.lengths.values[position])

    def merge_delta(self) -> None:
        """Rebuild the main posting lists over every live row; the delta becomes empty."""
        alive = self.alive.values
        for field in self._fields.values():
            rows, terms, frequencies = field.entries(0, self.size)
            keep = alive[rows]
            field.main = _postings(rows[keep], terms[keep], frequencies[keep], len(self.vocabulary))
            field.main_rows = self.size
            field.delta = None

    def delta_rows(self) -> int:
        return min((self.size - f.main_rows for f in self._fields.values()), default=0)

    # -- scoring ---------------------------------------------------------------------------

    def term_ids(self, tokens: Sequence[str]) -> list[int]:
        """Distinct known terms of ``tokens``, in order."""
        return list(self._term_ids(dict.fromkeys(tokens), grow=False))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Weighted BM25 score of every position for the query's tokens (removed ones too)."""
        total = np.zeros(self.size, dtype=np.float32)
        terms = self.term_ids(query_tokens)
        count = self.alive_count
        if not terms or count == 0:
            return total
        if self.delta_rows() > self.delta_limit:
            self.merge_delta()
        for field in self._fields.values():
            if field.total_length <= 0:
                continue
            average = field.total_length / count
            lengths = field.lengths.values
            frequency = field.document_frequency.values
            if field.delta is None and field.main_rows < self.size:
                rows, row_terms, row_frequencies = field.entries(field.main_rows, self.size)
                field.delta = _postings(rows, row_terms, row_frequencies, len(self.vocabulary))
            components = field.main_components(self.k1, self.b, average)
            pointer, documents, _ = field.main
            for term in terms:
                if term >= len(frequency) or frequency[term] <= 0:
                    continue
                df = float(frequency[term])
                weight = np.float32(field.weight * math.log(1.0 + (count - df + 0.5) / (df + 0.5)))
                if term + 1 < len(pointer) and pointer[term] < pointer[term + 1]:
                    start, end = pointer[term], pointer[term + 1]
                    total[documents[start:end]] += weight * components[start:end]
                if field.delta is not None:
                    delta_pointer, delta_documents, delta_tfs = field.delta
                    if term + 1 < len(delta_pointer) and (
                        delta_pointer[term] < delta_pointer[term + 1]
                    ):
                        start, end = delta_pointer[term], delta_pointer[term + 1]
                        rows = delta_documents[start:end]
                        tf = delta_tfs[start:end]
                        norm = self.k1 * ((1 - self.b) + self.b * lengths[rows] / average)
                        total[rows] += weight * (tf / (tf + norm))
        return total

    def document_terms(self, position: int) -> set[int]:
        """Term ids of the document at ``position`` over all fields."""
        result: set[int] = set()
        for field in self._fields.values():
            result.update(field.row(position)[0].tolist())
        return result

    # -- persistence ----------------------------------------------------------------------

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """(JSON metadata, arrays) for saving; the delta is merged first."""
        self.merge_delta()
        arrays: dict[str, np.ndarray] = {"alive": self.alive.values}
        meta: dict[str, Any] = {
            "k1": self.k1,
            "b": self.b,
            "size": self.size,
            "vocabulary": list(self.vocabulary),
            "fields": {},
        }
        for name, field in self._fields.items():
            meta["fields"][name] = {"weight": field.weight, "total_length": field.total_length}
            pointer, documents, tfs = field.main
            arrays.update(
                {
                    f"{name}.row_pointer": field.row_pointer.values,
                    f"{name}.row_terms": field.row_terms.values,
                    f"{name}.row_frequencies": field.row_frequencies.values,
                    f"{name}.lengths": field.lengths.values,
                    f"{name}.document_frequency": field.document_frequency.values,
                    f"{name}.pointer": pointer,
                    f"{name}.documents": documents,
                    f"{name}.frequencies": tfs,
                }
            )
        return meta, arrays

    @classmethod
    def from_state(
        cls,
        meta: Mapping[str, Any],
        arrays: Mapping[str, np.ndarray],
        tokeniser: Tokeniser,
        *,
        weights: Any,
        fields_of: Callable[[Any], Mapping[str, str]],
        delta_limit: int = 20_000,
    ) -> SparseIndex:
        index = cls(
            (),
            tokeniser,
            weights=weights,
            k1=meta["k1"],
            b=meta["b"],
            fields_of=fields_of,
            delta_limit=delta_limit,
        )
        index.vocabulary = {term: i for i, term in enumerate(meta["vocabulary"])}
        index.size = int(meta["size"])
        index.alive = GrowableArray(np.bool_, arrays["alive"])
        index._live = int(index.alive.values.sum())
        for name, field in index._fields.items():
            saved = meta["fields"][name]
            field.total_length = float(saved["total_length"])
            field.row_pointer = GrowableArray(np.int64, arrays[f"{name}.row_pointer"])
            field.row_terms = GrowableArray(np.int32, arrays[f"{name}.row_terms"])
            field.row_frequencies = GrowableArray(np.float32, arrays[f"{name}.row_frequencies"])
            field.lengths = GrowableArray(np.float32, arrays[f"{name}.lengths"])
            field.document_frequency = GrowableArray(np.int64, arrays[f"{name}.document_frequency"])
            field.main = (
                np.asarray(arrays[f"{name}.pointer"]),
                np.asarray(arrays[f"{name}.documents"]),
                np.asarray(arrays[f"{name}.frequencies"]),
            )
            field.main_rows = index.size
            field.delta = None
        return index


def select_rows(index: SparseIndex, positions: np.ndarray) -> SparseIndex:
    """A new index holding only the documents at ``positions`` (renumbered 0…), merged."""
    positions = np.asarray(positions, dtype=np.int64)
    result = SparseIndex(
        (),
        index.tokeniser,
        weights=index.weights,
        k1=index.k1,
        b=index.b,
        fields_of=index.fields_of,
        delta_limit=index.delta_limit,
    )
    result.vocabulary = dict(index.vocabulary)
    result.size = len(positions)
    result.alive = GrowableArray(np.bool_, np.ones(len(positions), dtype=np.bool_))
    result._live = len(positions)
    for name, field in index._fields.items():
        target = result._fields[name]
        pointer = field.row_pointer.values
        counts = pointer[positions + 1] - pointer[positions]
        starts = pointer[positions]
        # Gather each kept row's entries without a Python loop over rows.
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        take = np.arange(int(counts.sum()), dtype=np.int64) + offsets
        terms = field.row_terms.values[take]
        target.row_terms = GrowableArray(np.int32, terms)
        target.row_frequencies = GrowableArray(np.float32, field.row_frequencies.values[take])
        target.row_pointer = GrowableArray(
            np.int64, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        )
        target.lengths = GrowableArray(np.float32, field.lengths.values[positions])
        target.total_length = float(target.lengths.values.sum(dtype=np.float64))
        target.document_frequency = GrowableArray(
            np.int64, np.bincount(terms, minlength=len(result.vocabulary))
        )
    result.merge_delta()
    return result
