"""GB/T 2260 code arithmetic, free of Django: a province's cities share its first two digits,
a city's districts its first four."""

from __future__ import annotations


def region_prefix(region_code: str) -> str:
    """The prefix every code inside ``region_code`` starts with."""
    if region_code.endswith("0000"):
        return region_code[:2]
    if region_code.endswith("00"):
        return region_code[:4]
    return region_code
