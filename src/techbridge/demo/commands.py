"""``techbridge demo-data``: load the demo data set and print the demo accounts."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

from techbridge.core.progress import stage_progress


def demo_data(
    seed: int = typer.Option(42, help="Random seed; the same seed gives the same data."),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing when the database already holds organisations."
    ),
    reset: bool = typer.Option(False, "--reset", help="Delete earlier demo data first."),
    scale: float = typer.Option(
        1.0, help="Size factor: 1.0 gives about 320 enterprises, 2,100 researchers, 840 demands."
    ),
) -> None:
    """Build the demo data set: enterprises, researchers, demands and one account per role."""
    from techbridge.core.errors import TechBridgeError
    from techbridge.demo import builder

    # The account table must stay readable when stdout is a pipe or a narrow terminal (make demo).
    out = Console(width=max(Console().width, 120))
    err = Console(stderr=True)
    if if_empty and not reset and not builder.database_is_empty():
        out.print("The database already holds data; demo data not loaded (use --reset to rebuild).")
        return
    started = time.monotonic()
    with stage_progress(err) as report:
        try:
            result = builder.build_demo_data(seed=seed, scale=scale, reset=reset, report=report)
        except TechBridgeError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        # Index the pools now and save the snapshots, so the first recommendations page opens
        # them instead of encoding 2,100 profiles while the user waits.
        from techbridge.recommendations.services import rebuild_indexes

        rebuild_indexes(progress=report)
    counts = result.counts
    out.print(
        f"Demo data built in {time.monotonic() - started:.1f} s: {counts['enterprises']} "
        f"enterprises, {counts['researchers']} researchers ({counts['achievements']} "
        f"achievements, {counts['teams']} teams), {counts['demands']} demands, "
        f"{counts['users']} accounts; one dispatch round in progress with "
        f"{counts['dispatch_enterprise_applications']} enterprise applications, "
        f"{counts['dispatch_commissioner_applications']} commissioner applications and "
        f"{counts['dispatches']} dispatches; {counts['contacts']} invitations and expressions "
        "of interest in every state."
    )
    table = Table(title=f"Demo accounts (password: {builder.DEMO_PASSWORD})")
    for column in ("username", "password", "role", "organisation", "region"):
        table.add_column(column)
    for account in result.accounts:
        role = f"{account.role} (superuser)" if account.is_superuser else account.role
        table.add_row(
            account.username, builder.DEMO_PASSWORD, role, account.organisation, account.region
        )
    out.print(table)
    out.print("Every other demo enterprise has a contact account ent0002 … with the same password.")
