"""``techbridge matching bench``: build, save, load and query synthetic pools; measure it all.

For each size: profiles are generated (:mod:`.synthetic`, fixed seed) and indexed — cutting the
texts and encoding run in ``processes`` worker processes (one BLAS thread each) while the main
process turns their tokens into BM25 rows, so both cores work; the index is saved (its size on
disk is ``index_mb``) and loaded again,
and the queries run against the loaded engine, as they would after a restart:

- ``query_ms``: p50/p95/p99 of single ``rank(query, k=20)`` calls (encoding, BM25, ANN, fusion,
  re-ranking and the explanations of the 20 matches) with the default hard filters;
- ``batch_qps``: queries per second when a batch is encoded at once and ranked (ids only);
- ``rss_mb``: resident memory of the process after the queries (memory-mapped files count as far
  as they were touched); ``build_s``: generation excluded, encoding and indexing included.
"""

from __future__ import annotations

import gc
import multiprocessing
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from techbridge.matching.dense import (
    Encoder,
    HashingEncoder,
    UniversalSentenceEncoder,
    encode_documents,
    limit_blas_threads,
)
from techbridge.matching.engine import EngineSettings, MatchingEngine, profile_text
from techbridge.matching.filters import QueryContext, RankFilters
from techbridge.matching.model import Profile
from techbridge.matching.sparse import profile_fields, weights_of
from techbridge.matching.synthetic import synthetic_profiles, synthetic_queries
from techbridge.matching.text import Tokeniser

_worker_encoder: Encoder | None = None
# Set before the worker processes fork, so they inherit them without pickling.
_shared: dict[str, Any] = {}
_SEPARATOR = "\x1f"


def make_encoder(name: str, *, threads: int = 1) -> Encoder:
    if name == "use":
        return UniversalSentenceEncoder(threads=threads)
    if name == "hashing":
        return HashingEncoder(Tokeniser())
    raise ValueError(f"unknown encoder {name!r}; expected use or hashing")


def _start_worker(name: str) -> None:
    global _worker_encoder
    limit_blas_threads(1)
    _worker_encoder = make_encoder(name, threads=1)


def _prepare_chunk(bounds: tuple[int, int]) -> tuple[np.ndarray, list[list[str]]]:
    """Vectors and field tokens (joined, cheaper to pickle) of profiles[start:end]."""
    assert _worker_encoder is not None
    profiles: list[Profile] = _shared["profiles"][bounds[0] : bounds[1]]
    tokeniser: Tokeniser = _shared["tokeniser"]
    names: list[str] = _shared["fields"]
    rows = []
    for profile in profiles:
        texts = profile_fields(profile)
        rows.append([_SEPARATOR.join(tokeniser.tokenise(texts[name])) for name in names])
    documents = [profile_text(p) for p in profiles]
    return encode_documents(_worker_encoder, documents), rows


def build_in_processes(
    profiles: list[Profile],
    *,
    encoder_name: str,
    processes: int = 2,
    chunk: int = 2000,
    progress: Callable[[str], None] | None = None,
) -> MatchingEngine:
    """Build an engine with tokenising and encoding spread over ``processes`` processes.

    Workers cut the fields with a copy of the engine's dictionary (taught before they fork)
    and encode; the main process turns their tokens into BM25 rows as the chunks arrive.
    """
    say = progress or (lambda message: None)
    tokeniser = Tokeniser()
    tokeniser.add_words(dict.fromkeys(w for p in profiles for w in (*p.disciplines, *p.keywords)))
    names = [n for n, w in weights_of(EngineSettings().field_weights).items() if w > 0]
    _shared.update(profiles=profiles, tokeniser=tokeniser, fields=names)
    context = multiprocessing.get_context("fork")
    pool = context.Pool(processes, initializer=_start_worker, initargs=(encoder_name,))
    bounds = [(i, min(i + chunk, len(profiles))) for i in range(0, len(profiles), chunk)]
    vector_parts: list[np.ndarray] = []

    def token_rows() -> Iterator[dict[str, list[str]]]:
        for done, (vectors, rows) in enumerate(pool.imap(_prepare_chunk, bounds), start=1):
            vector_parts.append(vectors)
            if done % 50 == 0:
                say(f"{done * chunk} profiles cut and encoded")
            for row in rows:
                yield {
                    name: row[i].split(_SEPARATOR) if row[i] else [] for i, name in enumerate(names)
                }

    try:
        return MatchingEngine(
            profiles,
            encoder=make_encoder(encoder_name),
            tokeniser=tokeniser,
            tokens=token_rows(),
            vectors=lambda: np.vstack(vector_parts),
            progress=say,
        )
    finally:
        pool.close()
        pool.join()
        _shared.clear()


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def directory_mb(directory: Path) -> float:
    return round(sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 2**20, 1)


def percentile(values: Sequence[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 2)


def run_size(
    size: int,
    *,
    encoder_name: str = "use",
    query_count: int = 200,
    processes: int = 2,
    workdir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build, save, load and query a synthetic pool of ``size`` profiles."""
    say = progress or (lambda message: None)
    # As a web worker should run (OPENBLAS_NUM_THREADS=1): BLAS threads that busy-wait on a
    # shared 2-core machine cost far more than they bring to one query's small products.
    limit_blas_threads(1)
    say(f"{size}: generating profiles")
    profiles = list(synthetic_profiles(size))
    queries = synthetic_queries(query_count)
    started = time.perf_counter()
    if processes > 1:
        say(f"{size}: cutting and encoding in {processes} processes")
        engine = build_in_processes(
            profiles, encoder_name=encoder_name, processes=processes, progress=say
        )
    else:
        engine = MatchingEngine(profiles, encoder=make_encoder(encoder_name), progress=say)
    build_s = time.perf_counter() - started
    say(f"{size}: built in {build_s:.1f}s; saving")
    root = Path(tempfile.mkdtemp(prefix="techbridge-bench-", dir=workdir))
    try:
        engine.save(root / "index")
        index_mb = directory_mb(root / "index")
        del engine, profiles
        gc.collect()
        say(f"{size}: loading")
        engine = MatchingEngine.load(root / "index", encoder=make_encoder(encoder_name))
        engine.rank(queries[0], k=20)
        say(f"{size}: {len(queries)} single queries")
        latencies = []
        for query in queries:
            began = time.perf_counter()
            engine.rank(query, k=20, filters=RankFilters(), context=QueryContext())
            latencies.append((time.perf_counter() - began) * 1000)
        say(f"{size}: batch of {len(queries)} queries")
        began = time.perf_counter()
        engine.rank_ids(queries, k=20, methods=("hybrid",))
        batch_qps = len(queries) / (time.perf_counter() - began)
        return {
            "build_s": round(build_s, 1),
            "index_mb": index_mb,
            "rss_mb": rss_mb(),
            "query_ms": {
                "p50": percentile(latencies, 50),
                "p95": percentile(latencies, 95),
                "p99": percentile(latencies, 99),
            },
            "batch_qps": round(batch_qps, 1),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _child(size: int, options: dict[str, Any], results: Any) -> None:
    try:
        results.put(("ok", run_size(size, **options)))
    except BaseException as error:  # reported by the parent
        results.put(("error", f"{type(error).__name__}: {error}"))


def run_isolated(size: int, **options: Any) -> dict[str, Any]:
    """:func:`run_size` in a fresh process, so each size's memory is its own."""
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    child = context.Process(target=_child, args=(size, options, results))
    child.start()
    status, value = results.get()
    child.join()
    if status != "ok":
        raise RuntimeError(f"benchmark of {size} profiles failed: {value}")
    return value
