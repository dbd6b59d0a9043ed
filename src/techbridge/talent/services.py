"""Actions on the talent pool: profiles, achievements, teams and declared relations with
enterprises; each keeps the search index."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.db import models, transaction
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import NotFound, PermissionRefused, ValidationFailed
from techbridge.core.validation import clean_keywords, full_clean_or_raise, reject_unknown_fields
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Discipline, Industry
from techbridge.search import services as search_services
from techbridge.search.models import SearchTerm
from techbridge.talent import selectors
from techbridge.talent.models import Achievement, EnterpriseRelation, Researcher, Team

PROFILE_FIELDS = (
    "name",
    "department",
    "title",
    "title_level",
    "degree",
    "keywords",
    "summary",
    "region",
    "availability",
    "capacity",
    "email",
    "phone",
    "has_integrity_record",
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


def _apply(researcher: Researcher, data: dict[str, Any]) -> dict[str, list[Any]]:
    reject_unknown_fields(data, (*PROFILE_FIELDS, *RELATION_FIELDS, "achievements"))
    for field in PROFILE_FIELDS:
        if field in data:
            value = data[field]
            if field == "keywords":
                value = clean_keywords(value)
            setattr(researcher, field, value)
    return {f: _reference_rows(f, data[f]) for f in RELATION_FIELDS if f in data}


def _reference_rows(field: str, values: Iterable[Any]) -> list[Any]:
    """The disciplines or industries named by ``values`` (rows or codes); an unknown code is a
    validation error rather than a database integrity error."""
    # Both relation fields are many-to-many fields to a reference-data model.
    model_field = cast("models.ManyToManyField[Any, Any]", Researcher._meta.get_field(field))
    related_model = cast("type[Discipline] | type[Industry]", model_field.related_model)
    codes = list(dict.fromkeys(str(getattr(v, "pk", v)) for v in values))
    rows = {row.pk: row for row in related_model.objects.filter(pk__in=codes)}
    missing = [code for code in codes if code not in rows]
    if missing:
        raise ValidationFailed(
            _("%(field)s: unknown codes %(codes)s")
            % {"field": model_field.verbose_name, "codes": ", ".join(missing)},
            field=field,
        )
    return [rows[code] for code in codes]


def _save_achievements(researcher: Researcher, achievements: Iterable[dict[str, Any]]) -> None:
    for item in achievements:
        achievement = Achievement(researcher=researcher, **item)
        full_clean_or_raise(achievement, exclude=["researcher"])
        achievement.save()


@transaction.atomic
def create_researcher(
    *, actor: Any, unit: Organisation, data: dict[str, Any], user: Any = None
) -> Researcher:
    if not selectors.manages_unit(actor, unit.pk):
        raise PermissionRefused(_("You may only add researchers to your own unit."))
    return create_profile(actor=actor, unit=unit, data=data, user=user)


@transaction.atomic
def create_profile(
    *, actor: Any, unit: Organisation, data: dict[str, Any], user: Any = None
) -> Researcher:
    """Create a profile in ``unit`` once the caller has decided ``actor`` may (the unit's
    administrator in ``create_researcher``; a confirmed request to join in ``talent.joining``)."""
    if unit.kind != Organisation.Kind.UNIT:
        raise ValidationFailed(_("Researchers belong to a dispatching unit."), field="unit")
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
    audit.record(
        actor=actor, action=AuditEntry.Action.CREATE, obj=researcher, summary=researcher.name
    )
    return researcher


@transaction.atomic
def update_researcher(*, actor: Any, researcher: Researcher, data: dict[str, Any]) -> Researcher:
    researcher = Researcher.objects.select_for_update().get(pk=researcher.pk)
    if not selectors.can_manage(actor, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    if "has_integrity_record" in data and not selectors.can_record_integrity(actor, researcher):
        raise PermissionRefused(_("Only the unit records research-integrity findings."))
    relations = _apply(researcher, dict(data))
    full_clean_or_raise(researcher, exclude=["user"])
    researcher.save()
    for field, values in relations.items():
        getattr(researcher, field).set(values)
    if "achievements" in data:
        _save_achievements(researcher, data["achievements"])
    reindex(researcher)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=researcher,
        summary=researcher.name,
        detail={"fields": sorted(data)},
    )
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
    *,
    actor: Any,
    unit: Organisation,
    name: str,
    members: list[Researcher],
    leader: Researcher | None = None,
    description: str = "",
    team: Team | None = None,
) -> Team:
    if not selectors.manages_unit(actor, unit.pk):
        raise PermissionRefused(_("You may only manage teams of your own unit."))
    if team is not None and team.unit_id != unit.pk:
        raise PermissionRefused(_("You may only manage teams of your own unit."))
    if leader is not None and leader not in members:
        members = [leader, *members]
    team = team or Team(unit=unit)
    team.name, team.leader, team.description = name, leader, description
    full_clean_or_raise(team)
    team.save()
    team.members.set(members)
    return team


@transaction.atomic
def link_account(*, actor: Any, researcher: Researcher, user: Any | None) -> Researcher:
    """Link a researcher account of the unit to a profile so its owner can keep it up to date;
    ``user=None`` removes the link."""
    researcher = Researcher.objects.select_for_update().select_related("unit").get(pk=researcher.pk)
    if not selectors.manages_unit(actor, researcher.unit_id):
        raise PermissionRefused(_("Only the researcher's unit may link an account to a profile."))
    if user is not None:
        if user.role != Role.RESEARCHER:
            raise ValidationFailed(
                _("Only a researcher account can be linked to a profile."), field="user"
            )
        if user.organisation_id != researcher.unit_id:
            raise ValidationFailed(
                _("The account belongs to another organisation than the researcher."),
                field="user",
            )
        other = Researcher.objects.filter(user=user).exclude(pk=researcher.pk).first()
        if other is not None:
            raise ValidationFailed(
                _("This account is already linked to the profile of %(name)s.")
                % {"name": other.name},
                field="user",
            )
    researcher.user = user
    researcher.save(update_fields=["user", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=researcher,
        summary=researcher.name,
        detail={"account": user.pk if user is not None else None},
    )
    return researcher


# Declared relations with enterprises (利益关联申报) ----------------------------------------------


@transaction.atomic
def declare_relation(
    *,
    actor: Any,
    researcher: Researcher,
    enterprise: Organisation | None,
    kind: str,
    note: str = "",
) -> EnterpriseRelation:
    """Record that ``researcher`` has a relation of ``kind`` with ``enterprise``; from then on
    they are not recommended for its demands. Whoever may edit the profile may declare."""
    researcher = Researcher.objects.select_for_update().get(pk=researcher.pk)
    if not selectors.can_manage(actor, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    if enterprise is None:
        raise ValidationFailed(_("Choose the enterprise."), field="enterprise")
    if enterprise.kind != Organisation.Kind.ENTERPRISE:
        raise ValidationFailed(
            _("Relations are declared with enterprises; %(name)s is not an enterprise.")
            % {"name": enterprise.name},
            field="enterprise",
        )
    if kind not in EnterpriseRelation.Kind.values:
        raise ValidationFailed(
            _("Unknown kind of relation; use one of: %(kinds)s.")
            % {"kinds": ", ".join(EnterpriseRelation.Kind.values)},
            field="kind",
        )
    if EnterpriseRelation.objects.filter(
        researcher=researcher, enterprise=enterprise, kind=kind
    ).exists():
        raise ValidationFailed(
            _("This relation with %(enterprise)s is already declared.")
            % {"enterprise": enterprise.name},
            field="kind",
        )
    relation = EnterpriseRelation(
        researcher=researcher,
        enterprise=enterprise,
        kind=kind,
        note=(note or "").strip(),
        declared_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    full_clean_or_raise(relation, exclude=["declared_by"])
    relation.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=relation,
        summary=f"{researcher.name} — {enterprise.name}",
        detail={"researcher": researcher.pk, "enterprise": enterprise.pk, "kind": kind},
    )
    return relation


@transaction.atomic
def withdraw_relation(*, actor: Any, relation: EnterpriseRelation) -> None:
    """Withdraw a declared relation (it ended, or was declared by mistake)."""
    found = (
        EnterpriseRelation.objects.select_for_update(of=("self",))
        .select_related("researcher", "enterprise")
        .filter(pk=relation.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("This relation was already withdrawn."))
    relation, researcher = found, found.researcher
    if not selectors.can_manage(actor, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    detail = {
        "researcher": researcher.pk,
        "enterprise": relation.enterprise_id,
        "kind": relation.kind,
    }
    summary = f"{researcher.name} — {relation.enterprise.name}"
    relation_id = relation.pk
    relation.delete()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        object_type=EnterpriseRelation._meta.label_lower,
        object_id=relation_id,
        summary=summary,
        detail=detail,
    )
