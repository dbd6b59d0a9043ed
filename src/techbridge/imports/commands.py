"""``techbridge import``: researchers and demands from a spreadsheet, and the blank templates.

The commands call ``imports.services`` as the web page does, acting as the user named by
``--as`` so the same permission rules apply. Progress goes to stderr, the error table to stdout;
the exit code is 1 when any row failed and 2 when the file was refused as a whole.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(no_args_is_help=True)


class Kind(StrEnum):
    researchers = "researchers"
    demands = "demands"


FileArgument = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="The .xlsx or .csv file."),
]
AsOption = Annotated[str, typer.Option("--as", help="Username of the account the import acts as.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Check every row, save nothing.")]


@app.command("researchers")
def researchers(
    file: FileArgument,
    unit: Annotated[int, typer.Option("--unit", help="Id of the dispatching unit.")],
    as_user: AsOption,
    dry_run: DryRunOption = False,
) -> None:
    """Import researchers into a dispatching unit."""
    _import(Kind.researchers, file, unit, as_user, dry_run)


@app.command("demands")
def demands(
    file: FileArgument,
    enterprise: Annotated[int, typer.Option("--enterprise", help="Id of the enterprise.")],
    as_user: AsOption,
    dry_run: DryRunOption = False,
) -> None:
    """Import demands (as drafts) for an enterprise."""
    _import(Kind.demands, file, enterprise, as_user, dry_run)


@app.command("template")
def template(
    kind: Annotated[Kind, typer.Argument(help="researchers or demands")],
    out: Annotated[Path, typer.Option("--out", help="Where to write it: a .xlsx or .csv file.")],
) -> None:
    """Write the blank import template (headers, an example row, and for xlsx a 说明 sheet)."""
    from techbridge.core.errors import TechBridgeError
    from techbridge.imports import services

    file_format = out.suffix.lower().lstrip(".")
    try:
        content = services.build_template(kind.value, file_format=file_format)
    except TechBridgeError as exc:
        Console(stderr=True).print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    out.write_bytes(content)
    Console(stderr=True).print(f"{out} ({len(content)} bytes)")


def _import(kind: Kind, file: Path, organisation_id: int, username: str, dry_run: bool) -> None:
    from techbridge.core.errors import TechBridgeError
    from techbridge.imports import selectors, services

    err = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    task = progress.add_task(f"{file.name}", total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    try:
        actor = selectors.active_user(username)
        organisation = selectors.organisation_by_id(organisation_id)
        with progress:
            run = services.run_import(
                kind=kind.value,
                actor=actor,
                organisation=organisation,
                file_name=file.name,
                content=file.read_bytes(),
                dry_run=dry_run,
                progress=advance,
            )
    except TechBridgeError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None

    out = Console()
    if run.errors:
        table = Table("Row", "Column", "Reason", title=f"{run.failed_rows} rows with errors")
        for error in run.errors:
            table.add_row(str(error["row"]), error["column"], error["message"])
        out.print(table)
    saved = (
        f"{run.valid_rows} valid (dry run, nothing saved)"
        if dry_run
        else (f"{run.saved_rows} saved")
    )
    out.print(f"{run.total_rows} rows: {saved}, {run.failed_rows} with errors. Run #{run.pk}.")
    if run.failed_rows:
        raise typer.Exit(1)
