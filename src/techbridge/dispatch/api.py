"""The dispatch programme over the API: rounds, the applications and dispatches a caller may
see (with their timeline, eligibility and the steps the caller may take), and one endpoint that
takes a step.

Reads go through ``dispatch.selectors`` (something the caller may not see answers 404); a step
goes through ``dispatch.services.transition``, which checks who, state, round, phase and guards
and refuses with 403, 409 or 422 and its reason, changing nothing.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from techbridge.accounts.api import actor
from techbridge.api_common import Page, paginated
from techbridge.core.errors import NotFound, ValidationFailed
from techbridge.dispatch import selectors, services
from techbridge.dispatch import workflow as wf
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EnterpriseApplication,
    Meeting,
    Phase,
    Round,
)

router = Router(tags=["dispatch"])

Kind = Literal["enterprise_application", "commissioner_application", "dispatch"]
VISIBLE = {
    EnterpriseApplication.KIND: selectors.enterprise_applications_visible_to,
    CommissionerApplication.KIND: selectors.commissioner_applications_visible_to,
    Dispatch.KIND: selectors.dispatches_visible_to,
}


class PhaseOut(Schema):
    phase: str
    label: str
    opens: datetime.date
    closes: datetime.date


class RoundOut(Schema):
    id: int
    name: str
    region_code: str
    region: str
    status: str
    phases: list[PhaseOut]
    publication_days: int
    enforce_phases: bool
    commissioners_per_enterprise: int
    enterprises_per_commissioner: int
    max_enterprises_per_city: int | None
    max_commissioners_per_unit: int | None


class ApplicationOut(Schema):
    type: str
    id: int
    round_id: int
    state: str
    state_label: str
    enterprise_id: int
    enterprise: str
    researcher_id: int | None
    researcher: str | None
    url: str


class TimelineEntryOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    actor_id: int | None
    actor: str | None
    comment: str
    detail: dict[str, Any]
    created_at: datetime.datetime


class ActionOut(Schema):
    action: str
    label: str
    comment_required: bool


class RuleResultOut(Schema):
    code: str
    passed: bool
    message: str
    finding: str


class ApplicationDetailOut(ApplicationOut):
    fields: dict[str, Any]
    eligibility: list[RuleResultOut]
    actions: list[ActionOut]
    timeline: list[TimelineEntryOut]


class ApplicationQuery(Schema):
    type: Kind = "enterprise_application"
    round: int | None = None
    state: str = ""
    page: int = 1


class TransitionIn(Schema):
    action: str
    comment: str = ""
    params: dict[str, Any] = {}


def _round_out(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.pk,
        "name": round_.name,
        "region_code": round_.region_id,
        "region": round_.region.full_name,
        "status": round_.status,
        "phases": [
            {
                "phase": phase,
                "label": str(label),
                "opens": round_.window(phase)[0],
                "closes": round_.window(phase)[1],
            }
            for phase, label in Phase.choices
        ],
        **{
            name: getattr(round_, name)
            for name in (
                "publication_days",
                "enforce_phases",
                "commissioners_per_enterprise",
                "enterprises_per_commissioner",
                "max_enterprises_per_city",
                "max_commissioners_per_unit",
            )
        },
    }


def _application_out(obj: Any) -> dict[str, Any]:
    subject = wf.subject_of(obj)
    researcher = subject.researcher
    return {
        "type": obj.KIND,
        "id": obj.pk,
        "round_id": obj.round_id,
        "state": obj.state,
        "state_label": str(obj.get_state_display()),
        "enterprise_id": subject.enterprise.pk,
        "enterprise": subject.enterprise.name,
        "researcher_id": researcher.pk if researcher is not None else None,
        "researcher": researcher.name if researcher is not None else None,
        "url": obj.get_absolute_url(),
    }


def _fields(obj: Any) -> dict[str, Any]:
    if isinstance(obj, EnterpriseApplication):
        return {
            "demand_id": obj.demand_id,
            "demand_title": obj.demand.title,
            "conditions_committed": obj.conditions_committed,
            "conditions": obj.conditions,
            "review_comment": obj.review_comment,
        }
    if isinstance(obj, CommissionerApplication):
        return {
            "enterprise_application_id": obj.enterprise_application_id,
            "statement": obj.statement,
            "plan": obj.plan,
            "unit_comment": obj.unit_comment,
        }
    meeting = obj.meeting
    return {
        "enterprise_application_id": obj.enterprise_application_id,
        "commissioner_application_id": obj.commissioner_application_id,
        "meeting_id": obj.meeting_id,
        "meeting_scheduled_at": meeting.scheduled_at.isoformat() if meeting else None,
        "meeting_place": meeting.place if meeting else None,
        "meeting_outcome": obj.meeting_outcome,
        "publication_starts_on": _iso(obj.publication_starts_on),
        "publication_ends_on": _iso(obj.publication_ends_on),
        "enterprise_confirmed_at": _iso(obj.enterprise_confirmed_at),
        "commissioner_confirmed_at": _iso(obj.commissioner_confirmed_at),
        "unit_confirmed_at": _iso(obj.unit_confirmed_at),
        "open_objections": obj.objections.filter(resolution="").count(),
    }


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _detail_out(obj: Any, user: Any) -> dict[str, Any]:
    timeline = []
    for entry in selectors.timeline(obj):
        step = wf.TABLE.get((obj.KIND, entry.action))
        timeline.append(
            {
                "action": entry.action,
                "label": str(step.label) if step else _("Created"),
                "from_state": entry.from_state,
                "to_state": entry.to_state,
                "actor_id": entry.actor_id,
                "actor": str(entry.actor) if entry.actor else None,
                "comment": entry.comment,
                "detail": entry.detail,
                "created_at": entry.created_at,
            }
        )
    return {
        **_application_out(obj),
        "fields": _fields(obj),
        "eligibility": [
            {"code": r.code, "passed": r.passed, "message": r.message, "finding": r.finding}
            for r in selectors.eligibility_results(obj)
        ],
        "actions": [
            {
                "action": step.action,
                "label": str(step.label),
                "comment_required": step.comment_required,
            }
            for step in selectors.actions_available(obj, user)
        ],
        "timeline": timeline,
    }


def _visible(kind: str, user: Any, pk: int) -> Any:
    visible = VISIBLE.get(kind)
    obj = visible(user).filter(pk=pk).first() if visible else None
    if obj is None:
        raise NotFound(_("No such application is visible to you."))
    return obj


@router.get("/dispatch/rounds", response=Page[RoundOut])
def list_rounds(request: HttpRequest, page: int = 1) -> dict[str, Any]:
    return paginated(selectors.rounds_visible_to(actor(request)), page, _round_out)


@router.get("/dispatch/applications", response=Page[ApplicationOut])
def list_applications(request: HttpRequest, filters: Query[ApplicationQuery]) -> dict[str, Any]:
    queryset: QuerySet[Model] = VISIBLE[filters.type](actor(request))
    if filters.round is not None:
        queryset = queryset.filter(round_id=filters.round)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    return paginated(queryset, filters.page, _application_out)


@router.get("/dispatch/{kind}/{object_id}", response=ApplicationDetailOut)
def get_application(request: HttpRequest, kind: Kind, object_id: int) -> dict[str, Any]:
    user = actor(request)
    return _detail_out(_visible(kind, user, object_id), user)


def _params(obj: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The step's details as the service takes them: a meeting is given by its id."""
    params = dict(params)
    if "meeting" in params and isinstance(obj, Dispatch):
        meeting_id = params["meeting"]
        meeting = (
            Meeting.objects.filter(
                pk=meeting_id, enterprise_application_id=obj.enterprise_application_id
            ).first()
            if isinstance(meeting_id, int) and not isinstance(meeting_id, bool)
            else None
        )
        if meeting is None:
            raise ValidationFailed(
                _("Choose a meeting scheduled with this enterprise."), field="meeting"
            )
        params["meeting"] = meeting
    return params


@router.post("/dispatch/{kind}/{object_id}/transitions", response=ApplicationDetailOut)
def take_transition(
    request: HttpRequest, kind: Kind, object_id: int, payload: TransitionIn
) -> dict[str, Any]:
    user = actor(request)
    obj = _visible(kind, user, object_id)
    params = _params(obj, payload.params)
    if payload.action == "select" and isinstance(obj, CommissionerApplication):
        # Selecting outside the solver's run goes through the service that requires a reason
        # for an override.
        method = str(params.pop("method", "") or "")
        if params:
            raise ValidationFailed(
                _("Unexpected details for “%(action)s”: %(keys)s.")
                % {"action": wf.TABLE[(kind, "select")].label, "keys": ", ".join(sorted(params))}
            )
        services.record_selection(
            actor=user, application=obj, method=method, comment=payload.comment
        )
    else:
        services.transition(
            obj=obj, action=payload.action, actor=user, comment=payload.comment, **params
        )
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return _detail_out(fresh, user)
