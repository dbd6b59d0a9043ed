"""Reads of the code tables for forms, filters, the API and the CLI.

``choices_for(kind)`` builds (code, label) pairs for a ``<select>``, grouped into ``<optgroup>``
where the standard has a grouping (cities by province, divisions by section, disciplines by
门类). The tables change only through the loader, so the choices are cached per process; the
loader and any save or delete of a row clear the cache of the process that made the change;
other server processes pick the change up when they restart, which a deploy that runs the
loader (``migrate`` or ``techbridge refdata load``) does anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from techbridge.core.errors import NotFound, ValidationFailed
from techbridge.refdata.models import Discipline, Industry, Region
from techbridge.refdata.sources import discipline_categories

TABLES: dict[str, type[Model]] = {
    "regions": Region,
    "industries": Industry,
    "disciplines": Discipline,
}

SECTION, DIVISION = 1, 2  # Industry levels: 门类, 大类

Choice = tuple[str, str]
# Flat options, or optgroups (label, options), optionally followed by flat options.
Choices = tuple[Choice | tuple[str, tuple[Choice, ...]], ...]


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE)


def cities(province_code: str | None = None) -> QuerySet[Region]:
    """Prefecture-level cities (and the four municipalities' city rows), of one province if
    ``province_code`` is given."""
    qs = Region.objects.filter(level=Region.Level.CITY).select_related("parent")
    return qs.filter(parent_id=province_code) if province_code else qs


def industry_sections() -> QuerySet[Industry]:
    return Industry.objects.filter(level=SECTION)


def industry_divisions(section_code: str | None = None) -> QuerySet[Industry]:
    qs = Industry.objects.filter(level=DIVISION).select_related("parent")
    return qs.filter(parent_id=section_code) if section_code else qs


def disciplines() -> QuerySet[Discipline]:
    return Discipline.objects.filter(level=1)


def code_rows(table: str, *, parent_code: str | None = None) -> QuerySet[Any]:
    """The top-level rows of ``table`` ("regions", "industries" or "disciplines"), or the
    children of ``parent_code``; an unknown table or parent code is refused."""
    model = TABLES.get(table)
    if model is None:
        raise ValidationFailed(
            _("Unknown code table: %(table)s.") % {"table": table}, field="table"
        )
    manager = model._default_manager
    if parent_code is None:
        return manager.filter(level=1)
    if not manager.filter(pk=parent_code).exists():
        raise NotFound(
            _("Unknown %(table)s code: %(code)s.")
            % {"table": model._meta.verbose_name, "code": parent_code},
            field="parent",
        )
    return manager.filter(parent_id=parent_code)


def _coded(obj: Industry | Discipline) -> str:
    return f"{obj.code} {obj.name}"


def _grouped(
    rows: Iterable[Any], group_of: Callable[[Any], str | None], label_of: Callable[[Any], str]
) -> Choices:
    """Options grouped in the order their groups first appear; rows without a group follow as
    plain options."""
    groups: dict[str, list[Choice]] = {}
    ungrouped: list[Choice] = []
    for row in rows:
        group = group_of(row)
        target = ungrouped if group is None else groups.setdefault(group, [])
        target.append((row.code, label_of(row)))
    return tuple((group, tuple(options)) for group, options in groups.items()) + tuple(ungrouped)


CHOICE_KINDS = ("provinces", "cities", "industry_sections", "industries", "disciplines")


@cache
def choices_for(kind: str) -> Choices:
    """Choices for a ``<select>``:

    * ``provinces``: flat, by code;
    * ``cities``: grouped by province;
    * ``industry_sections``: flat, "C 制造业";
    * ``industries``: divisions ("39 计算机、通信和其他电子设备制造业") grouped by section;
    * ``disciplines``: "430 材料科学" grouped by 门类 (自然科学 … 人文与社会科学).
    """
    if kind == "provinces":
        return tuple((r.code, r.name) for r in provinces())
    if kind == "cities":
        return _grouped(cities().order_by("code"), lambda r: r.parent.name, lambda r: r.name)
    if kind == "industry_sections":
        return tuple((r.code, _coded(r)) for r in industry_sections())
    if kind == "industries":
        return _grouped(industry_divisions().order_by("code"), lambda r: _coded(r.parent), _coded)
    if kind == "disciplines":
        categories = discipline_categories()
        return _grouped(
            disciplines(), lambda r: categories[r.code][1] if r.code in categories else None, _coded
        )
    raise ValueError(f"Unknown choice kind {kind!r}; expected one of {CHOICE_KINDS}.")


def clear_choices_cache(**kwargs: Any) -> None:
    """Forget cached choices; also a receiver for ``post_save``/``post_delete`` of the tables."""
    choices_for.cache_clear()


def counties(city_code: str) -> QuerySet[Region]:
    """The county-level divisions of one city, by code."""
    return Region.objects.filter(level=Region.Level.COUNTY, parent_id=city_code).order_by("code")
