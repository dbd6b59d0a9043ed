"""Recommendations over the API, with the same permissions as the pages.

``GET /api/demands/{id}/recommendations?scope=&k=``: researchers for a demand (its owners, the
administrators of its region). ``GET /api/researchers/{id}/recommended-demands?k=``: demands for a
researcher (the researcher, their unit, the administrators of their region); each demand is
masked for the caller, and its reasons quote only text the caller may read.
"""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from techbridge.accounts.api import actor
from techbridge.core.errors import NotFound
from techbridge.demands.api import DemandOut
from techbridge.demands.selectors import demands_visible_to
from techbridge.recommendations import services
from techbridge.talent.models import Researcher

router = Router(tags=["recommendations"])


class EvidenceOut(Schema):
    kind: str
    label: str
    value: str


class ReasonsOut(Schema):
    sentence: str
    evidence: list[EvidenceOut]


class ResearcherRef(Schema):
    id: int
    name: str
    title: str
    unit: str
    unit_id: int
    region: str
    region_code: str


class ResearcherRecommendationOut(Schema):
    researcher: ResearcherRef
    score: float
    region_relation: str
    is_invited: bool
    reasons: ReasonsOut


class DemandRecommendationOut(Schema):
    demand: DemandOut
    score: float
    reasons: ReasonsOut


class RecommendationQuery(Schema):
    scope: Literal["local", "province", "national"] = "national"
    k: int = services.DEFAULT_K


class DemandRecommendationQuery(Schema):
    k: int = services.DEFAULT_K


def _reasons(reasons: services.Reasons) -> dict:
    return {
        "sentence": reasons.sentence,
        "evidence": [
            {"kind": item.kind, "label": item.label, "value": item.value} for item in reasons.items
        ],
    }


@router.get(
    "/demands/{int:demand_id}/recommendations",
    response=list[ResearcherRecommendationOut],
    summary="Researchers recommended for a demand",
)
def demand_recommendations(request, demand_id: int, params: Query[RecommendationQuery]):
    user = actor(request)
    demand = demands_visible_to(user).filter(pk=demand_id).first()
    if demand is None:
        raise NotFound(_("No such demand."))
    rows = services.recommend_researchers(demand=demand, user=user, scope=params.scope, k=params.k)
    return [
        {
            "researcher": {
                "id": row.researcher.pk,
                "name": row.researcher.name,
                "title": row.researcher.title,
                "unit": row.researcher.unit.name,
                "unit_id": row.researcher.unit_id,
                "region": row.researcher.region.full_name,
                "region_code": row.researcher.region_id,
            },
            "score": row.score,
            "region_relation": row.region_relation,
            "is_invited": row.is_invited,
            "reasons": _reasons(row.reasons),
        }
        for row in rows
    ]


@router.get(
    "/researchers/{int:researcher_id}/recommended-demands",
    response=list[DemandRecommendationOut],
    summary="Published demands recommended for a researcher",
)
def recommended_demands(request, researcher_id: int, params: Query[DemandRecommendationQuery]):
    user = actor(request)
    researcher = Researcher.objects.filter(pk=researcher_id).first()
    if researcher is None:
        raise NotFound(_("No such researcher."))
    rows = services.recommend_demands(researcher=researcher, user=user, k=params.k)
    return [
        {"demand": row.fields, "score": row.score, "reasons": _reasons(row.reasons)} for row in rows
    ]
