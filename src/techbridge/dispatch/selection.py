"""Two-way selection (双向选择) of a round: both sides' rankings, the solver run, applying it.

In the selection phase an enterprise ranks the researchers whose applications to it their unit
approved, and each such researcher ranks the enterprises they applied to. Both rank the same
rows: a commissioner application is one candidate pairing (``Preference``). The pages start
from the matching engine's order (``default_order``): an enterprise's candidates by their match
score for its demand, a researcher's enterprises by the match score of each enterprise's demand
to their profile (the same pair score, computed by ``recommendations.services``).

The provincial administrator of the round's region then runs a solver of
``techbridge.matching.assignment`` on the instance built here (``build_instance``):

* **Preferences.** A party's saved ranking comes first; candidates it did not rank (it saved
  nothing, or a candidate was approved after it saved) follow in the engine's default order.
  So nobody is made unacceptable by a party that did not sign in; ranking only reorders.
* **Capacities.** ``k`` (commissioners per enterprise) and ``m`` (enterprises per commissioner)
  of the round, each reduced by the live (not cancelled) dispatches the enterprise application
  or researcher already has in the round (an override made before the run, for instance).
* **Quotas.** ``max_enterprises_per_city`` becomes one enterprise-side group per city (GB/T 2260
  first four digits of the enterprise's region) and ``max_commissioners_per_unit`` one
  researcher-side group per unit. The solvers cap *pairs*, so a city's limit is
  ``max_enterprises_per_city × k`` and a unit's ``max_commissioners_per_unit × m``, each less
  the live dispatches already in the group: exact for the usual k = m = 1, an upper bound
  otherwise (the counts of enterprises and distinct commissioners are checked when the city
  bureau and the unit approve, by the ``city_quota`` and ``unit_quota`` guards). Both solvers
  keep every group within its limit (the stable one is weakly stable under the quotas, see
  ``techbridge.matching.assignment``), so ``quota_usage`` of a run shows no group exceeded.
* **Conflicts of interest.** A candidate whose researcher may never be paired with the
  enterprise (``eligibility.pair_conflict``: a declared relation with it, or it is their unit)
  is left out of the instance, so neither solver can match them; a run lists it under
  ``conflicts`` with the reason, and applying the run marks it ``not_selected`` with that reason.
  The rankings do not offer such a partner either (``candidates_of``).
* **Scores** (optimal mode) come from the ranks, not from the engine: ``rank_score`` of the
  solver, each side contributing how high it ranks the other. The parties' stated preferences
  are what the selection decides on; the engine's opinion already shaped the starting order.

A run is stored as a draft ``SelectionRun`` with the pairs, who stayed unmatched and why (the
solver's English reason and its translation), the objective and the statistics.
``apply_selection`` records it atomically through ``dispatch.services``: ``record_selection``
for each pair (method = the mode) and ``not_select`` for every other approved candidate; it
refuses a run whose fingerprint (preferences, states, dispatches, quotas) no longer matches.

An administrator overrides with ``override``, the reason being the comment of the transition so
it sits in the timeline: before a run is applied it selects an approved candidate
(``record_selection`` with method ``override``; a later run counts the overridden pair as an
existing dispatch); after a run is applied it selects a candidate the run left ``not_selected``
(the workflow's ``override_select`` step, within the same k and m quotas). No override pairs
a researcher with an enterprise they have a conflict of interest with: both steps refuse it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techbridge.accounts.models import Role
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import InvalidState, PermissionRefused, ValidationFailed
from techbridge.demands.selectors import enterprises_acted_for
from techbridge.dispatch import eligibility, services
from techbridge.dispatch import workflow as wf
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EnterpriseApplication,
    Preference,
    Round,
    SelectionRun,
)
from techbridge.matching import assignment
from techbridge.matching import assignment_optimal as optimal
from techbridge.orgs.models import Organisation
from techbridge.recommendations import services as recommendations
from techbridge.recommendations.services import Reasons
from techbridge.talent.models import Researcher

EA = EnterpriseApplication.State
CA = CommissionerApplication.State
MODES = tuple(SelectionRun.Mode.values)
SCORE_SOURCE = "ranks"
# The platform's own reason for a candidate left out of the instance (not a solver's).
REASON_CONFLICT_OF_INTEREST = "conflict of interest"

# The solvers' reasons (English source strings of a Django-free library) as sentences to
# translate.
REASONS: dict[str, Any] = {
    assignment.REASON_CAPACITY_ZERO: gettext_lazy("No place left in this round."),
    assignment.REASON_NO_ACCEPTABLE_CANDIDATE: gettext_lazy("No approved candidate applied."),
    assignment.REASON_NO_ACCEPTABLE_ENTERPRISE: gettext_lazy(
        "No enterprise with a free place among those applied to."
    ),
    assignment.REASON_ENTERPRISES_PREFER_OTHERS: gettext_lazy(
        "Every enterprise applied to was filled with candidates it ranked higher."
    ),
    assignment.REASON_CANDIDATES_PREFER_OTHERS: gettext_lazy(
        "Every candidate serves enterprises they ranked higher."
    ),
    assignment.REASON_GROUP_QUOTA_REACHED: gettext_lazy(
        "The quota of its city or unit is used up."
    ),
    optimal.REASON_ENTERPRISES_FULL: gettext_lazy("Every enterprise applied to is full."),
    assignment.REASON_ENTERPRISES_FULL_OR_CAPPED: gettext_lazy(
        "Every enterprise applied to is full or its city's quota is used up."
    ),
    optimal.REASON_CANDIDATES_FULL: gettext_lazy("Every candidate is fully assigned."),
    assignment.REASON_CANDIDATES_FULL_OR_CAPPED: gettext_lazy(
        "Every candidate is fully assigned or their unit's quota is used up."
    ),
    optimal.REASON_NO_SCORE_GAIN: gettext_lazy("No remaining pairing would raise the total score."),
    REASON_CONFLICT_OF_INTEREST: gettext_lazy(
        "Conflict of interest: the researcher declared a relation with this enterprise or "
        "belongs to it, so they are never paired."
    ),
}


def reason_label(reason: str) -> str:
    """A solver reason in the active language."""
    return str(REASONS.get(reason, reason))


# --- who ranks what -----------------------------------------------------------------------------

Ranker = EnterpriseApplication | Researcher


def _side(ranker: Ranker) -> str:
    if isinstance(ranker, EnterpriseApplication):
        return Preference.Side.ENTERPRISE
    if isinstance(ranker, Researcher):
        return Preference.Side.RESEARCHER
    raise TypeError(f"not a ranker: {ranker!r}")


def _round_of(ranker: Ranker, round_: Round | None) -> Round:
    if isinstance(ranker, EnterpriseApplication):
        return Round.objects.select_related("region").get(pk=ranker.round_id)
    if round_ is None:
        raise TypeError("a researcher ranks within a round: pass round_")
    return Round.objects.select_related("region").get(pk=round_.pk)


def conflicts(applications: Iterable[CommissionerApplication]) -> dict[int, str]:
    """The applications (by id, with the reason) whose researcher may never be paired with the
    enterprise applied to: ``eligibility.pair_conflict``. The enterprises' declared relations
    are read in one query for all (the applications need their researcher and enterprise)."""
    applications = list(applications)
    enterprises: dict[int, Organisation] = {}
    for a in applications:
        ea = a.enterprise_application
        enterprises.setdefault(ea.enterprise_id, ea.enterprise)
    prefetch_related_objects(list(enterprises.values()), "researcher_relations")
    found: dict[int, str] = {}
    for a in applications:
        enterprise = enterprises[a.enterprise_application.enterprise_id]
        reason = eligibility.pair_conflict(a.researcher, enterprise)
        if reason:
            found[a.pk] = reason
    return found


def candidates_of(ranker: Ranker, round_: Round | None = None) -> QuerySet[CommissionerApplication]:
    """The approved applications ``ranker`` ranks: those to the enterprise application, or the
    researcher's own in ``round_``; never a pair with a conflict of interest (``conflicts``)."""
    base = CommissionerApplication.objects.filter(state=CA.UNIT_APPROVED).select_related(
        "researcher",
        "researcher__unit",
        "enterprise_application__enterprise",
        "enterprise_application__demand",
    )
    if isinstance(ranker, EnterpriseApplication):
        applications = base.filter(enterprise_application=ranker)
    else:
        round_ = _round_of(ranker, round_)
        applications = base.filter(
            round=round_, researcher=ranker, enterprise_application__state=EA.DISPATCHED
        )
    return applications.exclude(pk__in=list(conflicts(applications))).order_by("pk")


def ranking_refusal(user: Any, ranker: Ranker) -> str | None:
    """Why ``user`` may not rank for ``ranker`` (None: they may). An enterprise application is
    ranked by its enterprise's users and authorised technology managers, a researcher's list by
    the researcher's own account."""
    if not getattr(user, "is_authenticated", False):
        return _("Please sign in.")
    if isinstance(ranker, EnterpriseApplication):
        return wf.party_refusal(user, wf.Party.ENTERPRISE, wf.subject_of(ranker))
    if user.role == Role.RESEARCHER and ranker.user_id == user.pk:
        return None
    return _("Only the researcher may rank their own applications.")


def can_rank(user: Any, ranker: Ranker) -> bool:
    return ranking_refusal(user, ranker) is None


def _ranked_id(application: CommissionerApplication, side: str) -> int:
    """What a ranking lists: the candidate application (enterprise side) or the enterprise
    application (researcher side)."""
    if side == Preference.Side.ENTERPRISE:
        return application.pk
    return application.enterprise_application_id


@dataclass(frozen=True)
class Option:
    """One line of a ranking: the candidate pairing, its match score and reasons, the saved
    rank (None while unranked). ``ranked_id`` is the id ``save_ranking`` expects."""

    application: CommissionerApplication
    ranked_id: int
    score: float | None
    reasons: Reasons | None = None
    rank: int | None = None


# --- the engine's starting order ----------------------------------------------------------------


def _engine_scores(
    enterprise_application: EnterpriseApplication, researchers: Iterable[Researcher]
) -> dict[int, recommendations.ResearcherRecommendation]:
    rows = recommendations.score_researchers_for_demand(
        demand=enterprise_application.demand, researchers=researchers
    )
    return {row.researcher.pk: row for row in rows}


def _by_score(options: list[Option]) -> list[Option]:
    # best score first; a candidate the engine did not reach goes last, by application
    return sorted(options, key=lambda o: (o.score is None, -(o.score or 0.0), o.application.pk))


def default_order(
    *, ranker: Ranker, round_: Round | None = None, viewer: Any = None
) -> list[Option]:
    """The engine's ranking of ``ranker``'s candidates, best first, with scores and reasons.

    For an enterprise application: its approved candidates by match score for its demand.
    For a researcher (in ``round_``): the enterprises they applied to by the match score of each
    enterprise's demand to their profile; the reasons quote only what ``viewer`` may read of the
    demand (no reasons without a viewer)."""
    side = _side(ranker)
    applications = list(candidates_of(ranker, round_))
    options: list[Option] = []
    if side == Preference.Side.ENTERPRISE:
        assert isinstance(ranker, EnterpriseApplication)
        rows = _engine_scores(ranker, [a.researcher for a in applications])
        for application in applications:
            row = rows.get(application.researcher_id)
            options.append(
                Option(
                    application,
                    application.pk,
                    row.score if row else None,
                    row.reasons if row else None,
                )
            )
        return _by_score(options)
    for application in applications:
        ea = application.enterprise_application
        row = _engine_scores(ea, [application.researcher]).get(application.researcher_id)
        reasons = None
        if viewer is not None:
            reasons = recommendations.explain_demand_for_researcher(
                demand=ea.demand, researcher=application.researcher, viewer=viewer
            )
        options.append(Option(application, ea.pk, row.score if row else None, reasons))
    return _by_score(options)


def ranking(*, actor: Any, ranker: Ranker, round_: Round | None = None) -> list[Option]:
    """What ``actor`` sees on a ranking page: the saved ranking first, then the candidates not
    ranked yet in the engine's order."""
    reason = ranking_refusal(actor, ranker)
    if reason:
        raise PermissionRefused(reason)
    side = _side(ranker)
    options = default_order(ranker=ranker, round_=round_, viewer=actor)
    saved = dict(
        Preference.objects.filter(
            side=side, commissioner_application__in=[o.application for o in options]
        ).values_list("commissioner_application_id", "rank")
    )
    ranked = sorted(
        (
            Option(o.application, o.ranked_id, o.score, o.reasons, saved[o.application.pk])
            for o in options
            if o.application.pk in saved
        ),
        key=lambda o: (o.rank, o.application.pk),
    )
    return ranked + [o for o in options if o.application.pk not in saved]


def _parse_ids(ordered_ids: Sequence[Any]) -> list[int]:
    ids = []
    for value in ordered_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationFailed(
                _("“%(value)s” is not a candidate of yours.") % {"value": value}
            ) from None
    return ids


@transaction.atomic
def save_ranking(
    *, actor: Any, ranker: Ranker, ordered_ids: Sequence[Any], round_: Round | None = None
) -> list[Preference]:
    """Save ``ranker``'s ranking, best first, replacing the previous one.

    An enterprise application (by its enterprise's users or authorised technology managers)
    ranks its approved candidates by commissioner application id; a researcher (their own
    account, in ``round_``) ranks the enterprise applications they applied to with an approved
    application. Every id must be one of the ranker's candidates, once; candidates left out stay
    unranked (they follow in the engine's order). Only while the round is open and, when it
    enforces phases, in the selection phase."""
    side = _side(ranker)
    round_ = _round_of(ranker, round_)
    reason = ranking_refusal(actor, ranker)
    if reason:
        raise PermissionRefused(reason)
    if isinstance(ranker, EnterpriseApplication):
        ranker = EnterpriseApplication.objects.select_for_update().get(pk=ranker.pk)
        if ranker.state != EA.DISPATCHED:
            raise InvalidState(
                _(
                    "Only an application sent to the units has candidates to rank; this one is "
                    "“%(state)s”."
                )
                % {"state": ranker.get_state_display()}
            )
    else:
        # two saves of one researcher's list at once must not interleave
        ranker = Researcher.objects.select_for_update().get(pk=ranker.pk)
    services.require_open_phase(round_, CommissionerApplication.KIND, "select")
    ids = _parse_ids(ordered_ids)
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("Each candidate may be ranked only once."))
    by_id = {_ranked_id(a, side): a for a in candidates_of(ranker, round_)}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ValidationFailed(
            _("These are not candidates you may rank: %(ids)s.")
            % {"ids": ", ".join(str(i) for i in unknown)}
        )
    mine = CommissionerApplication.objects.filter(round=round_)
    if isinstance(ranker, EnterpriseApplication):
        mine = mine.filter(enterprise_application=ranker)
    else:
        mine = mine.filter(researcher=ranker)
    Preference.objects.filter(side=side, commissioner_application__in=mine).delete()
    preferences = Preference.objects.bulk_create(
        Preference(
            round=round_,
            side=side,
            commissioner_application=by_id[ranked],
            rank=position,
            ranked_by=actor,
        )
        for position, ranked in enumerate(ids, start=1)
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=ranker,
        summary=_("Two-way selection ranking saved"),
        detail={"round": round_.pk, "side": side, "order": ids},
    )
    return preferences


# --- the instance -------------------------------------------------------------------------------


@dataclass
class Prepared:
    """An instance with what the platform needs around it: which application each pair is, the
    agents' names, the quota groups' labels and the dispatches already in each group."""

    instance: assignment.Instance
    parameters: dict[str, Any]
    # keyed by the solver's agent ids and group ids (primary keys, "city:…"/"unit:…")
    application_of: dict[tuple[Any, Any], CommissionerApplication]
    enterprise_applications: dict[Any, EnterpriseApplication]
    researchers: dict[Any, Researcher]
    group_labels: dict[Any, str] = field(default_factory=dict)
    group_existing: dict[Any, int] = field(default_factory=dict)
    group_of_enterprise: dict[Any, str] = field(default_factory=dict)
    group_of_researcher: dict[Any, str] = field(default_factory=dict)
    conflicts: list[CommissionerApplication] = field(default_factory=list)
    """Approved candidates left out of the instance for a conflict of interest."""


def _live_dispatches(round_: Round) -> QuerySet[Dispatch]:
    return (
        Dispatch.objects.filter(round=round_)
        .exclude(state=Dispatch.State.CANCELLED)
        .select_related(
            "enterprise_application__enterprise", "commissioner_application__researcher"
        )
    )


def _city(application: EnterpriseApplication) -> str:
    return application.enterprise.region_id[:4]


def prepare(*, round_: Round) -> Prepared:
    """The solver's instance for ``round_`` (see the module's docstring for the rules)."""
    round_ = Round.objects.get(pk=round_.pk)
    k, m = round_.commissioners_per_enterprise, round_.enterprises_per_commissioner
    enterprise_applications = {
        ea.pk: ea
        for ea in EnterpriseApplication.objects.filter(round=round_, state=EA.DISPATCHED)
        .select_related("enterprise", "enterprise__region", "demand")
        .order_by("pk")
    }
    candidates = [
        a
        for a in CommissionerApplication.objects.filter(round=round_, state=CA.UNIT_APPROVED)
        .select_related("researcher", "researcher__unit")
        .order_by("pk")
        if a.enterprise_application_id in enterprise_applications
    ]
    for a in candidates:
        a.enterprise_application = enterprise_applications[a.enterprise_application_id]
    conflicted = conflicts(candidates)
    left_out = [a for a in candidates if a.pk in conflicted]
    candidates = [a for a in candidates if a.pk not in conflicted]
    researchers = {a.researcher_id: a.researcher for a in candidates}

    live = list(_live_dispatches(round_))
    live_by_ea: dict[int, int] = defaultdict(int)
    live_by_researcher: dict[int, int] = defaultdict(int)
    live_by_city: dict[str, int] = defaultdict(int)
    live_by_unit: dict[int, int] = defaultdict(int)
    for d in live:
        researcher = d.commissioner_application.researcher
        live_by_ea[d.enterprise_application_id] += 1
        live_by_researcher[researcher.pk] += 1
        live_by_city[_city(d.enterprise_application)] += 1
        live_by_unit[researcher.unit_id] += 1

    saved: dict[str, dict[int, int]] = defaultdict(dict)
    for side, application_id, rank in Preference.objects.filter(
        round=round_, commissioner_application__in=[a.pk for a in candidates]
    ).values_list("side", "commissioner_application_id", "rank"):
        saved[side][application_id] = rank

    scores: dict[int, dict[int, float]] = {}

    def engine_score(application: CommissionerApplication) -> float | None:
        ea_id = application.enterprise_application_id
        if ea_id not in scores:
            applicants = [a.researcher for a in candidates if a.enterprise_application_id == ea_id]
            rows = _engine_scores(enterprise_applications[ea_id], applicants)
            scores[ea_id] = {pk: row.score for pk, row in rows.items()}
        return scores[ea_id].get(application.researcher_id)

    def order(applications: list[CommissionerApplication], side: str) -> list[int]:
        ranks = saved[side]
        ranked = sorted((a for a in applications if a.pk in ranks), key=lambda a: ranks[a.pk])
        rest = [a for a in applications if a.pk not in ranks]
        if rest:
            rest.sort(
                key=lambda a: (
                    (s := engine_score(a)) is None,
                    -(s or 0.0),
                    a.pk,
                )
            )
        return [
            a.researcher_id if side == Preference.Side.ENTERPRISE else a.enterprise_application_id
            for a in ranked + rest
        ]

    by_ea: dict[int, list[CommissionerApplication]] = defaultdict(list)
    by_researcher: dict[int, list[CommissionerApplication]] = defaultdict(list)
    for a in candidates:
        by_ea[a.enterprise_application_id].append(a)
        by_researcher[a.researcher_id].append(a)

    # agent ids are primary keys (ints); the solver types them as any hashable
    enterprise_capacity: dict[Any, int] = {
        ea: max(0, k - live_by_ea[ea]) for ea in enterprise_applications
    }
    researcher_capacity: dict[Any, int] = {
        r: max(0, m - live_by_researcher[r]) for r in researchers
    }
    enterprise_prefs: dict[Any, list[Any]] = {
        ea: order(by_ea[ea], Preference.Side.ENTERPRISE) for ea in by_ea
    }
    researcher_prefs: dict[Any, list[Any]] = {
        r: order(by_researcher[r], Preference.Side.RESEARCHER) for r in by_researcher
    }

    prepared = Prepared(
        instance=assignment.Instance(
            enterprises=enterprise_capacity,
            researchers=researcher_capacity,
            enterprise_prefs=enterprise_prefs,
            researcher_prefs=researcher_prefs,
        ),
        parameters={},
        application_of={(a.enterprise_application_id, a.researcher_id): a for a in candidates},
        enterprise_applications=enterprise_applications,
        researchers=researchers,
        conflicts=left_out,
    )
    quotas: dict[Any, assignment.Quota] = {}
    if round_.max_enterprises_per_city is not None:
        cities: dict[str, set[int]] = defaultdict(set)
        for ea in enterprise_applications.values():
            cities[_city(ea)].add(ea.pk)
        for city, members in sorted(cities.items()):
            group = f"city:{city}"
            existing = live_by_city[city]
            limit = max(0, round_.max_enterprises_per_city * k - existing)
            quotas[group] = assignment.Quota(assignment.ENTERPRISE, frozenset(members), limit)
            region = next(iter(enterprise_applications[pk] for pk in members)).enterprise.region
            prepared.group_labels[group] = region.name if region.code[:4] == city else city
            prepared.group_existing[group] = existing
            for pk in members:
                prepared.group_of_enterprise[pk] = group
    if round_.max_commissioners_per_unit is not None:
        units: dict[int, set[int]] = defaultdict(set)
        for researcher in researchers.values():
            units[researcher.unit_id].add(researcher.pk)
        for unit_id, members in sorted(units.items()):
            group = f"unit:{unit_id}"
            existing = live_by_unit[unit_id]
            limit = max(0, round_.max_commissioners_per_unit * m - existing)
            quotas[group] = assignment.Quota(assignment.RESEARCHER, frozenset(members), limit)
            prepared.group_labels[group] = researchers[next(iter(members))].unit.name
            prepared.group_existing[group] = existing
            for pk in members:
                prepared.group_of_researcher[pk] = group
    prepared.instance.quotas = quotas
    prepared.parameters = {
        "k": k,
        "m": m,
        "max_enterprises_per_city": round_.max_enterprises_per_city,
        "max_commissioners_per_unit": round_.max_commissioners_per_unit,
        "score": SCORE_SOURCE,
        "capacities": {
            "enterprise_applications": {str(pk): c for pk, c in enterprise_capacity.items()},
            "researchers": {str(pk): c for pk, c in researcher_capacity.items()},
        },
        "quotas": {
            group: {
                "side": quota.side,
                "label": prepared.group_labels[group],
                "limit": quota.limit,
                "existing": prepared.group_existing[group],
                "members": sorted(quota.members),
            }
            for group, quota in quotas.items()
        },
    }
    return prepared


def build_instance(*, round_: Round) -> assignment.Instance:
    """The solver's input for ``round_``: capacities, both sides' preferences, quota groups."""
    return prepare(round_=round_).instance


def fingerprint(round_: Round) -> str:
    """A digest of everything a run depends on besides the engine: the round's capacities and
    quotas, the states of its applications and dispatches, the saved preferences and which
    candidates have a conflict of interest."""
    round_ = Round.objects.get(pk=round_.pk)
    data = {
        "round": [
            round_.commissioners_per_enterprise,
            round_.enterprises_per_commissioner,
            round_.max_enterprises_per_city,
            round_.max_commissioners_per_unit,
        ],
        "enterprise_applications": list(
            EnterpriseApplication.objects.filter(round=round_)
            .order_by("pk")
            .values_list("pk", "state")
        ),
        "commissioner_applications": list(
            CommissionerApplication.objects.filter(round=round_)
            .order_by("pk")
            .values_list("pk", "state")
        ),
        "dispatches": list(
            Dispatch.objects.filter(round=round_).order_by("pk").values_list("pk", "state")
        ),
        "preferences": list(
            Preference.objects.filter(round=round_)
            .order_by("side", "commissioner_application_id")
            .values_list("side", "commissioner_application_id", "rank")
        ),
    }
    conflicted = conflicts(
        CommissionerApplication.objects.filter(round=round_, state=CA.UNIT_APPROVED).select_related(
            "researcher", "enterprise_application__enterprise"
        )
    )
    if conflicted:  # absent while there is none, so runs computed before stay valid
        data["conflicts"] = sorted(conflicted)
    encoded = json.dumps(data, sort_keys=True, default=list).encode()
    return hashlib.sha256(encoded).hexdigest()


# --- running and applying -----------------------------------------------------------------------


def can_run_selection(user: Any, round_: Round) -> bool:
    return services.can_administer_round(user, round_.region)


def _translated(reason: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reason_label(reason)


def _result_json(prepared: Prepared, result: assignment.Result) -> dict[str, Any]:
    pairs = []
    used: dict[Any, int] = defaultdict(int)
    for ea_id, researcher_id in result.pairs:
        application = prepared.application_of[ea_id, researcher_id]
        pairs.append(
            {
                "commissioner_application": application.pk,
                "enterprise_application": ea_id,
                "enterprise": prepared.enterprise_applications[ea_id].enterprise.name,
                "researcher": researcher_id,
                "researcher_name": prepared.researchers[researcher_id].name,
            }
        )
        for group in (
            prepared.group_of_enterprise.get(ea_id),
            prepared.group_of_researcher.get(researcher_id),
        ):
            if group:
                used[group] += 1
    return {
        "pairs": pairs,
        "unmatched_enterprises": [
            {
                "enterprise_application": ea_id,
                "enterprise": prepared.enterprise_applications[ea_id].enterprise.name,
                "reason": reason,
                "reason_text": _translated(reason),
            }
            for ea_id, reason in result.unmatched_enterprises.items()
        ],
        "unmatched_researchers": [
            {
                "researcher": researcher_id,
                "researcher_name": prepared.researchers[researcher_id].name,
                "reason": reason,
                "reason_text": _translated(reason),
            }
            for researcher_id, reason in result.unmatched_researchers.items()
        ],
        "conflicts": [
            {
                "commissioner_application": a.pk,
                "enterprise_application": a.enterprise_application_id,
                "enterprise": a.enterprise_application.enterprise.name,
                "researcher": a.researcher_id,
                "researcher_name": a.researcher.name,
                "reason": REASON_CONFLICT_OF_INTEREST,
                "reason_text": _translated(REASON_CONFLICT_OF_INTEREST),
            }
            for a in prepared.conflicts
        ],
        "objective": round(result.objective, 6),
        "stats": {
            **{k: v for k, v in result.stats.items() if k != "quota_violations"},
            "quota_violations": {
                str(group): excess for group, excess in result.stats["quota_violations"].items()
            },
        },
        "quota_usage": [
            {
                "group": group,
                "label": prepared.group_labels[group],
                "side": quota.side,
                "existing": prepared.group_existing[group],
                "used": used[group],
                "limit": quota.limit,
                "exceeded": used[group] > quota.limit,
            }
            for group, quota in prepared.instance.quotas.items()
        ],
    }


@transaction.atomic
def run_selection(*, actor: Any, round_: Round, mode: str) -> SelectionRun:
    """Compute the selection of ``round_`` with the ``stable`` or ``optimal`` solver and keep it
    as a draft run (the provincial administrator of the round's region, in the selection
    phase)."""
    round_ = Round.objects.select_related("region").get(pk=round_.pk)
    services.require_round_admin(actor, round_)
    if mode not in MODES:
        raise ValidationFailed(
            _("Choose the stable matching or the highest total score."), field="mode"
        )
    services.require_open_phase(round_, CommissionerApplication.KIND, "select")
    digest = fingerprint(round_)
    prepared = prepare(round_=round_)
    result = assignment.assign(prepared.instance, mode=mode)  # type: ignore[arg-type]
    run = SelectionRun.objects.create(
        round=round_,
        mode=mode,
        actor=actor,
        parameters=prepared.parameters,
        result=_result_json(prepared, result),
        fingerprint=digest,
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=run,
        summary=str(run)[:255],
        detail={"mode": mode, "pairs": len(result.pairs)},
    )
    return run


@transaction.atomic
def apply_selection(*, actor: Any, run: SelectionRun) -> SelectionRun:
    """Record a draft run: each pair selected (a dispatch is created, method = the run's mode)
    and every other approved candidate of the round not selected, all or nothing. Refused when
    anything the run was computed from changed since."""
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    round_ = Round.objects.select_for_update().select_related("region").get(pk=run.round_id)
    services.require_round_admin(actor, round_)
    if run.status != SelectionRun.Status.DRAFT:
        raise InvalidState(_("This selection has already been applied."))
    if fingerprint(round_) != run.fingerprint:
        raise InvalidState(
            _(
                "Rankings, applications, declared relations or dispatches changed after this "
                "selection was computed; compute it again."
            )
        )
    comment = _("Two-way selection #%(run)d: %(mode)s") % {
        "run": run.pk,
        "mode": run.get_mode_display(),
    }
    selected: set[int] = set()
    for pair in run.result.get("pairs", []):
        application = CommissionerApplication.objects.get(pk=pair["commissioner_application"])
        services.record_selection(
            actor=actor, application=application, method=run.mode, comment=comment
        )
        selected.add(application.pk)
    unmatched = {
        row["researcher"]: row["reason_text"] for row in run.result.get("unmatched_researchers", [])
    }
    conflicted = {
        row["commissioner_application"]: row["reason_text"]
        for row in run.result.get("conflicts", [])
    }
    others = CommissionerApplication.objects.filter(round=round_, state=CA.UNIT_APPROVED).exclude(
        pk__in=selected
    )
    for application in others.order_by("pk"):
        reason = (
            conflicted.get(application.pk)
            or unmatched.get(application.researcher_id)
            or _("Paired with another enterprise in this selection.")
        )
        services.transition(
            obj=application,
            action="not_select",
            actor=actor,
            comment=f"{comment} — {reason}",
            method=run.mode,
        )
    run.status = SelectionRun.Status.APPLIED
    run.applied_by = actor
    run.applied_at = timezone.now()
    run.save(update_fields=["status", "applied_by", "applied_at"])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=run,
        summary=_("Two-way selection applied"),
        detail={"selected": sorted(selected)},
    )
    return run


def override(
    *,
    actor: Any,
    application: CommissionerApplication,
    enterprise_application: EnterpriseApplication,
    reason: str,
) -> Dispatch:
    """The provincial administrator pairs a researcher with an enterprise they applied to,
    whatever the rankings, giving the reason (kept as the comment of the ``select`` transition
    with method ``override``, or of ``override_select`` when an applied selection left the
    candidate not selected). ``application`` names the researcher; their approved (or not
    selected) application to ``enterprise_application`` is the one selected. A conflict of
    interest (``eligibility.pair_conflict``) is refused like any other guard of those steps."""
    refusal = wf.party_refusal(actor, wf.Party.PROVINCE, wf.subject_of(application))
    if refusal:
        raise PermissionRefused(refusal)
    if not reason.strip():
        raise ValidationFailed(_("An override needs a reason."), field="reason")
    if application.enterprise_application_id != enterprise_application.pk:
        found = CommissionerApplication.objects.filter(
            researcher_id=application.researcher_id, enterprise_application=enterprise_application
        ).first()
        if found is None:
            raise ValidationFailed(
                _("%(researcher)s did not apply to %(enterprise)s.")
                % {
                    "researcher": application.researcher,
                    "enterprise": enterprise_application.enterprise,
                }
            )
        application = found
    if application.state == CA.NOT_SELECTED:
        with transaction.atomic():
            services.transition(
                obj=application, action="override_select", actor=actor, comment=reason.strip()
            )
            return Dispatch.objects.get(commissioner_application=application)
    return services.record_selection(
        actor=actor, application=application, method="override", comment=reason.strip()
    )


# --- pages' reads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionHome:
    enterprise_applications: list[EnterpriseApplication]
    researcher_rounds: list[Round]
    administered_rounds: list[Round]


def selection_home(user: Any) -> SelectionHome:
    """What ``user`` can do in the two-way selection: rank for their enterprise applications,
    rank as a researcher in a round, or run the selection of a round."""
    open_rounds = Round.objects.filter(status=Round.Status.OPEN).select_related("region")
    applications = list(
        EnterpriseApplication.objects.filter(
            enterprise__in=enterprises_acted_for(user),
            state=EA.DISPATCHED,
            round__status=Round.Status.OPEN,
        ).select_related("enterprise", "round")
    )
    researcher_rounds: list[Round] = []
    researcher = getattr(user, "researcher", None) if user.role == Role.RESEARCHER else None
    if researcher is not None:
        researcher_rounds = list(
            open_rounds.filter(
                commissioner_applications__researcher=researcher,
                commissioner_applications__state__in=[CA.UNIT_APPROVED, CA.SELECTED],
            ).distinct()
        )
    administered = [r for r in open_rounds if can_run_selection(user, r)]
    return SelectionHome(applications, researcher_rounds, administered)


@dataclass(frozen=True)
class RoundOverview:
    candidates: list[CommissionerApplication]
    """Approved candidates waiting for the selection."""
    overridable: list[CommissionerApplication]
    """Candidates an administrator may still select by override: waiting or not selected,
    without a conflict of interest."""
    dispatches: list[Dispatch]
    runs: list[SelectionRun]
    enterprises_ranked: int
    enterprises_total: int
    researchers_ranked: int
    researchers_total: int


def round_overview(*, actor: Any, round_: Round) -> RoundOverview:
    """The administrator's view of a round's selection: candidates, dispatches, runs and how
    many parties saved a ranking."""
    if not can_run_selection(actor, round_):
        raise PermissionRefused(
            _("Only the provincial administrator of %(region)s may run its selection.")
            % {"region": round_.region.full_name}
        )
    waiting = list(
        CommissionerApplication.objects.filter(
            round=round_, state__in=[CA.UNIT_APPROVED, CA.NOT_SELECTED]
        )
        .select_related("researcher", "enterprise_application__enterprise")
        .order_by("enterprise_application_id", "pk")
    )
    candidates = [c for c in waiting if c.state == CA.UNIT_APPROVED]
    conflicted = conflicts(waiting)
    overridable = [c for c in waiting if c.pk not in conflicted]
    ranked = Preference.objects.filter(round=round_)
    enterprises_ranked = (
        ranked.filter(side=Preference.Side.ENTERPRISE)
        .values("commissioner_application__enterprise_application")
        .distinct()
        .count()
    )
    researchers_ranked = (
        ranked.filter(side=Preference.Side.RESEARCHER)
        .values("commissioner_application__researcher")
        .distinct()
        .count()
    )
    return RoundOverview(
        candidates=candidates,
        overridable=overridable,
        dispatches=list(_live_dispatches(round_).order_by("pk")),
        runs=list(SelectionRun.objects.filter(round=round_).select_related("actor")[:20]),
        enterprises_ranked=enterprises_ranked,
        enterprises_total=len({c.enterprise_application_id for c in candidates}),
        researchers_ranked=researchers_ranked,
        researchers_total=len({c.researcher_id for c in candidates}),
    )
