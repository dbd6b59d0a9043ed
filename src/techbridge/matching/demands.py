"""The other direction: the demands worth a researcher's time.

A :class:`DemandPool` indexes demands exactly as :class:`.engine.MatchingEngine` indexes profiles
(the same incremental BM25, vectors, discipline agreement, filters and persistence): a demand's
fields are its keywords, title, stated disciplines and text; the query is the researcher's own
profile text, and the researcher's main discipline is stated for the discipline step.

Confidential demands are matched like any other, but what :meth:`DemandPool.rank_demands`
returns for them is only the id, the score and evidence that names nothing of the demand's
text: the discipline it was recognised in and the region relation. The caller (the platform)
shows the details only to those allowed to see them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from techbridge.matching.dense import Encoder
from techbridge.matching.engine import (
    METHODS,
    EngineSettings,
    Ranker,
    Ranking,
    profile_text,
    settings_from_json,
    settings_to_json,
)
from techbridge.matching.explain import REGION_SENTENCES, best_label, longest_terms
from techbridge.matching.filters import RELATIONS, RankFilters, region_code, region_relations
from techbridge.matching.index import DocumentIndex
from techbridge.matching.model import Demand, Profile
from techbridge.matching.text import Tokeniser, normalise


@dataclass(frozen=True, slots=True)
class DemandFieldWeights:
    """How much a term match in each demand field counts."""

    keywords: float = 3.0
    title: float = 2.0
    discipline: float = 1.0
    text: float = 1.0


def demand_fields(demand: Demand) -> dict[str, str]:
    return {
        "keywords": " ; ".join(demand.keywords),
        "title": demand.title,
        "discipline": " ; ".join(demand.disciplines),
        "text": demand.text,
    }


def demand_text(demand: Demand) -> str:
    return "；".join(part for part in (demand.title, *demand.keywords, demand.text) if part)


def demand_to_json(demand: Demand) -> dict[str, Any]:
    return dataclasses.asdict(demand)


def demand_from_json(row: Mapping[str, Any]) -> Demand:
    values = dict(row)
    for name in ("keywords", "disciplines", "industries"):
        values[name] = tuple(values.get(name) or ())
    return Demand(**values)


class DemandKind:
    """Demands as documents of a :class:`.index.DocumentIndex`."""

    name = "demand"
    fields = staticmethod(demand_fields)
    text = staticmethod(demand_text)
    to_json = staticmethod(demand_to_json)
    from_json = staticmethod(demand_from_json)

    @staticmethod
    def disciplines(demand: Demand) -> Sequence[str]:
        return demand.disciplines

    @staticmethod
    def industries(demand: Demand) -> Sequence[str]:
        return demand.industries

    @staticmethod
    def words(demand: Demand) -> Iterable[str]:
        return (*demand.disciplines, *demand.keywords)

    @staticmethod
    def attributes(demand: Demand) -> dict[str, Any]:
        return {
            "region": demand.region,
            "organisation": demand.organisation,
            "available": demand.is_open,
            "capacity": None,
            "prior": 0.0,
        }


@dataclass(frozen=True, slots=True)
class DemandEvidence:
    """What a demand's match rests on; for a confidential demand, only the public part."""

    shared_terms: tuple[str, ...] = ()
    researcher_keywords: tuple[str, ...] = ()
    discipline: str = ""
    discipline_confidence: float = 0.0
    # The demand's industry when the researcher serves it (an industry is public).
    industry: str = ""
    region_relation: str = ""


@dataclass(frozen=True, slots=True)
class DemandMatch:
    """One recommended demand. ``demand`` is None when it is confidential."""

    demand_id: str
    score: float
    is_confidential: bool
    evidence: DemandEvidence
    explanation: str
    demand: Demand | None = None


def demand_sentence(evidence: DemandEvidence, *, is_confidential: bool) -> str:
    """A plain Chinese sentence for a researcher."""
    parts = []
    if evidence.researcher_keywords:
        parts.append(
            "需求涉及您的研究方向" + "、".join(f"“{k}”" for k in evidence.researcher_keywords)
        )
    others = [t for t in evidence.shared_terms if t not in evidence.researcher_keywords]
    if others:
        parts.append("共同用语" + "、".join(f"“{t}”" for t in others[:4]))
    if evidence.discipline:
        parts.append(f"需求属于您的学科“{evidence.discipline}”")
    if evidence.industry:
        parts.append(f"需求所属行业“{evidence.industry}”是您服务的行业")
    if not parts:
        parts.append("需求内容与您的研究语义相近")
    if is_confidential:
        parts.append("该需求为保密需求，详情经授权后可见")
    if evidence.region_relation in REGION_SENTENCES:
        parts.append(REGION_SENTENCES[evidence.region_relation])
    return "；".join(parts) + "。"


class DemandPool(Ranker):
    """Open demands indexed for researchers."""

    def __init__(
        self,
        demands: Sequence[Demand],
        *,
        encoder: Encoder,
        settings: EngineSettings | None = None,
        field_weights: DemandFieldWeights | None = None,
        tokeniser: Tokeniser | None = None,
        vectors: np.ndarray | Callable[[], np.ndarray] | None = None,
        words: Iterable[str] = (),
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings or EngineSettings()
        self.field_weights = field_weights or DemandFieldWeights()
        self.index = DocumentIndex(
            demands,
            kind=DemandKind(),
            encoder=encoder,
            tokeniser=tokeniser or Tokeniser(),
            field_weights=self.field_weights,
            discipline_settings=self.settings.disciplines,
            vectors=vectors,
            ann_threshold=self.settings.ann_threshold,
            nprobe=self.settings.nprobe,
            delta_limit=self.settings.delta_limit,
            words=words,
            progress=progress,
        )

    @property
    def demands(self) -> list[Demand]:
        return self.index.live_items()

    def add_demand(self, demand: Demand, *, vector: np.ndarray | None = None) -> None:
        """Add a demand, or replace the one with the same id."""
        self.index.add(demand, vector=vector)

    update_demand = add_demand

    def remove_demand(self, demand_id: str) -> bool:
        return self.index.remove(demand_id)

    def save(self, directory: str | Path) -> None:
        self.index.save(
            directory,
            extra={
                "settings": settings_to_json(self.settings),
                "demand_field_weights": dataclasses.asdict(self.field_weights),
            },
        )

    @classmethod
    def load(
        cls, directory: str | Path, *, encoder: Encoder, tokeniser: Tokeniser | None = None
    ) -> DemandPool:
        meta = DocumentIndex.read_meta(directory)
        pool = cls.__new__(cls)
        pool.settings = settings_from_json(meta["settings"])
        pool.field_weights = DemandFieldWeights(**meta["demand_field_weights"])
        pool.index = DocumentIndex.load(
            directory,
            kind=DemandKind(),
            encoder=encoder,
            tokeniser=tokeniser or Tokeniser(),
            field_weights=pool.field_weights,
            discipline_settings=pool.settings.disciplines,
            delta_limit=pool.settings.delta_limit,
        )
        return pool

    def rank_demands(
        self,
        profile: Profile,
        *,
        k: int = 10,
        filters: RankFilters | None = None,
        method: str = "hybrid",
    ) -> Ranking:
        """The best ``k`` demands for the researcher of ``profile`` (a :class:`Ranking`).

        Conflicts of interest and the region scope are taken from the profile (its organisation
        and region); ``filters.exclude_unavailable`` drops demands that are no longer open.
        """
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
        text = profile_text(profile)
        eligible, reasons = self._masks(
            filters, organisation=profile.organisation, region=profile.region
        )
        vector = self.encoder.encode([text])[0]
        tokens = self.tokeniser.tokenise(text)
        scored = self._score(
            tokens,
            vector,
            method,
            stated=profile.discipline,
            industry=profile.industries[0] if profile.industries else "",
            region=profile.region,
            eligible=eligible,
            filtered=filters is not None,
            k=k,
        )
        chosen, excluded = self._select(
            scored, eligible, reasons, filters.is_eligible if filters else None, k
        )
        predicted = self._predicted(scored.distribution)
        terms = list(dict.fromkeys(tokens))
        known = {term: ids[0] for term in terms if (ids := self.sparse.term_ids([term]))}
        keywords = {normalise(k): k for k in profile.keywords}
        query_region = region_code(profile.region)
        matches = []
        for position, score, _ in chosen:
            demand: Demand = self.index.item(position)
            relation = RELATIONS[
                int(
                    region_relations(query_region, self.index.attributes.region.values[[position]])[
                        0
                    ]
                )
            ]
            discipline, confidence = best_label(
                [name for name in demand.disciplines if name in profile.disciplines], predicted
            )
            industry = next((i for i in demand.industries if i in profile.industries), "")
            if demand.is_confidential:
                evidence = DemandEvidence(
                    discipline=discipline,
                    discipline_confidence=confidence,
                    industry=industry,
                    region_relation=relation,
                )
            else:
                found = self._present(position, known)
                present = longest_terms([t for t in terms if t in found])
                evidence = DemandEvidence(
                    shared_terms=tuple(present[:6]),
                    researcher_keywords=tuple(keywords[t] for t in present if t in keywords),
                    discipline=discipline,
                    discipline_confidence=confidence,
                    industry=industry,
                    region_relation=relation,
                )
            matches.append(
                DemandMatch(
                    demand_id=demand.id,
                    score=score,
                    is_confidential=demand.is_confidential,
                    evidence=evidence,
                    explanation=demand_sentence(evidence, is_confidential=demand.is_confidential),
                    demand=None if demand.is_confidential else demand,
                )
            )
        return Ranking(matches, excluded)
