"""The home page is made of the panels each domain app registers: each role sees its own, in
their places and order, and the core app imports no domain app to show them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from techbridge.contacts import services as contact_services
from techbridge.core import home
from tests import factories

pytestmark = pytest.mark.django_db

CORE = Path(home.__file__).parent


def panel_context(response, template: str) -> dict:
    """The context of the home page panel drawn with ``template``."""
    for place in response.context["panels"].values():
        for shown in place:
            if shown.template == template:
                return shown.context
    raise AssertionError(f"no panel {template}")


def templates_of(response) -> list[str]:
    return [p.template for place in response.context["panels"].values() for p in place]


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (
            "enterprise",
            ["demands/home/drafts.html", "contacts/home/inbox.html"],
            ["talent/home/unit.html"],
        ),
        (
            "researcher",
            [
                "talent/home/profile.html",
                "contacts/home/inbox.html",
                "recommendations/_home_hook.html",
            ],
            ["demands/home/drafts.html"],
        ),
        (
            "unit",
            ["talent/home/unit.html", "contacts/home/inbox.html"],
            ["orgs/home/verification_queue.html"],
        ),
        (
            "city_bureau",
            [
                "orgs/home/verification_queue.html",
                "demands/home/region.html",
                "talent/home/region.html",
            ],
            ["talent/home/profile.html"],
        ),
        (
            "auditor",
            ["audit/home/trail.html"],
            ["contacts/home/inbox.html", "demands/home/drafts.html"],
        ),
    ],
)
def test_each_role_sees_its_panels(client, users, role, expected, absent):
    client.force_login(users[role])
    response = client.get("/")
    shown = templates_of(response)
    assert set(expected) <= set(shown)
    assert not set(absent) & set(shown)
    assert shown[0] == "demands/home/published.html" or role == "enterprise"


def test_contacts_panel_counts_what_waits_for_the_user(client, users, enterprise):
    demand = factories.DemandFactory(enterprise=enterprise, created_by=users["enterprise"])
    contact_services.invite(
        actor=users["enterprise"], demand=demand, researcher=users["researcher"].researcher
    )
    client.force_login(users["researcher"])
    response = client.get("/")
    assert panel_context(response, "contacts/home/inbox.html")["waiting"] == 1
    assert "?box=waiting" in response.content.decode()
    client.force_login(users["unit"])
    assert panel_context(client.get("/"), "contacts/home/inbox.html") == {"live": 1, "side": False}


def test_an_unverified_enterprise_sees_its_status_on_top(client, users, enterprise):
    enterprise.verification_status = enterprise.Verification.PENDING
    enterprise.save()
    client.force_login(users["enterprise"])
    response = client.get("/")
    assert response.context["panels"]["top"][0].template == "orgs/home/verification_status.html"


def test_core_imports_no_domain_app_for_the_home_page():
    domain = {"demands", "talent", "orgs", "contacts", "recommendations", "dispatch", "audit"}
    for module in ("home.py", "views.py"):
        tree = ast.parse((CORE / module).read_text())
        imported = {
            node.module.split(".")[1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("techbridge.")
        }
        assert not imported & domain, (module, imported & domain)


def test_a_panel_needs_a_known_place():
    with pytest.raises(ValueError):
        home.register_panel("x", template="x.html", build=lambda user: {}, place="side")  # type: ignore[arg-type]
