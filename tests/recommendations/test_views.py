"""The hooks in the demand page and the home page, the scope filter and the command line."""

from __future__ import annotations

from typer.testing import CliRunner

from techbridge.cli import build_app
from tests.recommendations.conftest import researcher


def test_demand_page_loads_the_panel_lazily_for_owners_only(pool, users, client):
    url = f"/demands/{pool.demand.pk}/"
    client.force_login(users["enterprise"])
    page = client.get(url).content.decode()
    assert f'hx-get="/recommendations/demands/{pool.demand.pk}/"' in page
    # The page itself does not rank (it stays fast): the names come with the panel.
    assert pool.best.name not in page
    client.force_login(users["researcher"])
    assert "/recommendations/demands/" not in client.get(url).content.decode()


def test_scope_filter(pool, users, client):
    client.force_login(users["enterprise"])
    url = f"/recommendations/demands/{pool.demand.pk}/"
    local = client.get(url, {"scope": "local"}, HTTP_HX_REQUEST="true").content.decode()
    national = client.get(url, {"scope": "national"}, HTTP_HX_REQUEST="true").content.decode()
    assert pool.best.name in local and pool.national.name not in local
    assert pool.national.name in national
    assert f'hx-get="/recommendations/demands/{pool.demand.pk}/?scope=province"' in local
    assert "锂电池陶瓷涂覆隔膜的热收缩抑制研究" in local


def test_home_page_of_a_researcher(pool, client):
    client.force_login(pool.best.user)
    home = client.get("/").content.decode()
    assert 'hx-get="/recommendations/for-me/"' in home
    cards = client.get("/recommendations/for-me/", HTTP_HX_REQUEST="true").content.decode()
    assert pool.demand.title in cards
    assert "陶瓷涂层" in cards


def test_home_page_of_others_has_no_hook(users, client):
    client.force_login(users["enterprise"])
    assert "/recommendations/for-me/" not in client.get("/").content.decode()


def test_commands(pool):
    runner = CliRunner()
    app = build_app()
    result = runner.invoke(app, ["recommend", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "researchers: 5" in result.output
    assert "demands: 1" in result.output
    result = runner.invoke(app, ["recommend", "for-demand", str(pool.demand.pk), "--k", "3"])
    assert result.exit_code == 0, result.output
    assert pool.best.name in result.output
    result = runner.invoke(app, ["recommend", "for-demand", "999999"])
    assert result.exit_code == 1
    researcher(name="后来者", keywords=["隔膜"])
    result = runner.invoke(app, ["recommend", "for-demand", str(pool.demand.pk), "--scope", "x"])
    assert result.exit_code == 2
