"""Explanations name a keyword as the researcher's direction only when the demand really
shares it, not when one generic sub-word (电池) is all they have in common."""

from __future__ import annotations

from techbridge.matching.explain import collect_evidence
from techbridge.matching.model import Profile
from techbridge.matching.text import Tokeniser


def _evidence(keywords: tuple[str, ...], query: str):
    tokeniser = Tokeniser()
    profile = Profile(id="r1", keywords=keywords)
    terms = list(dict.fromkeys(tokeniser.tokenise(query)))
    return collect_evidence(profile, terms, tokeniser)


def test_a_keyword_named_by_the_demand_matches():
    evidence = _evidence(("钠离子电池", "液流电池"), "钠离子电池正极材料的循环寿命提升")
    assert evidence.matched_keywords == ("钠离子电池",)


def test_one_generic_shared_sub_word_is_not_a_matching_direction():
    evidence = _evidence(("钠离子电池", "液流电池"), "提升动力电池电芯压实密度的技术攻关")
    assert evidence.matched_keywords == ()
    assert "电池" in evidence.shared_terms


def test_single_characters_and_bare_numbers_are_not_shown_as_shared_terms():
    from techbridge.matching.explain import longest_terms
    from techbridge.matching.model import Achievement, Profile
    from techbridge.matching.text import Tokeniser

    assert longest_terms(["小", "样本", "30", "c", "以上", "稳定", "稳定性", "ai", "5g"]) == [
        "样本",
        "稳定性",
        "ai",
        "5g",
    ]
    tokeniser = Tokeniser()
    query = "小样本数据下系统吞吐量偏高，45°C下30天内提高"
    profile = Profile(
        id="p", achievements=(Achievement("paper", "小样本数据下45°C系统吞吐量的30种提高方法"),)
    )
    evidence = collect_evidence(profile, tokeniser.tokenise(query), tokeniser)
    shown = [*evidence.shared_terms, *evidence.achievement_terms]
    assert "样本" in shown and "吞吐量" in shown
    assert all(len(t) > 1 and not t.isdigit() for t in shown)
