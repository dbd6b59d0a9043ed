"""The matching engine: researchers (and teams) for a demand, ranked with reasons.

Build once over a pool of profiles; then each query is cut into terms (BM25 over weighted
fields), encoded (dense inner product), the two score lists are blended, the query's discipline
is recognised from the pool itself, and profiles that agree with it move up; small soft features
(region, title, degree, past evaluations, capacity) order near-equals. Hard filters
(:class:`.filters.RankFilters`) are masks applied before the top k is taken. Four methods are
exposed so each component can be measured alone: ``bm25``, ``dense``, ``fusion`` (blend
without re-ranking) and ``hybrid`` (the full engine as the platform uses it).

Up to ``full_scoring_limit`` live profiles every profile is scored. Above it the candidates are
the union of BM25's top ``candidate_count`` and the vector index's top ``candidate_count`` (both
among eligible profiles), so a query never re-ranks a million profiles in Python.

The pool changes in place (:meth:`MatchingEngine.add_profile`, :meth:`remove_profile`) and is
saved and loaded with :meth:`MatchingEngine.save` / :meth:`MatchingEngine.load`; see
:mod:`.index`. :mod:`.demands` runs the same machinery the other way round.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from techbridge.matching.dense import ANN_THRESHOLD, Encoder
from techbridge.matching.disciplines import DisciplineModel, DisciplineSettings
from techbridge.matching.explain import (
    Evidence,
    collect_evidence,
    explanation_sentence,
    longest_terms,
)
from techbridge.matching.filters import (
    INELIGIBLE,
    RELATIONS,
    FeatureWeights,
    QueryContext,
    RankFilters,
    exclusion_masks,
    exclusion_sentences,
    profile_prior,
    region_bonus,
    region_code,
    region_relations,
)
from techbridge.matching.fusion import normalise_scores
from techbridge.matching.index import DocumentIndex
from techbridge.matching.model import Achievement, Profile, Query, Team
from techbridge.matching.sparse import FieldWeights, SparseIndex, profile_fields
from techbridge.matching.text import Tokeniser

METHODS = ("bm25", "dense", "fusion", "hybrid")


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """The few weights of the engine; the defaults are argued in docs/matching.md."""

    field_weights: FieldWeights = field(default_factory=FieldWeights)
    # Share of BM25 in the blend of min-max normalised scores; dense gets the rest.
    sparse_share: float = 0.5
    # How far agreement with the recognised discipline (0..1) lifts a profile's blended score.
    discipline_weight: float = 1.5
    # The same for the industry recognised from the industries profiles serve: a softer signal
    # (a researcher lists several industries, a discipline is what they are trained in).
    industry_weight: float = 0.25
    disciplines: DisciplineSettings = field(default_factory=DisciplineSettings)
    # Up to this pool size every profile is scored; above it, the union of each retriever's
    # top ``candidate_count`` is.
    full_scoring_limit: int = 50_000
    candidate_count: int = 1000
    features: FeatureWeights = field(default_factory=FeatureWeights)
    # Above this many vectors, an IVF index proposes the dense candidates.
    ann_threshold: int = ANN_THRESHOLD
    nprobe: int = 24
    # Documents added since the last merge of BM25 posting lists, before the next merge.
    delta_limit: int = 20_000
    # A team's score: its best member's score plus this times the share of the query's terms
    # that its members cover together.
    team_coverage_weight: float = 0.5
    team_named_members: int = 3


def settings_to_json(settings: EngineSettings) -> dict[str, Any]:
    result = dataclasses.asdict(settings)
    result["features"]["title_levels"] = dict(settings.features.title_levels)
    result["features"]["degrees"] = dict(settings.features.degrees)
    return result


def settings_from_json(row: Mapping[str, Any]) -> EngineSettings:
    row = dict(row)
    return EngineSettings(
        **{
            **row,
            "field_weights": FieldWeights(**row["field_weights"]),
            "disciplines": DisciplineSettings(**row["disciplines"]),
            "features": FeatureWeights(**row["features"]),
        }
    )


@dataclass(frozen=True, slots=True)
class Match:
    """One recommended profile."""

    profile: Profile
    score: float
    evidence: Evidence | None = None
    explanation: str = ""


class Ranking(list):  # type: ignore[type-arg]
    """Ranked matches (a list), with how many candidates each hard filter kept out.

    ``excluded`` counts, per reason of :mod:`.filters`, the candidates that would have been among
    the top k without the filters (so "3 researchers of your own organisation were excluded"
    speaks of relevant people, not of everyone in the pool).
    """

    def __init__(self, matches: Iterable[Any] = (), excluded: Mapping[str, int] | None = None):
        super().__init__(matches)
        self.excluded: dict[str, int] = dict(excluded or {})

    def exclusion_sentences(self, *, who: str = "科技人员", unit: str = "名") -> list[str]:
        return exclusion_sentences(self.excluded, who=who, unit=unit)


@dataclass(frozen=True, slots=True)
class TeamMatch:
    """One recommended team: its score, the members who carry it, and the terms they cover."""

    team: Team
    score: float
    members: tuple[Match, ...]
    covered_terms: tuple[str, ...]
    query_terms: tuple[str, ...]
    explanation: str = ""

    @property
    def coverage(self) -> float:
        return len(self.covered_terms) / len(self.query_terms) if self.query_terms else 0.0


def profile_text(profile: Profile) -> str:
    """The text a profile is encoded from: what the researcher does, in their own words."""
    parts = [
        *profile.disciplines,
        *profile.keywords,
        *(a.title for a in profile.achievements if a.title),
    ]
    if profile.summary:
        parts.append(profile.summary)
    return "；".join(parts)


def profile_to_json(profile: Profile) -> dict[str, Any]:
    return dataclasses.asdict(profile)


def profile_from_json(row: Mapping[str, Any]) -> Profile:
    values = dict(row)
    for name in ("disciplines", "keywords", "industries"):
        values[name] = tuple(values.get(name) or ())
    values["achievements"] = tuple(Achievement(**a) for a in values.get("achievements") or ())
    return Profile(**values)


class ProfileKind:
    """Profiles as documents of a :class:`.index.DocumentIndex`."""

    name = "profile"

    def __init__(self, features: FeatureWeights) -> None:
        self.features = features

    fields = staticmethod(profile_fields)
    text = staticmethod(profile_text)
    to_json = staticmethod(profile_to_json)
    from_json = staticmethod(profile_from_json)

    @staticmethod
    def disciplines(profile: Profile) -> Sequence[str]:
        return profile.disciplines

    @staticmethod
    def industries(profile: Profile) -> Sequence[str]:
        return profile.industries

    @staticmethod
    def words(profile: Profile) -> Iterable[str]:
        return (*profile.disciplines, *profile.keywords)

    def attributes(self, profile: Profile) -> dict[str, Any]:
        return {
            "region": profile.region,
            "organisation": profile.organisation,
            "available": profile.is_available,
            "capacity": profile.capacity,
            "prior": profile_prior(
                self.features,
                title_level=profile.title_level,
                degree=profile.degree,
                evaluation_score=profile.evaluation_score,
                capacity=profile.capacity,
            ),
        }


def _top_indices(scores: np.ndarray, positions: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best scores, best first, ties broken by position."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return top[np.lexsort((positions[top], -scores[top]))]


@dataclass(slots=True)
class _Scored:
    positions: np.ndarray
    scores: np.ndarray
    distribution: np.ndarray | None
    relations: np.ndarray | None
    industries: np.ndarray | None = None


class Ranker:
    """The scoring pipeline over one :class:`.index.DocumentIndex` (profiles or demands)."""

    index: DocumentIndex
    settings: EngineSettings

    @property
    def tokeniser(self) -> Tokeniser:
        return self.index.tokeniser

    @property
    def encoder(self) -> Encoder:
        return self.index.encoder

    @property
    def sparse(self) -> SparseIndex:
        return self.index.sparse

    @property
    def discipline_model(self) -> DisciplineModel:
        return self.index.disciplines

    @property
    def vectors(self) -> np.ndarray:
        return self.index.vectors.values

    def __len__(self) -> int:
        return len(self.index)

    def _masks(
        self, filters: RankFilters | None, *, organisation: str, region: str
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        alive = self.index.alive
        if filters is None:
            return alive, {}
        reasons = exclusion_masks(
            self.index.attributes,
            alive,
            self.index.positions_of,
            filters,
            organisation=organisation,
            region=region,
        )
        eligible = alive.copy()
        for mask in reasons.values():
            eligible &= ~mask
        return eligible, reasons

    def _candidates(
        self,
        sparse_all: np.ndarray,
        vector: np.ndarray,
        eligible: np.ndarray,
        filtered: bool,
        k: int,
        extra: np.ndarray | None,
    ) -> np.ndarray:
        alive = self.index.alive
        if len(self.index) <= self.settings.full_scoring_limit:
            return np.flatnonzero(alive)
        count = min(self.settings.candidate_count, len(self.index))
        # One partial sort of the unmasked scores usually serves both the eligible top
        # ``count`` and the unfiltered top k (for the exclusion counts): filters rarely remove
        # most of the best. Only when they do is the masked array partitioned as well.
        wide = min(2 * count, len(sparse_all))
        live_scores = np.where(alive, sparse_all, -np.inf) if self.index.dead else sparse_all
        best = np.argpartition(-live_scores, wide - 1)[:wide]
        best = best[np.argsort(-live_scores[best], kind="stable")]
        parts = [best[:k]]
        chosen = best[eligible[best]][:count]
        if len(chosen) < count and filtered:
            masked = np.where(eligible, sparse_all, -np.inf)
            chosen = np.argpartition(-masked, count - 1)[:count]
        parts.append(chosen)
        live_mask = alive if self.index.dead else None
        _, near = self.index.vectors.search(vector, wide, live_mask)
        parts.append(near[:k])
        near = near[eligible[near]][:count]
        if len(near) < count and filtered:
            near = self.index.vectors.search(vector, count, eligible)[1]
        parts.append(near)
        if extra is not None:
            parts.append(extra)
        positions = np.unique(np.concatenate(parts).astype(np.int64))
        return positions[alive[positions]]

    def _score(
        self,
        tokens: list[str],
        vector: np.ndarray,
        method: str,
        *,
        stated: str = "",
        industry: str = "",
        region: str = "",
        eligible: np.ndarray | None = None,
        filtered: bool = False,
        k: int = 10,
        extra: np.ndarray | None = None,
    ) -> _Scored:
        index = self.index
        eligible = index.alive if eligible is None else eligible
        sparse_all = index.sparse.scores(tokens)
        if method == "bm25":
            positions = np.flatnonzero(index.alive)
            return _Scored(positions, sparse_all[positions], None, None)
        vector = np.asarray(vector, dtype=np.float32)
        positions = self._candidates(sparse_all, vector, eligible, filtered, k, extra)
        if len(index) <= self.settings.full_scoring_limit:
            dense = (index.vectors.values @ vector)[positions]
        else:
            dense = index.vectors.values[positions] @ vector
        if method == "dense":
            return _Scored(positions, dense, None, None)
        share = self.settings.sparse_share
        blended = normalise_scores(
            share * normalise_scores(sparse_all[positions]) + (1 - share) * normalise_scores(dense)
        ).astype(np.float64)
        if method == "fusion":
            return _Scored(positions, blended, None, None)
        model = index.disciplines
        distribution = None
        final = blended
        if len(model):
            distribution = model.predict(vector, positions, blended, stated=stated)
            final = blended + self.settings.discipline_weight * model.agreement(
                distribution, positions
            )
        industries = None
        if len(index.industries):
            industries = index.industries.predict(vector, positions, blended, stated=industry)
            final = final + self.settings.industry_weight * index.industries.agreement(
                industries, positions
            )
        relations = region_relations(region_code(region), index.attributes.region.values[positions])
        final = (
            final
            + index.attributes.prior.values[positions]
            + region_bonus(self.settings.features, relations)
        )
        return _Scored(positions, final, distribution, relations, industries)

    def _select(
        self,
        scored: _Scored,
        eligible: np.ndarray,
        reasons: Mapping[str, np.ndarray],
        predicate: Callable[[Any], bool] | None,
        k: int,
    ) -> tuple[list[tuple[int, float, int]], dict[str, int]]:
        """[(position, score, index into scored)] of the k best eligible, and exclusion counts."""
        positions, scores = scored.positions, scored.scores
        excluded: dict[str, int] = {}
        verdicts: dict[int, bool] = {}

        def passes(position: int) -> bool:
            if predicate is None:
                return True
            if position not in verdicts:
                verdicts[position] = bool(predicate(self.index.item(position)))
            return verdicts[position]

        if reasons or predicate is not None:
            unfiltered = positions[_top_indices(scores, positions, k)]
            for reason, mask in reasons.items():
                if count := int(mask[unfiltered].sum()):
                    excluded[reason] = count
            if predicate is not None:
                failing = sum(1 for p in unfiltered if eligible[p] and not passes(int(p)))
                if failing:
                    excluded[INELIGIBLE] = excluded.get(INELIGIBLE, 0) + failing
        keep = np.flatnonzero(eligible[positions])
        if predicate is None:
            order = keep[_top_indices(scores[keep], positions[keep], k)]
        else:
            order = keep[np.lexsort((positions[keep], -scores[keep]))]
        chosen = []
        for i in order:
            position = int(positions[i])
            if passes(position):
                chosen.append((position, float(scores[i]), int(i)))
                if len(chosen) == k:
                    break
        return chosen, excluded

    def _present(self, position: int, known: Mapping[str, int]) -> set[str]:
        """The query terms (term → id) that occur in the document at ``position``."""
        terms = self.sparse.document_terms(position)
        return {term for term, term_id in known.items() if term_id in terms}

    def _predicted(
        self, distribution: np.ndarray | None, model: DisciplineModel | None = None
    ) -> dict[str, float] | None:
        """A distribution of ``model`` (the disciplines by default) by label name."""
        if distribution is None:
            return None
        names = (model or self.index.disciplines).names
        return dict(zip(names, distribution.tolist(), strict=True))


class MatchingEngine(Ranker):
    """A pool of profiles indexed for sparse, dense and hybrid matching."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        *,
        encoder: Encoder,
        settings: EngineSettings | None = None,
        tokeniser: Tokeniser | None = None,
        vectors: np.ndarray | Callable[[], np.ndarray] | None = None,
        words: Iterable[str] = (),
        tokens: Iterable[Mapping[str, Sequence[str]]] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        """Index ``profiles``; ``vectors`` skips encoding when they were encoded before.

        ``tokens`` (field → tokens per profile, in order) skips tokenising, for builds that cut
        the texts in other processes with the same dictionary (see :mod:`.bench`).

        ``vectors`` may also be a function returning them, called once the BM25 rows are built
        (so that encoding in other processes overlaps the tokenising here).

        ``words`` are domain terms for the tokeniser's dictionary (discipline and industry
        names); the profiles' disciplines and keywords are added to it anyway.
        """
        self.settings = settings or EngineSettings()
        self.index = self._new_index(
            profiles, encoder, tokeniser or Tokeniser(), vectors, words, tokens, progress
        )

    def _new_index(
        self,
        profiles: Sequence[Profile],
        encoder: Encoder,
        tokeniser: Tokeniser,
        vectors: np.ndarray | Callable[[], np.ndarray] | None,
        words: Iterable[str],
        tokens: Iterable[Mapping[str, Sequence[str]]] | None,
        progress: Callable[[str], None] | None,
    ) -> DocumentIndex:
        settings = self.settings
        return DocumentIndex(
            profiles,
            kind=ProfileKind(settings.features),
            encoder=encoder,
            tokeniser=tokeniser,
            field_weights=settings.field_weights,
            discipline_settings=settings.disciplines,
            vectors=vectors,
            ann_threshold=settings.ann_threshold,
            nprobe=settings.nprobe,
            delta_limit=settings.delta_limit,
            words=words,
            tokens=tokens,
            progress=progress,
        )

    @property
    def profiles(self) -> list[Profile]:
        """The live profiles, in index order."""
        return self.index.live_items()

    # -- changes ---------------------------------------------------------------------------

    def add_profile(self, profile: Profile, *, vector: np.ndarray | None = None) -> None:
        """Add a profile, or replace the one with the same id (an edit): no full rebuild."""
        self.index.add(profile, vector=vector)

    update_profile = add_profile

    def remove_profile(self, profile_id: str) -> bool:
        """Remove a profile; False when the pool has none with that id."""
        return self.index.remove(profile_id)

    def save(self, directory: str | Path) -> None:
        """Persist the whole engine to ``directory`` (atomically replaced)."""
        self.index.save(directory, extra={"settings": settings_to_json(self.settings)})

    @classmethod
    def load(
        cls,
        directory: str | Path,
        *,
        encoder: Encoder,
        tokeniser: Tokeniser | None = None,
    ) -> MatchingEngine:
        """Read an engine written by :meth:`save`; ``encoder`` must be the one it was built with."""
        meta = DocumentIndex.read_meta(directory)
        engine = cls.__new__(cls)
        engine.settings = settings_from_json(meta["settings"])
        engine.index = DocumentIndex.load(
            directory,
            kind=ProfileKind(engine.settings.features),
            encoder=encoder,
            tokeniser=tokeniser or Tokeniser(),
            field_weights=engine.settings.field_weights,
            discipline_settings=engine.settings.disciplines,
            delta_limit=engine.settings.delta_limit,
        )
        return engine

    # -- ranking ---------------------------------------------------------------------------

    def rank(
        self,
        query: Query,
        *,
        k: int = 10,
        method: str = "hybrid",
        filters: RankFilters | None = None,
        context: QueryContext | None = None,
    ) -> Ranking:
        """The best ``k`` eligible profiles for ``query``, each with its evidence and a sentence.

        ``filters`` None filters nothing (every live profile may be ranked); ``context`` names the
        enterprise (organisation id, region) for conflicts of interest and the region features.
        """
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
        organisation = context.organisation if context else ""
        region = (context.region if context and context.region else "") or query.region
        eligible, reasons = self._masks(filters, organisation=organisation, region=region)
        vector = self.encoder.encode([query.text])[0]
        tokens = self.tokeniser.tokenise(query.text)
        scored = self._score(
            tokens,
            vector,
            method,
            stated=query.discipline,
            industry=query.industry,
            region=region,
            eligible=eligible,
            filtered=filters is not None,
            k=k,
        )
        chosen, excluded = self._select(
            scored, eligible, reasons, filters.is_eligible if filters else None, k
        )
        predicted = self._predicted(scored.distribution)
        predicted_industries = self._predicted(scored.industries, self.index.industries)
        terms = list(dict.fromkeys(tokens))
        known = {term: ids[0] for term in terms if (ids := self.sparse.term_ids([term]))}
        query_region = region_code(region)
        matches = []
        for position, score, _ in chosen:
            profile = self.index.item(position)
            relation = region_relations(
                query_region, self.index.attributes.region.values[[position]]
            )
            evidence = collect_evidence(
                profile,
                terms,
                self.tokeniser,
                predicted=predicted,
                predicted_industries=predicted_industries,
                region_relation=RELATIONS[int(relation[0])],
                present_terms=self._present(position, known),
            )
            matches.append(Match(profile, score, evidence, explanation_sentence(evidence)))
        return Ranking(matches, excluded)

    def rank_ids(
        self,
        queries: Sequence[Query],
        *,
        k: int = 50,
        methods: Sequence[str] = ("bm25", "dense", "hybrid"),
        progress: Callable[[str], None] | None = None,
    ) -> dict[str, list[list[str]]]:
        """Ranked profile ids per method for many queries (encoded in one batch), no filters."""
        for method in methods:
            if method not in METHODS:
                raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
        say = progress or (lambda message: None)
        say(f"encoding {len(queries)} queries")
        vectors = self.encoder.encode([query.text for query in queries])
        say(f"ranking {len(queries)} queries")
        result: dict[str, list[list[str]]] = {method: [] for method in methods}
        items = self.index.items
        for query, vector in zip(queries, vectors, strict=True):
            tokens = self.tokeniser.tokenise(query.text)
            for method in methods:
                scored = self._score(
                    tokens,
                    vector,
                    method,
                    stated=query.discipline,
                    industry=query.industry,
                    region=query.region,
                    k=k,
                )
                top = _top_indices(scored.scores, scored.positions, k)
                result[method].append([items[p].id for p in scored.positions[top]])
        return result

    def rank_teams(
        self,
        query: Query,
        teams: Sequence[Team],
        *,
        k: int = 10,
        filters: RankFilters | None = None,
        context: QueryContext | None = None,
    ) -> list[TeamMatch]:
        """The best ``k`` teams for ``query``, from their members' evidence.

        A team's score is its best eligible member's hybrid score plus
        ``team_coverage_weight`` × the share of the query's terms (those the pool knows, longest
        forms) that its eligible members cover together; so a team whose members complement each
        other beats one strong member alone. The members named are the best one and those who
        add terms the better-ranked ones lack (at most ``team_named_members``).
        """
        organisation = context.organisation if context else ""
        region = (context.region if context and context.region else "") or query.region
        eligible, _ = self._masks(filters, organisation=organisation, region=region)
        predicate = filters.is_eligible if filters else None
        members_of = {team.id: self.index.positions_of(team.member_ids) for team in teams}
        extra = np.unique(np.concatenate([np.zeros(0, np.int64), *members_of.values()]))
        vector = self.encoder.encode([query.text])[0]
        tokens = self.tokeniser.tokenise(query.text)
        scored = self._score(
            tokens,
            vector,
            "hybrid",
            stated=query.discipline,
            industry=query.industry,
            region=region,
            eligible=eligible,
            filtered=filters is not None,
            k=k,
            extra=extra,
        )
        score_of = dict(zip(scored.positions.tolist(), scored.scores.tolist(), strict=True))
        key_terms = [
            term
            for term in longest_terms(list(dict.fromkeys(tokens)))
            if self.sparse.term_ids([term])
        ]
        key_ids = {self.sparse.term_ids([term])[0]: term for term in key_terms}
        predicted = self._predicted(scored.distribution)
        results = []
        for team in teams:
            members = [
                int(p)
                for p in members_of[team.id]
                if eligible[p]
                and int(p) in score_of
                and (predicate is None or predicate(self.index.item(p)))
            ]
            if not members:
                continue
            members.sort(key=lambda p: (-score_of[p], p))
            covered: set[int] = set()
            named: list[int] = []
            for position in members:
                terms = self.sparse.document_terms(position) & key_ids.keys()
                if not named or (terms - covered and len(named) < self.settings.team_named_members):
                    named.append(position)
                covered |= terms
            covered_terms = tuple(term for i, term in key_ids.items() if i in covered)
            coverage = len(covered_terms) / len(key_terms) if key_terms else 0.0
            score = score_of[members[0]] + self.settings.team_coverage_weight * coverage
            matches = []
            for position in named:
                profile = self.index.item(position)
                evidence = collect_evidence(
                    profile, list(dict.fromkeys(tokens)), self.tokeniser, predicted=predicted
                )
                matches.append(
                    Match(profile, score_of[position], evidence, explanation_sentence(evidence))
                )
            results.append(
                TeamMatch(
                    team=team,
                    score=score,
                    members=tuple(matches),
                    covered_terms=covered_terms,
                    query_terms=tuple(key_terms),
                    explanation=team_sentence(matches, covered_terms, key_terms),
                )
            )
        results.sort(key=lambda match: (-match.score, match.team.id))
        return results[:k]


def team_sentence(
    members: Sequence[Match], covered: Sequence[str], key_terms: Sequence[str]
) -> str:
    """A plain Chinese sentence naming the members who carry a team's match."""
    names = "、".join(m.profile.name or m.profile.id for m in members)
    parts = [f"团队成员{names}的研究与需求最为相关"]
    if key_terms:
        listed = "、".join(f"“{t}”" for t in covered[:5])
        parts.append(
            f"成员合计覆盖需求要点{len(key_terms)}项中的{len(covered)}项"
            + (f"（{listed}{'等' if len(covered) > 5 else ''}）" if covered else "")
        )
    best = members[0]
    if best.explanation:
        parts.append(f"其中{best.profile.name or best.profile.id}：{best.explanation.rstrip('。')}")
    return "；".join(parts) + "。"
