"""The JSON API: one NinjaAPI, each domain app mounts its router. Schema at /api/openapi.json,
interactive docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="TechBridge API",
    version="1.0",
    description="科技桥 TechBridge: organisations, technical demands and the talent pool.",
    urls_namespace="api",
)
