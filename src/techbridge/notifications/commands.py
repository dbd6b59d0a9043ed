"""``techbridge notifications send-digests``: send today's e-mail digests now (what the Celery
beat schedule does every morning); safe to run more than once a day."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("send-digests")
def send_digests() -> None:
    """E-mail each user their waiting notifications, at most one digest per user per day."""
    from techbridge.notifications.services import send_daily_digests

    sent = send_daily_digests()
    typer.echo(f"{sent} digest(s) sent.")
