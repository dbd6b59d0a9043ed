"""``techbridge recommend bench-panel``: how fast the recommendation panel of a demand page
answers on the current database, cold (computed) and warm (from the cache), measured through
Django's test client as a city bureau or an enterprise user would load it. A benchmark prints
figures; it is not a test."""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.test import Client
from django.urls import reverse

from techbridge.accounts.models import Role, User
from techbridge.demands.models import Demand
from techbridge.recommendations import selectors, services

ROLES = {"city": Role.CITY_BUREAU, "enterprise": Role.ENTERPRISE}
# Users and demands looked at when choosing whom to measure as (bounded on a large database).
USERS_TRIED = 50
DEMANDS_TRIED = 500


@dataclass
class Figures:
    count: int
    p50: float
    p95: float
    p99: float
    max: float


@dataclass
class PanelBenchmark:
    username: str
    demands: int
    first_ms: float  # the first request, which opens the matching engine
    cold: Figures
    warm: Figures
    samples_ms: dict[str, list[float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        result = asdict(self)
        result.pop("samples_ms")
        return result


def figures(samples: list[float]) -> Figures:
    ordered = sorted(samples)
    if len(ordered) == 1:
        q = [ordered[0]] * 99
    else:
        q = statistics.quantiles(ordered, n=100, method="inclusive")
    return Figures(
        count=len(ordered),
        p50=round(q[49], 1),
        p95=round(q[94], 1),
        p99=round(q[98], 1),
        max=round(ordered[-1], 1),
    )


def _viewer_and_demands(role: str, username: str | None, count: int) -> tuple[User, list[Demand]]:
    """The user to measure as (``username``, or the one of ``role`` who may see the panels of
    the most published demands) and up to ``count`` of those demands."""
    users = User.objects.filter(is_active=True)
    if username:
        users = users.filter(username=username)
    else:
        users = users.filter(role=ROLES[role]).order_by("pk")[:USERS_TRIED]
    published = list(
        Demand.objects.filter(status=Demand.Status.PUBLISHED).order_by("pk")[:DEMANDS_TRIED]
    )
    best: tuple[User | None, list[Demand]] = (None, [])
    for user in users:
        mine = []
        for demand in published:
            if selectors.can_see_researcher_recommendations(user, demand):
                mine.append(demand)
                if len(mine) == count:
                    return user, mine
        if best[0] is None or len(mine) > len(best[1]):
            best = (user, mine)
    if best[0] is None or not best[1]:
        raise LookupError("No such user, or they may see no published demand's recommendations.")
    return best[0], best[1]


def _host() -> str:
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"]
    return "testserver" if not hosts or "testserver" in hosts else hosts[0]


def bench_demand_panel(
    *, demands: int = 20, role: str = "city", username: str | None = None
) -> PanelBenchmark:
    """Load the panel of each of ``demands`` demands in every region scope: once after
    invalidating the panels (cold) and once again (warm, from the cache)."""
    user, chosen = _viewer_and_demands(role, username, demands)
    client = Client(HTTP_HOST=_host())
    client.force_login(user)
    secure = not settings.DEBUG

    def load(demand: Demand, scope: str) -> float:
        url = reverse("recommendations:demand_panel", args=[demand.pk]) + f"?scope={scope}"
        started = time.perf_counter()
        response = client.get(url, secure=secure)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed

    try:
        first = load(chosen[0], "national")
        cold, warm = [], []
        for demand in chosen:
            for scope in services.SCOPES:
                services.panel_inputs_changed()  # only the panels: nothing else in the cache
                cold.append(load(demand, scope))
                warm.append(load(demand, scope))
    finally:
        client.logout()
    return PanelBenchmark(
        username=user.username,
        demands=len(chosen),
        first_ms=round(first, 1),
        cold=figures(cold),
        warm=figures(warm),
        samples_ms={"cold": cold, "warm": warm},
    )
