"""Transport-level protections of the web app, as pure ASGI middleware (OWASP ASVS 4.0.3 L2):

* :class:`SecurityHeaders` — a request id and the response headers of ASVS V14.4: a strict
  ``Content-Security-Policy`` (no inline script, no inline style, nothing from another origin; V14.4.3),
  ``X-Content-Type-Options: nosniff`` (V14.4.4), ``Referrer-Policy`` (V14.4.6), ``X-Frame-Options`` and
  ``frame-ancestors`` (V14.4.7), ``Strict-Transport-Security`` over TLS (V9.1.1, V14.4.5),
  ``Cache-Control: no-store`` on every answer to a signed-in request or that sets a cookie (V8.2.1), and the
  ``Secure`` flag added to every cookie whenever the request came over TLS or through the declared proxy (V3.4.1).
* :class:`BodyLimit` — a request body limit per route (V13.1.3, V12.1.1): refused from ``Content-Length``
  before anything is read, and counted while streamed (chunked bodies, lying headers); anonymous uploads are
  refused before their body is read.

Settings (``pioneer.config``): ``PIONEER_BEHIND_PROXY``, ``PIONEER_SECURE_COOKIES``, ``PIONEER_MAX_BODY_KB``,
``PIONEER_MAX_UPLOAD_MB``. See docs/security.md.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import cookie_parser

from pioneer.config import Settings, settings

# 'self' only. ECharts draws on canvas; its HTML tooltips are positioned through the CSSOM (allowed). No inline
# script or style anywhere (templates carry none; the Swagger page is initialised by static/swagger-init.js).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = b"max-age=31536000; includeSubDomains"
SESSION_COOKIE = b"pioneer_session"


def over_tls(scope, config: Settings) -> bool:
    """Whether the request reached us over TLS: an ``https`` scope (uvicorn's own TLS, or its
    ``--proxy-headers`` from a trusted proxy) or a deployment declared behind a TLS-terminating proxy."""
    return scope.get("scheme") == "https" or config.behind_proxy


def has_credentials(scope) -> bool:
    """A request that carries an ``Authorization`` header or the session cookie (its answer is private)."""
    for key, value in scope.get("headers", ()):
        if key == b"authorization":
            return True
        if (
            key == b"cookie"
            and SESSION_COOKIE in value
            and "pioneer_session" in cookie_parser(value.decode("latin-1"))
        ):
            return True
    return False


def _secure_cookie(value: bytes) -> bytes:
    return value if re.search(rb";\s*secure\b", value, re.I) else value + b"; Secure"


class SecurityHeaders:
    """Request id on ``scope["state"]`` and the security headers above on every answer."""

    def __init__(self, app, config: Settings | None = None) -> None:
        self.app = app
        self.config = config or settings()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid
        tls = over_tls(scope, self.config) or bool(self.config.secure_cookies)
        private = has_credentials(scope) and not scope["path"].startswith("/static/")
        extra = [(b"x-request-id", rid.encode()), (b"x-content-type-options", b"nosniff"),
                 (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin"),
                 (b"content-security-policy", CSP.encode()), (b"cross-origin-opener-policy", b"same-origin"),
                 (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]  # fmt: skip
        if tls:
            extra.append((b"strict-transport-security", HSTS))

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                sets_cookie = any(k == b"set-cookie" for k, _ in headers)
                if tls:
                    headers = [(k, _secure_cookie(v) if k == b"set-cookie" else v) for k, v in headers]
                if private or sets_cookie:
                    headers = [(k, v) for k, v in headers if k != b"cache-control"]
                    headers.append((b"cache-control", b"private, no-store"))
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- request body limits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Routes (method + path pattern) whose body may be up to ``limit`` bytes; ``signed_in``: refused with 401
    before reading when the request carries no credentials at all."""

    method: str
    path: re.Pattern[str]
    limit: int
    signed_in: bool = False

    @property
    def shown(self) -> int:
        """The limit as the user knows it: the file's size cap for an upload route."""
        return self.limit - MULTIPART_SLACK if self.signed_in else self.limit


MULTIPART_SLACK = 64 * 1024  # multipart framing and the form's other fields around the file itself
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
"""Size limit of one piece of project evidence."""
MAX_EXCEL_BYTES = 10 * 1024 * 1024
"""Size limit of a register or plan workbook (projects, plans, ecology registers)."""


OPEN_DATA_MAX_ROWS = 1_000_000
"""Largest public open-data download (rows of one medium, one month, one division subtree)."""
OPEN_DATA_SLOTS = 2
"""Open-data downloads computed at the same time per process; one more is answered 429 (try again)."""


MAX_SMALL_FILE_BYTES = 1024 * 1024
"""Body limit of the routes taking a small text file (compensation agreements, carbon accounts)."""


def upload_cap(config: Settings | None = None) -> int:
    """Size limit of a measurement or reporting-template upload [bytes] (``PIONEER_MAX_UPLOAD_MB``)."""
    return (config or settings()).max_upload_mb * 1024 * 1024


def rules(config: Settings) -> list[Rule]:
    """The per-route table: uploads get their file cap (plus framing), everything else ``max_body_kb``."""
    upload = upload_cap(config)
    return [
        Rule("POST", re.compile(r"^/(?:upload|api/v1/imports)$"), upload + MULTIPART_SLACK, signed_in=True),
        Rule(
            "POST",
            re.compile(r"^/api/v1/projects/[^/]+/evidence$"),
            MAX_EVIDENCE_BYTES + MULTIPART_SLACK,
            True,
        ),
        Rule(
            "POST",
            re.compile(r"^/(?:api/v1/projects/import|zones/[^/]+/plans/import)$"),
            MAX_EXCEL_BYTES + MULTIPART_SLACK,
            True,
        ),  # fmt: skip
        # register workbooks and tables: ecology registers and EI results, GEP accounts (handlers cap at 10 MiB)
        Rule(
            "POST",
            re.compile(r"^/(?:api/v1/)?(?:ecology/import|ecology/ei|gep/account|gep/upload)$"),
            MAX_EXCEL_BYTES + MULTIPART_SLACK,
            True,
        ),
        # small text files: compensation agreements (YAML/JSON, 1 MiB) and carbon accounts (900 KiB)
        Rule(
            "POST",
            re.compile(r"^/api/v1/(?:compensation/agreements/import|carbon/[a-z-]+)$"),
            MAX_SMALL_FILE_BYTES + MULTIPART_SLACK,
            True,
        ),
        # attachments of plans and zones (the handlers read up to the upload cap)
        Rule(
            "POST",
            re.compile(r"^/(?:plans|zones)/[^/]+/documents$"),
            upload + MULTIPART_SLACK,
            True,
        ),
    ]


def body_limit(scope, table: list[Rule], default: int, upload: int) -> Rule:
    """The route's rule; else a multipart body (a file form another module adds) may be up to the upload cap,
    any other body up to ``default``."""
    for rule in table:
        if scope["method"] == rule.method and rule.path.match(scope["path"]):
            return rule
    multipart = any(
        k == b"content-type" and v.lower().startswith(b"multipart/") for k, v in scope.get("headers", ())
    )
    return Rule(scope["method"], re.compile(""), upload + MULTIPART_SLACK if multipart else default)


class BodyTooLarge(HTTPException):
    """A body past its route's limit, found while it streamed (413 in the bilingual error shape)."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(413, too_large_message(rule.shown))


def too_large_message(limit: int) -> dict[str, str]:
    size = f"{limit / 1024 / 1024:.1f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return {
        "message_zh": f"请求内容过大（此地址上限 {size}）",
        "message_en": f"request body too large (limit {size} here)",
    }


class BodyLimit:
    """Refuse a body past its route's limit: from ``Content-Length`` before the app runs, else by counting the
    streamed bytes (raises :class:`BodyTooLarge` inside ``receive``; FastAPI passes an ``HTTPException`` from
    body parsing through unchanged)."""

    def __init__(self, app, config: Settings | None = None) -> None:
        self.app = app
        self.config = config or settings()
        self.table = rules(self.config)
        self.default = self.config.max_body_kb * 1024
        self.upload = self.config.max_upload_mb * 1024 * 1024

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        rule = body_limit(scope, self.table, self.default, self.upload)
        refusal: HTTPException | None = None
        if rule.signed_in and not has_credentials(scope):
            refusal = HTTPException(401, {"message_zh": "请先登录", "message_en": "please log in first"})
        declared = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > rule.limit):
            refusal = BodyTooLarge(rule) if declared.isdigit() else HTTPException(
                400, {"message_zh": "Content-Length 无效", "message_en": "invalid Content-Length"})  # fmt: skip
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            if refusal is not None:  # raised where the app reads the body: its own error page or JSON answers
                raise refusal
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > rule.limit:
                    raise BodyTooLarge(rule)
            return message

        async def watched(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except HTTPException as exc:  # raised outside FastAPI's body parsing (a raw ASGI route)
            if started or not isinstance(exc.detail, dict):
                raise
            await _answer(send, exc.status_code, exc.detail)


async def _answer(send, status: int, message: dict[str, str]) -> None:
    """A bilingual JSON error sent before the app ran (the connection is closed: the body was not read)."""
    body = json.dumps({"detail": message}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
