"""Fixtures of the dispatch tests: every role of the shared ``users`` fixture plus a city bureau
of another city, a unit user of another unit and the administrator of another province; an open
round of the province; and ``Flow``, which drives objects to any state through the services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from techbridge.accounts.models import Role
from techbridge.dispatch import services
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EnterpriseApplication,
    Round,
)
from tests import factories

EA = EnterpriseApplication.State
CA = CommissionerApplication.State
DS = Dispatch.State


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source form."""
    with translation.override("en"):
        yield


@pytest.fixture
def actors(users):
    """``users`` (one per role) plus actors of the same roles in other places."""
    jinan = factories.region("370100", "济南市")
    other_bureau = factories.BureauFactory(name="济南市科学技术局", region=jinan)
    other_unit = factories.UnitFactory()
    guangdong = factories.region("440000")
    other_province = factories.OrganisationFactory(
        kind="province_bureau", name="广东省科学技术厅", region=guangdong
    )
    return {
        **users,
        "other_city_bureau": factories.UserFactory(
            role=Role.CITY_BUREAU, organisation=other_bureau, region=jinan
        ),
        "other_unit": factories.UserFactory(role=Role.UNIT, organisation=other_unit),
        "other_province_admin": factories.UserFactory(
            role=Role.PROVINCE_ADMIN, organisation=other_province, region=guangdong
        ),
    }


@pytest.fixture
def round_(actors) -> Round:
    """An open round of Shandong with phase dates relaxed (tests of phases switch them on)."""
    return services.open_round(
        actor=actors["province_admin"],
        name="2026年企业科技特派员第一批",
        region=factories.region("370000"),
        enforce_phases=False,
    )


@pytest.fixture
def demand(enterprise):
    return factories.DemandFactory(enterprise=enterprise)


MEETING = {"scheduled_at": "2026-06-01T09:30:00+08:00", "place": "青岛市科技局三楼会议室"}

# The actor (a key of ``actors``), comment and details each step is taken with on the happy path.
HAPPY_PATH: list[tuple[str, str, str, dict[str, Any]]] = [
    ("enterprise_application", "submit", "enterprise", {}),
    ("enterprise_application", "approve", "city_bureau", {}),
    ("enterprise_application", "send_to_units", "province_admin", {}),
    ("commissioner_application", "submit", "researcher", {}),
    ("commissioner_application", "unit_approve", "unit", {}),
    ("commissioner_application", "select", "province_admin", {"method": "stable"}),
    ("dispatch", "schedule_meeting", "city_bureau", MEETING),
    ("dispatch", "hold_meeting", "city_bureau", {"outcome": "agreed", "notes": "双方同意"}),
    ("dispatch", "confirm_intention", "city_bureau", {}),
    ("dispatch", "file", "city_bureau", {}),
    ("dispatch", "start_publication", "province_admin", {}),
    ("dispatch", "pass_publication", "province_admin", {}),
    ("dispatch", "confirm_agreement", "enterprise", {}),
    ("dispatch", "confirm_agreement", "researcher", {}),
    ("dispatch", "confirm_agreement", "unit", {}),
]


class Flow:
    """Creates an enterprise application, a commissioner application and a dispatch and moves
    them along the happy path as the right actors, stopping at a wanted state.

    Once the publication has passed, the enterprise generates the agreement (the parties confirm
    a generated text) unless ``generate_agreement`` is switched off. The commissioner application
    can also be brought to ``not_selected`` (the province's ``not_select`` from ``unit_approved``).
    """

    def __init__(self, actors: dict[str, Any], round_: Round, demand: Any):
        self.actors = actors
        self.round = round_
        self.demand = demand
        self.enterprise_application: EnterpriseApplication | None = None
        self.commissioner_application: CommissionerApplication | None = None
        self.dispatch: Dispatch | None = None
        self.position = 0
        self.generate_agreement = True

    def obj(self, kind: str) -> Any:
        return getattr(self, kind)

    def _ensure(self, kind: str) -> None:
        if kind == "enterprise_application" and self.enterprise_application is None:
            self.enterprise_application = services.create_enterprise_application(
                actor=self.actors["enterprise"],
                round_=self.round,
                demand=self.demand,
                conditions_committed=True,
                conditions="提供研发中心办公室与中试线",
            )
        if kind == "commissioner_application" and self.commissioner_application is None:
            self.commissioner_application = services.create_commissioner_application(
                actor=self.actors["researcher"],
                enterprise_application=self.enterprise_application,
                statement="从事隔膜材料研究十年。",
                plan="每月驻企不少于五天。",
            )

    def step(self) -> Any:
        kind, action, actor, params = HAPPY_PATH[self.position]
        self._ensure(kind)
        result = services.transition(
            obj=self.obj(kind), action=action, actor=self.actors[actor], **params
        )
        setattr(self, kind, result)
        if action == "select":
            self.dispatch = Dispatch.objects.get(commissioner_application=result)
        if action == "pass_publication" and self.generate_agreement:
            from techbridge.agreements.services import generate_agreement

            generate_agreement(actor=self.actors["enterprise"], dispatch=result)
        self.position += 1
        return result

    def to(self, kind: str, state: str, *, confirmations: int = 0) -> Any:
        """Advance until ``kind`` is in ``state`` (in agreement_pending: after ``confirmations``
        of the three parties confirmed) and return it fresh from the database."""
        self._ensure("enterprise_application")
        if kind == "commissioner_application" and state == CA.NOT_SELECTED:
            current = self.to(kind, CA.UNIT_APPROVED)
            self.commissioner_application = services.transition(
                obj=current, action="not_select", actor=self.actors["province_admin"]
            )
            return self.commissioner_application
        while True:
            if (
                kind == "commissioner_application"
                and self.commissioner_application is None
                and self.enterprise_application.state == EA.DISPATCHED
            ):
                self._ensure(kind)
            current = self.obj(kind)
            arrived = current is not None and current.state == state
            if arrived and (
                state != DS.AGREEMENT_PENDING or self._confirmations() == confirmations
            ):
                current.refresh_from_db()
                return current
            self.step()

    def _confirmations(self) -> int:
        first = next(i for i, s in enumerate(HAPPY_PATH) if s[1] == "confirm_agreement")
        return max(0, self.position - first)


@pytest.fixture
def flow(actors, round_, demand) -> Flow:
    return Flow(actors, round_, demand)


def today() -> datetime.date:
    return timezone.localdate()
