"""``techbridge assignment …``: the two-way selection solvers from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.callback()
def assignment() -> None:
    """Two-way selection: stable and score-maximising assignment of commissioners."""


@app.command("bench")
def bench_command(
    enterprises: Annotated[int, typer.Option("--enterprises", min=1)] = 10_000,
    researchers: Annotated[int, typer.Option("--researchers", min=1)] = 20_000,
    prefs: Annotated[
        int, typer.Option("--prefs", min=1, help="Enterprises each researcher applies to.")
    ] = 20,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    quotas: Annotated[
        bool, typer.Option("--quotas/--no-quotas", help="City and unit quotas.")
    ] = True,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Count blocking pairs of the result.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Time both solvers on a random round (generation, stable, optimal, peak memory)."""
    from techbridge.matching.assignment_bench import run_benchmark

    report = run_benchmark(
        enterprises=enterprises,
        researchers=researchers,
        prefs=prefs,
        seed=seed,
        quotas=quotas,
        check=check,
    )
    if as_json:
        typer.echo(json.dumps(report))
        return
    table = Table(title="Two-way selection benchmark", show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in report.items():
        table.add_row(key, str(value))
    Console().print(table)
