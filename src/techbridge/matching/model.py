"""The data the engine matches: researcher profiles, demand-like queries, graded judgements."""

from __future__ import annotations

from dataclasses import dataclass, field

ACHIEVEMENT_TYPES = ("paper", "patent", "project", "award")


@dataclass(frozen=True, slots=True)
class Achievement:
    """A paper, patent, project or award of a researcher."""

    type: str
    title: str
    abstract: str = ""


@dataclass(frozen=True, slots=True)
class Profile:
    """A researcher as the engine sees them.

    ``disciplines`` are first-level discipline names (GB/T 13745), the first one the main field.
    ``summary`` is free biography text, which weighs less than keywords and achievements.
    """

    id: str
    name: str = ""
    disciplines: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    achievements: tuple[Achievement, ...] = ()
    summary: str = ""
    region: str = ""
    unit: str = ""
    industries: tuple[str, ...] = ()
    capacity: int | None = None

    @property
    def discipline(self) -> str:
        return self.disciplines[0] if self.disciplines else ""


@dataclass(frozen=True, slots=True)
class Query:
    """A demand's text (or any text to match), with optional context the demand states."""

    id: str
    text: str
    type: str = ""
    region: str = ""
    industry: str = ""
    discipline: str = ""


@dataclass(frozen=True, slots=True)
class Judgement:
    """Graded relevance of a profile for a query: 0 (none) to 3."""

    query: str
    profile: str
    grade: int


@dataclass(slots=True)
class Dataset:
    """Profiles, queries and judgements of one evaluation file."""

    profiles: list[Profile] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)

    def grades(self) -> dict[str, dict[str, int]]:
        """Query id → {profile id → grade}; absent profiles count as grade 0."""
        result: dict[str, dict[str, int]] = {query.id: {} for query in self.queries}
        for judgement in self.judgements:
            result.setdefault(judgement.query, {})[judgement.profile] = judgement.grade
        return result
