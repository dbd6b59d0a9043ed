"""Determinism, --reset / --if-empty, the count formula and the command line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from techbridge.core.errors import InvalidState, ValidationFailed
from techbridge.demands.models import Demand
from techbridge.demo import builder
from techbridge.orgs.models import Organisation
from techbridge.search.models import SearchTerm
from techbridge.talent.models import Researcher

pytestmark = pytest.mark.django_db
SCALE = 0.03


def _fingerprint() -> tuple[list[str], list[str], list[str]]:
    return (
        list(Demand.objects.order_by("pk").values_list("title", flat=True)),
        list(Researcher.objects.order_by("pk").values_list("name", flat=True)),
        list(
            Organisation.objects.filter(kind="enterprise")
            .order_by("pk")
            .values_list("name", flat=True)
        ),
    )


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    builder.build_demo_data(seed=7, scale=SCALE)
    first = _fingerprint()
    builder.build_demo_data(seed=7, scale=SCALE, reset=True)
    assert _fingerprint() == first
    builder.build_demo_data(seed=8, scale=SCALE, reset=True)
    assert _fingerprint()[0] != first[0]


def test_a_second_build_is_refused_and_reset_replaces_the_data():
    assert builder.database_is_empty() and not builder.demo_data_exists()
    result = builder.build_demo_data(scale=SCALE)
    assert builder.demo_data_exists() and not builder.database_is_empty()
    with pytest.raises(InvalidState):
        builder.build_demo_data(scale=SCALE)
    assert Researcher.objects.count() == result.counts["researchers"]
    builder.build_demo_data(scale=SCALE, reset=True)
    assert Researcher.objects.count() == result.counts["researchers"]
    assert Organisation.objects.count() == result.counts["organisations"]
    from techbridge.dispatch.models import Dispatch, Round
    from techbridge.notifications.models import Todo

    assert Round.objects.count() == 1  # the earlier build's round went with its data
    assert Dispatch.objects.count() == result.counts["dispatches"]
    builder.delete_demo_data()
    assert not Organisation.objects.exists() and not SearchTerm.objects.exists()
    assert not Round.objects.exists()
    assert not Todo.objects.filter(target_type__startswith="dispatch.").exists()
    assert not builder.demo_data_exists()


def test_reset_keeps_accounts_that_are_in_the_audit_trail(client):
    builder.build_demo_data(scale=SCALE)
    from techbridge.accounts.models import User
    from techbridge.audit import services as audit
    from techbridge.audit.models import AuditEntry

    enterprise = User.objects.get(username="enterprise")
    audit.record(actor=enterprise, action=AuditEntry.Action.LOGIN, object_type="session")
    builder.build_demo_data(scale=SCALE, reset=True)
    rebuilt = User.objects.get(username="enterprise")
    assert rebuilt.pk == enterprise.pk and rebuilt.is_active and rebuilt.organisation is not None
    assert client.login(username="enterprise", password=builder.DEMO_PASSWORD)


def test_full_scale_meets_the_minimums_without_building():
    counts = builder.planned_counts(1.0)
    for key, minimum in builder.MINIMUM_COUNTS.items():
        assert counts[key] >= minimum
    assert counts["teams"] >= 75
    with pytest.raises(ValidationFailed):
        builder.planned_counts(0)


def test_the_command_builds_prints_the_accounts_and_keeps_data_with_if_empty():
    from techbridge.cli import build_app

    runner = CliRunner()
    app = build_app()
    result = runner.invoke(app, ["demo-data", "--scale", str(SCALE), "--if-empty"])
    assert result.exit_code == 0, result.output
    for username in (
        "enterprise",
        "researcher",
        "unit",
        "city",
        "province",
        "manager",
        "auditor",
        "admin",
    ):
        assert username in result.output
    assert builder.DEMO_PASSWORD in result.output
    researchers = Researcher.objects.count()
    # The matching indexes were built with the data, so no page waits for them.
    from techbridge.recommendations import services

    assert len(services._INDEXES["researchers"].engine) == researchers
    again = runner.invoke(app, ["demo-data", "--scale", str(SCALE), "--if-empty"])
    assert again.exit_code == 0 and "already holds data" in again.output
    assert Researcher.objects.count() == researchers
    refused = runner.invoke(app, ["demo-data", "--scale", str(SCALE)])
    assert refused.exit_code == 1
