"""Actions on the talent pool: profiles, achievements and teams; each keeps the search index."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused, ValidationFailed
from techbridge.core.validation import full_clean_or_raise
from techbridge.orgs.models import Organisation
from techbridge.search import services as search_services
from techbridge.search.models import SearchTerm
from techbridge.talent import selectors
from techbridge.talent.models import Achievement, Researcher, Team

PROFILE_FIELDS = (
    "name", "department", "title", "title_level", "degree", "keywords", "summary", "region",
    "availability", "capacity", "email", "phone", "has_integrity_record",
)
RELATION_FIELDS = ("disciplines", "industries")


def index_terms(researcher: Researcher) -> list[tuple[str, float]]:
    """Weighted texts of a profile: keywords and achievements count more than the biography."""
    texts: list[tuple[str, float]] = [
        (researcher.name, 1.0),
        (" ".join(researcher.keywords or []), 3.0),
        (" ".join(d.name for d in researcher.disciplines.all()), 2.0),
        (" ".join(i.name for i in researcher.industries.all()), 1.0),
        (researcher.summary, 1.0),
        (researcher.unit.name, 0.5),
    ]
    for achievement in researcher.achievements.all():
        texts.append((achievement.title, 2.0))
        texts.append((achievement.abstract, 0.5))
    return texts


def reindex(researcher: Researcher) -> None:
    search_services.index_document(
        kind=SearchTerm.Kind.RESEARCHER, object_id=researcher.pk, public=index_terms(researcher)
    )


def clean_keywords(keywords: Iterable[str] | str | None) -> list[str]:
    if isinstance(keywords, str):
        for sep in ("，", "；", ";", "、"):
            keywords = keywords.replace(sep, ",")
        keywords = keywords.split(",")
    return list(dict.fromkeys(k.strip() for k in keywords or [] if k and k.strip()))[:30]


def _apply(researcher: Researcher, data: dict[str, Any]) -> dict[str, list[Any]]:
    unknown = set(data) - set(PROFILE_FIELDS) - set(RELATION_FIELDS) - {"achievements"}
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for field in PROFILE_FIELDS:
        if field in data:
            value = data[field]
            if field == "keywords":
                value = clean_keywords(value)
            setattr(researcher, field, value)
    return {f: list(data[f]) for f in RELATION_FIELDS if f in data}


def _can_add_to(actor: Any, unit: Organisation) -> bool:
    return actor.is_superuser or (actor.role == Role.UNIT and actor.organisation_id == unit.pk)


def _save_achievements(researcher: Researcher, achievements: Iterable[dict[str, Any]]) -> None:
    for item in achievements:
        achievement = Achievement(researcher=researcher, **item)
        full_clean_or_raise(achievement, exclude=["researcher"])
        achievement.save()


@transaction.atomic
def create_researcher(
    *, actor: Any, unit: Organisation, data: dict[str, Any], user: Any = None
) -> Researcher:
    if unit.kind != Organisation.Kind.UNIT:
        raise ValidationFailed(_("Researchers belong to a dispatching unit."), field="unit")
    if not _can_add_to(actor, unit):
        raise PermissionRefused(_("You may only add researchers to your own unit."))
    researcher = Researcher(unit=unit, user=user)
    data = dict(data)
    data.setdefault("region", unit.region)
    relations = _apply(researcher, data)
    full_clean_or_raise(researcher, exclude=["user"])
    researcher.save()
    for field, values in relations.items():
        getattr(researcher, field).set(values)
    _save_achievements(researcher, data.get("achievements", []))
    reindex(researcher)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=researcher,
                 summary=researcher.name)
    return researcher


@transaction.atomic
def update_researcher(*, actor: Any, researcher: Researcher, data: dict[str, Any]) -> Researcher:
    researcher = Researcher.objects.select_for_update().get(pk=researcher.pk)
    if not selectors.can_manage(actor, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    if "has_integrity_record" in data and not (actor.is_superuser or actor.role == Role.UNIT):
        raise PermissionRefused(_("Only the unit records research-integrity findings."))
    relations = _apply(researcher, dict(data))
    full_clean_or_raise(researcher, exclude=["user"])
    researcher.save()
    for field, values in relations.items():
        getattr(researcher, field).set(values)
    if "achievements" in data:
        _save_achievements(researcher, data["achievements"])
    reindex(researcher)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=researcher,
                 summary=researcher.name, detail={"fields": sorted(data)})
    return researcher


@transaction.atomic
def add_achievement(*, actor: Any, researcher: Researcher, data: dict[str, Any]) -> Achievement:
    if not selectors.can_manage(actor, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    achievement = Achievement(researcher=researcher, **data)
    full_clean_or_raise(achievement)
    achievement.save()
    reindex(researcher)
    return achievement


@transaction.atomic
def remove_achievement(*, actor: Any, achievement: Achievement) -> None:
    researcher = achievement.researcher
    if not selectors.can_manage(actor, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    achievement.delete()
    reindex(researcher)


@transaction.atomic
def save_team(
    *, actor: Any, unit: Organisation, name: str, members: list[Researcher],
    leader: Researcher | None = None, description: str = "", team: Team | None = None,
) -> Team:
    if not _can_add_to(actor, unit):
        raise PermissionRefused(_("You may only manage teams of your own unit."))
    if leader is not None and leader not in members:
        members = [leader, *members]
    team = team or Team(unit=unit)
    team.name, team.leader, team.description = name, leader, description
    full_clean_or_raise(team)
    team.save()
    team.members.set(members)
    return team
