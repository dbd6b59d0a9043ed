"""The talent pool over the API: researcher profiles with achievements, and teams.

Profiles are open to every signed-in user; e-mail, phone and the research-integrity flag only
where ``talent.selectors.can_see_contact`` allows. Units add researchers to their own unit.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from techbridge.accounts.api import actor
from techbridge.api_common import Page, paginated
from techbridge.core.errors import NotFound, ValidationFailed
from techbridge.orgs.selectors import organisations_visible_to
from techbridge.refdata.api import CodeOut, resolve_disciplines, resolve_industry, resolve_region
from techbridge.refdata.models import Degree, TitleLevel
from techbridge.talent import selectors, services
from techbridge.talent.models import Achievement, Researcher, Team

router = Router(tags=["talent"])

CONTACT_FIELDS = ("email", "phone", "has_integrity_record")


class ResearcherItem(Schema):
    id: int
    name: str
    unit: str
    unit_id: int
    department: str
    title: str
    title_level: TitleLevel
    degree: str
    disciplines: list[CodeOut]
    keywords: list[str]
    region: str
    region_code: str
    availability: Researcher.Availability


class AchievementOut(Schema):
    id: int
    kind: Achievement.Kind
    title: str
    year: int | None
    abstract: str
    reference: str


class AchievementIn(Schema):
    kind: Achievement.Kind
    title: str
    year: int | None = None
    abstract: str = ""
    reference: str = ""


class ResearcherOut(ResearcherItem):
    industries: list[CodeOut]
    summary: str
    capacity: int
    achievements: list[AchievementOut]
    contact_visible: bool
    can_edit: bool
    # Shown only to the researcher, their unit and the administrators of their region.
    email: str | None
    phone: str | None
    has_integrity_record: bool | None


class ResearcherFilterQuery(Schema):
    q: str = ""
    discipline: str = ""
    industry: str = ""
    region: str = ""
    title_level: TitleLevel | None = None
    availability: Researcher.Availability | None = None
    unit: int | None = None
    page: int = 1


class ResearcherPatch(Schema):
    name: str | None = None
    department: str | None = None
    title: str | None = None
    title_level: TitleLevel | None = None
    degree: Degree | None = None
    disciplines: list[str] | None = None
    industries: list[str] | None = None
    keywords: list[str] | None = None
    summary: str | None = None
    region: str | None = None
    availability: Researcher.Availability | None = None
    capacity: int | None = None
    email: str | None = None
    phone: str | None = None
    has_integrity_record: bool | None = None
    achievements: list[AchievementIn] | None = None


class ResearcherIn(ResearcherPatch):
    unit: int | None = None
    name: str


class MemberOut(Schema):
    id: int
    name: str


class TeamOut(Schema):
    id: int
    name: str
    unit: str
    unit_id: int
    leader: MemberOut | None
    members: list[MemberOut]
    description: str

    @staticmethod
    def resolve_unit(obj: Team) -> str:
        return obj.unit.name


def _item(researcher: Researcher) -> dict[str, Any]:
    return {
        "id": researcher.pk,
        "name": researcher.name,
        "unit": researcher.unit.name,
        "unit_id": researcher.unit_id,
        "department": researcher.department,
        "title": researcher.title,
        "title_level": researcher.title_level,
        "degree": researcher.degree,
        "disciplines": list(researcher.disciplines.all()),
        "keywords": researcher.keywords or [],
        "region": researcher.region.full_name,
        "region_code": researcher.region_id,
        "availability": researcher.availability,
    }


def _detail(user: Any, researcher: Researcher) -> dict[str, Any]:
    visible = selectors.can_see_contact(user, researcher)
    data = _item(researcher) | {
        "industries": list(researcher.industries.all()),
        "summary": researcher.summary,
        "capacity": researcher.capacity,
        "achievements": list(researcher.achievements.all()),
        "contact_visible": visible,
        "can_edit": selectors.can_manage(user, researcher),
    }
    for field in CONTACT_FIELDS:
        data[field] = getattr(researcher, field) if visible else None
    return data


def _get(user: Any, researcher_id: int) -> Researcher:
    researcher = selectors.researchers_visible_to(user).filter(pk=researcher_id).first()
    if researcher is None:
        raise NotFound(_("No such researcher."))
    return researcher


def _data(payload: ResearcherPatch) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    data.pop("unit", None)
    for field, value in list(data.items()):
        if value is None:
            if field in ("name", "department", "title", "degree", "summary", "email", "phone"):
                data[field] = ""
            elif field in ("keywords", "disciplines", "industries", "achievements"):
                data[field] = []
            else:
                data.pop(field)
    if "region" in data:
        data["region"] = resolve_region(data["region"])
    if "disciplines" in data:
        data["disciplines"] = resolve_disciplines(data["disciplines"])
    if "industries" in data:
        data["industries"] = [
            resolve_industry(code, field="industries") for code in data["industries"]
        ]
    return data


@router.get("/researchers", response=Page[ResearcherItem], summary="Search the talent pool")
def list_researchers(request, filters: Query[ResearcherFilterQuery]):
    qs = selectors.filter_researchers(
        actor(request),
        selectors.ResearcherFilters(
            q=filters.q,
            discipline=filters.discipline,
            industry=filters.industry,
            region=filters.region,
            title_level=filters.title_level or "",
            availability=filters.availability or "",
            unit=filters.unit,
        ),
    ).prefetch_related("disciplines")
    return paginated(qs, filters.page, _item)


@router.get(
    "/researchers/{int:researcher_id}",
    response=ResearcherOut,
    summary="One researcher with achievements",
)
def get_researcher(request, researcher_id: int):
    user = actor(request)
    return _detail(user, _get(user, researcher_id))


@router.post("/researchers", response={201: ResearcherOut}, summary="Add a researcher")
def create_researcher(request, payload: ResearcherIn):
    """A unit user adds to their own unit; ``unit`` defaults to the caller's organisation."""
    user = actor(request)
    if payload.unit is not None:
        unit = organisations_visible_to(user).filter(pk=payload.unit).first()
        if unit is None:
            raise ValidationFailed(_("No such unit."), field="unit")
    elif user.organisation_id is not None:
        unit = user.organisation
    else:
        raise ValidationFailed(_("Say which unit the researcher belongs to."), field="unit")
    researcher = services.create_researcher(actor=user, unit=unit, data=_data(payload))
    return Status(201, _detail(user, _get(user, researcher.pk)))


@router.patch(
    "/researchers/{int:researcher_id}", response=ResearcherOut, summary="Edit a researcher profile"
)
def update_researcher(request, researcher_id: int, payload: ResearcherPatch):
    """``achievements`` are added to the profile's existing ones."""
    user = actor(request)
    researcher = services.update_researcher(
        actor=user, researcher=_get(user, researcher_id), data=_data(payload)
    )
    return _detail(user, _get(user, researcher.pk))


@router.get("/teams", response=Page[TeamOut], summary="Innovation teams")
def list_teams(request, page: int = 1):
    return paginated(selectors.teams_visible_to(actor(request)), page)


@router.get("/teams/{int:team_id}", response=TeamOut, summary="One innovation team")
def get_team(request, team_id: int):
    team = selectors.teams_visible_to(actor(request)).filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No such team."))
    return team
