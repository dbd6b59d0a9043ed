"""Command-line tasks of the imports app, mounted by ``techbridge.cli``."""

import typer

app = typer.Typer(no_args_is_help=True)
