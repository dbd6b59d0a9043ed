"""Reads of the talent pool.

Every signed-in user may browse profiles (that is what a talent pool is for); contact details
are shown only to the researcher, their unit, the administrators of their region and
superusers. Units manage only their own researchers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet, prefetch_related_objects

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import administers_region, is_region_administrator
from techbridge.orgs.models import Organisation
from techbridge.refdata.codes import region_prefix
from techbridge.refdata.models import Discipline
from techbridge.search import services as search_services
from techbridge.search.models import SearchTerm
from techbridge.talent.models import EnterpriseRelation, Researcher, Team


def researchers_visible_to(user: Any) -> QuerySet[Researcher]:
    if not user.is_authenticated:
        return Researcher.objects.none()
    return Researcher.objects.select_related("unit", "region", "region__parent")


def can_manage(user: Any, researcher: Researcher) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if user.role == Role.UNIT:
        return user.organisation_id == researcher.unit_id
    if user.role == Role.RESEARCHER:
        return researcher.user_id == user.pk
    return False


def can_record_integrity(user: Any, researcher: Researcher) -> bool:
    """Research-integrity findings are recorded by the unit (or a superuser), never by the
    researcher about themself."""
    return can_manage(user, researcher) and (user.is_superuser or user.role == Role.UNIT)


def manages_unit(user: Any, unit_id: int | None) -> bool:
    """Whether ``user`` may add researchers and teams to the unit and link accounts there."""
    if not user.is_authenticated or unit_id is None:
        return False
    return user.is_superuser or (user.role == Role.UNIT and user.organisation_id == unit_id)


def units_managed_by(user: Any) -> QuerySet[Organisation]:
    units = Organisation.objects.filter(kind=Organisation.Kind.UNIT)
    if not user.is_authenticated:
        return units.none()
    if user.is_superuser:
        return units
    if user.role == Role.UNIT and user.organisation_id:
        return units.filter(pk=user.organisation_id)
    return units.none()


def remaining_capacity(researcher: Researcher) -> int:
    """How many more enterprises the researcher can take on: their capacity less their live
    dispatches (selected through in service, in any round; a cancelled one frees its place),
    so every page shows the same figure."""
    return remaining_capacities([researcher])[researcher.pk]


def remaining_capacities(researchers: Iterable[Researcher]) -> dict[int, int]:
    """``remaining_capacity`` of many researchers with one query (by researcher id)."""
    researchers = list(researchers)
    # Looked up by name: the dispatch app imports this module.
    dispatch = apps.get_model("dispatch", "Dispatch")
    researcher_field = "commissioner_application__researcher_id"
    live = dict(
        dispatch.objects.filter(**{f"{researcher_field}__in": [r.pk for r in researchers]})
        .exclude(state=dispatch.State.CANCELLED)
        .values(researcher_field)
        .annotate(count=Count("pk"))
        .values_list(researcher_field, "count")
    )
    return {r.pk: max(0, r.capacity - live.get(r.pk, 0)) for r in researchers}


def can_see_contact(user: Any, researcher: Researcher) -> bool:
    return can_manage(user, researcher) or (
        is_region_administrator(user) and administers_region(user, researcher.region_id)
    )


def can_see_relations(user: Any, researcher: Researcher) -> bool:
    """Declared relations with enterprises are as private as the contact details: the
    researcher, their unit, the administrators of their region and superusers see them."""
    return can_see_contact(user, researcher)


def relations_of(researcher: Researcher) -> QuerySet[EnterpriseRelation]:
    return researcher.enterprise_relations.select_related("enterprise", "declared_by")


def related_researcher_ids(enterprise: Organisation) -> set[int]:
    """The researchers who declared any relation with ``enterprise`` (the same one query as
    :func:`declared_relation_kinds`, kept on the instance)."""
    prefetch_related_objects([enterprise], "researcher_relations")
    return {r.researcher_id for r in enterprise.researcher_relations.all()}


def declared_relation_kinds(enterprise: Organisation, researcher_id: int) -> list[str]:
    """The kinds of relation researcher ``researcher_id`` declared with ``enterprise``, in the
    order of ``EnterpriseRelation.Kind``.

    The enterprise's declared relations are read once and kept on the ``enterprise`` instance
    (a prefetch), so checking every candidate for one demand costs one query. Like any prefetch
    it is as fresh as the instance: a new request, or ``refresh_from_db()`` of the demand or
    the enterprise, reads them again."""
    prefetch_related_objects([enterprise], "researcher_relations")
    declared = {
        r.kind for r in enterprise.researcher_relations.all() if r.researcher_id == researcher_id
    }
    return [kind for kind in EnterpriseRelation.Kind.values if kind in declared]


def conflict_of_interest(researcher: Researcher, enterprise: Organisation) -> str | None:
    """Why ``researcher`` may never be paired with ``enterprise``, as a code, or None: ``"unit"``
    when the researcher belongs to the enterprise, ``"declared"`` when they declared a relation
    with it. Each caller words the refusal for its own step (a dispatch, a contact); none names
    the kind of relation, which is private to the researcher, their unit and the administrators.
    """
    if researcher.unit_id == enterprise.pk:
        return "unit"
    if declared_relation_kinds(enterprise, researcher.pk):
        return "declared"
    return None


@dataclass(frozen=True)
class ResearcherFilters:
    q: str = ""
    discipline: str = ""
    industry: str = ""
    region: str = ""
    title_level: str = ""
    availability: str = ""
    unit: int | None = None


def filter_researchers(user: Any, filters: ResearcherFilters) -> QuerySet[Researcher]:
    qs = researchers_visible_to(user)
    if filters.discipline:
        qs = qs.filter(disciplines__code=filters.discipline)
    if filters.industry:
        qs = qs.filter(
            Q(industries__code=filters.industry) | Q(industries__parent_id=filters.industry)
        )
    if filters.region:
        qs = qs.filter(region__code__startswith=region_prefix(filters.region))
    if filters.title_level:
        qs = qs.filter(title_level=filters.title_level)
    if filters.availability:
        qs = qs.filter(availability=filters.availability)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.q:
        qs = search_services.search(qs, kind=SearchTerm.Kind.RESEARCHER, text=filters.q)
    return qs.distinct()


def can_manage_team(user: Any, team: Team) -> bool:
    return manages_unit(user, team.unit_id)


def team_expertise(team: Team) -> tuple[list[str], list[Discipline]]:
    """The members' keywords (most shared first) and disciplines, for the team's profile."""
    counts: dict[str, int] = {}
    for member in team.members.all():
        for keyword in member.keywords or []:
            counts[keyword] = counts.get(keyword, 0) + 1
    keywords = sorted(counts, key=lambda k: -counts[k])
    disciplines = list(
        Discipline.objects.filter(researchers__teams=team).distinct().order_by("code")
    )
    return keywords, disciplines


def teams_visible_to(user: Any) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.select_related("unit", "leader").prefetch_related("members")
