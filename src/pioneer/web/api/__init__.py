"""REST API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``).

Paging as in OpenAQ: ``page`` (1-based) and ``limit``; every list answers ``{"meta": {"page", "limit",
"found"}, "results": […]}``. Machine clients authenticate with ``Authorization: Bearer <token>``; browser
sessions must send ``X-CSRF-Token`` on writes."""

from __future__ import annotations

from fastapi import APIRouter

from pioneer.web.api import accounts, ecology, imports, indicators, lake, national, plans, registry
from pioneer.web.api import carbon as carbon_api
from pioneer.web.api import compensation as compensation_api
from pioneer.web.api import judgements as judgements_api

router = APIRouter(prefix="/api/v1")
router.include_router(registry.router)
router.include_router(indicators.router)
router.include_router(lake.router)
router.include_router(imports.router)
router.include_router(accounts.router)
router.include_router(plans.router)
router.include_router(ecology.router)
router.include_router(compensation_api.router)
router.include_router(national.router)
router.include_router(carbon_api.router)
router.include_router(judgements_api.router)
