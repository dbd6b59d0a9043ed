import pytest

from techbridge.matching.dense import HashingEncoder
from techbridge.matching.engine import MatchingEngine
from techbridge.matching.filters import QueryContext, RankFilters
from techbridge.matching.model import Achievement, Profile, Query, Team
from techbridge.matching.text import Tokeniser

POOL = [
    Profile(
        id="zhang",
        name="张伟",
        disciplines=("材料科学与工程",),
        keywords=("固态电解质",),
        achievements=(Achievement("paper", "硫化物固态电解质的离子电导率"),),
    ),
    Profile(
        id="li",
        name="李娜",
        disciplines=("材料科学与工程",),
        keywords=("锂金属负极",),
        achievements=(Achievement("patent", "一种锂金属负极保护层的制备方法"),),
    ),
    Profile(
        id="wang",
        name="王强",
        disciplines=("材料科学与工程",),
        keywords=("固态电解质", "锂金属负极"),
        achievements=(Achievement("paper", "固态电解质与锂金属负极的界面"),),
        organisation="enterprise",
    ),
    Profile(id="zhao", name="赵敏", disciplines=("作物学",), keywords=("水稻育种",)),
    Profile(id="sun", name="孙丽", disciplines=("作物学",), keywords=("小麦抗旱",)),
]
TEAMS = [
    Team(id="pair", name="固态电池团队", member_ids=("zhang", "li", "zhao")),
    Team(id="solo", name="界面团队", member_ids=("wang",)),
    Team(id="crops", name="作物团队", member_ids=("zhao", "sun", "ghost")),
]
QUERY = Query(id="q", text="固态电解质 锂金属负极 离子电导率 保护层")


@pytest.fixture(scope="module")
def engine():
    return MatchingEngine(POOL, encoder=HashingEncoder(Tokeniser()))


def test_complementary_members_beat_one_member_alone(engine):
    teams = engine.rank_teams(QUERY, TEAMS, k=3)
    assert [t.team.id for t in teams] == ["pair", "solo", "crops"]
    pair = teams[0]
    assert {m.profile.id for m in pair.members} == {"zhang", "li"}
    assert set(pair.covered_terms) >= {"固态电解质", "锂金属负极", "保护层"}
    assert pair.coverage > teams[1].coverage
    assert "张伟" in pair.explanation and "李娜" in pair.explanation
    assert "赵敏" not in pair.explanation
    assert "覆盖需求要点" in pair.explanation


def test_team_filters_drop_ineligible_members(engine):
    filters = RankFilters()
    teams = engine.rank_teams(
        QUERY, TEAMS, k=3, filters=filters, context=QueryContext(organisation="enterprise")
    )
    assert "solo" not in [t.team.id for t in teams]
    teams = engine.rank_teams(
        QUERY, TEAMS, k=1, filters=RankFilters(is_eligible=lambda p: p.id != "zhang")
    )
    assert teams[0].members[0].profile.id in {"li", "wang"}
