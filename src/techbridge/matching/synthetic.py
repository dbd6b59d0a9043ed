"""Synthetic profiles and demands for benchmarks, composed from the demo vocabulary.

Deterministic for a seed: the same call gives the same pool. Texts read like the programme's
(a battery researcher's keywords, paper titles and biography; a demand's problem statement), so
BM25 posting lists and vector neighbourhoods have realistic shapes: a few dozen technical fields,
a few hundred keywords, many researchers per keyword.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from techbridge.demo import vocab
from techbridge.matching.model import Achievement, Profile, Query

_TITLE_LEVELS = ("senior_full", "senior_deputy", "intermediate", "junior", "")
_DEGREES = ("doctorate", "master", "bachelor", "")
_REGIONS = [*vocab.DEMO_CITIES, *vocab.OTHER_CITIES]


class _Slots(dict):  # type: ignore[type-arg]
    """Template values; a placeholder the field does not define becomes empty."""

    def __missing__(self, key: str) -> str:
        return ""


def _slots(rng: random.Random, field: vocab.TechField) -> _Slots:
    first, second = rng.sample(field.keywords, 2)
    raise_it = rng.random() < 0.5
    indicators = field.indicators_to_raise if raise_it else field.indicators_to_lower
    return _Slots(
        keyword=first,
        keyword2=second,
        product=rng.choice(field.products),
        process=rng.choice(field.processes),
        condition=rng.choice(field.conditions),
        indicator=rng.choice(indicators),
        deviation="偏低" if raise_it else "偏高",
        verb="提升" if raise_it else "降低",
        goal="提高30%以上" if raise_it else "降低20%以上",
        n=str(rng.randint(3, 12)),
        m=str(rng.randint(2, 6)),
        months=str(rng.choice((6, 12, 18))),
        field=field.name,
    )


def synthetic_profile(rng: random.Random, number: int) -> Profile:
    field = rng.choice(vocab.FIELDS)
    keywords = tuple(rng.sample(field.keywords, 3))
    disciplines = tuple(
        vocab.DISCIPLINES[code]
        for code in rng.sample(field.disciplines, rng.randint(1, 2))
        if code in vocab.DISCIPLINES
    )
    achievements = []
    for kind, templates in (
        ("paper", (*vocab.COMMON_PAPER_TEMPLATES, *field.paper_templates)),
        ("patent", (*vocab.COMMON_PATENT_TEMPLATES, *field.patent_templates)),
        ("project", (*vocab.COMMON_PROJECT_TEMPLATES, *field.project_templates)),
    ):
        if rng.random() < 0.8:
            achievements.append(
                Achievement(kind, rng.choice(templates).format_map(_slots(rng, field)))
            )
    slots = _slots(rng, field)
    slots.update(k1=keywords[0], k2=keywords[1], k3=keywords[2], name="", unit="", title="")
    summary = rng.choice(vocab.SUMMARY_TEMPLATES[1:]).format_map(slots)
    return Profile(
        id=f"r{number}",
        name=f"研究者{number}",
        disciplines=disciplines,
        keywords=keywords,
        achievements=tuple(achievements),
        summary=summary,
        region=rng.choice(_REGIONS),
        organisation=f"unit{rng.randrange(500)}",
        capacity=rng.choice((None, 0, 1, 2, 3)),
        title_level=rng.choice(_TITLE_LEVELS),
        degree=rng.choice(_DEGREES),
        evaluation_score=None if rng.random() < 0.5 else round(rng.random(), 2),
        industries=_industries(rng, field, rng.randint(1, 2)),
    )


def _industries(rng: random.Random, field: vocab.TechField, count: int) -> tuple[str, ...]:
    """Names of ``count`` of the field's GB/T 4754 divisions."""
    codes = [code for code in field.industries if code in vocab.INDUSTRY_DIVISIONS]
    return tuple(vocab.INDUSTRY_DIVISIONS[c][1] for c in rng.sample(codes, min(count, len(codes))))


def synthetic_profiles(count: int, *, seed: int = 2024) -> Iterator[Profile]:
    rng = random.Random(seed)
    for number in range(count):
        yield synthetic_profile(rng, number)


def synthetic_queries(count: int, *, seed: int = 7) -> list[Query]:
    """Demand-like texts: a problem statement and a request, with a region."""
    rng = random.Random(seed)
    queries = []
    for number in range(count):
        field = rng.choice(vocab.FIELDS)
        slots = _slots(rng, field)
        problem = rng.choice((*vocab.COMMON_PROBLEM_TEMPLATES, *field.problem_templates))
        request = rng.choice(vocab.COMMON_REQUEST_TEMPLATES)
        text = problem.format_map(slots) + request.format_map(slots)
        region = rng.choice(_REGIONS)
        industry = _industries(rng, field, 1)
        queries.append(
            Query(
                id=f"q{number}", text=text, region=region, industry=industry[0] if industry else ""
            )
        )
    return queries
