"""A relation the researcher declared with the demand's enterprise (利益关联申报) is a conflict of
interest: they are left out of its recommendations, with the reason, until they withdraw it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from techbridge.demands.models import Demand
from techbridge.recommendations import services
from techbridge.talent import services as talent_services
from tests import factories
from tests.recommendations.conftest import ids, researcher

RELATIONS_TABLE = "talent_enterpriserelation"


def fresh(demand: Demand) -> Demand:
    """The demand as the next request reads it."""
    return Demand.objects.select_related("enterprise", "industry", "region").get(pk=demand.pk)


def rank(demand, **kwargs):
    return services.rank_researchers_for_demand(demand=fresh(demand), k=20, **kwargs)


def declare(pool, users, kind="shareholding", enterprise=None):
    """``pool.best`` declares the relation through their own account."""
    return talent_services.declare_relation(
        actor=pool.best.user,
        researcher=pool.best,
        enterprise=enterprise or pool.demand.enterprise,
        kind=kind,
    )


def excluded_total(demand) -> int:
    """How many of the top candidates the engine reports as left out by the hard filters."""
    demand = fresh(demand)
    candidates = services._Candidates(demand, "national")
    ranking = services.researcher_engine().rank(
        services.query_for(demand), k=20, filters=candidates.filters, context=candidates.context
    )
    return sum(ranking.excluded.values())


def test_declared_relation_removes_the_researcher_and_withdrawing_brings_them_back(pool, users):
    assert ids(rank(pool.demand))[0] == pool.best.pk
    before = excluded_total(pool.demand)
    relation = declare(pool, users)

    rows = rank(pool.demand)
    assert pool.best.pk not in ids(rows)
    assert pool.province.pk in ids(rows)  # the others are still recommended
    # The engine counts the exclusion among those it left out of the top k.
    assert excluded_total(pool.demand) == before + 1
    with translation.override("en"):
        assert services.exclusion_reason(pool.best, fresh(pool.demand)) == (
            "Conflict of interest: the researcher declared a relation with the demand's "
            "enterprise (Shareholding or investment)."
        )

    talent_services.withdraw_relation(actor=pool.best.user, relation=relation)
    assert ids(rank(pool.demand))[0] == pool.best.pk
    assert services.exclusion_reason(pool.best, fresh(pool.demand)) is None
    assert excluded_total(pool.demand) == before


def test_reason_names_every_kind_in_chinese(pool, users):
    declare(pool, users, kind="family")
    declare(pool, users, kind="employment")
    with translation.override("zh-hans"):
        reason = services.exclusion_reason(pool.best, fresh(pool.demand))
    assert reason == "利益冲突：该科技人员已申报与需求所属企业存在利益关联（兼职/任职, 亲属关系）。"


def test_relation_with_another_enterprise_does_not_exclude(pool, users):
    declare(pool, users, enterprise=factories.EnterpriseFactory())
    assert ids(rank(pool.demand))[0] == pool.best.pk
    assert services.exclusion_reason(pool.best, fresh(pool.demand)) is None


def test_the_relation_also_keeps_the_researcher_off_the_demand_page(pool, users, client):
    declare(pool, users)
    client.force_login(users["enterprise"])
    response = client.get(f"/api/demands/{pool.demand.pk}/recommendations?k=20")
    assert response.status_code == 200
    assert pool.best.pk not in [row["researcher"]["id"] for row in response.json()]


def test_one_query_of_relations_per_demand(pool, users):
    """Checking 20 candidates reads the enterprise's declared relations once, not 20 times."""
    people = [researcher(name=f"候选{n}", keywords=["隔膜", "陶瓷涂层"]) for n in range(20)]
    superuser = factories.UserFactory(role="province_admin", is_superuser=True)
    for person in people[:3]:
        talent_services.declare_relation(
            actor=superuser, researcher=person, enterprise=pool.demand.enterprise, kind="contract"
        )
    demand = fresh(pool.demand)
    with CaptureQueriesContext(connection) as queries:
        reasons = [services.exclusion_reason(person, demand) for person in people]
    assert sum(reason is not None for reason in reasons) == 3
    assert sum(RELATIONS_TABLE in q["sql"] for q in queries.captured_queries) == 1

    with CaptureQueriesContext(connection) as queries:
        rows = services.rank_researchers_for_demand(demand=fresh(pool.demand), k=20)
    assert len(rows) == 20
    assert not {p.pk for p in people[:3]} & set(ids(rows))
    assert sum(RELATIONS_TABLE in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.parametrize("kind", ["shareholding", "former_employer", "other"])
def test_every_kind_is_a_conflict(pool, users, kind):
    declare(pool, users, kind=kind)
    assert pool.best.pk not in ids(rank(pool.demand))


def test_the_engine_counts_it_as_an_existing_relation(pool, users):
    from techbridge.matching.filters import EXISTING_RELATION

    demand = fresh(pool.demand)
    candidates = services._Candidates(demand, "national")
    assert str(pool.best.pk) not in candidates.filters.excluded_ids
    declare(pool, users)
    candidates = services._Candidates(fresh(pool.demand), "national")
    assert str(pool.best.pk) in candidates.filters.excluded_ids
    ranking = services.researcher_engine().rank(
        services.query_for(demand), k=20, filters=candidates.filters, context=candidates.context
    )
    assert ranking.excluded.get(EXISTING_RELATION) == 1


def test_the_enterprises_demands_are_not_recommended_to_the_researcher(pool, users):
    def recommended():
        rows = services.recommend_demands(researcher=pool.best, user=pool.best.user)
        return [row.demand.pk for row in rows]

    assert pool.demand.pk in recommended()
    relation = declare(pool, users)
    assert pool.demand.pk not in recommended()
    talent_services.withdraw_relation(actor=pool.best.user, relation=relation)
    assert pool.demand.pk in recommended()
