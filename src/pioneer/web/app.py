"""The FastAPI application: API under ``/api/v1``, pages (Jinja2 + HTMX), static files (vendored ECharts,
htmx, China map GeoJSON). Every asset is served by the app; no request leaves the machine."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pioneer.db import make_engine, make_session_factory, upgrade
from pioneer.errors import PioneerError
from pioneer.web import api, pages
from pioneer.web.cache import CachedStaticFiles, PublicCache, data_version_of
from pioneer.web.deps import status_of

STATIC = Path(__file__).parent / "static"


def secure_cookies() -> bool:
    """``PIONEER_SECURE_COOKIES=1`` sets the Secure flag (behind HTTPS)."""
    return os.environ.get("PIONEER_SECURE_COOKIES", "0") == "1"


class SecurityHeaders:
    """Pure ASGI middleware (cheaper than ``@app.middleware("http")``): a request id on ``request.state`` and
    the response headers ``X-Request-Id``, ``X-Content-Type-Options``, ``X-Frame-Options``, ``Referrer-Policy``."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid
        extra = [(b"x-request-id", rid.encode()), (b"x-content-type-options", b"nosniff"),
                 (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]  # fmt: skip

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


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
            "properties": {"message_zh": {"type": "string"}, "message_en": {"type": "string"}},
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


HTTP_MESSAGES = {
    404: {"message_zh": "找不到该页面或资源", "message_en": "no such page or resource"},
    405: {"message_zh": "该地址不支持此请求方法", "message_en": "this address does not accept that method"},
}


def create_app(*, migrate: bool = True, database_url: str | None = None) -> FastAPI:
    """The app bound to ``database_url`` (default: the configured database, ``PIONEER_HOME`` /
    ``PIONEER_DATABASE_URL``)."""
    if migrate:
        upgrade(database_url)
    app = FastAPI(
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
            return JSONResponse(
                {"detail": {"message_zh": exc.message_zh, "message_en": exc.message_en}}, status
            )
        return pages.error_page(request, exc, status)

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
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json", title="Pioneer API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from validator.swagger.io
        )  # fmt: skip

    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(PublicCache, version=data_version_of(engine))  # outside gzip: a hit skips compression
    app.add_middleware(SecurityHeaders)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(api.plans.pages_router)
    app.mount("/static", CachedStaticFiles(directory=STATIC), name="static")
    return app


def serving_app() -> FastAPI:
    """The app factory ``pioneer serve`` gives uvicorn (``pioneer.web.app:serving_app``, one call per worker
    process); the database was migrated once before the workers start."""
    return create_app(migrate=False)
