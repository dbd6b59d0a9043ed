"""One incrementally updated, persistent index of documents (profiles or demands).

:class:`DocumentIndex` keeps, per position: the item, its BM25 rows (:mod:`.sparse`), its vector
(:class:`.dense.VectorStore`), its declared disciplines and industries (two
:class:`.disciplines.DisciplineModel`)
and its filterable attributes (:class:`.filters.Attributes`). Positions only grow: adding appends,
removing leaves a tombstone (the position is dead, masked everywhere), updating is a removal plus
an append. :meth:`DocumentIndex.compact` drops the tombstones and renumbers, without encoding or
tokenising anything again; it runs by itself when more than ``compact_ratio`` of the positions
are dead.

A :class:`DocumentKind` says how an item type becomes fields, text, disciplines and attributes,
and how it is written to and read from JSON; profiles and demands are the two kinds.

:meth:`DocumentIndex.save` writes NumPy arrays (``.npy``, memory-mapped on load where possible),
the FAISS IVF index if there is one, the items as JSON lines and a ``meta.json`` with
:data:`FORMAT_VERSION`, into a temporary directory renamed over the target at the end, so a
crash never leaves a half-written index.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from techbridge.matching.dense import ANN_THRESHOLD, Encoder, VectorStore, encode_documents
from techbridge.matching.disciplines import DisciplineModel, DisciplineSettings
from techbridge.matching.filters import Attributes
from techbridge.matching.sparse import SparseIndex, select_rows, weights_of
from techbridge.matching.text import Tokeniser

FORMAT_VERSION = 2  # 2: industry model


class IndexFormatError(ValueError):
    """A saved index cannot be read (wrong version, other encoder, damaged files)."""


class DocumentKind(Protocol):
    """How one type of item (profile, demand) is indexed."""

    name: str

    def fields(self, item: Any) -> Mapping[str, str]: ...

    def text(self, item: Any) -> str: ...

    def disciplines(self, item: Any) -> Sequence[str]: ...

    def industries(self, item: Any) -> Sequence[str]: ...

    def words(self, item: Any) -> Iterable[str]: ...

    def attributes(self, item: Any) -> dict[str, Any]: ...

    def to_json(self, item: Any) -> dict[str, Any]: ...

    def from_json(self, row: Mapping[str, Any]) -> Any: ...


class DocumentIndex:
    """Items of one kind indexed for BM25, dense search, discipline agreement and filters."""

    def __init__(
        self,
        items: Sequence[Any],
        *,
        kind: DocumentKind,
        encoder: Encoder,
        tokeniser: Tokeniser,
        field_weights: Any,
        discipline_settings: DisciplineSettings,
        vectors: np.ndarray | Callable[[], np.ndarray] | None = None,
        ann_threshold: int = ANN_THRESHOLD,
        nprobe: int = 24,
        delta_limit: int = 20_000,
        compact_ratio: float = 0.25,
        words: Iterable[str] = (),
        tokens: Iterable[Mapping[str, Sequence[str]]] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Index ``items``.

        ``vectors`` (or a function returning them) skips encoding; ``tokens`` (one mapping of
        field → tokens per item, in order, possibly a lazy iterator) skips tokenising, for
        builds that cut text in other processes with the same dictionary.
        """
        say = progress or (lambda message: None)
        self.kind = kind
        self.encoder = encoder
        self.tokeniser = tokeniser
        self.field_weights = field_weights
        self.discipline_settings = discipline_settings
        self.compact_ratio = compact_ratio
        self.items: list[Any | None] = []
        self.positions: dict[str, int] = {}
        self.words: dict[str, None] = {}
        self.teach(words)
        self.teach(word for item in items for word in kind.words(item))
        say(f"BM25 rows of {len(items)} {kind.name}s")
        self.sparse = SparseIndex(
            (),
            tokeniser,
            weights=field_weights,
            fields_of=kind.fields,
            delta_limit=delta_limit,
        )
        if tokens is None:
            self.sparse.add_many(items)
        else:
            batch: list[Mapping[str, Sequence[str]]] = []
            for row in tokens:
                batch.append(row)
                if len(batch) == 4096:
                    self.sparse.add_tokens_batch(batch)
                    batch = []
            self.sparse.add_tokens_batch(batch)
            if self.sparse.size != len(items):
                raise ValueError(f"{self.sparse.size} token rows for {len(items)} items")
        self.sparse.merge_delta()
        if callable(vectors):
            # Encoding started elsewhere (other processes) and overlapped the BM25 rows.
            say(f"waiting for the vectors of {len(items)} {kind.name}s")
            vectors = vectors()
        if vectors is None:
            say(f"encoding {len(items)} {kind.name}s")
            vectors = encode_documents(encoder, [kind.text(item) for item in items])
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(items), encoder.dim)
        self.vectors = VectorStore(encoder.dim, vectors, ann_threshold=ann_threshold, nprobe=nprobe)
        self.disciplines = DisciplineModel(
            [kind.disciplines(item) for item in items], vectors, discipline_settings
        )
        self.industries = DisciplineModel(
            [kind.industries(item) for item in items],
            vectors,
            discipline_settings,
            prefix="industry",
        )
        self.attributes = Attributes()
        for position, item in enumerate(items):
            if item.id in self.positions:
                raise ValueError(f"duplicate id {item.id!r}")
            self.positions[item.id] = position
            self.items.append(item)
            self.attributes.add(**kind.attributes(item))
        if len(items) > ann_threshold:
            say(f"IVF index of {len(items)} vectors")
        self.vectors.build_ann(self.alive)

    # -- reading ---------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Positions, dead ones included."""
        return self.sparse.size

    @property
    def alive(self) -> np.ndarray:
        return self.sparse.alive.values

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def dead(self) -> int:
        """Removed positions not yet compacted away."""
        return self.size - len(self.positions)

    def __contains__(self, item_id: str) -> bool:
        return item_id in self.positions

    def live_items(self) -> list[Any]:
        return [item for item in self.items if item is not None]

    def positions_of(self, ids: Iterable[str]) -> np.ndarray:
        found = [self.positions[i] for i in ids if i in self.positions]
        return np.asarray(found, dtype=np.int64)

    def item(self, position: int) -> Any:
        """The live item at ``position``."""
        item = self.items[position]
        if item is None:
            raise KeyError(f"position {position} was removed")
        return item

    def get(self, item_id: str) -> Any | None:
        position = self.positions.get(item_id)
        return None if position is None else self.items[position]

    # -- changes ---------------------------------------------------------------------------

    def teach(self, words: Iterable[str]) -> None:
        """Add domain words to the tokeniser's dictionary (remembered for :meth:`save`)."""
        new = [w for w in dict.fromkeys(words) if w and w not in self.words]
        for word in new:
            self.words[word] = None
        self.tokeniser.add_words(new)

    def add(self, item: Any, *, vector: np.ndarray | None = None) -> None:
        """Add ``item``, or replace the item with the same id (an update)."""
        if item.id in self.positions:
            self._kill(self.positions.pop(item.id))
        self.teach(self.kind.words(item))
        if vector is None:
            vector = encode_documents(self.encoder, [self.kind.text(item)])[0]
        vector = np.asarray(vector, dtype=np.float32).reshape(1, self.encoder.dim)
        position = self.sparse.add(item)
        self.vectors.add(vector)
        self.disciplines.add([self.kind.disciplines(item)], vector)
        self.industries.add([self.kind.industries(item)], vector)
        self.attributes.add(**self.kind.attributes(item))
        self.items.append(item)
        self.positions[item.id] = position
        self._maybe_compact()

    def remove(self, item_id: str) -> bool:
        """Remove the item with ``item_id``; False when there is none."""
        position = self.positions.pop(item_id, None)
        if position is None:
            return False
        self._kill(position)
        self._maybe_compact()
        return True

    def _kill(self, position: int) -> None:
        self.sparse.remove(position)
        self.disciplines.remove(position, self.vectors.values[position])
        self.industries.remove(position, self.vectors.values[position])
        self.items[position] = None

    def _maybe_compact(self) -> None:
        dead = self.size - len(self.positions)
        if dead >= 64 and dead > self.compact_ratio * self.size:
            self.compact()

    def compact(self) -> None:
        """Drop dead positions and renumber; BM25 main lists and the IVF index are rebuilt."""
        live = np.flatnonzero(self.alive)
        vectors = np.asarray(self.vectors.values[live])
        self.sparse = select_rows(self.sparse, live)
        store = VectorStore(
            self.encoder.dim,
            vectors,
            ann_threshold=self.vectors.ann_threshold,
            nprobe=self.vectors.nprobe,
        )
        store.build_ann()
        self.vectors = store
        self.disciplines, self.industries = (
            DisciplineModel(
                [[model.names[c] for c in row if c >= 0] for row in model.labels_of(live)],
                vectors,
                self.discipline_settings,
                dim=self.encoder.dim,
                prefix=model.prefix,
            )
            for model in (self.disciplines, self.industries)
        )
        self.attributes = self.attributes.select(live)
        self.items = [self.items[p] for p in live]
        self.positions = {item.id: p for p, item in enumerate(self.items) if item is not None}

    # -- persistence -----------------------------------------------------------------------

    def save(self, directory: str | Path, *, extra: Mapping[str, Any] | None = None) -> None:
        """Write the index to ``directory`` atomically (temp directory, then rename)."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            sparse_meta, arrays = self.sparse.state()
            discipline_meta, discipline_arrays = self.disciplines.state()
            arrays.update(discipline_arrays)
            industry_meta, industry_arrays = self.industries.state()
            arrays.update(industry_arrays)
            arrays.update(self.attributes.arrays())
            for name, array in arrays.items():
                np.save(temporary / f"{name}.npy", np.ascontiguousarray(array))
            self.vectors.save(temporary)
            with open(temporary / "items.jsonl", "w", encoding="utf-8") as handle:
                for item in self.items:
                    row = None if item is None else self.kind.to_json(item)
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            meta = {
                "format_version": FORMAT_VERSION,
                "kind": self.kind.name,
                "encoder": {"class": type(self.encoder).__name__, "dim": self.encoder.dim},
                "size": self.size,
                "live": len(self),
                "words": list(self.words),
                "organisations": list(self.attributes.organisations),
                "sparse": sparse_meta,
                "disciplines": discipline_meta,
                "industries": industry_meta,
                "vectors": {
                    "ann_threshold": self.vectors.ann_threshold,
                    "nprobe": self.vectors.nprobe,
                },
                "compact_ratio": self.compact_ratio,
                **(extra or {}),
            }
            with open(temporary / "meta.json", "w", encoding="utf-8") as handle:
                json.dump(meta, handle, ensure_ascii=False)
            os.chmod(temporary, 0o755)
            previous = None
            if directory.exists():
                previous = directory.with_name(f".{directory.name}.previous-{os.getpid()}")
                os.rename(directory, previous)
            os.rename(temporary, directory)
            if previous is not None:
                shutil.rmtree(previous, ignore_errors=True)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise

    @staticmethod
    def read_meta(directory: str | Path) -> dict[str, Any]:
        path = Path(directory) / "meta.json"
        if not path.exists():
            raise IndexFormatError(f"{directory}: no index here (meta.json is missing)")
        with open(path, encoding="utf-8") as handle:
            meta = json.load(handle)
        if meta.get("format_version") != FORMAT_VERSION:
            raise IndexFormatError(
                f"{directory}: index format {meta.get('format_version')}, "
                f"this version reads {FORMAT_VERSION}; rebuild the index"
            )
        return meta

    @classmethod
    def load(
        cls,
        directory: str | Path,
        *,
        kind: DocumentKind,
        encoder: Encoder,
        tokeniser: Tokeniser,
        field_weights: Any,
        discipline_settings: DisciplineSettings,
        delta_limit: int = 20_000,
    ) -> DocumentIndex:
        directory = Path(directory)
        meta = cls.read_meta(directory)
        if meta["kind"] != kind.name:
            raise IndexFormatError(f"{directory}: an index of {meta['kind']}s, not {kind.name}s")
        if meta["encoder"]["dim"] != encoder.dim:
            raise IndexFormatError(
                f"{directory}: built with {meta['encoder']['class']} ({meta['encoder']['dim']} "
                f"dimensions), not {type(encoder).__name__} ({encoder.dim}); rebuild the index"
            )
        positive = {name: w for name, w in weights_of(field_weights).items() if w > 0}
        saved = {name: value["weight"] for name, value in meta["sparse"]["fields"].items()}
        if positive != saved:
            raise IndexFormatError(f"{directory}: built with other field weights; rebuild it")

        def array(name: str) -> np.ndarray:
            return np.load(directory / f"{name}.npy", mmap_mode="r")

        names = [p.name[: -len(".npy")] for p in directory.glob("*.npy") if p.name != "vectors.npy"]
        arrays = {name: array(name) for name in names}
        index = cls.__new__(cls)
        index.kind = kind
        index.encoder = encoder
        index.tokeniser = tokeniser
        index.field_weights = field_weights
        index.discipline_settings = discipline_settings
        index.compact_ratio = float(meta["compact_ratio"])
        index.words = {}
        index.teach(meta["words"])
        index.sparse = SparseIndex.from_state(
            meta["sparse"],
            arrays,
            tokeniser,
            weights=field_weights,
            fields_of=kind.fields,
            delta_limit=delta_limit,
        )
        index.vectors = VectorStore.load(
            directory,
            dim=encoder.dim,
            ann_threshold=meta["vectors"]["ann_threshold"],
            nprobe=meta["vectors"]["nprobe"],
        )
        index.disciplines = DisciplineModel.from_state(
            meta["disciplines"], arrays, discipline_settings, encoder.dim
        )
        index.industries = DisciplineModel.from_state(
            meta["industries"], arrays, discipline_settings, encoder.dim, prefix="industry"
        )
        index.attributes = Attributes.from_arrays(arrays, meta["organisations"])
        index.items = []
        index.positions = {}
        with open(directory / "items.jsonl", encoding="utf-8") as handle:
            for position, line in enumerate(handle):
                row = json.loads(line)
                item = None if row is None else kind.from_json(row)
                index.items.append(item)
                if item is not None:
                    index.positions[item.id] = position
        if len(index.items) != index.size or index.vectors.size != index.size:
            raise IndexFormatError(f"{directory}: files disagree on the number of items")
        return index
