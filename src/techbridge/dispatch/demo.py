"""One dispatch round in progress for the demo data set, built through the services.

``build_demo_round`` opens a round of the administrator's province with its phases relaxed,
moves enterprise applications, commissioner applications and dispatches into a spread of states
(draft, submitted, returned, rejected, sent to the units; submitted to and approved or rejected
by the unit; meeting scheduled, intention confirmed, in publication with an open objection,
agreement generated and waiting for the parties' confirmations, in service), then dates the
round so that today falls in the meeting phase and switches phase enforcement on. A featured
enterprise and researcher (the demo accounts') are paired in the dispatch whose agreement waits
for the three parties, so each of them finds a to-do when signing in. Accounts the steps need
and the demo lacks (an enterprise user, a unit user, a city bureau, a researcher account) are
created without a usable password and returned, so whoever builds the demo can record or remove
them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from techbridge.accounts.models import Role, User
from techbridge.agreements import services as agreement_services
from techbridge.demands.models import Demand
from techbridge.dispatch import eligibility, services, units
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EnterpriseApplication,
    Meeting,
    Objection,
    Round,
    SelectionRun,
)
from techbridge.orgs.models import Organisation
from techbridge.talent import services as talent_services
from techbridge.talent.models import Researcher

# Where each enterprise application stops; the rest are sent to the units.
ENTERPRISE_TARGETS = ("draft", "submitted", "returned", "rejected")
# Where the commissioner application (and its dispatch) of each sent application stops.
CANDIDATE_TARGETS = (
    "agreement_pending",
    "in_service",
    "in_publication",
    "intention_confirmed",
    "meeting_scheduled",
    "unit_approved",
    "submitted",
    "unit_rejected",
)
CANDIDATE_PATH: tuple[tuple[str, str, str, str], ...] = (
    # (stop after reaching, kind, action, party)
    ("submitted", "commissioner_application", "submit", "researcher"),
    ("unit_approved", "commissioner_application", "unit_approve", "unit"),
    ("selected", "commissioner_application", "select", "province"),
    ("meeting_scheduled", "dispatch", "schedule_meeting", "city_bureau"),
    ("meeting_held", "dispatch", "hold_meeting", "city_bureau"),
    ("intention_confirmed", "dispatch", "confirm_intention", "city_bureau"),
    ("filed", "dispatch", "file", "city_bureau"),
    ("in_publication", "dispatch", "start_publication", "province"),
    ("agreement_pending", "dispatch", "pass_publication", "province"),
    ("agreement_enterprise", "dispatch", "confirm_agreement", "enterprise"),
    ("agreement_researcher", "dispatch", "confirm_agreement", "researcher"),
    ("in_service", "dispatch", "confirm_agreement", "unit"),
)


@dataclass
class DemoRound:
    round: Round
    enterprise_applications: list[EnterpriseApplication] = field(default_factory=list)
    commissioner_applications: list[CommissionerApplication] = field(default_factory=list)
    dispatches: list[Dispatch] = field(default_factory=list)
    created_users: list[User] = field(default_factory=list)


class _Cast:
    """Finds, or creates without a usable password, the accounts that act in the demo round."""

    def __init__(self, province_admin: Any, today: datetime.date):
        self.province_admin = province_admin
        self.today = today
        self.created: list[User] = []

    def _user(self, *, role: str, organisation: Organisation, username: str) -> User:
        existing = (
            User.objects.filter(role=role, organisation=organisation, is_active=True)
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return existing
        return self._account(
            username=username,
            role=role,
            organisation=organisation,
            region=organisation.region,
            display_name=organisation.name,
        )

    def _account(self, *, username: str, **fields: Any) -> User:
        """A new account without a usable password; an earlier build's account of the same name
        (deactivated when its demo data was deleted) is taken over."""
        user = User.objects.filter(username=username).first() or User(username=username)
        for name, value in fields.items():
            setattr(user, name, value)
        user.is_active = True
        user.set_unusable_password()
        user.save()
        self.created.append(user)
        return user

    def enterprise_user(self, enterprise: Organisation) -> User:
        return self._user(
            role=Role.ENTERPRISE, organisation=enterprise, username=f"dispatch-ent-{enterprise.pk}"
        )

    def unit_user(self, unit: Organisation) -> User:
        return self._user(role=Role.UNIT, organisation=unit, username=f"dispatch-unit-{unit.pk}")

    def city_bureau(self, enterprise: Organisation) -> User:
        city = enterprise.region.code[:4]
        existing = (
            User.objects.filter(
                role=Role.CITY_BUREAU, region__code__startswith=city, is_active=True
            )
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return existing
        city_region = enterprise.region
        bureau = Organisation.objects.filter(
            kind=Organisation.Kind.CITY_BUREAU, region__code__startswith=city
        ).first() or Organisation.objects.create(
            kind=Organisation.Kind.CITY_BUREAU,
            name=f"{city_region.name}科学技术局",
            region=city_region,
        )
        user = self._user(
            role=Role.CITY_BUREAU, organisation=bureau, username=f"dispatch-city-{city}"
        )
        if user.region_id is None or not user.region_id.startswith(city):
            user.region = city_region
            user.save(update_fields=["region"])
        return user

    def researcher_user(self, researcher: Researcher) -> User:
        if researcher.user_id is not None:
            return researcher.user  # type: ignore[return-value]
        user = self._account(
            username=f"dispatch-researcher-{researcher.pk}",
            role=Role.RESEARCHER,
            organisation=researcher.unit,
            region=researcher.region,
            display_name=researcher.name,
        )
        talent_services.link_account(
            actor=self.unit_user(researcher.unit), researcher=researcher, user=user
        )
        researcher.refresh_from_db()
        return user


def _eligible_enterprises(
    round_: Round, enterprises: Sequence[Organisation], today: datetime.date
) -> list[tuple[Organisation, Demand]]:
    rules = eligibility.rules_of(round_)
    context = eligibility.context_of(round_, today)
    chosen = []
    for enterprise in enterprises:
        facts = eligibility.facts_of_enterprise(enterprise, conditions_committed=True)
        results = eligibility.evaluate(
            rules, subject=eligibility.ENTERPRISE, facts=facts, context=context
        )
        demand = (
            Demand.objects.filter(enterprise=enterprise)
            .exclude(status=Demand.Status.CLOSED)
            .order_by(F("published_at").desc(nulls_last=True), "-id")
            .first()
        )
        if demand is not None and not eligibility.failures(results):
            chosen.append((enterprise, demand))
    return chosen


def _eligible_researchers(round_: Round, researchers: Sequence[Researcher]) -> list[Researcher]:
    rules = eligibility.rules_of(round_)
    context = eligibility.context_of(round_)
    return [
        r
        for r in researchers
        if not eligibility.failures(
            eligibility.evaluate(
                rules,
                subject=eligibility.COMMISSIONER,
                facts=eligibility.commissioner_facts(r),
                context=context,
            )
        )
    ]


@transaction.atomic
def build_demo_round(
    *,
    province_admin: Any,
    enterprises: Sequence[Organisation],
    researchers: Sequence[Researcher],
    name: str = "",
    today: datetime.date | None = None,
    featured_enterprise: Organisation | None = None,
    featured_researcher: Researcher | None = None,
) -> DemoRound:
    """Open a round of ``province_admin``'s province and fill it with applications in several
    states, using the eligible ``enterprises`` (each with an open demand) and ``researchers``.

    When eligible, ``featured_enterprise`` is the first enterprise sent to the units and
    ``featured_researcher`` its candidate, so their dispatch waits for the agreement's
    confirmations (``CANDIDATE_TARGETS[0]``)."""
    today = today or timezone.localdate()
    region = province_admin.region.province if province_admin.region else None
    if region is None:
        raise ValueError("the provincial administrator has no region")
    # Today falls in the meeting phase of the default schedule (90 days after it opens).
    starts_on = today - datetime.timedelta(days=90)
    round_ = services.open_round(
        actor=province_admin,
        name=name or f"{today.year}年企业科技特派员选派（演示）",
        region=region,
        starts_on=starts_on,
        enforce_phases=False,
    )
    cast = _Cast(province_admin, today)
    result = DemoRound(round=round_)
    pairs = _eligible_enterprises(round_, enterprises, today)
    featured = next((p for p in pairs if p[0] == featured_enterprise), None)
    if featured is not None:
        pairs.remove(featured)
        pairs.insert(min(len(ENTERPRISE_TARGETS), len(pairs)), featured)
    eligible = _eligible_researchers(round_, researchers)
    if featured_researcher in eligible:
        eligible.remove(featured_researcher)
        eligible.insert(0, featured_researcher)
    candidates = iter(eligible)

    for index, (enterprise, demand) in enumerate(pairs):
        user = cast.enterprise_user(enterprise)
        bureau = cast.city_bureau(enterprise)
        application = services.create_enterprise_application(
            actor=user,
            round_=round_,
            demand=demand,
            conditions_committed=True,
            conditions="提供研发岗位、办公场所和中试条件，安排专人对接。",
        )
        target = ENTERPRISE_TARGETS[index] if index < len(ENTERPRISE_TARGETS) else "dispatched"
        if target != "draft":
            application = services.transition(obj=application, action="submit", actor=user)
        if target == "returned":
            application = services.transition(
                obj=application,
                action="return",
                actor=bureau,
                comment="请补充技术需求的量化指标和可提供的工作条件。",
            )
        elif target == "rejected":
            application = services.transition(
                obj=application,
                action="reject",
                actor=bureau,
                comment="企业研发基础薄弱，暂不推荐。",
            )
        elif target == "dispatched":
            services.transition(
                obj=application, action="approve", actor=bureau, comment="符合条件，同意推荐。"
            )
            researcher = next(candidates, None)
            # The province's list of units: those of the round's first eligible researchers
            # and the candidate's own (in a real round it starts from dispatch.units' ranking).
            sent_to = {r.unit_id: r.unit for r in eligible[:12]}
            if researcher is not None:
                sent_to[researcher.unit_id] = researcher.unit
            units.set_target_units(
                actor=province_admin, application=application, units=sent_to.values()
            )
            application = services.transition(
                obj=application, action="send_to_units", actor=province_admin
            )
        result.enterprise_applications.append(application)
        if target != "dispatched":
            continue
        if researcher is None:
            continue
        slot = (index - len(ENTERPRISE_TARGETS)) % len(CANDIDATE_TARGETS)
        _drive_candidate(
            cast, result, application, researcher, bureau, user, CANDIDATE_TARGETS[slot]
        )

    phase_dates = services.default_dates(starts_on)
    services.update_round(
        actor=province_admin, round_=round_, data={**phase_dates, "enforce_phases": True}
    )
    round_.refresh_from_db()
    result.round = round_
    result.created_users = cast.created
    return result


def _drive_candidate(
    cast: _Cast,
    result: DemoRound,
    application: EnterpriseApplication,
    researcher: Researcher,
    bureau: Any,
    enterprise_user: Any,
    target: str,
) -> None:
    researcher_user = cast.researcher_user(researcher)
    actors = {
        "researcher": researcher_user,
        "unit": cast.unit_user(researcher.unit),
        "city_bureau": bureau,
        "province": cast.province_admin,
        "enterprise": enterprise_user,
    }
    candidate = services.create_commissioner_application(
        actor=researcher_user,
        enterprise_application=application,
        statement=f"{researcher.name}，{researcher.title or '研究人员'}，长期从事相关领域研究。",
        plan="每月驻企不少于5个工作日，协助企业梳理技术路线并开展联合攻关。",
    )
    dispatch: Dispatch | None = None
    if target == "unit_rejected":
        candidate = services.transition(obj=candidate, action="submit", actor=researcher_user)
        candidate = services.transition(
            obj=candidate,
            action="unit_reject",
            actor=actors["unit"],
            comment="本年度教学任务繁重，暂不同意派出。",
        )
    else:
        params: dict[str, dict[str, Any]] = {
            "select": {"method": "stable"},
            "schedule_meeting": {
                "scheduled_at": timezone.now() + datetime.timedelta(days=7),
                "place": f"{bureau.organisation.name}会议室" if bureau.organisation else "会议室",
            },
            "hold_meeting": {"outcome": "agreed", "notes": "双方就合作内容达成一致。"},
        }
        for reached, kind, action, party in CANDIDATE_PATH:
            obj = candidate if kind == "commissioner_application" else dispatch
            updated = services.transition(
                obj=obj, action=action, actor=actors[party], **params.get(action, {})
            )
            if kind == "commissioner_application":
                candidate = updated
                if action == "select":
                    dispatch = Dispatch.objects.get(commissioner_application=candidate)
            else:
                dispatch = updated
            if action == "pass_publication":
                # The parties confirm a generated text.
                agreement_services.generate_agreement(actor=enterprise_user, dispatch=updated)
            if reached == target:
                break
        if target == "in_publication" and dispatch is not None:
            services.lodge_objection(
                dispatch=dispatch,
                reason="反映该专家近期承担项目较多，担心驻企时间难以保证。",
                contact="0531-00000000",
            )
    result.commissioner_applications.append(candidate)
    if dispatch is not None:
        result.dispatches.append(dispatch)


@transaction.atomic
def delete_demo_rounds(*, round_ids: Sequence[int]) -> int:
    """Delete the rounds ``build_demo_round`` made, with everything in them: agreements,
    objections, dispatches, meetings, selections, applications, timelines, and the notifications
    and to-dos about them. (The audit trail keeps its entries.) Returns how many rounds went."""
    rounds = Round.objects.filter(pk__in=round_ids)
    enterprise_ids = list(
        EnterpriseApplication.objects.filter(round__in=rounds).values_list("pk", flat=True)
    )
    candidate_ids = list(
        CommissionerApplication.objects.filter(round__in=rounds).values_list("pk", flat=True)
    )
    dispatch_ids = list(Dispatch.objects.filter(round__in=rounds).values_list("pk", flat=True))
    objection_ids = list(
        Objection.objects.filter(dispatch_id__in=dispatch_ids).values_list("pk", flat=True)
    )
    targets = {
        EnterpriseApplication._meta.label_lower: enterprise_ids,
        CommissionerApplication._meta.label_lower: candidate_ids,
        Dispatch._meta.label_lower: dispatch_ids,
        Objection._meta.label_lower: objection_ids,
    }
    if apps.is_installed("techbridge.notifications"):
        from techbridge.notifications.models import Notification, Todo

        for target_type, ids in targets.items():
            keys = [str(pk) for pk in ids]
            Todo.objects.filter(target_type=target_type, target_id__in=keys).delete()
            Notification.objects.filter(target_type=target_type, target_id__in=keys).delete()
    if apps.is_installed("techbridge.agreements"):
        apps.get_model("agreements", "AgreementDocument").objects.filter(
            dispatch_id__in=dispatch_ids
        ).delete()
    Dispatch.objects.filter(pk__in=dispatch_ids).delete()  # objections cascade
    Meeting.objects.filter(enterprise_application_id__in=enterprise_ids).delete()
    SelectionRun.objects.filter(round__in=rounds).delete()
    CommissionerApplication.objects.filter(pk__in=candidate_ids).delete()  # preferences cascade
    EnterpriseApplication.objects.filter(pk__in=enterprise_ids).delete()
    return int(rounds.delete()[1].get("dispatch.Round", 0))  # rules, transitions cascade
