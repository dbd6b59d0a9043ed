"""Which units an approved enterprise application is sent to (派送到单位).

Sending a demand to every unit makes it reach every researcher of the programme. Before sending,
the province sees the units whose researchers the matching engine ranks highest for the demand
and confirms or edits that list (``set_target_units``); the application then goes to those
units only: researchers of other units neither see it nor apply. When the province sends without
choosing, the application stays open to every unit, as before, and the engine's top units are
told of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role, User
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import InvalidState, PermissionRefused, ValidationFailed
from techbridge.dispatch import notify
from techbridge.dispatch import workflow as wf
from techbridge.dispatch.models import EnterpriseApplication
from techbridge.orgs.models import Organisation
from techbridge.recommendations.services import rank_researchers_for_demand

# How many units a demand goes to by default, and how deep the ranking looks for them.
DEFAULT_UNITS = 8
RANKED_RESEARCHERS = 60
MAX_UNITS = 50


@dataclass
class UnitSuggestion:
    unit: Organisation
    score: float
    researchers: list[str] = field(default_factory=list)


def suggest_units(
    application: EnterpriseApplication, *, limit: int = DEFAULT_UNITS
) -> list[UnitSuggestion]:
    """Units in the order of their best-ranked researcher for the application's demand, each
    with the names of its (at most three) researchers in the ranking."""
    rows = rank_researchers_for_demand(
        demand=application.demand, scope="national", k=RANKED_RESEARCHERS
    )
    by_unit: dict[int, UnitSuggestion] = {}
    for row in rows:
        unit = row.researcher.unit
        suggestion = by_unit.get(unit.pk)
        if suggestion is None:
            if len(by_unit) >= limit:
                continue
            suggestion = by_unit[unit.pk] = UnitSuggestion(unit=unit, score=row.score)
        if len(suggestion.researchers) < 3:
            suggestion.researchers.append(row.researcher.name)
    return list(by_unit.values())


def _check_province(actor: Any, application: EnterpriseApplication) -> None:
    refusal = wf.party_refusal(actor, wf.Party.PROVINCE, wf.subject_of(application))
    if refusal:
        raise PermissionRefused(refusal)


@transaction.atomic
def set_target_units(
    *, actor: Any, application: EnterpriseApplication, units: Iterable[Organisation]
) -> list[Organisation]:
    """The province chooses the units an approved application is sent to; audited."""
    application = EnterpriseApplication.objects.select_for_update().get(pk=application.pk)
    _check_province(actor, application)
    if application.state != EnterpriseApplication.State.APPROVED:
        raise InvalidState(
            _("The units are chosen before the application is sent; this one is “%(state)s”.")
            % {"state": application.get_state_display()}
        )
    chosen = list({unit.pk: unit for unit in units}.values())
    if not chosen:
        raise ValidationFailed(_("Choose at least one unit."), field="units")
    if len(chosen) > MAX_UNITS:
        raise ValidationFailed(_("Choose at most %(n)d units.") % {"n": MAX_UNITS}, field="units")
    if any(unit.kind != Organisation.Kind.UNIT for unit in chosen):
        raise ValidationFailed(_("Only dispatching units can be chosen."), field="units")
    application.target_units.set(chosen)
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=application,
        summary=_("Units chosen: %(units)s") % {"units": "、".join(u.name for u in chosen)},
        detail={"target_units": sorted(unit.pk for unit in chosen)},
    )
    return chosen


def on_sent(application: EnterpriseApplication) -> None:
    """When the application is sent, tell the administrators of the units it goes to (the
    engine's top units when the province chose none)."""
    chosen = list(application.target_units.all())
    told = chosen or [s.unit for s in suggest_units(application)]
    admins = User.objects.filter(is_active=True, role=Role.UNIT, organisation__in=told)
    notify.tell(
        recipients=admins,
        title=_("A demand was sent to your unit: %(title)s (%(enterprise)s)")
        % {"title": application.demand.title, "enterprise": application.enterprise.name},
        body=_("Researchers of your unit may apply as its commissioner in %(round)s.")
        % {"round": application.round},
        url=application.get_absolute_url(),
        target=application,
        email="immediate",
    )


def is_open_to(application: EnterpriseApplication, unit_id: int | None) -> bool:
    """Whether researchers of ``unit_id`` may apply (every unit, if none were chosen)."""
    targets = application.target_units.all()
    return not targets.exists() or (unit_id is not None and targets.filter(pk=unit_id).exists())
