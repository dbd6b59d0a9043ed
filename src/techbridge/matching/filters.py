"""Hard filters and soft features: who may be recommended at all, and small nudges in the score.

Hard filters (:class:`RankFilters`) remove a profile before the top k is taken, so the k shown
are all eligible: unavailable, no remaining capacity, ineligible (ids or a predicate of the
caller), a conflict of interest (the profile's organisation is the enterprise's own, or an
existing relation named by id), outside the region scope. Every filter except the predicate is a
boolean mask over index positions (:class:`Attributes` keeps one NumPy array per attribute), so
filtering a million profiles costs a few vectorised comparisons.

Soft features (:class:`FeatureWeights`) are added to the hybrid score: the region relation, title
level and degree, past evaluation and remaining capacity. Their weights are small against the
relevance part (blended score in [0, 1] plus up to 1.5 for the field), so they order near-equals
and never lift an irrelevant profile over a relevant one.

Regions are GB/T 2260 codes: the first two digits name the province, the first four the city;
a code ending in ``0000`` names a whole province (municipalities are used at that level), so
"local" for such a code means the province.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from techbridge.matching.sparse import GrowableArray

REGION_SCOPES = ("national", "province", "local")

# Reasons a profile (or demand) is excluded, as counted in :attr:`Ranking.excluded`.
UNAVAILABLE = "unavailable"
NO_CAPACITY = "no_capacity"
INELIGIBLE = "ineligible"
SAME_ORGANISATION = "same_organisation"
EXISTING_RELATION = "existing_relation"
OUTSIDE_REGION = "outside_region"
REASONS = (
    UNAVAILABLE,
    NO_CAPACITY,
    INELIGIBLE,
    SAME_ORGANISATION,
    EXISTING_RELATION,
    OUTSIDE_REGION,
)

REASON_SENTENCES = {
    UNAVAILABLE: "{n}{unit}暂不可对接的{who}未列入",
    NO_CAPACITY: "{n}{unit}服务名额已满的{who}未列入",
    INELIGIBLE: "{n}{unit}不符合资格条件的{who}未列入",
    SAME_ORGANISATION: "{n}{unit}与对方同属一个单位的{who}因利益回避未列入",
    EXISTING_RELATION: "{n}{unit}与对方已有关联的{who}因利益回避未列入",
    OUTSIDE_REGION: "{n}{unit}所选地域范围以外的{who}未列入",
}


@dataclass(frozen=True)
class RankFilters:
    """What excludes a candidate before ranking. The defaults exclude only the impossible.

    ``is_eligible`` is a predicate the caller supplies (called on the candidate's profile or
    demand, best candidates first, only as many as needed); ``ineligible_ids`` and
    ``excluded_ids`` (existing relations) are ids. ``region_scope`` is ``national``,
    ``province`` or ``local`` relative to the query's region.
    """

    exclude_unavailable: bool = True
    require_capacity: bool = True
    exclude_same_organisation: bool = True
    ineligible_ids: frozenset[str] = frozenset()
    excluded_ids: frozenset[str] = frozenset()
    is_eligible: Callable[[Any], bool] | None = None
    region_scope: str = "national"

    def __post_init__(self) -> None:
        if self.region_scope not in REGION_SCOPES:
            raise ValueError(f"region_scope must be one of {REGION_SCOPES}")


@dataclass(frozen=True, slots=True)
class QueryContext:
    """Who asks: the enterprise's organisation id and region (overrides ``Query.region``)."""

    organisation: str = ""
    region: str = ""


@dataclass(frozen=True)
class FeatureWeights:
    """Soft features added to the hybrid score (see the module docstring for their scale)."""

    same_city: float = 0.06
    same_province: float = 0.03
    title_levels: Mapping[str, float] = field(
        default_factory=lambda: {
            "senior_full": 0.04,
            "senior_deputy": 0.03,
            "intermediate": 0.015,
            "junior": 0.005,
        }
    )
    degrees: Mapping[str, float] = field(
        default_factory=lambda: {"doctorate": 0.02, "master": 0.01}
    )
    # Times the evaluation score in [0, 1]; a profile without evaluations counts as 0.5.
    evaluation: float = 0.05
    # Times min(remaining capacity, capacity_cap) / capacity_cap; unlimited counts as 1 place.
    capacity: float = 0.02
    capacity_cap: int = 3


def region_code(code: str) -> int:
    """A GB/T 2260 code as an integer (0 when missing or malformed)."""
    code = (code or "").strip()
    return int(code) if len(code) == 6 and code.isdigit() else 0


def region_relation(first: str, second: str) -> str:
    """``city``, ``province``, ``other`` or ``""`` (a region is unknown)."""
    relation = region_relations(region_code(first), np.array([region_code(second)], np.int64))
    return RELATIONS[int(relation[0])]


RELATIONS = ("", "other", "province", "city")


def region_relations(query_code: int, codes: np.ndarray) -> np.ndarray:
    """Per code: 0 unknown, 1 other province, 2 same province, 3 same city (vectorised)."""
    codes = np.asarray(codes, dtype=np.int64)
    result = np.zeros(len(codes), dtype=np.int8)
    if query_code <= 0:
        return result
    known = codes > 0
    same_province = known & (codes // 10000 == query_code // 10000)
    query_city = query_code // 100
    same_city = same_province & (codes // 100 == query_city) & (query_city % 100 != 0)
    result[known] = 1
    result[same_province] = 2
    result[same_city] = 3
    return result


class Attributes:
    """The filterable attributes of every position, one NumPy array each."""

    def __init__(self) -> None:
        self.region = GrowableArray(np.int64)
        self.organisation = GrowableArray(np.int32)
        self.available = GrowableArray(np.bool_)
        # −1: not limited.
        self.capacity = GrowableArray(np.int32)
        # The query-independent part of the soft features.
        self.prior = GrowableArray(np.float32)
        self.organisations: dict[str, int] = {}

    def organisation_code(self, organisation: str) -> int:
        if not organisation:
            return -1
        return self.organisations.setdefault(organisation, len(self.organisations))

    def add(
        self,
        *,
        region: str,
        organisation: str,
        available: bool,
        capacity: int | None,
        prior: float,
    ) -> None:
        self.region.append(region_code(region))
        self.organisation.append(self.organisation_code(organisation))
        self.available.append(available)
        self.capacity.append(-1 if capacity is None else max(int(capacity), 0))
        self.prior.append(prior)

    def select(self, positions: np.ndarray) -> Attributes:
        result = Attributes()
        result.organisations = dict(self.organisations)
        for name in ("region", "organisation", "available", "capacity", "prior"):
            getattr(result, name).extend(getattr(self, name).values[positions])
        return result

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            f"attributes.{name}": getattr(self, name).values
            for name in ("region", "organisation", "available", "capacity", "prior")
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], organisations: list[str]) -> Attributes:
        result = cls()
        result.organisations = {name: i for i, name in enumerate(organisations)}
        for name in ("region", "organisation", "available", "capacity", "prior"):
            getattr(result, name).extend(arrays[f"attributes.{name}"])
        return result


def exclusion_masks(
    attributes: Attributes,
    alive: np.ndarray,
    positions_of: Callable[[Iterable[str]], np.ndarray],
    filters: RankFilters,
    *,
    organisation: str,
    region: str,
) -> dict[str, np.ndarray]:
    """Reason → boolean mask of live positions excluded for that reason (predicate aside)."""
    size = len(alive)
    masks: dict[str, np.ndarray] = {}
    if filters.exclude_unavailable:
        masks[UNAVAILABLE] = ~attributes.available.values[:size]
    if filters.require_capacity:
        masks[NO_CAPACITY] = attributes.capacity.values[:size] == 0
    if filters.exclude_same_organisation and organisation in attributes.organisations:
        code = attributes.organisations[organisation]
        masks[SAME_ORGANISATION] = attributes.organisation.values[:size] == code
    for reason, ids in (
        (INELIGIBLE, filters.ineligible_ids),
        (EXISTING_RELATION, filters.excluded_ids),
    ):
        if ids:
            mask = np.zeros(size, dtype=np.bool_)
            mask[positions_of(ids)] = True
            masks[reason] = mask
    query_code = region_code(region)
    if filters.region_scope != "national" and query_code:
        relations = region_relations(query_code, attributes.region.values[:size])
        city_known = (query_code // 100) % 100 != 0
        needed = 3 if filters.region_scope == "local" and city_known else 2
        masks[OUTSIDE_REGION] = relations < needed
    return {reason: mask & alive for reason, mask in masks.items()}


def profile_prior(
    weights: FeatureWeights,
    *,
    title_level: str = "",
    degree: str = "",
    evaluation_score: float | None = None,
    capacity: int | None = None,
) -> float:
    """The query-independent soft features of a profile."""
    evaluation = 0.5 if evaluation_score is None else min(max(evaluation_score, 0.0), 1.0)
    places = 1 if capacity is None else max(capacity, 0)
    return (
        weights.title_levels.get(title_level, 0.0)
        + weights.degrees.get(degree, 0.0)
        + weights.evaluation * evaluation
        + weights.capacity * min(places, weights.capacity_cap) / max(weights.capacity_cap, 1)
    )


def region_bonus(weights: FeatureWeights, relations: np.ndarray) -> np.ndarray:
    bonus = np.zeros(len(relations), dtype=np.float64)
    bonus[relations == 3] = weights.same_city
    bonus[relations == 2] = weights.same_province
    return bonus


def exclusion_sentences(
    excluded: Mapping[str, int], *, who: str = "科技人员", unit: str = "名"
) -> list[str]:
    """Plain Chinese sentences for the counts of :attr:`Ranking.excluded`."""
    return [
        REASON_SENTENCES[reason].format(n=count, who=who, unit=unit) + "。"
        for reason in REASONS
        if (count := excluded.get(reason, 0)) > 0
    ]
