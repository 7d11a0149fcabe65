"""Request dependencies shared by pages and API: database session, current user (session cookie or API
token), CSRF check, language, request id. Domain errors map to HTTP statuses in one table (``STATUS``)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pioneer.errors import InputError, NotFoundError, PermissionDeniedError, PioneerError
from pioneer.web import auth
from pioneer.web.i18n import language
from pioneer.web.models import User

SESSION_COOKIE = "pioneer_session"
LANG_COOKIE = "pioneer_lang"
LOGIN_CSRF_COOKIE = "pioneer_login_csrf"

STATUS: list[tuple[type[Exception], int]] = [
    (auth.AuthError, 401),
    (PermissionDeniedError, 403),  # also auth.ForbiddenError and CsrfError
    (auth.RateLimitedError, 429),
    (NotFoundError, 404),  # unknown plan, project, case, zone, division …
    (InputError, 422),
    (PioneerError, 422),
]
"""The one error → HTTP status table (first match wins); the app's handlers and the plans routes read it."""


def status_of(exc: Exception) -> int:
    """HTTP status of a domain error, from :data:`STATUS`."""
    return next(code for kind, code in STATUS if isinstance(exc, kind))


class CsrfError(auth.ForbiddenError):
    def __init__(self) -> None:
        super().__init__(
            "表单已失效（CSRF 校验失败），请刷新页面后重试",
            "form expired (CSRF check failed); reload and retry",
        )


def db(request: Request) -> Iterator[Session]:
    """A session per request: committed when the handler returns, rolled back on any error."""
    factory = request.app.state.session_factory
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


DB = Annotated[Session, Depends(db)]


def current_user(request: Request, session: DB) -> User | None:
    """The user of an API token (``Authorization: Bearer …``) or of the session cookie; ``None`` if anonymous.
    Also records on the request whether the session cookie was used (then CSRF applies to writes)."""
    header = request.headers.get("authorization", "")
    request.state.via_cookie = False
    request.state.csrf_token = None
    if header.lower().startswith("bearer "):
        user = auth.user_for_token(session, header[7:].strip())
        if user is None:
            raise auth.AuthError("API 令牌无效或已撤销", "invalid or revoked API token")
        return user
    web_session = auth.session_for(session, request.cookies.get(SESSION_COOKIE))
    if web_session is None:
        return None
    request.state.via_cookie = True
    request.state.csrf_token = web_session.csrf_token
    return web_session.user


CurrentUser = Annotated[User | None, Depends(current_user)]


def check_csrf(request: Request, submitted: str | None) -> None:
    """Writes made with the session cookie must carry the session's CSRF token (form field or header)."""
    if not getattr(request.state, "via_cookie", False):
        return
    token = submitted or request.headers.get("x-csrf-token")
    if not token or not secrets.compare_digest(token, request.state.csrf_token or ""):
        raise CsrfError()


def lang_of(request: Request) -> str:
    return language(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def request_id(request: Request) -> str:
    return getattr(request.state, "request_id", "")


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"
