"""Hard filters and region scope of the researchers recommended for a demand."""

from __future__ import annotations

import pytest

from techbridge.core.errors import ValidationFailed
from techbridge.recommendations import services
from techbridge.talent.models import Researcher
from tests.recommendations.conftest import ids, researcher


def rank(demand, **kwargs):
    return services.rank_researchers_for_demand(demand=demand, **kwargs)


def test_best_match_first_with_real_evidence(pool):
    rows = rank(pool.demand, k=10)
    assert rows[0].researcher == pool.best
    reasons = rows[0].reasons
    assert "陶瓷涂层" in reasons.values("keyword")
    assert reasons.values("achievement") == ["锂电池陶瓷涂覆隔膜的热收缩抑制研究"]
    assert "《锂电池陶瓷涂覆隔膜的热收缩抑制研究》" in reasons.sentence
    # The region relation is an evidence item too (its label is translated).
    assert len(reasons.values("region")) == 1
    assert rows[0].region_relation == "city"


def test_same_organisation_is_a_conflict_of_interest(pool):
    insider = researcher(name="钱内部", keywords=["陶瓷涂层", "隔膜"], unit=pool.demand.enterprise)
    assert insider.pk not in ids(rank(pool.demand, k=20))


def test_account_of_the_enterprise_is_a_conflict_of_interest(pool, users):
    person = researcher(name="周兼职", keywords=["陶瓷涂层", "隔膜"], with_account=True)
    person.user.organisation = pool.demand.enterprise
    person.user.save()
    assert person.pk not in ids(rank(pool.demand, k=20))


@pytest.mark.parametrize(
    "fields",
    [
        {"availability": Researcher.Availability.UNAVAILABLE},
        {"capacity": 0},
        {"has_integrity_record": True},
    ],
    ids=["unavailable", "full-capacity", "integrity-record"],
)
def test_ineligible_researchers_are_dropped(pool, fields):
    person = researcher(name="吴不可", keywords=["陶瓷涂层", "隔膜"], **fields)
    assert person.pk not in ids(rank(pool.demand, k=20))
    # The same profile without the obstacle is recommended.
    person.availability = Researcher.Availability.LIMITED
    person.capacity, person.has_integrity_record = 1, False
    person.save()
    assert person.pk in ids(rank(pool.demand, k=20))


def test_region_scopes(pool):
    local = ids(rank(pool.demand, scope="local", k=20))
    province = ids(rank(pool.demand, scope="province", k=20))
    national = ids(rank(pool.demand, scope="national", k=20))
    assert pool.best.pk in local and pool.province.pk not in local
    assert pool.national.pk not in local
    assert {pool.best.pk, pool.province.pk} <= set(province)
    assert pool.national.pk not in province
    assert {pool.best.pk, pool.province.pk, pool.national.pk} <= set(national)


def test_enough_rows_even_when_the_best_are_filtered(pool):
    for n in range(60):
        researcher(name=f"满员{n}", keywords=["陶瓷涂层", "隔膜"], capacity=0, unit=pool.best.unit)
    rows = rank(pool.demand, k=3)
    assert len(rows) == 3
    assert all(row.researcher.capacity > 0 for row in rows)


def test_bad_scope_and_k_are_refused(pool):
    with pytest.raises(ValidationFailed):
        rank(pool.demand, scope="galaxy")
    with pytest.raises(ValidationFailed):
        rank(pool.demand, k=0)


def test_teams_ranked_from_their_members(pool):
    from tests import factories

    strong = factories.TeamFactory(name="隔膜团队", unit=pool.best.unit)
    strong.members.set([pool.best, pool.province])
    weak = factories.TeamFactory(name="农业团队", unit=pool.unrelated.unit)
    weak.members.set([pool.unrelated])
    teams = services.recommend_teams(
        demand=pool.demand, user=pool.demand.created_by, scope="national", k=5
    )
    assert teams[0].team == strong
    assert teams[0].reasons.values("member")[0] == pool.best.name
    assert teams[0].members[0].researcher == pool.best
