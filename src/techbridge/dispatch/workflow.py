"""The review chain as ONE explicit transition table, with the checks and effects it names.

Each ``Step`` says, for one kind of object (enterprise application, commissioner application,
dispatch): from which states, to which state, which party may take it (a party is a role plus
an organisation or region condition), in which phases of the round, whether a comment is
required, which guards must hold (eligibility, quotas, meeting outcome, objections) and who is
told. ``dispatch.services.transition`` is the only code that executes a step; the selectors use
the same table to say which buttons to show, and the to-do lists are derived from it: whoever can
take a step from the new state gets a to-do.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techbridge.accounts.models import Role, User
from techbridge.accounts.permissions import administers_region
from techbridge.core.errors import InvalidState, ValidationFailed
from techbridge.demands.selectors import acting_for_q, can_act_for
from techbridge.dispatch import eligibility
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EnterpriseApplication,
    Meeting,
    Phase,
    Round,
)
from techbridge.talent.selectors import manages_unit

EA = EnterpriseApplication.State
CA = CommissionerApplication.State
DS = Dispatch.State


class Party(StrEnum):
    ENTERPRISE = "enterprise"
    RESEARCHER = "researcher"
    UNIT = "unit"
    CITY_BUREAU = "city_bureau"
    PROVINCE = "province"
    SYSTEM = "system"


PARTY_ROLES: dict[Party, tuple[str, ...]] = {
    Party.ENTERPRISE: (Role.ENTERPRISE, Role.TECH_MANAGER),
    Party.RESEARCHER: (Role.RESEARCHER,),
    Party.UNIT: (Role.UNIT,),
    Party.CITY_BUREAU: (Role.CITY_BUREAU,),
    Party.PROVINCE: (Role.PROVINCE_ADMIN,),
    Party.SYSTEM: (),
}
PARTY_LABELS = {
    Party.ENTERPRISE: gettext_lazy("the enterprise"),
    Party.RESEARCHER: gettext_lazy("the researcher"),
    Party.UNIT: gettext_lazy("the researcher's unit"),
    Party.CITY_BUREAU: gettext_lazy("the city bureau of the enterprise's city"),
    Party.PROVINCE: gettext_lazy("the provincial administrator of the round's region"),
    Party.SYSTEM: gettext_lazy("the platform"),
}
# Superusers may act as administrators everywhere, never as one of the parties of an agreement.
SUPERUSER_PARTIES = (Party.CITY_BUREAU, Party.PROVINCE)


@dataclass(frozen=True)
class Subject:
    """An application or dispatch with the round and parties it concerns."""

    obj: Any
    round: Round
    enterprise: Any
    enterprise_application: EnterpriseApplication
    researcher: Any = None

    @property
    def kind(self) -> str:
        return str(self.obj.KIND)


def subject_of(obj: Any) -> Subject:
    if isinstance(obj, EnterpriseApplication):
        return Subject(obj, obj.round, obj.enterprise, obj)
    if isinstance(obj, CommissionerApplication):
        ea = obj.enterprise_application
        return Subject(obj, obj.round, ea.enterprise, ea, obj.researcher)
    if isinstance(obj, Dispatch):
        ea = obj.enterprise_application
        return Subject(obj, obj.round, ea.enterprise, ea, obj.commissioner_application.researcher)
    raise TypeError(f"not a dispatch workflow object: {obj!r}")


# --- parties -----------------------------------------------------------------------------------


def is_party(user: Any, party: Party, subject: Subject) -> bool:
    return party_refusal(user, party, subject) is None


def party_refusal(user: Any, party: Party, subject: Subject) -> str | None:
    """Why ``user`` is not ``party`` of ``subject``, or None if they are."""
    if not getattr(user, "is_authenticated", False):
        return _("Please sign in.")
    if party == Party.SYSTEM:
        return _("This step is taken by the platform itself.")
    if user.is_superuser and party in SUPERUSER_PARTIES:
        return None
    if user.role not in PARTY_ROLES[party]:
        return _("This step is for %(party)s.") % {"party": PARTY_LABELS[party]}
    if party == Party.ENTERPRISE:
        if can_act_for(user, subject.enterprise):
            return None
        return _("You do not act for %(enterprise)s.") % {"enterprise": subject.enterprise}
    if party == Party.RESEARCHER:
        if subject.researcher is not None and subject.researcher.user_id == user.pk:
            return None
        return _("This is another researcher's application.")
    if party == Party.UNIT:
        if subject.researcher is not None and manages_unit(user, subject.researcher.unit_id):
            return None
        return _("%(researcher)s belongs to another unit.") % {"researcher": subject.researcher}
    if party == Party.CITY_BUREAU:
        if administers_region(user, subject.enterprise.region_id):
            return None
        return _("%(enterprise)s is registered outside the city you administer.") % {
            "enterprise": subject.enterprise
        }
    if administers_region(user, subject.round.region_id):
        return None
    return _("The round's region %(region)s lies outside the province you administer.") % {
        "region": subject.round.region.full_name
    }


def party_users(party: Party, subject: Subject) -> QuerySet[User]:
    """The accounts that act as ``party`` of ``subject`` (who is told and given to-dos)."""
    users = User.objects.filter(is_active=True)
    if party == Party.ENTERPRISE:
        return users.filter(acting_for_q(subject.enterprise.pk)).distinct()
    if party == Party.RESEARCHER:
        user_id = subject.researcher.user_id if subject.researcher is not None else None
        return users.filter(pk=user_id) if user_id else users.none()
    if party == Party.UNIT:
        if subject.researcher is None:
            return users.none()
        return users.filter(role=Role.UNIT, organisation_id=subject.researcher.unit_id)
    if party == Party.CITY_BUREAU:
        prefix = subject.enterprise.region_id[:4]
        return users.filter(role=Role.CITY_BUREAU, region__code__startswith=prefix)
    if party == Party.PROVINCE:
        prefix = subject.round.region_id[:2]
        return users.filter(role=Role.PROVINCE_ADMIN, region__code__startswith=prefix)
    return users.none()


def acting_party(user: Any, step: Step, subject: Subject) -> Party | None:
    for party in step.parties:
        if is_party(user, party, subject):
            return party
    return None


# --- phases ------------------------------------------------------------------------------------


def phases_enforced(round_: Round) -> bool:
    return round_.enforce_phases and getattr(settings, "DISPATCH_ENFORCE_PHASES", True)


def phase_refusal(step: Step, round_: Round, today: datetime.date) -> str | None:
    if not step.phases or not phases_enforced(round_):
        return None
    if any(round_.is_in_phase(phase, today) for phase in step.phases):
        return None
    windows = "; ".join(
        _("%(phase)s (%(opens)s to %(closes)s)")
        % {
            "phase": Phase(phase).label,
            "opens": round_.window(phase)[0].isoformat(),
            "closes": round_.window(phase)[1].isoformat(),
        }
        for phase in step.phases
    )
    return _("“%(action)s” is allowed only during %(windows)s; today is %(today)s.") % {
        "action": step.label,
        "windows": windows,
        "today": today.isoformat(),
    }


# --- guards: raise with the reason when a step may not be taken ---------------------------------

Guard = Callable[[Subject, Any, dict[str, Any], datetime.date], None]


def enterprise_eligible(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    eligibility.raise_if_failed(
        eligibility.check_enterprise(
            round_=subject.round, application=subject.enterprise_application, today=today
        )
    )


def commissioner_eligible(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    eligibility.raise_if_failed(
        eligibility.check_commissioner(
            round_=subject.round, researcher=subject.researcher, today=today
        )
    )


def no_conflict_of_interest(
    subject: Subject, actor: Any, params: dict, today: datetime.date
) -> None:
    """The researcher may not be paired with this enterprise (``eligibility.pair_conflict``);
    in every step that pairs them, the override included."""
    reason = eligibility.pair_conflict(subject.researcher, subject.enterprise)
    if reason:
        raise ValidationFailed(reason)


def enterprise_application_open(
    subject: Subject, actor: Any, params: dict, today: datetime.date
) -> None:
    if subject.enterprise_application.state != EA.DISPATCHED:
        raise InvalidState(
            _("%(enterprise)s's application is not open to researchers (it is %(state)s).")
            % {
                "enterprise": subject.enterprise,
                "state": subject.enterprise_application.get_state_display(),
            }
        )


def city_quota(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    limit = subject.round.max_enterprises_per_city
    if limit is None:
        return
    city = subject.enterprise.region_id[:4]
    taken = (
        EnterpriseApplication.objects.filter(
            round=subject.round,
            state__in=[EA.APPROVED, EA.DISPATCHED],
            enterprise__region__code__startswith=city,
        )
        .exclude(pk=subject.obj.pk)
        .count()
    )
    if taken >= limit:
        raise InvalidState(
            _("The city's quota of %(limit)d enterprises in this round is reached.")
            % {"limit": limit}
        )


def unit_quota(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    limit = subject.round.max_commissioners_per_unit
    if limit is None:
        return
    approved = (
        CommissionerApplication.objects.filter(
            round=subject.round,
            researcher__unit_id=subject.researcher.unit_id,
            state__in=[CA.UNIT_APPROVED, CA.SELECTED],
        )
        .exclude(researcher=subject.researcher)
        .values("researcher")
        .distinct()
        .count()
    )
    if approved >= limit:
        raise InvalidState(
            _("The unit's quota of %(limit)d commissioners in this round is reached.")
            % {"limit": limit}
        )


def pair_quota(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    live = Dispatch.objects.filter(round=subject.round).exclude(state=DS.CANCELLED)
    k = subject.round.commissioners_per_enterprise
    if live.filter(enterprise_application=subject.enterprise_application).count() >= k:
        raise InvalidState(
            _("%(enterprise)s already has the %(k)d commissioner(s) this round allows.")
            % {"enterprise": subject.enterprise, "k": k}
        )
    m = subject.round.enterprises_per_commissioner
    if live.filter(commissioner_application__researcher=subject.researcher).count() >= m:
        raise InvalidState(
            _("%(researcher)s already serves the %(m)d enterprise(s) this round allows.")
            % {"researcher": subject.researcher, "m": m}
        )


def meeting_agreed(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    if subject.obj.meeting_outcome != Meeting.Outcome.AGREED:
        raise InvalidState(_("The meeting did not end in an agreement to cooperate."))


def publication_over(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    ends_on = subject.obj.publication_ends_on
    if phases_enforced(subject.round) and ends_on is not None and today < ends_on:
        raise InvalidState(
            _("The publication period runs until %(date)s.") % {"date": ends_on.isoformat()}
        )


def no_open_objections(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    open_count = subject.obj.objections.filter(resolution="").count()
    if open_count:
        raise InvalidState(
            _("%(n)d objection(s) must be resolved first.") % {"n": open_count},
        )


def party_not_confirmed(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    party = params.get("_party")
    if party is not None and getattr(subject.obj, CONFIRMATION_FIELDS[party]) is not None:
        raise InvalidState(_("You have already confirmed the agreement."))


def agreement_generated(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    # Looked up by name: the agreements app imports this module.
    document = apps.get_model("agreements", "AgreementDocument")
    if not document.objects.filter(dispatch_id=subject.obj.pk).exists():
        raise InvalidState(
            _("The agreement must be generated first, so that each party confirms its text.")
        )


def all_parties_confirmed(subject: Subject, actor: Any, params: dict, today: datetime.date) -> None:
    if not subject.obj.all_parties_confirmed:
        raise InvalidState(_("The agreement waits for the confirmation of all three parties."))


CONFIRMATION_FIELDS = {
    Party.ENTERPRISE: "enterprise_confirmed_at",
    Party.RESEARCHER: "commissioner_confirmed_at",
    Party.UNIT: "unit_confirmed_at",
}


# --- parameters -------------------------------------------------------------------------------


def _meeting_params(params: dict[str, Any]) -> dict[str, Any]:
    meeting = params.get("meeting")
    if meeting is not None:
        if not isinstance(meeting, Meeting):
            raise ValidationFailed(_("Choose an existing meeting."), field="meeting")
        return {"meeting": meeting}
    scheduled_at = params.get("scheduled_at")
    if isinstance(scheduled_at, str):
        scheduled_at = parse_datetime(scheduled_at)
    if not isinstance(scheduled_at, datetime.datetime):
        raise ValidationFailed(_("Give the date and time of the meeting."), field="scheduled_at")
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    place = str(params.get("place") or "").strip()
    if not place:
        raise ValidationFailed(_("Give the place of the meeting."), field="place")
    return {"scheduled_at": scheduled_at, "place": place[:200]}


def _outcome_params(params: dict[str, Any]) -> dict[str, Any]:
    outcome = params.get("outcome")
    if outcome not in (Meeting.Outcome.AGREED, Meeting.Outcome.NOT_AGREED):
        raise ValidationFailed(
            _("Record whether the meeting agreed on a cooperation."), field="outcome"
        )
    return {"outcome": outcome, "notes": str(params.get("notes") or "")}


def _selection_params(params: dict[str, Any]) -> dict[str, Any]:
    return {"method": str(params.get("method") or "")[:30]}


def _override_params(params: dict[str, Any]) -> dict[str, Any]:
    return {"method": "override"}


# --- effects: what a step changes besides the state -------------------------------------------

Effect = Callable[[Subject, Any, dict[str, Any], datetime.datetime], list[str]]


def _submitted(subject: Subject, actor: Any, params: dict, now: datetime.datetime) -> list[str]:
    subject.obj.submitted_at = now
    return ["submitted_at"]


def _city_reviewed(subject: Subject, actor: Any, params: dict, now: datetime.datetime) -> list[str]:
    subject.obj.reviewed_at = now
    subject.obj.review_comment = params["_comment"]
    return ["reviewed_at", "review_comment"]


def _sent_to_units(subject: Subject, actor: Any, params: dict, now: datetime.datetime) -> list[str]:
    # dispatch.units ranks the units with the matching engine, which imports this module's
    # app: looked up here, when the step runs.
    from techbridge.dispatch import units

    subject.obj.dispatched_at = now
    units.on_sent(subject.obj)
    return ["dispatched_at"]


def _unit_reviewed(subject: Subject, actor: Any, params: dict, now: datetime.datetime) -> list[str]:
    subject.obj.unit_reviewed_by = actor
    subject.obj.unit_reviewed_at = now
    subject.obj.unit_comment = params["_comment"]
    return ["unit_reviewed_by", "unit_reviewed_at", "unit_comment"]


def _selected(subject: Subject, actor: Any, params: dict, now: datetime.datetime) -> list[str]:
    from techbridge.dispatch.models import Transition

    dispatch = Dispatch.objects.create(
        round=subject.round,
        enterprise_application=subject.enterprise_application,
        commissioner_application=subject.obj,
        state=DS.SELECTED,
        selection_method=params.get("method", ""),
    )
    Transition.objects.create(
        round=subject.round,
        object_type=Dispatch.KIND,
        object_id=dispatch.pk,
        action="create",
        from_state="",
        to_state=DS.SELECTED,
        actor=actor,
        comment=params["_comment"],
        detail={"method": dispatch.selection_method},
    )
    params["_created"] = dispatch
    return []


def _meeting_scheduled(
    subject: Subject, actor: Any, params: dict, now: datetime.datetime
) -> list[str]:
    meeting = params.get("meeting")
    if meeting is None:
        meeting = Meeting.objects.create(
            enterprise_application=subject.enterprise_application,
            scheduled_at=params["scheduled_at"],
            place=params["place"],
            organiser=actor,
        )
    elif meeting.enterprise_application_id != subject.enterprise_application.pk:
        raise ValidationFailed(_("That meeting is with another enterprise."), field="meeting")
    meeting.commissioner_applications.add(subject.obj.commissioner_application)
    subject.obj.meeting = meeting
    subject.obj.meeting_outcome = ""
    return ["meeting", "meeting_outcome"]


def _meeting_held(subject: Subject, actor: Any, params: dict, now: datetime.datetime) -> list[str]:
    dispatch = subject.obj
    dispatch.meeting_outcome = params["outcome"]
    meeting = dispatch.meeting
    if meeting is not None:
        meeting.outcome = params["outcome"]
        meeting.held_at = meeting.held_at or now
        if params.get("notes"):
            meeting.notes = "\n".join(filter(None, [meeting.notes, params["notes"]]))
        meeting.save(update_fields=["outcome", "held_at", "notes"])
    return ["meeting_outcome"]


def _filed(subject: Subject, actor: Any, params: dict, now: datetime.datetime) -> list[str]:
    subject.obj.filed_at = now
    return ["filed_at"]


def _publication_started(
    subject: Subject, actor: Any, params: dict, now: datetime.datetime
) -> list[str]:
    today = timezone.localdate(now)
    subject.obj.publication_starts_on = today
    subject.obj.publication_ends_on = today + datetime.timedelta(
        days=subject.round.publication_days
    )
    return ["publication_starts_on", "publication_ends_on"]


def _agreement_confirmed(
    subject: Subject, actor: Any, params: dict, now: datetime.datetime
) -> list[str]:
    field = CONFIRMATION_FIELDS[params["_party"]]
    setattr(subject.obj, field, now)
    return [field]


def _service_started(
    subject: Subject, actor: Any, params: dict, now: datetime.datetime
) -> list[str]:
    subject.obj.service_started_at = now
    return ["service_started_at"]


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    kind: str
    action: str
    label: Any
    sources: tuple[str, ...]
    target: str
    parties: tuple[Party, ...]
    phases: tuple[str, ...] = ()
    comment_required: bool = False
    guards: tuple[Guard, ...] = ()
    clean: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    effect: Effect | None = None
    notify: tuple[Party, ...] = ()
    todo: bool = True
    """Whether the parties get a to-do while the object waits in a source state."""
    then: str | None = None
    """A step tried automatically right after this one; skipped while its guards fail."""


_E, _C, _D = EnterpriseApplication.KIND, CommissionerApplication.KIND, Dispatch.KIND
P = Party
PH = Phase

STEPS: tuple[Step, ...] = (
    # 1. The enterprise applies with its demand form to the city bureau.
    Step(_E, "submit", gettext_lazy("Submit to the city bureau"), (EA.DRAFT, EA.RETURNED),
         EA.SUBMITTED, (P.ENTERPRISE,), (PH.ENTERPRISE_APPLICATIONS, PH.CITY_REVIEW),
         guards=(enterprise_eligible,), effect=_submitted, notify=(P.CITY_BUREAU,)),
    Step(_E, "withdraw", gettext_lazy("Withdraw"), (EA.DRAFT, EA.RETURNED, EA.SUBMITTED),
         EA.WITHDRAWN, (P.ENTERPRISE,), notify=(P.CITY_BUREAU,), todo=False),
    # 2. The city bureau reviews: approve, return for changes, or reject.
    Step(_E, "approve", gettext_lazy("Approve"), (EA.SUBMITTED,), EA.APPROVED,
         (P.CITY_BUREAU,), (PH.CITY_REVIEW,), guards=(enterprise_eligible, city_quota),
         effect=_city_reviewed, notify=(P.ENTERPRISE, P.PROVINCE)),
    Step(_E, "return", gettext_lazy("Return for changes"), (EA.SUBMITTED,), EA.RETURNED,
         (P.CITY_BUREAU,), (PH.CITY_REVIEW,), comment_required=True, effect=_city_reviewed,
         notify=(P.ENTERPRISE,), todo=False),
    Step(_E, "reject", gettext_lazy("Reject"), (EA.SUBMITTED,), EA.REJECTED,
         (P.CITY_BUREAU,), (PH.CITY_REVIEW,), comment_required=True, effect=_city_reviewed,
         notify=(P.ENTERPRISE,), todo=False),
    # 3. The province sends the approved demands to the units; researchers apply.
    Step(_E, "send_to_units", gettext_lazy("Send to the units"), (EA.APPROVED,), EA.DISPATCHED,
         (P.PROVINCE,), (PH.CITY_REVIEW, PH.RESEARCHER_APPLICATIONS), effect=_sent_to_units,
         notify=(P.ENTERPRISE, P.CITY_BUREAU)),
    Step(_C, "submit", gettext_lazy("Submit to my unit"), (CA.DRAFT,), CA.SUBMITTED,
         (P.RESEARCHER,), (PH.RESEARCHER_APPLICATIONS,),
         guards=(enterprise_application_open, no_conflict_of_interest, commissioner_eligible),
         effect=_submitted, notify=(P.UNIT,)),
    Step(_C, "withdraw", gettext_lazy("Withdraw"), (CA.DRAFT, CA.SUBMITTED), CA.WITHDRAWN,
         (P.RESEARCHER,), notify=(P.UNIT,), todo=False),
    Step(_C, "unit_approve", gettext_lazy("Approve (unit)"), (CA.SUBMITTED,), CA.UNIT_APPROVED,
         (P.UNIT,), (PH.RESEARCHER_APPLICATIONS,),
         guards=(no_conflict_of_interest, commissioner_eligible, unit_quota),
         effect=_unit_reviewed, notify=(P.RESEARCHER, P.PROVINCE)),
    Step(_C, "unit_reject", gettext_lazy("Reject (unit)"), (CA.SUBMITTED,), CA.UNIT_REJECTED,
         (P.UNIT,), (PH.RESEARCHER_APPLICATIONS,), comment_required=True, effect=_unit_reviewed,
         notify=(P.RESEARCHER,), todo=False),
    # 4. Two-way selection (computed by the solvers, recorded by the province).
    Step(_C, "select", gettext_lazy("Select"), (CA.UNIT_APPROVED,), CA.SELECTED, (P.PROVINCE,),
         (PH.SELECTION,), guards=(no_conflict_of_interest, pair_quota), clean=_selection_params,
         effect=_selected, notify=(P.RESEARCHER, P.UNIT, P.ENTERPRISE, P.CITY_BUREAU),
         todo=False),
    Step(_C, "not_select", gettext_lazy("Not selected"), (CA.UNIT_APPROVED,), CA.NOT_SELECTED,
         (P.PROVINCE,), (PH.SELECTION,), clean=_selection_params, notify=(P.RESEARCHER,),
         todo=False),
    # An administrator's override after the selection was applied, with the reason.
    Step(_C, "override_select", gettext_lazy("Select after all (override)"),
         (CA.NOT_SELECTED,), CA.SELECTED, (P.PROVINCE,), (PH.SELECTION,),
         comment_required=True, guards=(no_conflict_of_interest, pair_quota),
         clean=_override_params, effect=_selected,
         notify=(P.RESEARCHER, P.UNIT, P.ENTERPRISE, P.CITY_BUREAU), todo=False),
    # 5. The city bureau's meeting (洽谈会), then the intention and the filing.
    Step(_D, "schedule_meeting", gettext_lazy("Schedule the meeting"), (DS.SELECTED,),
         DS.MEETING_SCHEDULED, (P.CITY_BUREAU,), (PH.MEETINGS,), clean=_meeting_params,
         effect=_meeting_scheduled, notify=(P.ENTERPRISE, P.RESEARCHER)),
    Step(_D, "hold_meeting", gettext_lazy("Record the meeting"), (DS.MEETING_SCHEDULED,),
         DS.MEETING_HELD, (P.CITY_BUREAU,), (PH.MEETINGS,), clean=_outcome_params,
         effect=_meeting_held, notify=(P.ENTERPRISE, P.RESEARCHER)),
    Step(_D, "confirm_intention", gettext_lazy("Confirm the intention"), (DS.MEETING_HELD,),
         DS.INTENTION_CONFIRMED, (P.CITY_BUREAU,), (PH.MEETINGS,), guards=(meeting_agreed,),
         notify=(P.ENTERPRISE, P.RESEARCHER, P.UNIT)),
    Step(_D, "file", gettext_lazy("File with the province"), (DS.INTENTION_CONFIRMED,),
         DS.FILED, (P.CITY_BUREAU,), (PH.MEETINGS, PH.PUBLICATION), effect=_filed,
         notify=(P.PROVINCE,)),
    # 6. Publication (公示) and objections.
    Step(_D, "start_publication", gettext_lazy("Publish"), (DS.FILED,), DS.IN_PUBLICATION,
         (P.PROVINCE,), (PH.PUBLICATION,), effect=_publication_started,
         notify=(P.ENTERPRISE, P.RESEARCHER, P.UNIT, P.CITY_BUREAU)),
    Step(_D, "pass_publication", gettext_lazy("Close the publication"), (DS.IN_PUBLICATION,),
         DS.AGREEMENT_PENDING, (P.PROVINCE,), guards=(publication_over, no_open_objections),
         notify=(P.ENTERPRISE, P.RESEARCHER, P.UNIT)),
    # 7. The three-party agreement, then service.
    Step(_D, "confirm_agreement", gettext_lazy("Confirm the agreement"),
         (DS.AGREEMENT_PENDING,), DS.AGREEMENT_PENDING, (P.ENTERPRISE, P.RESEARCHER, P.UNIT),
         guards=(party_not_confirmed, agreement_generated), effect=_agreement_confirmed,
         then="start_service"),
    Step(_D, "start_service", gettext_lazy("Start the service"), (DS.AGREEMENT_PENDING,),
         DS.IN_SERVICE, (P.SYSTEM,), guards=(all_parties_confirmed,), effect=_service_started,
         notify=(P.ENTERPRISE, P.RESEARCHER, P.UNIT, P.CITY_BUREAU, P.PROVINCE)),
    Step(_D, "cancel", gettext_lazy("Cancel the dispatch"),
         (DS.SELECTED, DS.MEETING_SCHEDULED, DS.MEETING_HELD, DS.INTENTION_CONFIRMED, DS.FILED,
          DS.IN_PUBLICATION, DS.AGREEMENT_PENDING),
         DS.CANCELLED, (P.CITY_BUREAU, P.PROVINCE), comment_required=True,
         notify=(P.ENTERPRISE, P.RESEARCHER, P.UNIT), todo=False),
)  # fmt: skip

TABLE: dict[tuple[str, str], Step] = {(s.kind, s.action): s for s in STEPS}


def steps_for(kind: str) -> list[Step]:
    return [s for s in STEPS if s.kind == kind]


def find_step(kind: str, action: str) -> Step:
    step = TABLE.get((kind, action))
    if step is None:
        raise InvalidState(_("“%(action)s” is not a step of this workflow.") % {"action": action})
    return step


def awaits(step: Step, party: Party, subject: Subject) -> bool:
    """Whether ``party`` still has to take ``step`` (each party confirms an agreement once)."""
    if step.action == "confirm_agreement":
        return getattr(subject.obj, CONFIRMATION_FIELDS[party]) is None
    return True
