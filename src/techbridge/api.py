"""The JSON API: one NinjaAPI, each domain app mounts its router. Schema at /api/openapi.json,
interactive docs at /api/docs (Swagger UI served from ninja's bundled static files, no CDN).

Every endpoint accepts a bearer token or the browser's session; domain errors from the services
become ``{"detail": message, "field": field}`` with the error's status code.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from techbridge.accounts.api import API_AUTH
from techbridge.accounts.api import router as accounts_router
from techbridge.contacts.api import router as contacts_router
from techbridge.core.errors import TechBridgeError
from techbridge.demands.api import router as demands_router
from techbridge.dispatch.api import router as dispatch_router
from techbridge.notifications.api import router as notifications_router
from techbridge.orgs.api import router as orgs_router
from techbridge.recommendations.api import router as recommendations_router
from techbridge.refdata.api import router as refdata_router
from techbridge.talent.api import router as talent_router

api = NinjaAPI(
    title="TechBridge API",
    version="1.0",
    description="科技桥 TechBridge: organisations, technical demands and the talent pool.",
    urls_namespace="api",
    auth=API_AUTH,
)


@api.exception_handler(TechBridgeError)
def domain_error(request: HttpRequest, exc: TechBridgeError) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, "field": exc.field}, status=exc.status_code
    )


api.add_router("", accounts_router)
api.add_router("", orgs_router)
api.add_router("", demands_router)
api.add_router("", talent_router)
api.add_router("", refdata_router)
api.add_router("", notifications_router)
api.add_router("", recommendations_router)
api.add_router("", contacts_router)
api.add_router("", dispatch_router)
