"""JSON API over the code tables, and the helpers other routers use to turn codes into rows.

Clients send codes (region "370200", industry "39", disciplines ["430"]); an unknown code is a
422 that names the field and the code, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.utils.translation import gettext as _
from ninja import Router, Schema

from techbridge.core.errors import ValidationFailed
from techbridge.refdata.models import Discipline, Industry, Region

router = Router(tags=["reference data"])


class CodeOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None = None

    @staticmethod
    def resolve_parent(obj: Model) -> str | None:
        return obj.parent_id  # type: ignore[attr-defined]


def _resolve(model: type[Model], code: str, field: str) -> Model:
    obj = model.objects.filter(pk=code).first()  # type: ignore[attr-defined]
    if obj is None:
        raise ValidationFailed(
            _("Unknown %(table)s code: %(code)s.")
            % {"table": model._meta.verbose_name, "code": code},
            field=field,
        )
    return obj


def resolve_region(code: str, field: str = "region") -> Region:
    return _resolve(Region, code, field)  # type: ignore[return-value]


def resolve_industry(code: str, field: str = "industry") -> Industry:
    return _resolve(Industry, code, field)  # type: ignore[return-value]


def resolve_disciplines(codes: Iterable[str], field: str = "disciplines") -> list[Discipline]:
    codes = list(dict.fromkeys(codes))
    found = {d.code: d for d in Discipline.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationFailed(
            _("Unknown discipline code: %(code)s.") % {"code": ", ".join(unknown)}, field=field
        )
    return [found[c] for c in codes]


@router.get("/regions", response=list[CodeOut], summary="Regions (GB/T 2260)")
def list_regions(request, parent: str | None = None):
    """Provinces, or the cities of ``parent``."""
    qs = Region.objects.all()
    return qs.filter(parent_id=parent) if parent else qs.filter(level=Region.Level.PROVINCE)


@router.get("/industries", response=list[CodeOut], summary="Industries (GB/T 4754-2017)")
def list_industries(request, parent: str | None = None):
    """Sections (门类), or the divisions (大类) of ``parent``."""
    qs = Industry.objects.all()
    return qs.filter(parent_id=parent) if parent else qs.filter(level=1)


@router.get("/disciplines", response=list[CodeOut], summary="Disciplines (GB/T 13745-2009)")
def list_disciplines(request):
    return Discipline.objects.all()
