"""``techbridge demo-data``."""

import typer


def demo_data(seed: int = typer.Option(42, help="Random seed.")) -> None:
    """Build the demo data set (not yet written)."""
    raise typer.Exit(1)
