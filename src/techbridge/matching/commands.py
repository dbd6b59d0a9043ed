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
        errors.print(f"[red]{dataset}: {error}[/red]")
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
