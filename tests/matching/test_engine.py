import pytest

from techbridge.matching.dense import HashingEncoder
from techbridge.matching.engine import EngineSettings, MatchingEngine
from techbridge.matching.model import Query
from techbridge.matching.text import Tokeniser

from .conftest import COMPUTING, MATERIALS

# Shares "界面" with the computing profile r5, but the best match r1 is in materials.
QUERY = Query(id="q", text="固态电解质与锂金属负极界面")


def ids(matches):
    return [match.profile.id for match in matches]


def test_discipline_reranking_moves_same_field_profiles_up(engine):
    fused = ids(engine.rank(QUERY, k=8, method="fusion"))
    hybrid = ids(engine.rank(QUERY, k=8, method="hybrid"))
    assert fused[0] == hybrid[0] == "r1"
    assert fused.index("r5") < fused.index("r2")
    assert set(hybrid[:3]) == {"r1", "r2", "r3"}


def test_without_discipline_weight_hybrid_is_the_fusion(dataset):
    engine = MatchingEngine(
        dataset.profiles,
        encoder=HashingEncoder(Tokeniser()),
        settings=EngineSettings(discipline_weight=0.0),
    )
    assert ids(engine.rank(QUERY, k=8)) == ids(engine.rank(QUERY, k=8, method="fusion"))


def test_a_stated_discipline_counts(engine):
    # r1 (materials) and r5 (computing) both work on a "界面" (interface).
    query = Query(id="q", text="界面", discipline=MATERIALS)
    assert ids(engine.rank(query, k=3))[0] == "r1"
    query = Query(id="q", text="界面", discipline=COMPUTING)
    assert ids(engine.rank(query, k=3))[0] == "r5"


def test_explanations_name_the_real_evidence(engine):
    best = engine.rank(QUERY, k=3)[0]
    assert best.profile.id == "r1"
    assert "固态电解质" in best.evidence.shared_terms
    assert best.evidence.matched_keywords == ("固态电解质", "锂金属负极")
    assert best.evidence.matched_achievement.title == "固态电解质与锂金属负极的界面稳定性"
    assert best.evidence.discipline == MATERIALS
    assert "“固态电解质”" in best.explanation
    assert "《固态电解质与锂金属负极的界面稳定性》" in best.explanation
    assert MATERIALS in best.explanation
    for match in engine.rank(QUERY, k=8):
        profile_text = " ".join(
            [*match.profile.keywords, *(a.title for a in match.profile.achievements)]
        )
        assert all(term in profile_text for term in match.evidence.shared_terms)


def test_unrelated_profile_in_the_right_field_is_explained_by_its_field(engine):
    by_id = {match.profile.id: match for match in engine.rank(QUERY, k=8)}
    assert by_id["r2"].evidence.shared_terms == ()
    assert "材料科学与工程" in by_id["r2"].explanation


def test_rank_ids_gives_every_method(engine, dataset):
    rankings = engine.rank_ids(dataset.queries, k=5, methods=("bm25", "dense", "hybrid"))
    assert rankings["hybrid"][1][:2] == ["r7", "r8"]
    assert all(len(ranked) == 5 for lists in rankings.values() for ranked in lists)
    with pytest.raises(ValueError, match="unknown method"):
        engine.rank_ids(dataset.queries, methods=("magic",))


def test_large_pool_path_scores_candidates_only(dataset):
    engine = MatchingEngine(
        dataset.profiles,
        encoder=HashingEncoder(Tokeniser()),
        settings=EngineSettings(full_scoring_limit=2, candidate_count=1),
    )
    matches = engine.rank(QUERY, k=8)
    assert matches[0].profile.id == "r1"
    # BM25's and the vectors' best 2 × candidate_count each: at most 4 of the 8 are scored.
    assert len(matches) <= 4


def test_explanations_name_the_matching_achievement_and_its_terms(engine):
    best = engine.rank(QUERY, k=1)[0]
    assert "固态电解质" in best.evidence.achievement_terms
    assert "《固态电解质与锂金属负极的界面稳定性》涉及“固态电解质”" in best.explanation
    # No region on either side: no region sentence.
    assert best.evidence.region_relation == ""
    assert "城市" not in best.explanation and "省份" not in best.explanation


def test_rank_returns_a_ranking_list_compatible_with_the_first_api(engine):
    ranking = engine.rank(QUERY, k=2)
    assert isinstance(ranking, list) and ranking.excluded == {}
    assert [type(m).__name__ for m in ranking] == ["Match", "Match"]
    with pytest.raises(ValueError, match="unknown method"):
        engine.rank(QUERY, method="magic")


def _industry_pool(**settings):
    from techbridge.matching.model import Profile

    # Twins in text and discipline; only the industries they serve differ.
    text = dict(disciplines=(MATERIALS,), keywords=("涂层", "耐腐蚀"))
    profiles = [
        Profile(id="ship", industries=("船舶制造",), **text),
        Profile(id="car", industries=("汽车制造业",), **text),
        Profile(id="none", **text),
        Profile(id="other", disciplines=(COMPUTING,), keywords=("数据库",)),
    ]
    return MatchingEngine(
        profiles, encoder=HashingEncoder(Tokeniser()), settings=EngineSettings(**settings)
    )


def test_a_stated_industry_lifts_the_researchers_who_serve_it():
    engine = _industry_pool()
    for industry in ("船舶制造", "汽车制造业"):
        ranking = engine.rank(Query(id="q", text="耐腐蚀涂层", industry=industry), k=3)
        best = ranking[0]
        assert best.profile.industries == (industry,)
        assert best.evidence.industry == industry
        assert f"服务行业“{industry}”与需求所属行业一致" in best.explanation
        # The twin serving another industry is not said to agree with this one.
        assert "服务行业" not in ranking[1].explanation
    # Without industry weight, the twins tie and the stated industry changes nothing.
    flat = _industry_pool(industry_weight=0.0)
    scores = {m.profile.id: m.score for m in flat.rank(Query(id="q", text="耐腐蚀涂层"), k=3)}
    assert scores["ship"] == pytest.approx(scores["car"])


def test_industries_survive_edits_compaction_and_a_reload(tmp_path):
    from techbridge.matching.model import Profile

    engine = _industry_pool()
    query = Query(id="q", text="耐腐蚀涂层", industry="船舶制造")
    engine.update_profile(
        Profile(
            id="car",
            disciplines=(MATERIALS,),
            keywords=("涂层", "耐腐蚀"),
            industries=("船舶制造",),
        )
    )
    engine.remove_profile("ship")
    engine.index.compact()
    assert engine.rank(query, k=1)[0].profile.id == "car"
    engine.save(tmp_path / "index")
    loaded = MatchingEngine.load(tmp_path / "index", encoder=HashingEncoder(Tokeniser()))
    assert loaded.index.industries.names == engine.index.industries.names
    assert [(m.profile.id, round(m.score, 6)) for m in loaded.rank(query, k=3)] == [
        (m.profile.id, round(m.score, 6)) for m in engine.rank(query, k=3)
    ]
