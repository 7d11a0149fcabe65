"""The FastAPI application: API under ``/api/v1``, pages (Jinja2 + HTMX), static files (vendored ECharts,
htmx, China map GeoJSON). Every asset is served by the app; no request leaves the machine."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pydantic
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pioneer.config import settings
from pioneer.db import make_engine, make_session_factory, upgrade
from pioneer.errors import InputError, PioneerError
from pioneer.web import api, pages, services, warm
from pioneer.web.cache import CachedStaticFiles, PublicCache, data_version_of
from pioneer.web.deps import status_of
from pioneer.web.pages import work
from pioneer.web.security import BodyLimit, SecurityHeaders

STATIC = Path(__file__).parent / "static"


def openapi_schema(app: FastAPI) -> dict:
    """FastAPI's schema with every 422 answer documented as it is sent: ``{"detail": {"message_zh",
    "message_en"}}`` (the ``RequestValidationError`` handler below), not FastAPI's default list of errors."""
    from fastapi.openapi.utils import get_openapi

    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
    comps = schema.setdefault("components", {}).setdefault("schemas", {})
    comps.setdefault(
        "Message",
        {
            "type": "object",
            "required": ["message_zh", "message_en"],
            "title": "Message",
            "properties": {
                "message_zh": {"type": "string"},
                "message_en": {"type": "string"},
                "file": {"type": "string"},
                "row": {"type": "integer"},
                "column": {"type": "string", "description": "the field or column the error is at"},
            },
        },
    )
    comps.setdefault("ErrorBody", {"type": "object", "required": ["detail"], "title": "ErrorBody",
                                   "properties": {"detail": {"$ref": "#/components/schemas/Message"}}})  # fmt: skip
    for item in schema.get("paths", {}).values():
        for op in item.values():
            bad = op.get("responses", {}).get("422")
            if bad is not None:
                bad["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                bad["description"] = "Invalid request (located message in Chinese and English)"
    comps.pop("HTTPValidationError", None)
    comps.pop("ValidationError", None)
    app.openapi_schema = schema
    return schema


SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pioneer API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
<link rel="icon" href="/static/vendor/swagger-ui/favicon-32x32.png"></head>
<body><div id="swagger-ui" data-url="/api/v1/openapi.json"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script></body></html>
"""

HTTP_MESSAGES = {
    404: {"message_zh": "找不到该页面或资源", "message_en": "no such page or resource"},
    405: {"message_zh": "该地址不支持此请求方法", "message_en": "this address does not accept that method"},
}


def create_app(*, migrate: bool = True, database_url: str | None = None) -> FastAPI:
    """The app bound to ``database_url`` (default: the configured database, ``PIONEER_HOME`` /
    ``PIONEER_DATABASE_URL``)."""
    if migrate:
        upgrade(database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app_: FastAPI):
        """While the app serves: the periodic removal of expired uploads (``services.UploadPruner``) and the
        warming of the pages' memo (``warm.MemoWarmer``, unless ``PIONEER_WARM=0``)."""
        pruner = services.UploadPruner().start()
        app_.state.upload_pruner = pruner
        warmer = warm.MemoWarmer(app_.state.session_factory).start() if settings().warm else None
        app_.state.memo_warmer = warmer
        try:
            yield
        finally:
            pruner.stop()
            if warmer is not None:
                warmer.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Pioneer API",
        version="1",
        docs_url=None,  # served below from the vendored Swagger UI (FastAPI's default page loads a CDN)
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
    )
    engine = make_engine(database_url)
    app.state.session_factory = make_session_factory(engine)

    @app.exception_handler(PioneerError)
    async def domain_error(request: Request, exc: PioneerError):
        status = status_of(exc)
        if request.url.path.startswith("/api/"):
            body: dict[str, object] = {"message_zh": exc.message_zh, "message_en": exc.message_en}
            if isinstance(exc, InputError):  # located: the field (or file, row, column) it is at
                body |= {k: v for k in ("file", "row", "column") if (v := getattr(exc, k)) is not None}
            return JSONResponse({"detail": body}, status)
        return pages.error_page(request, exc, status)

    @app.exception_handler(pydantic.ValidationError)
    async def invalid_data(request: Request, exc: pydantic.ValidationError):
        """A model built inside a handler or service from merged data (not the request's own body) that does not
        validate: the request was wrong (422 with the fields), never a 500."""
        where = "; ".join(".".join(str(p) for p in e["loc"]) + ": " + e["msg"] for e in exc.errors()[:10])
        body = {"message_zh": f"数据有误：{where}", "message_en": f"invalid data: {where}"}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": body}, 422)
        return pages.error_page(request, PioneerError(body["message_zh"], body["message_en"]), 422)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        where = "; ".join(".".join(str(p) for p in e["loc"]) + ": " + e["msg"] for e in exc.errors()[:10])
        body = {"message_zh": f"请求参数有误：{where}", "message_en": f"invalid request: {where}"}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": body}, 422)
        return pages.error_page(request, PioneerError(body["message_zh"], body["message_en"]), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        """Unknown paths, wrong methods and ``HTTPException``s: the bilingual error body of the API, or the error
        page in the reader's language (never Starlette's bare English JSON)."""
        detail = exc.detail if isinstance(exc.detail, dict) else HTTP_MESSAGES.get(
            exc.status_code, {"message_zh": f"请求失败（{exc.status_code}）", "message_en": str(exc.detail)})  # fmt: skip
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)
        error = PioneerError(detail.get("message_zh", str(detail)), detail.get("message_en", str(detail)))
        response = pages.error_page(request, error, exc.status_code)
        response.headers.update(exc.headers or {})
        return response

    app.openapi = lambda: openapi_schema(app)  # type: ignore[method-assign]

    @app.get("/api/v1/docs", include_in_schema=False)
    def api_docs():
        """The vendored Swagger UI, started by ``static/swagger-init.js`` (FastAPI's page loads a CDN and starts
        Swagger UI with an inline script, which the CSP forbids)."""
        return HTMLResponse(SWAGGER_PAGE)

    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(PublicCache, version=data_version_of(engine))  # outside gzip: a hit skips compression
    config = settings()
    app.add_middleware(BodyLimit, config=config)  # outside the cache: a body is refused before anything runs
    app.add_middleware(SecurityHeaders, config=config)  # outermost: every answer gets the headers
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(work.router)  # plans/projects in the page, attachments, review queue, compute jobs
    app.include_router(api.plans.pages_router)
    app.include_router(api.compensation.pages_router)
    app.include_router(api.ecology.pages_router)
    app.mount("/static", CachedStaticFiles(directory=STATIC), name="static")
    return app


def serving_app() -> FastAPI:
    """The app factory ``pioneer serve`` gives uvicorn (``pioneer.web.app:serving_app``, one call per worker
    process); the database was migrated once before the workers start."""
    return create_app(migrate=False)
