import json

import numpy as np
import pytest

from techbridge.matching.dense import HashingEncoder
from techbridge.matching.engine import EngineSettings, MatchingEngine
from techbridge.matching.filters import QueryContext, RankFilters
from techbridge.matching.index import FORMAT_VERSION, IndexFormatError
from techbridge.matching.model import Achievement, Profile
from techbridge.matching.synthetic import synthetic_profiles, synthetic_queries
from techbridge.matching.text import Tokeniser

QUERIES = synthetic_queries(12, seed=3)


def encoder():
    return HashingEncoder(Tokeniser(), dim=64)


def vocabulary(profiles):
    """The domain words, given up front as the platform does (see docs/matching.md)."""
    words = {w for p in profiles for w in (*p.disciplines, *p.keywords)}
    return sorted(words | {"作物学", "水稻育种", "抗病基因"})


def rankings(engine, *, filters=None):
    return [
        [(m.profile.id, round(m.score, 4)) for m in engine.rank(q, k=8, filters=filters)]
        for q in QUERIES
    ]


def ids_of(engine, method):
    return [[m.profile.id for m in engine.rank(q, k=8, method=method)] for q in QUERIES]


@pytest.fixture(scope="module")
def pool():
    return list(synthetic_profiles(160, seed=11))


def edit(profile):
    return Profile(
        id=profile.id,
        name=profile.name,
        disciplines=("作物学",),
        keywords=("水稻育种", "抗病基因"),
        achievements=(Achievement("paper", "水稻抗病基因的定位与育种应用"),),
        region="370200",
    )


def test_add_update_remove_save_load_equals_a_full_rebuild(pool, tmp_path):
    engine = MatchingEngine(pool[:100], encoder=encoder(), words=vocabulary(pool))
    for profile in pool[100:]:
        engine.add_profile(profile)
    for profile in pool[20:30]:
        engine.update_profile(edit(profile))
    for profile in pool[40:55]:
        assert engine.remove_profile(profile.id)
    assert not engine.remove_profile("nobody")
    engine.save(tmp_path / "index")
    loaded = MatchingEngine.load(tmp_path / "index", encoder=encoder())

    final = engine.profiles
    assert [p.id for p in loaded.profiles] == [p.id for p in final]
    assert len(loaded) == 160 - 15
    rebuilt = MatchingEngine(final, encoder=encoder(), words=engine.index.words)
    filters = RankFilters(region_scope="province")
    for method in ("bm25", "dense", "hybrid"):
        assert ids_of(loaded, method) == ids_of(rebuilt, method) == ids_of(engine, method)
    assert rankings(loaded) == rankings(rebuilt)
    assert rankings(loaded, filters=filters) == rankings(rebuilt, filters=filters)
    # The edited profiles are found by their new text, never by their old one.
    rice = loaded.rank(QUERIES[0].__class__(id="q", text="水稻抗病基因育种"), k=10)
    assert {m.profile.id for m in rice} >= {p.id for p in pool[20:30]}


def test_bm25_scores_equal_a_fresh_index_after_changes(pool):
    engine = MatchingEngine(pool[:80], encoder=encoder(), words=vocabulary(pool))
    for profile in pool[80:120]:
        engine.add_profile(profile)
    for profile in pool[:30]:
        engine.remove_profile(profile.id)
    rebuilt = MatchingEngine(engine.profiles, encoder=encoder(), words=engine.index.words)
    for query in QUERIES:
        tokens = rebuilt.tokeniser.tokenise(query.text)
        live = np.flatnonzero(engine.index.alive)
        assert np.allclose(engine.sparse.scores(tokens)[live], rebuilt.sparse.scores(tokens))


def test_compaction_keeps_the_rankings(pool):
    engine = MatchingEngine(pool[:120], encoder=encoder())
    before_removal = None
    for profile in pool[:70]:
        engine.remove_profile(profile.id)
        if profile.id == pool[20].id:
            before_removal = engine.index.size
    assert before_removal == 120
    # At 64 dead (more than a quarter) the index compacted itself and renumbered.
    assert engine.index.size < 120
    rebuilt = MatchingEngine(engine.profiles, encoder=encoder(), words=engine.index.words)
    assert rankings(engine) == rankings(rebuilt)


def test_delta_merge_and_ann_pick_up_new_profiles(pool):
    settings = EngineSettings(delta_limit=5, ann_threshold=50, full_scoring_limit=40)
    engine = MatchingEngine(pool[:60], encoder=encoder(), settings=settings)
    assert engine.index.vectors.ann is not None
    for profile in pool[60:100]:
        engine.add_profile(profile)
    assert engine.index.vectors.ann.ntotal == 100
    newcomer = pool[99]
    query = QUERIES[0].__class__(id="q", text=" ".join(newcomer.keywords))
    assert newcomer.id in [m.profile.id for m in engine.rank(query, k=10)]
    ranking = engine.rank(query, k=10, filters=RankFilters(), context=QueryContext())
    assert all(m.profile.is_available for m in ranking)


def test_save_is_atomic_and_load_checks_the_format(pool, tmp_path):
    engine = MatchingEngine(pool[:30], encoder=encoder())
    target = tmp_path / "index"
    engine.save(target)
    engine.add_profile(pool[40])
    engine.save(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
    assert len(MatchingEngine.load(target, encoder=encoder())) == 31
    with pytest.raises(IndexFormatError, match="dimensions"):
        MatchingEngine.load(target, encoder=HashingEncoder(Tokeniser(), dim=32))
    meta = json.loads((target / "meta.json").read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    (target / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(IndexFormatError, match="rebuild"):
        MatchingEngine.load(target, encoder=encoder())
    with pytest.raises(IndexFormatError, match="missing"):
        MatchingEngine.load(tmp_path / "nothing", encoder=encoder())
