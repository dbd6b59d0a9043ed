"""The recommendation panel of a demand page is cached, and a change to anything it shows
(the demand, a profile, a declared relation, an invitation, a team) shows up on the next view;
each viewer still gets the answer their rights allow."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from techbridge.demands import services as demand_services
from techbridge.demands.models import Demand
from techbridge.recommendations import services
from techbridge.talent import services as talent_services
from techbridge.talent.models import EnterpriseRelation, Researcher
from tests import factories

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def panel(client, demand, scope="national") -> str:
    response = client.get(
        f"/recommendations/demands/{demand.pk}/", {"scope": scope}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    # The invite forms carry a CSRF token that Django masks afresh on every response.
    return CSRF_VALUE.sub("csrf", response.content.decode())


def researcher_names(html: str) -> list[str]:
    """The researchers of the panel's first table, best first."""
    table = html.split('class="list recommended-researchers"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/talent/\d+/">([^<]+)</a>', table)


@pytest.fixture
def computed(monkeypatch):
    """How many times the panel was ranked rather than read from the cache."""
    calls = []
    rank = services._rank_researchers

    def counting(*args, **kwargs):
        calls.append(1)
        return rank(*args, **kwargs)

    monkeypatch.setattr(services, "_rank_researchers", counting)
    return calls


@pytest.fixture
def owner(client, users):
    client.force_login(users["enterprise"])
    return client


def test_a_second_view_comes_from_the_cache(pool, owner, computed):
    first = panel(owner, pool.demand)
    assert panel(owner, pool.demand) == first
    assert len(computed) == 1
    panel(owner, pool.demand, scope="local")  # another scope is another answer
    assert len(computed) == 2


def test_an_edit_of_the_demand_shows_at_once(pool, owner, users, computed):
    assert researcher_names(panel(owner, pool.demand))[0] == pool.best.name
    demand_services.update_demand(
        actor=users["enterprise"],
        demand=Demand.objects.get(pk=pool.demand.pk),
        data={
            "title": "小麦育种与土壤改良技术合作",
            "summary": "寻求小麦育种方面的合作。",
            "description": "盐碱地小麦育种，土壤改良。",
            "keywords": ["小麦育种", "土壤改良"],
        },
    )
    assert researcher_names(panel(owner, pool.demand))[0] == pool.unrelated.name
    assert len(computed) == 2


def test_a_profile_change_shows_at_once(pool, owner, computed):
    assert pool.best.name in researcher_names(panel(owner, pool.demand))
    talent_services.update_researcher(
        actor=pool.best.user,
        researcher=pool.best,
        data={"availability": Researcher.Availability.UNAVAILABLE},
    )
    assert pool.best.name not in researcher_names(panel(owner, pool.demand))
    assert len(computed) == 2


def test_a_declared_relation_and_its_withdrawal_show_at_once(pool, owner, computed):
    assert pool.best.name in researcher_names(panel(owner, pool.demand))
    relation = talent_services.declare_relation(
        actor=pool.best.user,
        researcher=pool.best,
        enterprise=pool.demand.enterprise,
        kind=EnterpriseRelation.Kind.values[0],
    )
    assert pool.best.name not in researcher_names(panel(owner, pool.demand))
    talent_services.withdraw_relation(actor=pool.best.user, relation=relation)
    assert pool.best.name in researcher_names(panel(owner, pool.demand))
    assert len(computed) == 3


def test_an_invitation_shows_its_badge_at_once(pool, owner, users):
    demand = demand_services.update_demand(
        actor=users["enterprise"],
        demand=Demand.objects.get(pk=pool.demand.pk),
        data={"confidentiality": Demand.Confidentiality.INVITED},
    )
    assert 'class="badge">' not in panel(owner, demand)
    demand_services.invite_researcher(
        actor=users["enterprise"], demand=demand, researcher=pool.best
    )
    assert 'class="badge">' in panel(owner, demand)


def test_a_new_team_member_shows_at_once(pool, owner):
    team = factories.TeamFactory(unit=pool.unrelated.unit, name="农业团队")
    team.members.set([pool.unrelated])
    teams_table = panel(owner, pool.demand).split("recommended-teams", 1)[1]
    assert "农业团队" in teams_table and pool.best.name not in teams_table
    team.members.add(pool.best)
    teams_table = panel(owner, pool.demand).split("recommended-teams", 1)[1]
    assert pool.best.name in teams_table  # now its best member


def test_each_viewer_gets_the_answer_their_rights_allow(pool, client, users, computed):
    client.force_login(users["enterprise"])
    assert pool.best.name in panel(client, pool.demand)
    # The cached answer is never handed to someone who may not see it.
    for refused in ("researcher", "other_enterprise", "unit", "auditor"):
        client.force_login(users[refused])
        response = client.get(f"/recommendations/demands/{pool.demand.pk}/")
        assert response.status_code in (403, 404), refused
        assert pool.best.name not in response.content.decode()
    # A bureau of the demand's region may see it: the same answer, not computed again.
    client.force_login(users["city_bureau"])
    assert pool.best.name in panel(client, pool.demand)
    assert len(computed) == 1
    # The reasons are in the viewer's language: another language is another answer.
    with translation.override("en"):
        english = client.get(
            f"/recommendations/demands/{pool.demand.pk}/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "Recommended experts" in english
    assert len(computed) == 2


def test_the_benchmark_command_prints_its_figures(pool, users):
    import json

    from typer.testing import CliRunner

    from techbridge.cli import build_app

    app = build_app()
    result = CliRunner().invoke(
        app, ["recommend", "bench-panel", "--demands", "1", "--role", "enterprise", "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["username"] == users["enterprise"].username
    assert figures["cold"]["count"] == figures["warm"]["count"] == 3
    assert {"p50", "p95", "p99"} <= figures["warm"].keys()
    result = CliRunner().invoke(app, ["recommend", "bench-panel", "--role", "auditor"])
    assert result.exit_code == 2
