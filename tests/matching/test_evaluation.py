import math

import pytest

from techbridge.matching.dense import HashingEncoder
from techbridge.matching.evaluation import (
    evaluate,
    ndcg_at,
    recall_at,
    reciprocal_rank,
    summarise,
)
from techbridge.matching.text import Tokeniser

GRADES = {"a": 2, "b": 1, "c": 1}


def test_ndcg_by_hand():
    # ranked: x (0), a (2), b (1); ideal: a, b, c
    dcg = (2**2 - 1) / math.log2(3) + (2**1 - 1) / math.log2(4)
    ideal = (2**2 - 1) / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(["x", "a", "b"], GRADES) == pytest.approx(dcg / ideal)
    assert ndcg_at(["a", "b", "c", "x"], GRADES) == pytest.approx(1.0)
    assert ndcg_at(["x", "y"], GRADES) == 0.0


def test_ndcg_only_counts_the_first_ten():
    grades = {"a": 1}
    assert ndcg_at([*"0123456789", "a"], grades) == 0.0
    assert ndcg_at([*"012345678", "a"], grades) == pytest.approx(1 / math.log2(11))


def test_recall_and_mrr_count_only_the_highest_grade():
    assert reciprocal_rank(["b", "c", "x", "a"], GRADES) == 0.25
    assert reciprocal_rank(["b", "c"], GRADES) == 0.0
    assert recall_at(["b", "a"], GRADES, 1) == 0.0
    assert recall_at(["b", "a"], GRADES, 10) == 1.0
    assert recall_at(["a", "x"], {"a": 1, "b": 1}, 10) == 0.5


def test_summary_per_type_skips_queries_without_a_relevant_profile():
    figures = summarise(
        [["a"], ["x", "a"], ["a"]],
        ["brief", "description", "brief"],
        [{"a": 1}, {"a": 1}, {"a": 0}],
    )
    assert figures["all"]["mrr"] == 0.75
    assert figures["brief"]["mrr"] == 1.0
    assert figures["description"]["mrr"] == 0.5
    assert set(figures["all"]) == {"ndcg@10", "recall@10", "recall@50", "mrr"}


def test_evaluate_reports_every_method_overall_and_per_type(dataset):
    run = evaluate(dataset, encoder=HashingEncoder(Tokeniser()))
    assert set(run.figures) == {"bm25", "dense", "hybrid"}
    assert set(run.figures["hybrid"]) == {"all", "brief", "description"}
    assert run.figures["hybrid"]["all"]["mrr"] == 1.0
    assert run.figures["hybrid"]["all"]["ndcg@10"] == 1.0
