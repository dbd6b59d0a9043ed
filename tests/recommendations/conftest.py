"""A small talent pool around a battery-separator demand: a clear best match with a paper, a
few weaker ones in other regions and fields, and researchers the hard filters must drop."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from techbridge.accounts.models import Role
from techbridge.demands.models import Demand
from techbridge.talent.models import Achievement, Researcher
from tests import factories

PAPER_TITLE = "锂电池陶瓷涂覆隔膜的热收缩抑制研究"


def researcher(
    *,
    name: str,
    keywords: list[str],
    region: str = "370200",
    paper: str = "",
    with_account: bool = False,
    unit=None,
    **fields,
) -> Researcher:
    unit = unit or factories.UnitFactory(region=factories.region(region))
    user = None
    if with_account:
        user = factories.UserFactory(
            role=Role.RESEARCHER,
            organisation=unit,
            email=f"{name}@example.cn",
            region=factories.region(region),
        )
    person = factories.ResearcherFactory(
        name=name,
        unit=unit,
        user=user,
        keywords=keywords,
        summary="",
        region=factories.region(region),
        **fields,
    )
    if paper:
        factories.AchievementFactory(researcher=person, kind=Achievement.Kind.PAPER, title=paper)
    return person


@dataclass
class Pool:
    demand: Demand
    best: Researcher
    province: Researcher
    national: Researcher
    unrelated: Researcher


@pytest.fixture
def pool(users, enterprise) -> Pool:
    demand = factories.DemandFactory(
        enterprise=enterprise,
        created_by=users["enterprise"],
        title="动力电池隔膜涂层工艺改进",
        summary="寻求隔膜涂层工艺方面的合作。",
        description="现有陶瓷涂覆隔膜在高温下收缩率偏高，需要改进浆料配方与涂布工艺。",
        keywords=["隔膜", "陶瓷涂层"],
    )
    return Pool(
        demand=demand,
        best=researcher(
            name="王隔膜",
            keywords=["陶瓷涂层", "隔膜", "热收缩"],
            paper=PAPER_TITLE,
            with_account=True,
        ),
        province=researcher(
            name="李济南", keywords=["隔膜", "涂布工艺"], region="370100", with_account=True
        ),
        national=researcher(name="赵北京", keywords=["陶瓷涂层", "锂电池"], region="110100"),
        unrelated=researcher(name="孙农业", keywords=["小麦育种", "土壤改良"]),
    )


def ids(rows) -> list[int]:
    return [row.researcher.pk for row in rows]
