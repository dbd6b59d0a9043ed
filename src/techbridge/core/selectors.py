"""The anonymous landing page's figures and latest demands. (A signed-in user's home page is
made of the panels the domain apps register: ``core.home``.)"""

from __future__ import annotations

from typing import Any

from techbridge.demands.models import Demand
from techbridge.demands.selectors import latest_public_teasers
from techbridge.talent.models import Researcher


def landing_context() -> dict[str, Any]:
    """The anonymous landing page: the programme's figures and the latest published demands,
    masked for the public (``demands.selectors.public_teaser``). A fixed handful of queries."""
    published = Demand.objects.filter(status=Demand.Status.PUBLISHED)
    demand_regions = published.values_list("region_id", flat=True).distinct()
    researcher_regions = Researcher.objects.values_list("region_id", flat=True).distinct()
    # A city is covered when a published demand or a researcher is placed in it or its counties.
    cities = {code[:4] for code in [*demand_regions, *researcher_regions] if code}
    return {
        "published_count": published.count(),
        "researcher_count": Researcher.objects.count(),
        "city_count": len(cities),
        "latest_demands": latest_public_teasers(),
    }
