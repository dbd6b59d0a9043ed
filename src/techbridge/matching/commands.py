"""``techbridge matching …``: measure the engine on an evaluation file (no Django needed)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from techbridge.matching.dataset import DatasetFormatError, load_dataset
from techbridge.matching.engine import METHODS
from techbridge.matching.text import Tokeniser

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.callback()
def matching() -> None:
    """The matching engine: evaluation (and later index builds and benchmarks)."""


@app.command("evaluate")
def evaluate_command(
    dataset: Annotated[
        Path, typer.Option("--dataset", help="Evaluation file (JSONL).", exists=True)
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object on stdout.")
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the first N queries.")
    ] = None,
    methods: Annotated[
        str, typer.Option("--methods", help=f"Comma-separated, from {', '.join(METHODS)}.")
    ] = "bm25,dense,hybrid",
    encoder_name: Annotated[
        str,
        typer.Option(
            "--encoder",
            help="use: USE multilingual (default); hashing: hashed tokens, no model.",
        ),
    ] = "use",
) -> None:
    """nDCG@10, Recall@10/50 and MRR of BM25, dense and hybrid matching on a dataset."""
    from techbridge.matching.dense import HashingEncoder, UniversalSentenceEncoder
    from techbridge.matching.evaluation import evaluate

    chosen = [m.strip() for m in methods.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in METHODS]
    if unknown or not chosen:
        raise typer.BadParameter(
            f"methods must be among {', '.join(METHODS)}", param_hint="--methods"
        )
    if encoder_name not in ("use", "hashing"):
        raise typer.BadParameter("expected use or hashing", param_hint="--encoder")
    errors = Console(stderr=True)
    started = time.perf_counter()

    def progress(message: str) -> None:
        errors.print(f"[dim]{time.perf_counter() - started:6.1f}s[/dim] {message}")

    try:
        data = load_dataset(dataset)
    except DatasetFormatError as error:
        errors.print(f"[red]{dataset}: {error}[/red]", soft_wrap=True)
        raise typer.Exit(code=2) from None
    progress(f"{len(data.profiles)} profiles, {len(data.queries)} queries")
    encoder = UniversalSentenceEncoder() if encoder_name == "use" else HashingEncoder(Tokeniser())
    run = evaluate(data, encoder=encoder, methods=chosen, limit=limit, progress=progress)
    progress(f"done: build {run.timings['build_s']}s, queries {run.timings['queries_s']}s")
    if as_json:
        sys.stdout.write(json.dumps(run.figures, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{dataset.name}: {run.profile_count} profiles, {run.query_count} queries")
    for column in ("method", "queries", "nDCG@10", "Recall@10", "Recall@50", "MRR"):
        table.add_column(column, justify="left" if column in ("method", "queries") else "right")
    for method, groups in run.figures.items():
        for group, figures in groups.items():
            table.add_row(
                method if group == "all" else "",
                group,
                *(f"{figures[m]:.3f}" for m in ("ndcg@10", "recall@10", "recall@50", "mrr")),
            )
        table.add_section()
    Console().print(table)


@app.command("bench")
def bench_command(
    sizes: Annotated[
        str, typer.Option("--sizes", help="Comma-separated pool sizes.")
    ] = "10000,100000,1000000",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object on stdout.")
    ] = False,
    encoder_name: Annotated[
        str, typer.Option("--encoder", help="use (default) or hashing (no model).")
    ] = "use",
    query_count: Annotated[int, typer.Option("--queries", min=1, help="Queries per size.")] = 200,
    processes: Annotated[
        int, typer.Option("--processes", min=1, help="Encoder processes while building.")
    ] = 2,
) -> None:
    """Index build time and size, memory and query latency on synthetic pools."""
    from techbridge.matching.bench import run_isolated

    try:
        pool_sizes = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter(
            "expected numbers like 10000,100000", param_hint="--sizes"
        ) from None
    if not pool_sizes or min(pool_sizes) < 1:
        raise typer.BadParameter("expected positive numbers", param_hint="--sizes")
    if encoder_name not in ("use", "hashing"):
        raise typer.BadParameter("expected use or hashing", param_hint="--encoder")
    errors = Console(stderr=True)
    started = time.perf_counter()

    def progress(message: str) -> None:
        errors.print(f"[dim]{time.perf_counter() - started:7.1f}s[/dim] {message}")

    figures = {}
    for size in pool_sizes:
        figures[str(size)] = run_isolated(
            size,
            encoder_name=encoder_name,
            query_count=query_count,
            processes=processes,
            progress=progress,
        )
        progress(f"{size}: {json.dumps(figures[str(size)])}")
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    table = Table(title=f"Synthetic pools, encoder {encoder_name}, {query_count} queries")
    for column in (
        "profiles",
        "build s",
        "index MB",
        "RSS MB",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "batch QPS",
    ):
        table.add_column(column, justify="right")
    for label, row in figures.items():
        table.add_row(
            label,
            str(row["build_s"]),
            str(row["index_mb"]),
            str(row["rss_mb"]),
            *(str(row["query_ms"][q]) for q in ("p50", "p95", "p99")),
            str(row["batch_qps"]),
        )
    Console().print(table)
