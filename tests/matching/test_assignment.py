"""The two-way selection solvers on small rounds worked out by hand."""

from __future__ import annotations

import pytest

from techbridge.matching.assignment import (
    ENTERPRISE,
    REASON_CANDIDATES_PREFER_OTHERS,
    REASON_CAPACITY_ZERO,
    REASON_ENTERPRISES_PREFER_OTHERS,
    REASON_NO_ACCEPTABLE_CANDIDATE,
    REASON_NO_ACCEPTABLE_ENTERPRISE,
    RESEARCHER,
    Instance,
    InvalidInstance,
    Quota,
    assign,
    blocking_pairs,
    constraint_violations,
    rank_score,
    stable_assignment,
    total_score,
)
from techbridge.matching.assignment_optimal import (
    REASON_CANDIDATES_FULL,
    REASON_ENTERPRISES_FULL,
    REASON_ENTERPRISES_FULL_OR_CAPPED,
    REASON_GROUP_QUOTA_REACHED,
    REASON_NO_SCORE_GAIN,
    optimal_assignment,
)


def round_of(**overrides: object) -> Instance:
    """Two enterprises (one place each), three researchers, everyone acceptable to everyone."""
    fields: dict[str, object] = {
        "enterprises": {"A": 1, "B": 1},
        "researchers": {"x": 1, "y": 1, "z": 1},
        "enterprise_prefs": {"A": ["x", "y", "z"], "B": ["x", "y", "z"]},
        "researcher_prefs": {"x": ["B", "A"], "y": ["A", "B"], "z": ["A", "B"]},
    }
    fields.update(overrides)
    return Instance(**fields)  # type: ignore[arg-type]


def test_stable_assignment_is_researcher_proposing_deferred_acceptance() -> None:
    result = stable_assignment(round_of())
    assert result.mode == "stable"
    assert result.pairs == [("A", "y"), ("B", "x")]
    assert result.unmatched_researchers == {"z": REASON_ENTERPRISES_PREFER_OTHERS}
    assert result.unmatched_enterprises == {}
    assert blocking_pairs(round_of(), result) == []


def test_stable_assignment_is_the_researcher_optimal_one_when_several_are_stable() -> None:
    # two stable matchings: {A-x, B-y} (researchers' favourites) and {A-y, B-x} (enterprises')
    instance = round_of(
        researchers={"x": 1, "y": 1},
        enterprise_prefs={"A": ["y", "x"], "B": ["x", "y"]},
        researcher_prefs={"x": ["A", "B"], "y": ["B", "A"]},
    )
    assert stable_assignment(instance).pairs == [("A", "x"), ("B", "y")]


def test_many_to_many_capacities_and_eviction() -> None:
    instance = Instance(
        enterprises={"A": 2, "B": 1},
        researchers={"x": 2, "y": 1, "z": 1},
        enterprise_prefs={"A": ["z", "y", "x"], "B": ["x", "y"]},
        researcher_prefs={"x": ["A", "B"], "y": ["A", "B"], "z": ["A"]},
    )
    result = stable_assignment(instance)
    # A keeps its two favourites z and y; x, evicted from A, still serves B
    assert result.pairs == [("A", "z"), ("A", "y"), ("B", "x")]
    assert blocking_pairs(instance, result) == []
    assert constraint_violations(instance, result.pairs) == []
    assert result.stats["unfilled_researcher_places"] == 1


def test_only_mutually_acceptable_pairs_are_formed() -> None:
    # y ranks A but A does not rank y; B ranks z but z does not rank B
    instance = round_of(
        enterprise_prefs={"A": ["x"], "B": ["x", "z"]},
        researcher_prefs={"x": ["A"], "y": ["A"], "z": ["A"]},
    )
    for mode in ("stable", "optimal"):
        result = assign(instance, mode=mode)
        assert result.pairs == [("A", "x")]
        assert result.unmatched_researchers == {
            "y": REASON_NO_ACCEPTABLE_ENTERPRISE,
            "z": REASON_NO_ACCEPTABLE_ENTERPRISE,
        }
        assert result.unmatched_enterprises == {"B": REASON_NO_ACCEPTABLE_CANDIDATE}


def test_agents_with_capacity_zero_take_no_one_and_say_so() -> None:
    instance = round_of(enterprises={"A": 0, "B": 1}, researchers={"x": 0, "y": 1, "z": 1})
    for mode in ("stable", "optimal"):
        result = assign(instance, mode=mode)
        assert result.unmatched_enterprises["A"] == REASON_CAPACITY_ZERO
        assert result.unmatched_researchers["x"] == REASON_CAPACITY_ZERO
        assert [r for _, r in result.pairs] == ["y"]


def test_stable_reason_for_an_enterprise_whose_candidates_prefer_others() -> None:
    instance = round_of(
        researchers={"x": 1},
        enterprise_prefs={"A": ["x"], "B": ["x"]},
        researcher_prefs={"x": ["A", "B"]},
    )
    result = stable_assignment(instance)
    assert result.unmatched_enterprises == {"B": REASON_CANDIDATES_PREFER_OTHERS}


def test_optimal_assignment_maximises_the_total_score() -> None:
    instance = round_of(
        scores={
            ("A", "x"): 5.0, ("A", "y"): 1.0, ("A", "z"): 0.0,
            ("B", "x"): 1.0, ("B", "y"): 0.5, ("B", "z"): 4.0,
        }
    )  # fmt: skip
    result = optimal_assignment(instance)
    assert result.mode == "optimal"
    assert result.pairs == [("A", "x"), ("B", "z")]
    assert result.objective == 9.0
    assert result.unmatched_researchers == {"y": REASON_ENTERPRISES_FULL}
    # the stable assignment of the same round (A-y, B-x) scores far less: stability costs score
    assert stable_assignment(instance).objective == 2.0
    assert total_score(instance, [("A", "y"), ("B", "x")]) == 2.0


def test_both_solvers_enforce_group_quotas() -> None:
    instance = round_of(
        enterprises={"A": 2, "B": 1},
        researchers={"x": 1, "y": 1, "z": 1, "w": 1},
        enterprise_prefs={"A": ["x", "y", "z"], "B": ["w", "z"]},
        researcher_prefs={"x": ["A"], "y": ["A"], "z": ["A", "B"], "w": ["B"]},
        quotas={
            "unit-1": Quota(RESEARCHER, frozenset({"x", "y"}), 1),
            "city-1": Quota(ENTERPRISE, frozenset({"A", "B"}), 2),
        },
    )
    stable = stable_assignment(instance)
    # x takes unit-1's one place, so y waits; x and z fill city-1, so B rejects w
    assert stable.pairs == [("A", "x"), ("A", "z")]
    assert stable.stats["quota_violations"] == {}
    assert constraint_violations(instance, stable.pairs) == []
    assert blocking_pairs(instance, stable) == []
    assert stable.unmatched_researchers == {
        "y": REASON_GROUP_QUOTA_REACHED,
        "w": REASON_ENTERPRISES_FULL_OR_CAPPED,
    }
    assert stable.unmatched_enterprises == {"B": REASON_GROUP_QUOTA_REACHED}
    optimal = optimal_assignment(instance)
    assert constraint_violations(instance, optimal.pairs) == []
    assert len(optimal.pairs) == 2
    unit_members = {r for _, r in optimal.pairs} & {"x", "y"}
    assert len(unit_members) == 1
    left_out = ({"x", "y"} - unit_members).pop()
    assert optimal.unmatched_researchers[left_out] == REASON_GROUP_QUOTA_REACHED


def test_a_pair_that_fits_a_full_city_only_by_a_transfer_inside_it_does_not_block() -> None:
    """The weak stability of the module docstring: a free place in a full city is no place."""
    instance = round_of(
        enterprises={"A": 2, "B": 1},
        researchers={"x": 1, "y": 1, "z": 1},
        enterprise_prefs={"A": ["x", "z", "y"], "B": ["z"]},
        researcher_prefs={"x": ["A"], "y": ["A"], "z": ["B", "A"]},
        quotas={"city": Quota(ENTERPRISE, frozenset({"A", "B"}), 2)},
    )
    result = stable_assignment(instance)
    # x and y fill the city before z proposes; B rejects z, A takes z in place of y
    assert result.pairs == [("A", "x"), ("A", "z")]
    # z would rather serve B, which has a free place; moving z from A to B keeps the city at 2,
    # but B cannot take anyone while the city is full, so (B, z) does not block
    assert blocking_pairs(instance, result) == []
    without_quota = round_of(**{**instance.__dict__, "quotas": {}})
    assert blocking_pairs(without_quota, result) == [("B", "z")]
    assert result.unmatched_enterprises == {"B": REASON_GROUP_QUOTA_REACHED}


def test_an_eviction_frees_a_unit_place_for_the_researcher_waiting_for_it() -> None:
    instance = round_of(
        researchers={"u1": 1, "u2": 1, "x": 1},
        enterprise_prefs={"A": ["x", "u1"], "B": ["u2"]},
        researcher_prefs={"u1": ["A"], "u2": ["B"], "x": ["A"]},
        quotas={"unit": Quota(RESEARCHER, frozenset({"u1", "u2"}), 1)},
    )
    result = stable_assignment(instance)
    # u1 takes the unit's place and u2 waits; x displaces u1 at A, and u2 gets the place
    assert result.pairs == [("A", "x"), ("B", "u2")]
    assert blocking_pairs(instance, result) == []
    assert result.unmatched_researchers == {"u1": REASON_GROUP_QUOTA_REACHED}


def test_optimal_reasons_when_the_free_enterprise_is_over_its_city_quota() -> None:
    instance = round_of(
        enterprises={"A": 1, "B": 1},
        researchers={"x": 1, "y": 1},
        enterprise_prefs={"A": ["x"], "B": ["y", "x"]},
        researcher_prefs={"x": ["A", "B"], "y": ["B"]},
        scores={("A", "x"): 5.0, ("B", "x"): 1.0, ("B", "y"): 1.0},
        quotas={"city": Quota(ENTERPRISE, frozenset({"A", "B"}), 1)},
    )
    result = optimal_assignment(instance)
    assert result.pairs == [("A", "x")]
    assert result.unmatched_researchers == {"y": REASON_ENTERPRISES_FULL_OR_CAPPED}
    assert result.unmatched_enterprises == {"B": REASON_GROUP_QUOTA_REACHED}


def test_optimal_reasons_for_full_candidates_and_zero_score() -> None:
    instance = round_of(
        researchers={"x": 1},
        enterprise_prefs={"A": ["x"], "B": ["x"]},
        researcher_prefs={"x": ["A", "B"]},
        scores={("A", "x"): 2.0, ("B", "x"): 1.0},
    )
    assert optimal_assignment(instance).unmatched_enterprises == {"B": REASON_CANDIDATES_FULL}
    zero = round_of(
        enterprises={"A": 1},
        researchers={"x": 1},
        enterprise_prefs={"A": ["x"]},
        researcher_prefs={"x": ["A"]},
        scores={("A", "x"): 0.0},
    )
    result = optimal_assignment(zero)
    assert result.pairs == []
    assert result.unmatched_researchers == {"x": REASON_NO_SCORE_GAIN}


def test_rank_score_rewards_both_sides_ranking_high() -> None:
    assert rank_score(0, 3, 0, 2) == 2.0
    assert rank_score(2, 3, 1, 2) == pytest.approx(1 / 3 + 1 / 2)


def test_empty_round() -> None:
    instance = Instance(enterprises={}, researchers={}, enterprise_prefs={}, researcher_prefs={})
    for mode in ("stable", "optimal"):
        result = assign(instance, mode=mode)
        assert result.pairs == []
        assert result.objective == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"enterprises": {"A": -1, "B": 1}}, "capacity of 'A'"),
        ({"enterprises": {"A": 1.5, "B": 1}}, "capacity of 'A'"),
        ({"enterprise_prefs": {"C": ["x"]}}, "unknown enterprise 'C'"),
        ({"researcher_prefs": {"x": ["A", "Q"]}}, "ranks unknown enterprise 'Q'"),
        ({"enterprise_prefs": {"A": ["x", "x"]}}, "ranks the same researcher twice"),
        ({"quotas": {"g": Quota(ENTERPRISE, frozenset({"x"}), 1)}}, "unknown enterprise 'x'"),
        ({"quotas": {"g": Quota(RESEARCHER, frozenset({"x"}), -1)}}, "must not be negative"),
        (
            {
                "quotas": {
                    "g": Quota(RESEARCHER, frozenset({"x", "y"}), 1),
                    "h": Quota(RESEARCHER, frozenset({"y"}), 1),
                }
            },
            "'y' is in two quota groups",
        ),
        ({"scores": {("A", "x"): 1.0}}, "no score for the acceptable pair"),
    ],
)
def test_malformed_rounds_are_refused(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInstance, match=message):
        assign(round_of(**overrides), mode="optimal")


def test_negative_scores_are_refused() -> None:
    scores = {(e, r): 1.0 for e in "AB" for r in "xyz"}
    scores["B", "z"] = -1.0
    with pytest.raises(InvalidInstance, match="non-negative"):
        optimal_assignment(round_of(scores=scores))


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        assign(round_of(), mode="fair")  # type: ignore[arg-type]
