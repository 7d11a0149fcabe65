"""Rendering of the HTML pages (Jinja2 templates with the reader's language, CSRF token and display helpers) and
the cookie flags they set — kept apart from the page routes so that API routes that answer with a page import this
module, not the pages package (no import loop between pages, the API and the app)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from pioneer.clock import beijing_text
from pioneer.config import settings
from pioneer.errors import PioneerError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.reports.document import number
from pioneer.web import auth
from pioneer.web.deps import LANG_COOKIE, lang_of
from pioneer.web.i18n import code, codes, pick, translate
from pioneer.web.models import User

templates = Jinja2Templates(directory=str(Path(__file__).parent / "pages" / "templates"))
# the forms' pattern attribute (anchored by HTML itself) is the server's rule, not a copy of it
templates.env.globals["division_pattern"] = DIVISION_CODE_PATTERN.removeprefix("^").removesuffix("$")


def secure_cookies() -> bool:
    """``Secure`` on the cookies a page sets when declared (``PIONEER_SECURE_COOKIES=1``) or behind the declared
    TLS proxy (``PIONEER_BEHIND_PROXY=1``); ``SecurityHeaders`` also adds it to every cookie of a TLS request."""
    config = settings()
    return config.secure_cookies or config.behind_proxy


def render(request: Request, name: str, user: User | None, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    context |= {
        "request": request, "user": user, "lang": lang, "t": lambda key, **p: translate(lang, key, **p),
        "pick": lambda zh, en: pick(lang, zh, en), "csrf": getattr(request.state, "csrf_token", None) or "",
        "other_lang": "en" if lang == "zh-CN" else "zh-CN", "allowed": auth.allowed,
        "code": lambda kind, v: code(lang, kind, v), "codes": lambda kind: codes(lang, kind),
        "when": lambda v, seconds=False: beijing_text(v, lang, seconds=seconds), "num": number,
    }  # fmt: skip
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if "lang" in request.query_params:
        response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="lax", secure=secure_cookies(),
                            max_age=365 * 86400)  # fmt: skip
    return response


def error_page(request: Request, exc: PioneerError, status: int) -> HTMLResponse:
    return render(request, "error.html", None, status=status, message=pick(lang_of(request), exc.message_zh,
                                                                           exc.message_en))  # fmt: skip
