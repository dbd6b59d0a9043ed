"""Background tasks of matching: thin shells around ``recommendations.services``, idempotent."""

from __future__ import annotations

from celery import shared_task

from techbridge.recommendations import services


@shared_task(name="recommendations.update_profile_in_index")
def update_profile_in_index(*, researcher_id: int) -> None:
    services.update_profile_in_index(researcher_id=researcher_id)


@shared_task(name="recommendations.remove_profile_from_index")
def remove_profile_from_index(*, researcher_id: int) -> None:
    services.remove_profile_from_index(researcher_id=researcher_id)


@shared_task(name="recommendations.update_demand_in_index")
def update_demand_in_index(*, demand_id: int) -> None:
    services.update_demand_in_index(demand_id=demand_id)


@shared_task(name="recommendations.push_demand")
def push_demand(*, demand_id: int) -> int:
    return services.push_demand_to_researchers(demand_id=demand_id)


@shared_task(name="recommendations.nightly_rebuild")
def nightly_rebuild() -> dict[str, int]:
    return {pool: counts.size for pool, counts in services.nightly_rebuild().items()}
