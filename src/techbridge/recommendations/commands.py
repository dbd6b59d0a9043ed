"""``techbridge recommend …``: rebuild the matching indexes, try the recommendations of a demand."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from techbridge.core.progress import stage_progress

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.callback()
def recommend() -> None:
    """Recommendations: the matching indexes of the platform and what they recommend."""


@app.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the researcher and demand indexes from the database (vectors of unchanged rows
    are copied from the snapshot under MATCHING_INDEX_DIR, only changed ones are encoded)."""
    from techbridge.recommendations import services

    with stage_progress() as report:
        rebuilt = services.rebuild_indexes(progress=report)
    for pool, counts in rebuilt.items():
        typer.echo(f"{pool}: {counts.size} ({counts.reused} vectors reused)")


@app.command("for-demand")
def for_demand_command(
    demand_id: Annotated[int, typer.Argument(help="The demand's id.")],
    scope: Annotated[str, typer.Option(help="local, province or national.")] = "national",
    k: Annotated[int, typer.Option(min=1, max=100, help="How many researchers.")] = 10,
) -> None:
    """The researchers recommended for a demand, with their reasons (operator's view)."""
    from techbridge.core.errors import TechBridgeError
    from techbridge.demands.models import Demand
    from techbridge.recommendations import services

    demand = services.demand_for_operator(demand_id=demand_id)
    if demand is None:
        typer.echo(f"No demand {demand_id}.", err=True)
        raise typer.Exit(1)
    try:
        rows = services.rank_researchers_for_demand(demand=demand, scope=scope, k=k)
    except TechBridgeError as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(2) from error
    table = Table(title=f"{demand.title} ({Demand.Status(demand.status).label})")
    for column in ("#", "researcher", "unit", "score", "reason"):
        table.add_column(column)
    for rank, row in enumerate(rows, 1):
        table.add_row(
            str(rank),
            f"{row.researcher.name} ({row.researcher.pk})",
            row.researcher.unit.name,
            f"{row.score:.3f}",
            row.reasons.sentence,
        )
    Console(width=200).print(table)


@app.command("bench-panel")
def bench_panel_command(
    demands: Annotated[int, typer.Option(min=1, help="How many demands (each in 3 scopes).")] = 20,
    role: Annotated[str, typer.Option(help="Measure as a 'city' bureau or 'enterprise' user.")] = (
        "city"
    ),
    user: Annotated[str | None, typer.Option(help="Measure as this user name instead.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Time the recommendation panel of demand pages on the current database: cold (computed)
    and warm (cached), p50/p95/p99 in milliseconds."""
    import json

    from techbridge.recommendations import benchmark

    if role not in benchmark.ROLES:
        typer.echo("--role must be 'city' or 'enterprise'.", err=True)
        raise typer.Exit(2)
    try:
        result = benchmark.bench_demand_panel(demands=demands, role=role, username=user)
    except LookupError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    typer.echo(
        f"{result.demands} demands × 3 scopes as {result.username}; "
        f"first request (opens the engine) {result.first_ms:.0f} ms"
    )
    for name, row in (("cold", result.cold), ("warm", result.warm)):
        typer.echo(
            f"{name:5} n={row.count:<4} p50 {row.p50:7.1f} ms  p95 {row.p95:7.1f} ms  "
            f"p99 {row.p99:7.1f} ms  max {row.max:7.1f} ms"
        )
