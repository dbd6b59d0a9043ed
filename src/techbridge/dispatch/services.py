"""Actions of the dispatch programme: rounds and their rules, applications, and the one
``transition`` service that moves an application or dispatch along the table in
``dispatch.workflow``.

Every action runs in one transaction, checks the actor's rights itself, writes the audit entry
and, for transitions, the ``Transition`` row of the timeline. A refused action raises a
``techbridge.core.errors`` exception whose message says why, and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import administers_region
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.contacts import services as contact_services
from techbridge.contacts.models import Contact
from techbridge.core.errors import (
    InvalidState,
    NotFound,
    PermissionRefused,
    TechBridgeError,
    ValidationFailed,
)
from techbridge.core.validation import full_clean_or_raise, reject_unknown_fields
from techbridge.demands.models import Demand
from techbridge.demands.selectors import can_act_for
from techbridge.dispatch import eligibility, notify, units
from techbridge.dispatch import workflow as wf
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EligibilityRule,
    EnterpriseApplication,
    Objection,
    Phase,
    Round,
    Transition,
)
from techbridge.refdata.models import Region

MODELS: dict[str, type[Model]] = {
    EnterpriseApplication.KIND: EnterpriseApplication,
    CommissionerApplication.KIND: CommissionerApplication,
    Dispatch.KIND: Dispatch,
}
_RELATED = {
    EnterpriseApplication.KIND: ("round__region", "enterprise"),
    CommissionerApplication.KIND: (
        "round__region",
        "researcher",
        "enterprise_application__enterprise",
    ),
    Dispatch.KIND: (
        "round__region",
        "enterprise_application__enterprise",
        "commissioner_application__researcher",
        "meeting",
    ),
}

# How long each phase lasts when a round is opened without explicit dates.
DEFAULT_PHASE_DAYS = {
    Phase.ENTERPRISE_APPLICATIONS: 30,
    Phase.CITY_REVIEW: 15,
    Phase.RESEARCHER_APPLICATIONS: 30,
    Phase.SELECTION: 10,
    Phase.MEETINGS: 20,
    Phase.PUBLICATION: 30,
}
ROUND_QUOTA_FIELDS = (
    "max_enterprises_per_city",
    "max_commissioners_per_unit",
    "commissioners_per_enterprise",
    "enterprises_per_commissioner",
)
ROUND_EDITABLE_FIELDS = (
    "name",
    "publication_days",
    "enforce_phases",
    *ROUND_QUOTA_FIELDS,
    *(f"{phase}_{end}" for phase in Phase.values for end in ("opens", "closes")),
)


# --- the transition engine ----------------------------------------------------------------------


def _lock(model: type[Model], pk: Any) -> Any:
    try:
        return (
            model._default_manager.select_for_update(of=("self",))
            .select_related(*_RELATED[model.KIND])  # type: ignore[attr-defined]
            .get(pk=pk)
        )
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise NotFound(_("This application no longer exists.")) from None


def refusal(
    step: wf.Step, subject: wf.Subject, actor: Any, today: datetime.date
) -> TechBridgeError | None:
    """Why ``actor`` may not take ``step`` on ``subject`` now, as the error to raise, or None.

    Checks, in order: who (role, then organisation or region), state, round open, phase. The
    guards (eligibility, quotas, …) and the comment are checked by ``transition`` itself."""
    reasons = [wf.party_refusal(actor, party, subject) for party in step.parties]
    if all(reasons):
        roles = {role for party in step.parties for role in wf.PARTY_ROLES[party]}
        if wf.Party.SYSTEM in step.parties:
            return PermissionRefused(
                _("“%(action)s” happens automatically.") % {"action": step.label}
            )
        if getattr(actor, "role", None) not in roles and not getattr(actor, "is_superuser", False):
            parties = _(" or ").join(str(wf.PARTY_LABELS[p]) for p in step.parties)
            return PermissionRefused(
                _("Only %(parties)s may “%(action)s”.") % {"parties": parties, "action": step.label}
            )
        return PermissionRefused(next(r for r in reasons if r))
    obj = subject.obj
    if obj.state not in step.sources:
        return InvalidState(
            _("“%(action)s” is not possible while the %(object)s is “%(state)s”.")
            % {
                "action": step.label,
                "object": obj._meta.verbose_name,
                "state": obj.get_state_display(),
            }
        )
    if subject.round.status != Round.Status.OPEN:
        return InvalidState(_("The round “%(round)s” is closed.") % {"round": subject.round})
    reason = wf.phase_refusal(step, subject.round, today)
    if reason:
        return InvalidState(reason)
    return None


def transition(*, obj: Any, action: str, actor: Any, comment: str = "", **params: Any) -> Any:
    """Take step ``action`` of the workflow on ``obj`` as ``actor``; return the updated object.

    Locks the row, checks who, state, round, phase, comment and guards, changes the state with a
    compare-and-set update (so two concurrent requests leave one transition), applies the
    step's effect, records the timeline entry and the audit entry, and tells the parties."""
    model = type(obj)
    step = wf.find_step(model.KIND, action)
    if wf.Party.SYSTEM in step.parties:
        raise PermissionRefused(_("“%(action)s” happens automatically.") % {"action": step.label})
    with transaction.atomic():
        return _execute(step, model, obj.pk, actor, comment, params)


def _execute(
    step: wf.Step,
    model: type[Model],
    pk: Any,
    actor: Any,
    comment: str,
    params: dict[str, Any],
    *,
    automatic: bool = False,
) -> Any:
    obj = _lock(model, pk)
    subject = wf.subject_of(obj)
    now = timezone.now()
    today = timezone.localdate(now)
    if automatic:
        if obj.state not in step.sources:
            raise InvalidState(_("Nothing to do automatically."))
    else:
        error = refusal(step, subject, actor, today)
        if error is not None:
            raise error
    comment = (comment or "").strip()
    if step.comment_required and not comment:
        raise ValidationFailed(
            _("“%(action)s” needs a comment giving the reason.") % {"action": step.label},
            field="comment",
        )
    if step.clean is not None:
        cleaned = step.clean(params)
    elif params:
        raise ValidationFailed(
            _("Unexpected details for “%(action)s”: %(keys)s.")
            % {"action": step.label, "keys": ", ".join(sorted(params))}
        )
    else:
        cleaned = {}
    cleaned["_comment"] = comment
    cleaned["_party"] = None if automatic else wf.acting_party(actor, step, subject)
    for guard in step.guards:
        guard(subject, actor, cleaned, today)

    from_state = obj.state
    changed = model._default_manager.filter(pk=pk, state=from_state).update(
        state=step.target, updated_at=now
    )
    if changed != 1:
        raise InvalidState(
            _("Someone else changed this %(object)s meanwhile; reload the page and try again.")
            % {"object": obj._meta.verbose_name}
        )
    obj.state = step.target
    obj.updated_at = now
    if step.effect is not None:
        fields = step.effect(subject, actor, cleaned, now)
        if fields:
            obj.save(update_fields=[*fields, "updated_at"])
    detail = {
        k: _jsonable(v) for k, v in cleaned.items() if not k.startswith("_") and v not in ("", None)
    }
    if cleaned["_party"] is not None:
        detail["party"] = str(cleaned["_party"])
    Transition.objects.create(
        round=subject.round,
        object_type=model.KIND,  # type: ignore[attr-defined]
        object_id=obj.pk,
        action=step.action,
        from_state=from_state,
        to_state=step.target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        comment=comment,
        detail=detail,
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=obj,
        summary=f"{step.action}: {from_state} → {step.target}",
        detail={"transition": step.action, "from": from_state, "to": step.target, **detail},
    )
    _tell_and_refresh_todos(step, subject, actor)
    created = cleaned.get("_created")
    if created is not None:
        refresh_todos(created)
    if step.then:
        follow = wf.find_step(model.KIND, step.then)  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                obj = _execute(follow, model, pk, actor, "", {}, automatic=True)
        except InvalidState:
            pass
    return obj


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


def _title(obj: Any) -> str:
    return _("%(object)s: %(state)s") % {"object": obj, "state": obj.get_state_display()}


def _tell_and_refresh_todos(step: wf.Step, subject: wf.Subject, actor: Any) -> None:
    obj = subject.obj
    for party in step.notify:
        recipients = wf.party_users(party, subject)
        if getattr(actor, "pk", None) is not None:
            recipients = recipients.exclude(pk=actor.pk)
        notify.tell(
            recipients=recipients,
            title=_title(obj),
            body=str(step.label),
            url=obj.get_absolute_url(),
            target=obj,
        )
    refresh_todos(obj)


def refresh_todos(obj: Any) -> None:
    """Close the to-dos about ``obj`` and open one for each party that can take a step next."""
    subject = wf.subject_of(obj)
    notify.close_todos(target=obj)
    for step in wf.steps_for(obj.KIND):
        if obj.state not in step.sources or not step.todo:
            continue
        due = subject.round.window(step.phases[-1])[1] if step.phases else None
        for party in step.parties:
            if party == wf.Party.SYSTEM or not wf.awaits(step, party, subject):
                continue
            notify.open_todos(
                owners=wf.party_users(party, subject),
                title=_("%(action)s: %(object)s") % {"action": step.label, "object": obj},
                url=obj.get_absolute_url(),
                target=obj,
                due=due,
            )


# --- rounds and rules ---------------------------------------------------------------------------


def can_administer_round(user: Any, region: Region | str) -> bool:
    """Provincial administrators of the region (and superusers) run rounds and their rules."""
    if not getattr(user, "is_authenticated", False):
        return False
    code = region if isinstance(region, str) else region.code
    if user.is_superuser:
        return True
    return user.role == Role.PROVINCE_ADMIN and administers_region(user, code)


def require_round_admin(actor: Any, round_or_region: Round | Region) -> None:
    """Refuse unless ``actor`` administers the round's (or region's) rounds."""
    region = round_or_region.region if isinstance(round_or_region, Round) else round_or_region
    if not can_administer_round(actor, region):
        raise PermissionRefused(
            _("Only the provincial administrator of %(region)s may run its rounds.")
            % {"region": region.full_name}
        )


def default_dates(starts_on: datetime.date) -> dict[str, datetime.date]:
    """Consecutive phase windows from ``starts_on`` using ``DEFAULT_PHASE_DAYS``."""
    dates: dict[str, datetime.date] = {}
    day = starts_on
    for phase in Phase.values:
        dates[f"{phase}_opens"] = day
        day = day + datetime.timedelta(days=DEFAULT_PHASE_DAYS[Phase(phase)])
        dates[f"{phase}_closes"] = day - datetime.timedelta(days=1)
    return dates


def _validate_round(round_: Round) -> None:
    if round_.region.level not in (Region.Level.PROVINCE, Region.Level.CITY):
        raise ValidationFailed(_("A round covers a province or a city."), field="region")
    for phase in Phase.values:
        opens, closes = round_.window(phase)
        if opens > closes:
            raise ValidationFailed(
                _("%(phase)s closes before it opens.") % {"phase": Phase(phase).label},
                field=f"{phase}_closes",
            )
    full_clean_or_raise(round_, exclude=["created_by"])


@transaction.atomic
def open_round(
    *,
    actor: Any,
    name: str,
    region: Region,
    starts_on: datetime.date | None = None,
    dates: Mapping[str, datetime.date] | None = None,
    publication_days: int = 5,
    enforce_phases: bool = True,
    max_enterprises_per_city: int | None = None,
    max_commissioners_per_unit: int | None = None,
    commissioners_per_enterprise: int = 1,
    enterprises_per_commissioner: int = 1,
) -> Round:
    """Open a round with the default eligibility rules of the source documents."""
    require_round_admin(actor, region)
    window = default_dates(starts_on or timezone.localdate())
    unknown = set(dates or {}) - set(window)
    if unknown:
        raise ValidationFailed(
            _("Unknown phase dates: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    window.update(dates or {})
    round_ = Round(
        name=name.strip(),
        region=region,
        created_by=actor,
        publication_days=publication_days,
        enforce_phases=enforce_phases,
        max_enterprises_per_city=max_enterprises_per_city,
        max_commissioners_per_unit=max_commissioners_per_unit,
        commissioners_per_enterprise=commissioners_per_enterprise,
        enterprises_per_commissioner=enterprises_per_commissioner,
        **window,
    )
    _validate_round(round_)
    round_.save()
    EligibilityRule.objects.bulk_create(
        EligibilityRule(
            round=round_,
            code=code,
            subject=definition.subject,
            enabled=True,
            params=dict(definition.defaults),
        )
        for code, definition in eligibility.RULES.items()
    )
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=round_, summary=round_.name)
    return round_


@transaction.atomic
def update_round(*, actor: Any, round_: Round, data: Mapping[str, Any]) -> Round:
    """Change a round's name, phase dates, publication period, phase enforcement or quotas."""
    round_ = Round.objects.select_for_update().select_related("region").get(pk=round_.pk)
    require_round_admin(actor, round_)
    reject_unknown_fields(data, ROUND_EDITABLE_FIELDS)
    for key, value in data.items():
        setattr(round_, key, value)
    _validate_round(round_)
    round_.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=round_,
        summary=round_.name,
        detail={k: _jsonable(v) for k, v in data.items()},
    )
    return round_


@transaction.atomic
def close_round(*, actor: Any, round_: Round) -> Round:
    round_ = Round.objects.select_for_update().select_related("region").get(pk=round_.pk)
    require_round_admin(actor, round_)
    if round_.status == Round.Status.CLOSED:
        raise InvalidState(_("The round is already closed."))
    round_.status = Round.Status.CLOSED
    round_.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.CLOSE, obj=round_, summary=round_.name)
    return round_


@transaction.atomic
def update_rule(
    *,
    actor: Any,
    round_: Round,
    code: str,
    enabled: bool | None = None,
    params: Mapping[str, Any] | None = None,
) -> EligibilityRule:
    """Switch one eligibility rule of a round on or off and/or change its thresholds."""
    require_round_admin(actor, round_)
    if code not in eligibility.RULES:
        raise ValidationFailed(_("Unknown eligibility rule “%(code)s”.") % {"code": code})
    definition = eligibility.RULES[code]
    rule, _created = EligibilityRule.objects.select_for_update().get_or_create(
        round=round_,
        code=code,
        defaults={"subject": definition.subject, "params": dict(definition.defaults)},
    )
    before = {"enabled": rule.enabled, "params": rule.params}
    if enabled is not None:
        rule.enabled = bool(enabled)
    if params is not None:
        rule.params = eligibility.validate_params(code, {**rule.params, **params})
    rule.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=round_,
        summary=_("Eligibility rule %(code)s") % {"code": code},
        detail={"rule": code, "before": before, "enabled": rule.enabled, "params": rule.params},
    )
    return rule


# --- applications ---------------------------------------------------------------------------


def _record_creation(obj: Any, actor: Any) -> None:
    Transition.objects.create(
        round=obj.round,
        object_type=obj.KIND,
        object_id=obj.pk,
        action="create",
        from_state="",
        to_state=obj.state,
        actor=actor,
    )
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=obj, summary=str(obj)[:255])
    refresh_todos(obj)


def require_open_phase(round_: Round, kind: str, action: str) -> None:
    """Refuse unless ``round_`` is open and (when enforced) in a phase of step ``action``."""
    step = wf.find_step(kind, action)
    if round_.status != Round.Status.OPEN:
        raise InvalidState(_("The round “%(round)s” is closed.") % {"round": round_})
    reason = wf.phase_refusal(step, round_, timezone.localdate())
    if reason:
        raise InvalidState(reason)


def _check_demand(demand: Demand, enterprise: Any) -> None:
    if demand.enterprise_id != enterprise.pk:
        raise ValidationFailed(_("The demand belongs to another enterprise."), field="demand")
    if demand.status == Demand.Status.CLOSED:
        raise ValidationFailed(_("The demand is closed."), field="demand")


@transaction.atomic
def create_enterprise_application(
    *,
    actor: Any,
    round_: Round,
    demand: Demand,
    conditions_committed: bool = False,
    conditions: str = "",
    contact: Contact | None = None,
) -> EnterpriseApplication:
    """A draft application of the demand's enterprise to host a commissioner in ``round_``;
    ``contact`` is the accepted contact about the same demand it follows, if any."""
    round_ = Round.objects.select_related("region").get(pk=round_.pk)
    enterprise = demand.enterprise
    if not can_act_for(actor, enterprise):
        raise PermissionRefused(
            _("You do not act for %(enterprise)s.") % {"enterprise": enterprise}
        )
    require_open_phase(round_, EnterpriseApplication.KIND, "submit")
    _check_demand(demand, enterprise)
    if contact is not None and (contact.demand_id != demand.pk or not contact.is_accepted):
        raise ValidationFailed(
            _("An application follows an accepted contact about the same demand."),
            field="contact",
        )
    application = EnterpriseApplication(
        round=round_,
        enterprise=enterprise,
        demand=demand,
        contact=contact,
        conditions_committed=bool(conditions_committed),
        conditions=conditions.strip(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationFailed(
            _("%(enterprise)s has already applied in this round.") % {"enterprise": enterprise}
        ) from None
    _record_creation(application, actor)
    if contact is not None:
        contact_services.record_event(
            contact=contact,
            action="dispatch_application",
            actor=actor,
            comment=str(round_),
        )
    return application


@transaction.atomic
def update_enterprise_application(
    *, actor: Any, application: EnterpriseApplication, data: Mapping[str, Any]
) -> EnterpriseApplication:
    application = _lock(EnterpriseApplication, application.pk)
    if not can_act_for(actor, application.enterprise):
        raise PermissionRefused(
            _("You do not act for %(enterprise)s.") % {"enterprise": application.enterprise}
        )
    editable = (EnterpriseApplication.State.DRAFT, EnterpriseApplication.State.RETURNED)
    if application.state not in editable:
        raise InvalidState(
            _("Only a draft or a returned application can be changed; this one is “%(state)s”.")
            % {"state": application.get_state_display()}
        )
    reject_unknown_fields(data, {"demand", "conditions_committed", "conditions"})
    if "demand" in data:
        _check_demand(data["demand"], application.enterprise)
        application.demand = data["demand"]
    if "conditions_committed" in data:
        application.conditions_committed = bool(data["conditions_committed"])
    if "conditions" in data:
        application.conditions = str(data["conditions"]).strip()
    application.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=application,
        summary=str(application)[:255],
        detail={"fields": sorted(data)},
    )
    return application


@transaction.atomic
def create_commissioner_application(
    *,
    actor: Any,
    enterprise_application: EnterpriseApplication,
    statement: str = "",
    plan: str = "",
) -> CommissionerApplication:
    """A researcher's draft application to serve the enterprise of ``enterprise_application``;
    refused when they may never be paired with it (``eligibility.pair_conflict``)."""
    researcher = getattr(actor, "researcher", None) if actor.role == Role.RESEARCHER else None
    if researcher is None:
        raise PermissionRefused(_("Only researchers with a profile may apply as commissioners."))
    enterprise_application = _lock(EnterpriseApplication, enterprise_application.pk)
    round_ = enterprise_application.round
    require_open_phase(round_, CommissionerApplication.KIND, "submit")
    if enterprise_application.state != EnterpriseApplication.State.DISPATCHED:
        raise InvalidState(_("This enterprise application is not open to researchers."))
    conflict = eligibility.pair_conflict(researcher, enterprise_application.enterprise)
    if conflict:
        raise ValidationFailed(conflict)
    if not units.is_open_to(enterprise_application, researcher.unit_id):
        raise PermissionRefused(
            _("This demand was sent to other units; researchers of %(unit)s cannot apply.")
            % {"unit": researcher.unit}
        )
    application = CommissionerApplication(
        round=round_,
        researcher=researcher,
        enterprise_application=enterprise_application,
        statement=statement.strip(),
        plan=plan.strip(),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationFailed(_("You have already applied to this enterprise.")) from None
    _record_creation(application, actor)
    return application


@transaction.atomic
def update_commissioner_application(
    *, actor: Any, application: CommissionerApplication, data: Mapping[str, Any]
) -> CommissionerApplication:
    application = _lock(CommissionerApplication, application.pk)
    if application.researcher.user_id != actor.pk:
        raise PermissionRefused(_("This is another researcher's application."))
    if application.state != CommissionerApplication.State.DRAFT:
        raise InvalidState(_("Only a draft can be changed."))
    reject_unknown_fields(data, {"statement", "plan"})
    for key, value in data.items():
        setattr(application, key, str(value).strip())
    application.save()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=application,
        summary=str(application)[:255],
        detail={"fields": sorted(data)},
    )
    return application


def record_selection(
    *,
    actor: Any,
    application: CommissionerApplication,
    method: str = "",
    comment: str = "",
) -> Dispatch:
    """Record that the two-way selection paired ``application``'s researcher with its
    enterprise; returns the new dispatch. Called by the solver step once per pair, or by an
    administrator overriding (``method="override"``, with the reason as ``comment``)."""
    if method == "override" and not comment.strip():
        raise ValidationFailed(_("An override needs a reason."), field="comment")
    with transaction.atomic():
        transition(obj=application, action="select", actor=actor, comment=comment, method=method)
        return Dispatch.objects.get(commissioner_application=application)


# --- publication (公示) objections -----------------------------------------------------------


@transaction.atomic
def lodge_objection(
    *, dispatch: Dispatch, reason: str, actor: Any = None, contact: str = ""
) -> Objection:
    """Anyone may object to a published pairing during its publication period; someone who is
    not signed in leaves a contact."""
    dispatch = _lock(Dispatch, dispatch.pk)
    signed_in = getattr(actor, "is_authenticated", False)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the objection."), field="reason")
    if not signed_in and not contact.strip():
        raise ValidationFailed(
            _("Leave a contact so the objection can be answered."), field="contact"
        )
    if dispatch.state != Dispatch.State.IN_PUBLICATION:
        raise InvalidState(_("Objections can be lodged only during the publication period."))
    today = timezone.localdate()
    ends_on = dispatch.publication_ends_on
    if wf.phases_enforced(dispatch.round) and ends_on is not None and today >= ends_on:
        raise InvalidState(
            _("The publication period ended on %(date)s.") % {"date": ends_on.isoformat()}
        )
    objection = Objection.objects.create(
        dispatch=dispatch,
        lodged_by=actor if signed_in else None,
        contact=contact.strip()[:200],
        reason=reason.strip(),
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=objection,
        summary=objection.reason[:255],
        detail={"dispatch": dispatch.pk},
    )
    subject = wf.subject_of(dispatch)
    notify.open_todos(
        owners=wf.party_users(wf.Party.PROVINCE, subject),
        title=_("Resolve the objection to %(dispatch)s") % {"dispatch": dispatch},
        url=dispatch.get_absolute_url(),
        target=objection,
        due=ends_on,
    )
    return objection


@transaction.atomic
def resolve_objection(
    *, actor: Any, objection: Objection, resolution: str, comment: str
) -> Objection:
    """The provincial administrator dismisses or upholds an objection; upholding one cancels
    the dispatch."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    dispatch = _lock(Dispatch, objection.dispatch_id)
    reason = wf.party_refusal(actor, wf.Party.PROVINCE, wf.subject_of(dispatch))
    if reason:
        raise PermissionRefused(reason)
    if resolution not in (Objection.Resolution.DISMISSED, Objection.Resolution.UPHELD):
        raise ValidationFailed(_("Choose whether the objection is dismissed or upheld."))
    if not comment.strip():
        raise ValidationFailed(_("Explain the resolution."), field="comment")
    now = timezone.now()
    changed = Objection.objects.filter(pk=objection.pk, resolution="").update(
        resolution=resolution,
        resolution_comment=comment.strip(),
        resolved_by=actor,
        resolved_at=now,
    )
    if changed != 1:
        raise InvalidState(_("This objection has already been resolved."))
    objection.refresh_from_db()
    audit.record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=objection,
        summary=_("Objection %(resolution)s") % {"resolution": objection.get_resolution_display()},
        detail={"dispatch": dispatch.pk, "resolution": resolution},
    )
    notify.close_todos(target=objection)
    if resolution == Objection.Resolution.UPHELD and dispatch.state != Dispatch.State.CANCELLED:
        transition(obj=dispatch, action="cancel", actor=actor, comment=comment)
    return objection
