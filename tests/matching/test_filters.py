import pytest

from techbridge.matching.dense import HashingEncoder
from techbridge.matching.engine import EngineSettings, MatchingEngine
from techbridge.matching.filters import (
    NO_CAPACITY,
    OUTSIDE_REGION,
    SAME_ORGANISATION,
    UNAVAILABLE,
    QueryContext,
    RankFilters,
    region_relation,
)
from techbridge.matching.model import Achievement, Profile, Query
from techbridge.matching.text import Tokeniser

BATTERY = "材料科学与工程"


def battery_profile(pid, **extra):
    return Profile(
        id=pid,
        name=extra.pop("name", pid),
        disciplines=(BATTERY,),
        keywords=("固态电解质", "锂金属负极"),
        achievements=(Achievement("paper", f"固态电解质界面研究{pid}"),),
        **extra,
    )


POOL = [
    battery_profile("jinan-1", region="370102", organisation="sdu"),
    battery_profile("jinan-2", region="370105", organisation="enterprise"),
    battery_profile("qingdao", region="370202", organisation="ouc"),
    battery_profile("beijing", region="110108", organisation="thu"),
    battery_profile("busy", region="370103", organisation="sdu", capacity=0),
    battery_profile("away", region="370103", organisation="sdu", is_available=False),
    Profile(id="rice", disciplines=("作物学",), keywords=("水稻育种",), region="370102"),
]
QUERY = Query(id="d1", text="固态电解质与锂金属负极的界面问题", region="370100")
CONTEXT = QueryContext(organisation="enterprise")


@pytest.fixture(scope="module")
def engine():
    return MatchingEngine(POOL, encoder=HashingEncoder(Tokeniser()))


def ids(matches):
    return [m.profile.id for m in matches]


def test_without_filters_everyone_may_be_ranked(engine):
    ranking = engine.rank(QUERY, k=10)
    assert set(ids(ranking)) == {p.id for p in POOL}
    assert ranking.excluded == {}


def test_default_filters_exclude_unavailable_full_and_own_organisation(engine):
    ranking = engine.rank(QUERY, k=6, filters=RankFilters(), context=CONTEXT)
    assert ids(ranking) == ["jinan-1", "qingdao", "beijing", "rice"]
    # Counted among the 6 that would have been shown without the filters.
    assert ranking.excluded == {UNAVAILABLE: 1, NO_CAPACITY: 1, SAME_ORGANISATION: 1}
    sentences = ranking.exclusion_sentences()
    assert "1名与对方同属一个单位的科技人员因利益回避未列入。" in sentences


def test_top_k_is_filled_with_eligible_profiles(engine):
    ranking = engine.rank(QUERY, k=4, filters=RankFilters(), context=CONTEXT)
    assert ids(ranking)[:3] == ["jinan-1", "qingdao", "beijing"]
    assert len(ranking) == 4


def test_ids_and_predicate_exclude(engine):
    filters = RankFilters(
        ineligible_ids=frozenset({"jinan-1"}),
        excluded_ids=frozenset({"qingdao"}),
        is_eligible=lambda profile: profile.id != "beijing",
    )
    ranking = engine.rank(QUERY, k=7, filters=filters)
    assert ids(ranking) == ["jinan-2", "rice"]
    assert ranking.excluded["ineligible"] == 2
    assert ranking.excluded["existing_relation"] == 1


def test_region_scopes(engine):
    everyone = {"exclude_unavailable": False, "require_capacity": False}
    local = engine.rank(QUERY, k=10, filters=RankFilters(region_scope="local", **everyone))
    assert set(ids(local)) == {"jinan-1", "jinan-2", "busy", "away", "rice"}
    province = engine.rank(QUERY, k=10, filters=RankFilters(region_scope="province"))
    assert "qingdao" in ids(province) and "beijing" not in ids(province)
    assert province.excluded.get(OUTSIDE_REGION) == 1
    # A province-level region: local means the province.
    whole = Query(id="d", text=QUERY.text, region="370000")
    assert "qingdao" in ids(engine.rank(whole, k=10, filters=RankFilters(region_scope="local")))


def test_region_relation():
    assert region_relation("370100", "370102") == "city"
    assert region_relation("370100", "370202") == "province"
    assert region_relation("370100", "110108") == "other"
    assert region_relation("370000", "370202") == "province"
    assert region_relation("", "370202") == ""


def test_same_city_ranks_first_among_equals_and_is_explained(engine):
    # jinan-1, qingdao and beijing have the same texts but their ids; the region decides.
    matches = engine.rank(QUERY, k=10, filters=RankFilters(exclude_same_organisation=False))
    order = ids(matches)
    assert order.index("jinan-1") < order.index("qingdao") < order.index("beijing")
    by_id = {m.profile.id: m for m in matches}
    assert by_id["jinan-1"].evidence.region_relation == "city"
    assert "同在一个城市" in by_id["jinan-1"].explanation
    assert by_id["beijing"].evidence.region_relation == "other"
    # The context's region overrides the query's.
    shifted = engine.rank(QUERY, k=10, context=QueryContext(region="110000"))
    assert ids(shifted).index("beijing") < ids(shifted).index("qingdao")


def test_soft_features_order_near_equals_but_not_relevance():
    pool = [
        battery_profile("plain"),
        battery_profile("senior", title_level="senior_full", degree="doctorate"),
        battery_profile("rated", evaluation_score=1.0),
        Profile(id="rice", keywords=("水稻育种",), title_level="senior_full", degree="doctorate"),
    ]
    engine = MatchingEngine(pool, encoder=HashingEncoder(Tokeniser()))
    order = ids(engine.rank(Query(id="q", text="固态电解质"), k=4))
    assert order[-1] == "rice"
    assert order.index("senior") < order.index("plain")
    assert order.index("rated") < order.index("plain")


def test_filters_apply_before_top_k_on_the_large_pool_path():
    pool = [
        battery_profile(f"p{i}", organisation="enterprise" if i < 30 else "") for i in range(40)
    ]
    engine = MatchingEngine(
        pool,
        encoder=HashingEncoder(Tokeniser()),
        settings=EngineSettings(full_scoring_limit=5, candidate_count=5, ann_threshold=10),
    )
    assert engine.index.vectors.ann is not None
    ranking = engine.rank(QUERY, k=5, filters=RankFilters(), context=CONTEXT)
    assert len(ranking) == 5
    assert all(int(m.profile.id[1:]) >= 30 for m in ranking)
    assert ranking.excluded[SAME_ORGANISATION] >= 1


def test_unknown_region_scope_is_refused():
    with pytest.raises(ValueError):
        RankFilters(region_scope="galaxy")
