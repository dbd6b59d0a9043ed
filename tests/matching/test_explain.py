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
