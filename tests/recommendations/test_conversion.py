"""Researchers and demands as the engine sees them."""

from __future__ import annotations

from techbridge.matching.filters import region_relation
from techbridge.recommendations import services
from techbridge.talent.models import Achievement
from tests import factories


def test_researcher_becomes_a_profile(db):
    unit = factories.UnitFactory()
    person = factories.ResearcherFactory(
        unit=unit,
        keywords=["固态电解质", "锂离子电池"],
        summary="长期从事新能源材料研究。",
        capacity=3,
        disciplines=[factories.discipline("430", "材料科学")],
    )
    person.industries.set([factories.industry("38", "电气机械和器材制造业")])
    factories.AchievementFactory(
        researcher=person, kind=Achievement.Kind.PATENT, title="一种固态电解质膜", abstract="摘要"
    )
    profile = services.profile_for(services.researchers_for_index().get(pk=person.pk))
    assert profile.id == str(person.pk)
    assert profile.name == person.name
    assert profile.disciplines == ("材料科学",)
    assert profile.keywords == ("固态电解质", "锂离子电池")
    assert [(a.type, a.title, a.abstract) for a in profile.achievements] == [
        ("patent", "一种固态电解质膜", "摘要")
    ]
    assert profile.summary == "长期从事新能源材料研究。"
    assert profile.region == "370200"
    assert profile.unit == unit.name
    assert profile.organisation == str(unit.pk)
    assert profile.is_available is True
    assert (profile.title_level, profile.degree) == ("senior_full", "doctorate")
    assert profile.industries == ("电气机械和器材制造业",)
    assert profile.capacity == 3


def test_demand_becomes_a_query_with_its_protected_text(db):
    demand = factories.DemandFactory(
        title="隔膜涂层工艺改进",
        summary="公开摘要",
        description="保密描述浆料配方",
        expected_outcome="热收缩率降低",
        keywords=["隔膜", "陶瓷涂层"],
        confidentiality="invited",
    )
    demand.disciplines.set([factories.discipline("430", "材料科学")])
    query = services.query_for(demand)
    assert query.id == str(demand.pk)
    for text in ("隔膜涂层工艺改进", "公开摘要", "保密描述浆料配方", "热收缩率降低", "陶瓷涂层"):
        assert text in query.text
    assert query.industry == demand.industry.name
    assert query.discipline == "材料科学"
    assert query.region == "370200"
    public = services.demand_text(demand, details_visible=False)
    assert "公开摘要" in public and "浆料配方" not in public and "陶瓷涂层" not in public


def test_region_relation():
    assert region_relation("370200", "370200") == "city"
    assert region_relation("370200", "370100") == "province"
    assert region_relation("370200", "110100") == "other"
