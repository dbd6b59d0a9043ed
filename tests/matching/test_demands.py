import pytest

from techbridge.matching.demands import DemandPool
from techbridge.matching.dense import HashingEncoder
from techbridge.matching.filters import SAME_ORGANISATION, UNAVAILABLE, RankFilters
from techbridge.matching.model import Achievement, Demand, Profile
from techbridge.matching.text import Tokeniser

DEMANDS = [
    Demand(
        id="battery",
        title="动力电池固态电解质界面改进",
        text="我公司固态电池循环寿命偏低，锂金属负极界面副反应严重，希望合作攻关。",
        keywords=("固态电解质", "锂金属负极"),
        disciplines=("材料科学与工程",),
        region="370100",
        organisation="battery-maker",
    ),
    Demand(
        id="secret",
        title="新型电解质配方",
        text="固态电解质配方开发，涉及公司核心工艺参数。",
        keywords=("固态电解质",),
        disciplines=("材料科学与工程",),
        region="370200",
        organisation="other-maker",
        is_confidential=True,
    ),
    Demand(
        id="closed",
        title="固态电解质中试",
        text="固态电解质中试放大。",
        keywords=("固态电解质",),
        is_open=False,
    ),
    Demand(
        id="own",
        title="锂金属负极保护",
        text="锂金属负极保护层开发。",
        keywords=("锂金属负极",),
        organisation="sdu",
    ),
    Demand(
        id="rice", title="水稻抗病育种", text="提高水稻抗病基因筛选效率。", keywords=("水稻育种",)
    ),
]
RESEARCHER = Profile(
    id="r1",
    disciplines=("材料科学与工程",),
    keywords=("固态电解质", "锂金属负极"),
    achievements=(Achievement("paper", "固态电解质与锂金属负极的界面稳定性"),),
    region="370102",
    organisation="sdu",
)


@pytest.fixture(scope="module")
def pool():
    return DemandPool(DEMANDS, encoder=HashingEncoder(Tokeniser()))


def test_demands_for_a_researcher_with_reasons(pool):
    ranking = pool.rank_demands(RESEARCHER, k=5)
    ids = [m.demand_id for m in ranking]
    assert ids[0] == "battery" and ids[-1] == "rice"
    best = ranking[0]
    assert best.demand.title == "动力电池固态电解质界面改进"
    assert "固态电解质" in best.evidence.researcher_keywords
    assert "“固态电解质”" in best.explanation and "同在一个城市" in best.explanation


def test_confidential_demands_are_matched_but_only_ids_and_public_evidence(pool):
    secret = next(m for m in pool.rank_demands(RESEARCHER, k=5) if m.demand_id == "secret")
    assert secret.is_confidential and secret.demand is None
    assert secret.evidence.shared_terms == () and secret.evidence.researcher_keywords == ()
    assert "保密" in secret.explanation
    assert "配方" not in secret.explanation and "工艺" not in secret.explanation


def test_closed_and_own_organisation_demands_are_filtered(pool):
    ranking = pool.rank_demands(RESEARCHER, k=5, filters=RankFilters())
    assert {"closed", "own"}.isdisjoint(m.demand_id for m in ranking)
    assert ranking.excluded == {UNAVAILABLE: 1, SAME_ORGANISATION: 1}
    assert "1项与对方同属一个单位的需求因利益回避未列入。" in ranking.exclusion_sentences(
        who="需求", unit="项"
    )


def test_demand_pool_changes_and_persists(pool, tmp_path):
    changed = DemandPool(DEMANDS, encoder=HashingEncoder(Tokeniser()))
    changed.remove_demand("battery")
    changed.add_demand(Demand(id="new", title="锂金属负极枝晶抑制", keywords=("锂金属负极",)))
    changed.save(tmp_path / "demands")
    loaded = DemandPool.load(tmp_path / "demands", encoder=HashingEncoder(Tokeniser()))
    ranked = [m.demand_id for m in loaded.rank_demands(RESEARCHER, k=5)]
    assert "battery" not in ranked and "new" in ranked
    assert ranked == [m.demand_id for m in changed.rank_demands(RESEARCHER, k=5)]


def test_a_demand_in_an_industry_the_researcher_serves_comes_first_and_says_so():
    import dataclasses

    twins = [
        Demand(id=name, title="耐腐蚀涂层开发", keywords=("涂层",), industries=(industry,))
        for name, industry in (("ship", "船舶制造"), ("car", "汽车制造业"))
    ]
    pool = DemandPool(twins, encoder=HashingEncoder(Tokeniser()))
    for industry, expected in (("船舶制造", "ship"), ("汽车制造业", "car")):
        researcher = dataclasses.replace(RESEARCHER, keywords=("涂层",), industries=(industry,))
        best = pool.rank_demands(researcher, k=2)[0]
        assert best.demand_id == expected
        assert best.evidence.industry == industry
        assert f"需求所属行业“{industry}”是您服务的行业" in best.explanation
