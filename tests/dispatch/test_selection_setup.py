"""Set-up of the two-way selection tests, wrapped as a fixture by each test module: a round
with two enterprises sent to the units and three researchers (two of one unit) whose applications
their unit approved, built through the services with the ``Flow`` helper of ``conftest.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from techbridge.accounts.models import Role
from techbridge.dispatch.models import CommissionerApplication, EnterpriseApplication
from tests import factories
from tests.dispatch.conftest import CA, EA, Flow

BATTERY = {
    "keywords": ["隔膜", "陶瓷涂层", "涂布工艺"],
    "summary": "长期研究锂电池隔膜的陶瓷涂层与涂布工艺，降低隔膜热收缩率。",
}
POETRY = {"keywords": ["唐诗", "古代文学"], "summary": "研究唐代诗歌与文学史。"}


@dataclass
class Party:
    user: Any
    obj: Any  # an EnterpriseApplication or a Researcher


@dataclass
class Selection:
    actors: dict[str, Any]
    round: Any
    enterprises: dict[str, Party] = field(default_factory=dict)
    researchers: dict[str, Party] = field(default_factory=dict)
    units: dict[str, Any] = field(default_factory=dict)

    def add_enterprise(self, name: str, *, region: str = "370200") -> Party:
        organisation = factories.EnterpriseFactory(
            name=f"{name}科技有限公司", region=factories.region(region, "青岛市")
        )
        user = factories.UserFactory(role=Role.ENTERPRISE, organisation=organisation)
        demand = factories.DemandFactory(enterprise=organisation, created_by=user)
        flow = Flow({**self.actors, "enterprise": user}, self.round, demand)
        application = flow.to("enterprise_application", EA.DISPATCHED)
        self.enterprises[name] = Party(user, application)
        return self.enterprises[name]

    def add_researcher(self, name: str, *, unit: str = "main", profile: dict | None = None):
        if unit not in self.units:
            organisation = factories.UnitFactory()
            self.units[unit] = (
                organisation,
                factories.UserFactory(role=Role.UNIT, organisation=organisation),
            )
        organisation, _unit_user = self.units[unit]
        user = factories.UserFactory(role=Role.RESEARCHER, organisation=organisation)
        researcher = factories.ResearcherFactory(
            name=name, unit=organisation, user=user, **(profile or BATTERY)
        )
        self.researchers[name] = Party(user, researcher)
        return self.researchers[name]

    def apply(self, researcher: str, enterprise: str) -> CommissionerApplication:
        """The researcher applies to the enterprise and their unit approves (Flow from the
        commissioner application's first step)."""
        party = self.researchers[researcher]
        unit_user = self.units[
            next(u for u, (o, _) in self.units.items() if o.pk == party.obj.unit_id)
        ][1]
        application: EnterpriseApplication = self.enterprises[enterprise].obj
        flow = Flow(
            {**self.actors, "researcher": party.user, "unit": unit_user},
            self.round,
            application.demand,
        )
        flow.enterprise_application = application
        flow.position = 3  # the enterprise application has been sent to the units already
        return flow.to("commissioner_application", CA.UNIT_APPROVED)

    def application(self, researcher: str, enterprise: str) -> CommissionerApplication:
        return CommissionerApplication.objects.get(
            researcher=self.researchers[researcher].obj,
            enterprise_application=self.enterprises[enterprise].obj,
        )


def build_selection(actors, round_) -> Selection:
    """Enterprises A and B; researchers 甲 and 乙 (unit main) and 丙 (unit other, a poet);
    甲 and 丙 applied to A and B, 乙 to A only."""
    s = Selection(actors, round_)
    s.add_enterprise("A")
    s.add_enterprise("B")
    s.add_researcher("甲")
    s.add_researcher("乙")
    s.add_researcher("丙", unit="other", profile=POETRY)
    for researcher, enterprise in [("甲", "A"), ("甲", "B"), ("乙", "A"), ("丙", "A"), ("丙", "B")]:
        s.apply(researcher, enterprise)
    return s
