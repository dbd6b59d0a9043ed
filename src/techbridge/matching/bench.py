"""``techbridge matching bench``: build, save, load and query synthetic pools; measure it all.

For each size: profiles are generated (:mod:`.synthetic`, fixed seed) and indexed — encoding runs
in ``processes`` worker processes (one BLAS thread each) while the main process builds the BM25
rows, so both cores work; the index is saved (its size on disk is ``index_mb``) and loaded again,
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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from techbridge.matching.dense import Encoder, HashingEncoder, UniversalSentenceEncoder
from techbridge.matching.engine import MatchingEngine, profile_text
from techbridge.matching.filters import QueryContext, RankFilters
from techbridge.matching.synthetic import synthetic_profiles, synthetic_queries
from techbridge.matching.text import Tokeniser

_worker_encoder: Encoder | None = None


def make_encoder(name: str, *, threads: int = 2) -> Encoder:
    if name == "use":
        return UniversalSentenceEncoder(threads=threads)
    if name == "hashing":
        return HashingEncoder(Tokeniser())
    raise ValueError(f"unknown encoder {name!r}; expected use or hashing")


def _start_worker(name: str) -> None:
    global _worker_encoder
    _worker_encoder = make_encoder(name, threads=1)


def _encode_chunk(texts: list[str]) -> np.ndarray:
    assert _worker_encoder is not None
    return _worker_encoder.encode(texts)


def encode_in_processes(
    texts: Sequence[str], *, encoder_name: str, processes: int = 2, chunk: int = 2000
) -> Callable[[], np.ndarray]:
    """Start encoding ``texts`` in worker processes; the returned function waits for the rows."""
    context = multiprocessing.get_context("fork")
    pool = context.Pool(processes, initializer=_start_worker, initargs=(encoder_name,))
    chunks = [list(texts[i : i + chunk]) for i in range(0, len(texts), chunk)]
    pending = pool.map_async(_encode_chunk, chunks, chunksize=1)

    def wait() -> np.ndarray:
        try:
            parts = pending.get()
        finally:
            pool.close()
            pool.join()
        return np.vstack(parts) if parts else np.zeros((0, 0), np.float32)

    return wait


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
    say(f"{size}: generating profiles")
    profiles = list(synthetic_profiles(size))
    queries = synthetic_queries(query_count)
    started = time.perf_counter()
    vectors: Any = None
    if processes > 1:
        say(f"{size}: encoding in {processes} processes while BM25 rows are built")
        vectors = encode_in_processes(
            [profile_text(p) for p in profiles], encoder_name=encoder_name, processes=processes
        )
    engine = MatchingEngine(
        profiles, encoder=make_encoder(encoder_name), vectors=vectors, progress=say
    )
    build_s = time.perf_counter() - started
    say(f"{size}: built in {build_s:.1f}s; saving")
    root = Path(tempfile.mkdtemp(prefix="techbridge-bench-", dir=workdir))
    try:
        engine.save(root / "index")
        index_mb = directory_mb(root / "index")
        del engine, profiles, vectors
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
