"""Who sees which application and dispatch, which steps they may take, and the timeline.

* An enterprise (its users and authorised technology managers) sees its own applications and
  dispatches, and the candidates once their unit approved them.
* A researcher sees their own applications and dispatches, and the enterprise applications
  sent to the units (to apply to them); a unit sees the same for its researchers.
* A city bureau sees the submitted applications of enterprises in its city and what follows;
  a provincial administrator everything submitted in rounds of its province.
* Auditors read the audit trail, not the applications. Superusers see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import (
    LOCAL_BUREAU_ROLES,
    administered_region_q,
    is_region_administrator,
)
from techbridge.demands.selectors import enterprises_acted_for
from techbridge.dispatch import eligibility
from techbridge.dispatch import workflow as wf
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EnterpriseApplication,
    Round,
    Transition,
)
from techbridge.dispatch.services import refusal
from techbridge.refdata.codes import region_prefix

EA = EnterpriseApplication.State
CA = CommissionerApplication.State
CANDIDATE_STATES = (CA.UNIT_APPROVED, CA.SELECTED, CA.NOT_SELECTED)


def rounds_visible_to(user: Any) -> QuerySet[Round]:
    """Rounds are public programme information for every signed-in user."""
    if not getattr(user, "is_authenticated", False):
        return Round.objects.none()
    return Round.objects.select_related("region", "region__parent")


def rounds_open_for(enterprise: Any) -> list[Round]:
    """Open rounds whose region holds ``enterprise`` and that take enterprise applications
    today (the submit phase, where phases are enforced)."""
    today = timezone.localdate()
    step = wf.find_step(EnterpriseApplication.KIND, "submit")
    return [
        round_
        for round_ in Round.objects.filter(status=Round.Status.OPEN).select_related("region")
        if enterprise.region_id.startswith(region_prefix(round_.region_id))
        and wf.phase_refusal(step, round_, today) is None
    ]


def _is_admin(user: Any) -> bool:
    return is_region_administrator(user)


def _sent_to(unit_id: int | None) -> Q:
    """Applications sent to the units, open to ``unit_id``: those sent to it, or to every unit
    (sent before units were chosen); see ``dispatch.units``."""
    everyone = Q(state=EA.DISPATCHED, target_units__isnull=True)
    if unit_id is None:
        return everyone
    return everyone | Q(state=EA.DISPATCHED, target_units=unit_id)


def enterprise_applications_visible_to(user: Any) -> QuerySet[EnterpriseApplication]:
    if not getattr(user, "is_authenticated", False):
        return EnterpriseApplication.objects.none()
    base = EnterpriseApplication.objects.select_related(
        "round", "round__region", "enterprise", "enterprise__region", "demand"
    )
    if user.is_superuser:
        return base.all()
    q = Q(enterprise__in=enterprises_acted_for(user))
    if user.role in LOCAL_BUREAU_ROLES:
        q |= administered_region_q(user, "enterprise__region") & ~Q(state=EA.DRAFT)
    elif user.role == Role.PROVINCE_ADMIN:
        q |= administered_region_q(user, "round__region") & ~Q(state=EA.DRAFT)
    elif user.role == Role.RESEARCHER:
        researcher = getattr(user, "researcher", None)
        q |= _sent_to(researcher.unit_id if researcher else None) | Q(
            commissioner_applications__researcher__user=user
        )
    elif user.role == Role.UNIT and user.organisation_id:
        q |= _sent_to(user.organisation_id) | Q(
            commissioner_applications__researcher__unit_id=user.organisation_id
        )
    return base.filter(q).distinct()


def commissioner_applications_visible_to(user: Any) -> QuerySet[CommissionerApplication]:
    if not getattr(user, "is_authenticated", False):
        return CommissionerApplication.objects.none()
    base = CommissionerApplication.objects.select_related(
        "round",
        "round__region",
        "researcher",
        "researcher__unit",
        "enterprise_application__enterprise",
    )
    if user.is_superuser:
        return base.all()
    q = Q(
        enterprise_application__enterprise__in=enterprises_acted_for(user),
        state__in=CANDIDATE_STATES,
    )
    if user.role == Role.RESEARCHER:
        q |= Q(researcher__user=user)
    elif user.role == Role.UNIT and user.organisation_id:
        q |= Q(researcher__unit_id=user.organisation_id) & ~Q(state=CA.DRAFT)
    elif user.role in LOCAL_BUREAU_ROLES:
        q |= administered_region_q(user, "enterprise_application__enterprise__region") & Q(
            state__in=CANDIDATE_STATES
        )
    elif user.role == Role.PROVINCE_ADMIN:
        q |= administered_region_q(user, "round__region") & ~Q(state=CA.DRAFT)
    return base.filter(q).distinct()


def dispatches_visible_to(user: Any) -> QuerySet[Dispatch]:
    if not getattr(user, "is_authenticated", False):
        return Dispatch.objects.none()
    base = Dispatch.objects.select_related(
        "round",
        "round__region",
        "enterprise_application__enterprise",
        "commissioner_application__researcher",
        "commissioner_application__researcher__unit",
        "meeting",
    )
    if user.is_superuser:
        return base.all()
    q = Q(enterprise_application__enterprise__in=enterprises_acted_for(user))
    if user.role == Role.RESEARCHER:
        q |= Q(commissioner_application__researcher__user=user)
    elif user.role == Role.UNIT and user.organisation_id:
        q |= Q(commissioner_application__researcher__unit_id=user.organisation_id)
    elif user.role in LOCAL_BUREAU_ROLES:
        q |= administered_region_q(user, "enterprise_application__enterprise__region")
    elif user.role == Role.PROVINCE_ADMIN:
        q |= administered_region_q(user, "round__region")
    return base.filter(q).distinct()


@dataclass(frozen=True)
class VisibleApplications:
    enterprise: QuerySet[EnterpriseApplication]
    commissioner: QuerySet[CommissionerApplication]
    dispatch: QuerySet[Dispatch]


def applications_visible_to(user: Any) -> VisibleApplications:
    """Everything of the dispatch programme ``user`` may list, by kind."""
    return VisibleApplications(
        enterprise=enterprise_applications_visible_to(user),
        commissioner=commissioner_applications_visible_to(user),
        dispatch=dispatches_visible_to(user),
    )


def can_view(user: Any, obj: Any) -> bool:
    visible = {
        EnterpriseApplication.KIND: enterprise_applications_visible_to,
        CommissionerApplication.KIND: commissioner_applications_visible_to,
        Dispatch.KIND: dispatches_visible_to,
    }[obj.KIND]
    return visible(user).filter(pk=obj.pk).exists()


def actions_available(obj: Any, user: Any) -> list[wf.Step]:
    """The steps ``user`` may take on ``obj`` now (right party, state, open round and phase).

    Guards that depend on the data (eligibility, quotas, objections) are checked when the step
    is taken, and a failing one is reported with its reason then."""
    subject = wf.subject_of(obj)
    today = timezone.localdate()
    return [
        step
        for step in wf.steps_for(obj.KIND)
        if wf.Party.SYSTEM not in step.parties
        and refusal(step, subject, user, today) is None
        and _awaited(step, subject, user)
    ]


def _awaited(step: wf.Step, subject: wf.Subject, user: Any) -> bool:
    """False once the user's party has taken a step each party takes once (the agreement)."""
    party = wf.acting_party(user, step, subject)
    return party is None or wf.awaits(step, party, subject)


def timeline(obj: Any) -> QuerySet[Transition]:
    """The transitions of ``obj``, oldest first."""
    return (
        Transition.objects.filter(object_type=obj.KIND, object_id=obj.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def eligibility_results(obj: Any) -> list[eligibility.RuleResult]:
    """The round's enabled rules evaluated for ``obj`` now, without taking any step: an
    enterprise application for its enterprise and commitment, a commissioner application (or a
    dispatch) for its researcher. Shown before submitting, so the applicant sees which rule
    fails and why."""
    if isinstance(obj, EnterpriseApplication):
        return eligibility.check_enterprise(round_=obj.round, application=obj)
    if isinstance(obj, Dispatch):
        obj = obj.commissioner_application
    return eligibility.check_commissioner(round_=obj.round, researcher=obj.researcher)


def publication_notices(*, round_: Round | None = None) -> QuerySet[Dispatch]:
    """The pairings in their publication period (公示): public information, no sign-in needed."""
    notices = Dispatch.objects.filter(state=Dispatch.State.IN_PUBLICATION).select_related(
        "round",
        "enterprise_application__enterprise",
        "commissioner_application__researcher",
        "commissioner_application__researcher__unit",
    )
    if round_ is not None:
        notices = notices.filter(round=round_)
    return notices.order_by("publication_ends_on", "id")


def state_counts(user: Any, round_: Round) -> list[tuple[str, list[tuple[str, Any, int]]]]:
    """For a round's dashboard: per kind, (state, label, count) of what ``user`` may see."""
    visible = applications_visible_to(user)
    rows = []
    for kind, queryset in (
        (EnterpriseApplication.KIND, visible.enterprise),
        (CommissionerApplication.KIND, visible.commissioner),
        (Dispatch.KIND, visible.dispatch),
    ):
        model = queryset.model
        counts = dict(
            model._default_manager.filter(pk__in=queryset.filter(round=round_).values("pk"))
            .order_by()
            .values("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        rows.append(
            (kind, [(state, label, counts.get(state, 0)) for state, label in model.State.choices])
        )
    return rows
