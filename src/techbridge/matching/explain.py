"""Why a profile was recommended: the evidence, and a plain Chinese sentence built from it.

Evidence is recomputed from the texts for the few profiles shown (cheap), never invented: the
terms the query and the profile really share, the keywords and the achievement they occur in,
the discipline the query was recognised as when the profile belongs to it, and where the
researcher is relative to the demand (same city, same province, another province). The sentence is
Chinese because that is what the programme's users read; the engine has no Django, so it is
built here rather than translated through gettext.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from techbridge.matching.model import Achievement, Profile
from techbridge.matching.text import LATIN_WORD, Tokeniser, normalise

ACHIEVEMENT_LABELS = {"paper": "论文", "patent": "专利", "project": "项目", "award": "奖励"}
MAX_TERMS = 6


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a match rests on."""

    shared_terms: tuple[str, ...] = ()
    matched_keywords: tuple[str, ...] = ()
    matched_achievement: Achievement | None = None
    discipline: str = ""
    discipline_confidence: float = 0.0
    # An industry the profile serves that the query was recognised in (or states).
    industry: str = ""
    industry_confidence: float = 0.0
    # The shared terms found in ``matched_achievement``.
    achievement_terms: tuple[str, ...] = ()
    # "city", "province", "other" or "" (a region is unknown), see filters.region_relation.
    region_relation: str = ""


REGION_SENTENCES = {
    "city": "与需求方同在一个城市，便于现场服务",
    "province": "与需求方同在一个省份",
    "other": "与需求方不在同一省份，可跨区域对接",
}


def terms_in(text: str, terms: Iterable[str]) -> list[str]:
    """The ``terms`` (normalised tokens) that occur in ``text``, in their order."""
    text = normalise(text)
    words: set[str] | None = None
    found = []
    for term in terms:
        # Index terms are either Chinese words or Latin tokens: the first character tells.
        if "\u4e00" <= term[:1] <= "\u9fff":
            if term in text:
                found.append(term)
        else:
            if words is None:
                words = set(LATIN_WORD.findall(text))
            if term in words:
                found.append(term)
    return found


# Words every demand and biography uses: shared, they say nothing about the match. They still
# count in BM25 (rarely enough, by their low IDF); an explanation just does not quote them.
GENERIC_WORDS = frozenset(
    """以上 以下 左右 之间 其他 其中 成果 应用 合作 研发 开展 推广 提升 改进 改善 优化 降低
    增加 现有 存在 偏高 偏低 较高 较低 显著 有效 完成 形成 建立 实际 主营 研制 国内 国际
    先进 水平 近年 近年来 长期 从事 主持 参与 负责 承担 围绕 相关 已在 已经 获得 取得""".split()
)


def telling(term: str) -> bool:
    """Whether a term says something on its own in an explanation: not one character (小, 高,
    已: cuts of words the dictionary lacks; the c of 45°C), not a bare number (30, 12) and not
    one of the :data:`GENERIC_WORDS`."""
    return len(term) > 1 and not term.isdigit() and term not in GENERIC_WORDS


def longest_terms(terms: list[str]) -> list[str]:
    """The telling terms, without the ones contained in a longer term (jieba's search mode
    yields both)."""
    terms = [t for t in terms if telling(t)]
    return [t for t in terms if not any(t != other and t in other for other in terms)]


def collect_evidence(
    profile: Profile,
    query_terms: list[str],
    tokeniser: Tokeniser,
    *,
    predicted: dict[str, float] | None = None,
    predicted_industries: dict[str, float] | None = None,
    region_relation: str = "",
    present_terms: set[str] | None = None,
) -> Evidence:
    """Evidence for ``profile`` against a query cut into ``query_terms``.

    ``predicted`` maps discipline names to the probability that the query belongs to them,
    ``predicted_industries`` industry names likewise.
    ``present_terms``, when the caller knows them from its index, are the query terms that occur
    anywhere in the profile (saves cutting the biography again).
    """
    wanted = dict.fromkeys(query_terms)
    # Each text is cut once; the profile's vocabulary is the union of its cuts.
    profile_tokens: set[str] = set()
    keywords = []
    for keyword in profile.keywords:
        tokens = set(tokeniser.tokenise(keyword))
        profile_tokens |= tokens
        # A keyword agrees when the query names it, or shares more than half of its cuts: one
        # generic sub-word (电池 of 钠离子电池) is a shared term, not the researcher's direction.
        if normalise(keyword) in wanted or (
            tokens and 2 * len(tokens & wanted.keys()) > len(tokens)
        ):
            keywords.append(keyword)
    best_achievement, best_overlap, best_terms = None, 0, []
    for achievement in profile.achievements:
        # Chinese terms are found as substrings of the normalised text, Latin ones as words:
        # the query's terms are the index's own cuts, so this is cutting without the cost.
        found = terms_in(f"{achievement.title} {achievement.abstract}", wanted)
        if present_terms is None:
            profile_tokens |= set(tokeniser.tokenise(f"{achievement.title} {achievement.abstract}"))
        if len(found) > best_overlap:
            best_achievement, best_overlap = achievement, len(found)
            best_terms = longest_terms(found)
    if present_terms is not None:
        profile_tokens = present_terms
    else:
        for text in (profile.summary, *profile.disciplines):
            profile_tokens.update(tokeniser.tokenise(text))
    shared = [term for term in wanted if term in profile_tokens]
    # A long term says more than its own sub-words (jieba's search mode yields both).
    shared = longest_terms(shared)
    discipline, confidence = best_label(profile.disciplines, predicted)
    industry, industry_confidence = best_label(profile.industries, predicted_industries)
    return Evidence(
        shared_terms=tuple(shared[:MAX_TERMS]),
        matched_keywords=tuple(keywords[:MAX_TERMS]),
        matched_achievement=best_achievement,
        discipline=discipline,
        discipline_confidence=confidence,
        industry=industry,
        industry_confidence=industry_confidence,
        achievement_terms=tuple(best_terms[:3]),
        region_relation=region_relation,
    )


def best_label(labels: Sequence[str], predicted: dict[str, float] | None) -> tuple[str, float]:
    """The one of ``labels`` the query most probably belongs to, and that probability."""
    best, confidence = "", 0.0
    for name in labels:
        if predicted and predicted.get(name, 0.0) > confidence:
            best, confidence = name, predicted[name]
    return best, confidence


def explanation_sentence(evidence: Evidence) -> str:
    """A plain Chinese sentence naming the evidence."""
    parts = []
    if evidence.matched_keywords:
        parts.append(
            "研究方向" + "、".join(f"“{k}”" for k in evidence.matched_keywords) + "与需求吻合"
        )
    remaining = [t for t in evidence.shared_terms if t not in evidence.matched_keywords]
    if remaining and not evidence.matched_keywords:
        parts.append("与需求共有用语" + "、".join(f"“{t}”" for t in remaining))
    elif remaining:
        parts.append("另有共同用语" + "、".join(f"“{t}”" for t in remaining[:3]))
    if evidence.matched_achievement is not None:
        label = ACHIEVEMENT_LABELS.get(evidence.matched_achievement.type, "成果")
        achievement = f"相关{label}《{evidence.matched_achievement.title}》"
        if evidence.achievement_terms:
            achievement += "涉及" + "、".join(f"“{t}”" for t in evidence.achievement_terms)
        parts.append(achievement)
    if evidence.discipline and evidence.discipline_confidence >= 0.2:
        parts.append(
            f"所属学科“{evidence.discipline}”与需求所属领域一致"
            f"（判断把握约{round(evidence.discipline_confidence * 100)}%）"
        )
    elif evidence.discipline:
        parts.append(f"所属学科“{evidence.discipline}”与需求可能相关")
    if evidence.industry and evidence.industry_confidence >= 0.2:
        parts.append(f"服务行业“{evidence.industry}”与需求所属行业一致")
    if not parts:
        parts.append("与需求在内容上语义相近")
    if evidence.region_relation in REGION_SENTENCES:
        parts.append(REGION_SENTENCES[evidence.region_relation])
    return "；".join(parts) + "。"
