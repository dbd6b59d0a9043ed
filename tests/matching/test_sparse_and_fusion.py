import numpy as np
import pytest

from techbridge.matching.fusion import linear_blend, normalise_scores, ranks, reciprocal_rank_fusion
from techbridge.matching.model import Achievement, Profile
from techbridge.matching.sparse import FieldWeights, SparseIndex
from techbridge.matching.text import Tokeniser

POOL = [
    Profile(id="bio", summary="长期从事石墨烯薄膜相关工作"),
    Profile(id="keyword", keywords=("石墨烯薄膜",)),
    Profile(id="title", achievements=(Achievement("paper", "石墨烯薄膜"),)),
    Profile(id="other", keywords=("水稻育种",)),
]


def scores(weights: FieldWeights) -> dict[str, float]:
    tokeniser = Tokeniser()
    index = SparseIndex(POOL, tokeniser, weights=weights)
    values = index.scores(tokeniser.tokenise("石墨烯薄膜"))
    return {profile.id: float(value) for profile, value in zip(POOL, values, strict=True)}


def test_keywords_and_achievements_outweigh_a_biography():
    result = scores(FieldWeights())
    assert result["keyword"] > result["title"] > result["bio"] > 0
    assert result["other"] == 0


def test_field_weights_decide_the_order():
    result = scores(FieldWeights(keywords=0.1, titles=0.1, summary=5.0))
    assert result["bio"] > result["keyword"]
    assert scores(FieldWeights(summary=0.0))["bio"] == 0


def test_unknown_query_terms_score_nothing():
    tokeniser = Tokeniser()
    index = SparseIndex(POOL, tokeniser)
    assert not index.scores(tokeniser.tokenise("量子通信")).any()
    assert not index.scores([]).any()


def test_ranks_and_normalisation():
    assert ranks(np.array([0.1, 0.9, 0.5])).tolist() == [3, 1, 2]
    assert normalise_scores(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert normalise_scores(np.array([1.0, 1.0])).tolist() == [0.0, 0.0]


def test_reciprocal_rank_fusion_rewards_agreement():
    sparse = np.array([3.0, 2.0, 0.0])
    dense = np.array([0.1, 0.9, 0.8])
    fused = reciprocal_rank_fusion([sparse, dense], k=60)
    assert fused[1] > fused[0] > fused[2]
    assert fused[1] == 1 / 62 + 1 / 61


def test_linear_blend_uses_normalised_scores():
    fused = linear_blend([np.array([100.0, 0.0]), np.array([0.0, 0.5])], [0.7, 0.3])
    assert fused.tolist() == pytest.approx([0.7, 0.3])
