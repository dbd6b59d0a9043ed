"""``techbridge contacts expire``: expire the open contacts past their date now (what the Celery
beat schedule does every hour); safe to run at any time."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("expire")
def expire() -> None:
    """Expire every invitation or expression of interest left unanswered past its date."""
    from techbridge.contacts.services import expire_overdue

    count = expire_overdue()
    typer.echo(f"{count} contact(s) expired.")
