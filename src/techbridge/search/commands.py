"""``techbridge search reindex``: rebuild the full-text index of demands and researchers."""

from __future__ import annotations

import typer
from rich.progress import track

app = typer.Typer(no_args_is_help=True)


@app.command("reindex")
def reindex() -> None:
    """Rebuild the search terms of every demand and researcher."""
    from techbridge.demands.models import Demand
    from techbridge.demands.services import reindex as reindex_demand
    from techbridge.talent.models import Researcher
    from techbridge.talent.services import reindex as reindex_researcher

    demands = Demand.objects.select_related("industry", "enterprise").prefetch_related(
        "disciplines"
    )
    for demand in track(demands, total=demands.count(), description="demands"):
        reindex_demand(demand)
    researchers = Researcher.objects.select_related("unit").prefetch_related(
        "disciplines", "industries", "achievements"
    )
    for researcher in track(researchers, total=researchers.count(), description="researchers"):
        reindex_researcher(researcher)
