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
    ``region`` is a GB/T 2260 code (6 digits: province, city, county), ``unit`` the name of the
    researcher's unit and ``organisation`` its id (for conflicts of interest). ``capacity`` is
    the number of further engagements the researcher can take (None: not limited);
    ``title_level`` and ``degree`` use the platform's values (``senior_full`` …, ``doctorate``
    …); ``evaluation_score`` is the mean of past evaluations scaled to [0, 1] (None: none yet).
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
    organisation: str = ""
    title_level: str = ""
    degree: str = ""
    evaluation_score: float | None = None
    is_available: bool = True

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
class Team:
    """A research team: its members are profiles of the pool, by id."""

    id: str
    name: str = ""
    member_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Demand:
    """An enterprise's technical demand as the engine sees it (for demands-for-a-researcher).

    ``organisation`` is the enterprise's id (a researcher of the same organisation has a
    conflict of interest); ``is_confidential`` demands are matched like any other, and the
    caller decides what of them a researcher may see; ``is_open`` is False once it no longer
    takes researchers.
    """

    id: str
    title: str = ""
    text: str = ""
    keywords: tuple[str, ...] = ()
    disciplines: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    region: str = ""
    organisation: str = ""
    is_confidential: bool = False
    is_open: bool = True


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
