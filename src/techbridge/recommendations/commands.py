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
