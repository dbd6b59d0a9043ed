"""Loading the code tables: one idempotent upsert used by the data migration and the CLI.

Rows are matched by code. A missing row is created, a row whose name, level or parent differs
is updated, anything else is left alone, so running the loader twice changes nothing. Rows that
are no longer in the sources are kept: other tables point at them (``on_delete=PROTECT``) and a
withdrawn code must stay readable on old records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, transaction

from techbridge.refdata import sources

# table key → (model name, rows); parents come before children in every row list.
TABLES = {
    "regions": ("Region", sources.region_rows),
    "industries": ("Industry", sources.industry_rows),
    "disciplines": ("Discipline", sources.discipline_rows),
}


def load_reference_data(*, apps: Any = None, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Create or update regions, industries and disciplines from the bundled sources.

    ``apps`` is the historical app registry when called from a migration, else the live one.
    Returns the number of rows of each table after loading (``regions``, ``industries``,
    ``disciplines``) and how many rows this run ``created`` and ``updated`` in all.
    """
    registry = apps or global_apps
    counts: dict[str, int] = {}
    created = updated = 0
    with transaction.atomic(using=using):
        for key, (model_name, rows) in TABLES.items():
            model = registry.get_model("refdata", model_name)
            table_created, table_updated = _upsert(model, rows(), using=using)
            created += table_created
            updated += table_updated
            counts[key] = model.objects.using(using).count()
    counts.update(created=created, updated=updated)
    from techbridge.refdata.selectors import clear_choices_cache

    clear_choices_cache()
    return counts


def _upsert(model: Any, rows: Iterable[sources.CodeRow], *, using: str) -> tuple[int, int]:
    existing = {obj.code: obj for obj in model.objects.using(using).all()}
    created = updated = 0
    by_level: dict[int, list[sources.CodeRow]] = {}
    for row in rows:
        by_level.setdefault(row.level, []).append(row)
    # One level at a time, so that every parent is in the table before its children.
    for level in sorted(by_level):
        new, changed = [], []
        for row in by_level[level]:
            obj = existing.get(row.code)
            if obj is None:
                new.append(
                    model(code=row.code, name=row.name, level=row.level, parent_id=row.parent)
                )
            elif (obj.name, obj.level, obj.parent_id) != (row.name, row.level, row.parent):
                obj.name, obj.level, obj.parent_id = row.name, row.level, row.parent
                changed.append(obj)
        model.objects.using(using).bulk_create(new)
        model.objects.using(using).bulk_update(changed, ["name", "level", "parent"])
        created += len(new)
        updated += len(changed)
    return created, updated
