"""Read the evaluation JSONL format of ``shared/MATCHING.md``: profiles, queries, judgements.

One JSON object a line, ``kind`` one of ``profile``, ``query``, ``judgement``; extra fields are
ignored, optional ones may be missing or empty. A malformed line raises
:class:`DatasetFormatError` naming the file's line number, so a broken file is fixed, not guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from techbridge.matching.model import Achievement, Dataset, Judgement, Profile, Query


class DatasetFormatError(ValueError):
    """A line of an evaluation file does not follow the format."""

    def __init__(self, line_number: int, message: str) -> None:
        super().__init__(f"line {line_number}: {message}")
        self.line_number = line_number


def load_dataset(path: str | Path) -> Dataset:
    """Read an evaluation file (UTF-8 JSONL)."""
    with open(path, encoding="utf-8") as handle:
        return parse_dataset(handle)


def parse_dataset(lines: Iterable[str]) -> Dataset:
    """Parse evaluation lines; blank lines are skipped."""
    dataset = Dataset()
    profile_ids: set[str] = set()
    query_ids: set[str] = set()
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetFormatError(line_number, f"not valid JSON ({error.msg})") from None
        if not isinstance(row, dict):
            raise DatasetFormatError(line_number, "expected a JSON object")
        kind = row.get("kind")
        if kind == "profile":
            profile = _profile(row, line_number)
            if profile.id in profile_ids:
                raise DatasetFormatError(line_number, f"duplicate profile id {profile.id!r}")
            profile_ids.add(profile.id)
            dataset.profiles.append(profile)
        elif kind == "query":
            query = _query(row, line_number)
            if query.id in query_ids:
                raise DatasetFormatError(line_number, f"duplicate query id {query.id!r}")
            query_ids.add(query.id)
            dataset.queries.append(query)
        elif kind == "judgement":
            dataset.judgements.append(_judgement(row, line_number))
        else:
            raise DatasetFormatError(
                line_number, f"unknown kind {kind!r} (expected profile, query or judgement)"
            )
    return dataset


def _text(row: dict[str, Any], key: str, line_number: int, *, required: bool = False) -> str:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise DatasetFormatError(line_number, f"missing {key!r}")
        return ""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and key in ("id", "query", "profile")
    ):
        return str(value)
    if not isinstance(value, str):
        raise DatasetFormatError(line_number, f"{key!r} must be a string")
    return value


def _strings(row: dict[str, Any], key: str, line_number: int) -> tuple[str, ...]:
    value = row.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DatasetFormatError(line_number, f"{key!r} must be a list of strings")
    return tuple(item for item in value if item.strip())


def _profile(row: dict[str, Any], line_number: int) -> Profile:
    achievements = []
    raw_achievements = row.get("achievements")
    raw_achievements = [] if raw_achievements in (None, "") else raw_achievements
    if not isinstance(raw_achievements, list):
        raise DatasetFormatError(line_number, "'achievements' must be a list")
    for item in raw_achievements:
        if not isinstance(item, dict):
            raise DatasetFormatError(line_number, "each achievement must be an object")
        achievements.append(
            Achievement(
                type=_text(item, "type", line_number) or "paper",
                title=_text(item, "title", line_number),
                abstract=_text(item, "abstract", line_number),
            )
        )
    disciplines = _strings(row, "disciplines", line_number) or _strings(
        row, "discipline", line_number
    )
    capacity = row.get("capacity")
    return Profile(
        id=_text(row, "id", line_number, required=True),
        name=_text(row, "name", line_number),
        disciplines=disciplines,
        keywords=_strings(row, "keywords", line_number),
        achievements=tuple(achievements),
        summary=_text(row, "summary", line_number),
        region=_text(row, "region", line_number),
        unit=_text(row, "unit", line_number),
        industries=_strings(row, "industries", line_number)
        or _strings(row, "industry", line_number),
        capacity=capacity if isinstance(capacity, int) and not isinstance(capacity, bool) else None,
    )


def _query(row: dict[str, Any], line_number: int) -> Query:
    return Query(
        id=_text(row, "id", line_number, required=True),
        text=_text(row, "text", line_number, required=True),
        type=_text(row, "type", line_number),
        region=_text(row, "region", line_number),
        industry=_text(row, "industry", line_number),
        discipline=_text(row, "discipline", line_number),
    )


def _judgement(row: dict[str, Any], line_number: int) -> Judgement:
    grade = row.get("grade")
    if not isinstance(grade, int) or isinstance(grade, bool) or not 0 <= grade <= 3:
        raise DatasetFormatError(line_number, "'grade' must be an integer from 0 to 3")
    return Judgement(
        query=_text(row, "query", line_number, required=True),
        profile=_text(row, "profile", line_number, required=True),
        grade=grade,
    )
