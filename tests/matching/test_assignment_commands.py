"""``techbridge assignment bench`` and the random rounds it solves."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from techbridge.matching.assignment import constraint_violations
from techbridge.matching.assignment_bench import random_instance
from techbridge.matching.assignment_commands import app


def test_bench_prints_timings_and_counts_as_json() -> None:
    result = CliRunner().invoke(
        app, ["bench", "--enterprises", "50", "--researchers", "100", "--prefs", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["enterprises"] == 50 and report["researchers"] == 100
    assert report["acceptable_pairs"] > 0
    assert report["stable_blocking_pairs"] == 0  # under the city and unit quotas
    assert report["stable_quota_violations"] == 0
    assert report["optimal_score"] >= 0
    for key in ("generate_s", "stable_s", "optimal_s", "peak_memory_mb"):
        assert report[key] >= 0


def test_bench_prints_a_table_by_default() -> None:
    result = CliRunner().invoke(
        app, ["bench", "--enterprises", "20", "--researchers", "30", "--prefs", "3", "--no-check"]
    )
    assert result.exit_code == 0, result.output
    assert "stable_s" in result.output and "optimal_pairs" in result.output
    assert "stable_blocking_pairs" not in result.output


def test_random_instance_is_deterministic_for_a_seed() -> None:
    first = random_instance(enterprises=30, researchers=60, prefs=4, seed=7)
    assert first == random_instance(enterprises=30, researchers=60, prefs=4, seed=7)
    assert first != random_instance(enterprises=30, researchers=60, prefs=4, seed=8)
    assert all(len(prefs) == 4 for prefs in first.researcher_prefs.values())
    assert sorted(first.quotas) == ["city-0", "unit-0"]
    assert constraint_violations(first, []) == []
