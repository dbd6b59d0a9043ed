"""Normalisation and tokenisation of mixed Chinese and English text."""

from __future__ import annotations

from techbridge.search.text import add_words, normalise, query_terms, tokenise


def test_full_width_and_traditional_are_folded():
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert normalise("鋰離子電池") == "锂离子电池"


def test_chinese_is_cut_into_words_and_sub_words():
    tokens = tokenise("锂离子电池正极材料的制备")
    assert "锂离子" in tokens or "锂离子电池" in tokens
    assert "电池" in tokens
    assert "的" not in tokens


def test_english_words_stay_whole_and_stop_words_go():
    tokens = tokenise("Deep learning for the detection of C++ defects in PCB")
    assert {"deep", "learning", "detection", "c++", "defects", "pcb"} <= set(tokens)
    assert "the" not in tokens and "for" not in tokens


def test_domain_words_become_single_tokens():
    add_words(["钙钛矿叠层电池"])
    assert "钙钛矿叠层电池" in tokenise("研究钙钛矿叠层电池的稳定性")


def test_query_terms_are_distinct_and_without_stop_words():
    assert query_terms("隔膜 的 涂层 隔膜") == ["隔膜", "涂层"]
