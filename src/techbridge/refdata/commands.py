"""Command-line tasks of the refdata app, mounted by ``techbridge.cli`` as ``techbridge refdata``:
``load`` re-runs the loader of the data migration, ``show`` lists a code table."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)


class Table(StrEnum):
    regions = "regions"
    industries = "industries"
    disciplines = "disciplines"


@app.command("load")
def load() -> None:
    """Create or update regions, industries and disciplines from the bundled standards."""
    from techbridge.refdata.services import load_reference_data

    counts = load_reference_data()
    for key, value in counts.items():
        typer.echo(f"{key}: {value}")


@app.command("show")
def show(
    table: Annotated[Table, typer.Argument(help="The code table to list.")],
    parent: Annotated[
        str | None,
        typer.Option("--parent", help="List the children of this code instead of the top level."),
    ] = None,
) -> None:
    """List provinces, industry sections or disciplines, or the children of --parent."""
    from techbridge.core.errors import TechBridgeError
    from techbridge.refdata.selectors import code_rows

    try:
        rows = list(code_rows(table.value, parent_code=parent))
    except TechBridgeError as error:
        typer.echo(error.message, err=True)
        raise typer.Exit(1) from error
    for row in rows:
        typer.echo(f"{row.code}\t{row.name}")
