"""The loader is idempotent, repairs drifted rows, keeps withdrawn ones and works with the
historical app registry of a migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from techbridge.refdata.models import Discipline, Industry, Region
from techbridge.refdata.services import load_reference_data

pytestmark = pytest.mark.django_db

TOTALS = {"regions": 3214, "industries": 117, "disciplines": 62}


def _snapshot():
    return [
        list(model.objects.order_by("code").values_list("code", "name", "level", "parent"))
        for model in (Region, Industry, Discipline)
    ]


def test_running_the_loader_again_changes_nothing():
    before = _snapshot()
    assert load_reference_data() == {**TOTALS, "created": 0, "updated": 0}
    assert load_reference_data() == {**TOTALS, "created": 0, "updated": 0}
    assert _snapshot() == before


def test_loader_restores_missing_and_changed_rows():
    before = _snapshot()
    # 东莞市 has no county-level divisions, so no county row protects it.
    Region.objects.filter(code="441900").delete()
    Industry.objects.filter(code="65").update(name="软件业")
    Discipline.objects.filter(code="430").update(name="材料")

    counts = load_reference_data()

    assert (counts["created"], counts["updated"]) == (1, 2)
    assert _snapshot() == before
    assert Region.objects.get(code="441900").parent_id == "440000"


def test_loader_creates_parents_before_children_on_an_empty_table():
    Region.objects.filter(level=Region.Level.COUNTY).delete()
    Region.objects.filter(level=Region.Level.CITY).delete()
    Region.objects.all().delete()

    counts = load_reference_data()

    assert counts["created"] == 3214
    assert Region.objects.get(code="370202").parent.name == "青岛市"
    assert Region.objects.get(code="230100").parent.name == "黑龙江省"


def test_loader_keeps_codes_that_left_the_standard():
    # A withdrawn code may still be referenced by old records (on_delete=PROTECT).
    Region.objects.create(code="371200", name="莱芜市", level=2, parent_id="370000")

    load_reference_data()

    assert Region.objects.filter(code="371200").exists()


def test_loader_runs_with_the_historical_models_of_a_migration():
    state = MigrationExecutor(connection).loader.project_state(
        ("refdata", "0002_load_reference_data")
    )
    assert load_reference_data(apps=state.apps) == {**TOTALS, "created": 0, "updated": 0}
