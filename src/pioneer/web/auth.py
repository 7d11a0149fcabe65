"""Accounts and authorisation: roles scoped to a division subtree, one ``restrict`` check for pages and API,
argon2 passwords, server-side sessions with CSRF tokens, API tokens, login rate limiting, the audit log.

Roles (``Role``):

=================  ==========================================================================================
admin              programme office administrator: everything, including users and the audit log
reviewer           programme office reviewer: reads everything, takes the programme office's review steps
province_editor    edits zones, data and uploads within its province (division code ``xx0000``)
city_editor        … within its prefecture or municipality (``xxxx00`` or a municipality ``xx0000``)
county_editor      … within its county (``xxxxxx``)
viewer             reads everything (also unpublished zones), changes nothing
(anonymous)        reads published data only
=================  ==========================================================================================

A scope code covers itself and every division beneath it (``pioneer.registry.permissions.scope_covers``).
``restrict(user, action, division_codes)`` is the single place where the decision is made (NetBox pattern);
pages and API both call it, and the registry's own actor check runs again underneath it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import false, select, true
from sqlalchemy.orm import Session

from pioneer.db import audit as audit_log
from pioneer.db import stored_time
from pioneer.errors import PermissionDeniedError, PioneerError
from pioneer.registry.accounts import (  # the accounts and their changes: the registry's service (re-exported)
    EDITORS as EDITORS,
)
from pioneer.registry.accounts import PASSWORD_MAX as PASSWORD_MAX
from pioneer.registry.accounts import PASSWORD_MIN as PASSWORD_MIN
from pioneer.registry.accounts import PASSWORD_MIN_SCORE as PASSWORD_MIN_SCORE
from pioneer.registry.accounts import InputErrorLike as InputErrorLike
from pioneer.registry.accounts import account_role as account_role
from pioneer.registry.accounts import actor_of, digest
from pioneer.registry.accounts import change_password as change_password
from pioneer.registry.accounts import check_password as check_password
from pioneer.registry.accounts import create_user as create_user
from pioneer.registry.accounts import hash_password as hash_password
from pioneer.registry.accounts import scope_code_ok as scope_code_ok
from pioneer.registry.accounts import update_user as update_user
from pioneer.registry.accounts import user_snapshot as user_snapshot
from pioneer.registry.accounts import verify_password as verify_password
from pioneer.registry.permissions import Actor, Role, scope_covers
from pioneer.standards.divisions import prefix as division_prefix
from pioneer.web.models import ApiToken, AuditEntry, LoginAttempt, User, WebSession, utcnow

SESSION_DAYS = 7


class Action(StrEnum):
    VIEW = "view"  # unpublished data (published data is public)
    EDIT = "edit"  # zones' own data: create, describe, the zone's and province's lifecycle steps, uploads
    REVIEW = "review"  # the programme office's lifecycle steps
    ADMIN = "admin"  # users, tokens, audit log


# role → actions it may take (the division scope is checked separately for editors).
GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.REVIEWER: frozenset({Action.VIEW, Action.REVIEW}),
    Role.PROVINCE_EDITOR: frozenset({Action.VIEW, Action.EDIT}),
    Role.CITY_EDITOR: frozenset({Action.VIEW, Action.EDIT}),
    Role.COUNTY_EDITOR: frozenset({Action.VIEW, Action.EDIT}),
    Role.VIEWER: frozenset({Action.VIEW}),
}


class AuthError(PioneerError):
    """Not logged in (HTTP 401)."""


ForbiddenError = PermissionDeniedError
"""Logged in, but the role or the division scope does not allow the action (HTTP 403): the one denial error of
:mod:`pioneer.errors`, under the name the web layer has used."""


class RateLimitedError(PioneerError):
    """Too many failed logins (HTTP 429)."""


def restrict(user: User | None, action: Action | str, division_codes: Iterable[str] = ()) -> None:
    """Raise unless ``user`` may take ``action`` on objects in every one of ``division_codes``.

    Anonymous users may take no action (published data needs no check). Admin, reviewer and viewer have
    national scope for the actions granted to their role; editors only within their division subtree."""
    action = Action(action)
    if user is None:
        raise AuthError("请先登录", "please log in first")
    role = Role(user.role)
    if not user.active:
        raise ForbiddenError("账户已停用", "account disabled")
    if action not in GRANTS[role]:
        raise ForbiddenError(
            f"角色 “{role.value}” 无权执行 “{action.value}”", f"role '{role.value}' may not '{action.value}'"
        )
    if role in EDITORS and action is not Action.VIEW:
        outside = [c for c in division_codes if not scope_covers(user.division_code or "", c)]
        if outside:
            raise ForbiddenError(
                f"用户 {user.username} 的管辖范围（{user.division_code}）不包括 {', '.join(outside)}",
                f"user {user.username} (scope {user.division_code}) has no rights over {', '.join(outside)}",
            )


def scope_clause(user: User | None, action: Action | str, column: Any) -> Any:
    """``restrict`` for list queries (NetBox's restricted querysets): a SQL condition on the division-code
    ``column`` that holds exactly for the rows ``user`` may take ``action`` on — nothing for the anonymous or
    an action the role lacks, the editor's subtree (GB/T 2260 prefix) for an editor's non-view action,
    everything otherwise. ``query.where(scope_clause(user, action, Model.division_code))``."""
    action = Action(action)
    if user is None or not user.active or action not in GRANTS[Role(user.role)]:
        return false()
    if Role(user.role) in EDITORS and action is not Action.VIEW:
        return column.startswith(division_prefix(user.division_code)) if user.division_code else false()
    return true()


def allowed(user: User | None, action: Action | str, division_codes: Iterable[str] = ()) -> bool:
    """``restrict`` as a yes/no answer (to show or hide buttons)."""
    try:
        restrict(user, action, list(division_codes))
    except (AuthError, ForbiddenError):
        return False
    return True


def actor(user: User, *, request_id: str = "") -> Actor:
    """The services' actor for ``user`` (:func:`pioneer.registry.accounts.actor_of`)."""
    return actor_of(user, request_id=request_id)


# --- login, sessions, tokens ------------------------------------------------------------------------------------


_digest = digest  # sha256 of a cookie or token value (registry.accounts.digest)


def login(session: Session, username: str, password: str, *, client: str) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the cookie value (its sha256 is the session
    id stored in the table). Throttled by ``pioneer.web.throttle`` (per account and address, per address, per
    account from unknown addresses: a stranger cannot lock the owner out); a missing or disabled account costs
    the same argon2 verification as a wrong password (no account enumeration by time)."""
    from pioneer.web import throttle

    username, client = username[:64], client[:64]
    if throttle.refusal(session, username, client) is not None:
        raise RateLimitedError(
            "登录失败次数过多，请 15 分钟后再试", "too many failed logins; try again in 15 minutes"
        )
    user = session.scalar(select(User).where(User.username == username))
    real = user is not None and user.active
    matches = verify_password(user.password_hash if real else throttle.dummy_hash(), password)  # type: ignore[union-attr]
    ok = real and matches
    session.add(LoginAttempt(username=username, client=client, success=ok))
    if not ok:
        session.flush()
        raise AuthError("用户名或密码错误", "wrong username or password")
    assert user is not None
    cookie = secrets.token_urlsafe(32)
    session.add(WebSession(id=_digest(cookie), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                           expires_at=utcnow() + dt.timedelta(days=SESSION_DAYS)))  # fmt: skip
    session.flush()
    return user, cookie


def session_for(session: Session, cookie: str | None) -> WebSession | None:
    """The live session of a cookie value, or ``None``."""
    if not cookie:
        return None
    found = session.get(WebSession, _digest(cookie))
    if found is None or stored_time(found.expires_at, dt.UTC) < utcnow() or not found.user.active:
        return None
    return found


def logout(session: Session, cookie: str | None) -> None:
    if cookie and (found := session.get(WebSession, _digest(cookie))) is not None:
        session.delete(found)


TOKEN_DAYS = 90  # default lifetime of a new API token [d]; at most TOKEN_MAX_DAYS
TOKEN_MAX_DAYS = 365


def create_token(session: Session, user: User, name: str = "", *, days: int = TOKEN_DAYS) -> str:
    """A new API token for ``user``, valid ``days`` days (1–365); the clear value is returned once, only its
    sha256 is stored."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise InputErrorLike(
            f"令牌有效期须为 1–{TOKEN_MAX_DAYS} 天", f"token lifetime must be 1–{TOKEN_MAX_DAYS} days", days
        )
    value = "pio_" + secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(days=days)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(value), name=name, expires_at=expires))
    session.flush()
    audit(session, user, "create", "api_token", name or "(unnamed)", None, None,
          {"name": name, "expires_at": expires.isoformat()})  # fmt: skip
    return value


def token_live(token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Not revoked and not expired (a token issued before migration 0700 has no expiry)."""
    now = now or utcnow()
    return not token.revoked and (token.expires_at is None or stored_time(token.expires_at, dt.UTC) > now)


def revoke_token(session: Session, token: ApiToken, *, by: User, request_id: str = "") -> ApiToken:
    """Revoke a token now (its owner, or an administrator); audited. Revoking twice changes nothing."""
    if not token.revoked:
        token.revoked, token.revoked_at = True, utcnow()
        session.flush()
        audit(session, by, "revoke", "api_token", str(token.id), None, {"revoked": False}, {"revoked": True},
              request_id=request_id, note=token.name)  # fmt: skip
    return token


def user_for_token(session: Session, value: str) -> User | None:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(value)))
    return token.user if token is not None and token_live(token) and token.user.active else None


# --- audit ---------------------------------------------------------------------------------------------------------


def audit(
    session: Session,
    user: User | None,
    action: str,
    object_type: str,
    object_key: str,
    division_code: str | None,
    before: dict | None,
    after: dict | None,
    *,
    request_id: str = "",
    note: str = "",
) -> AuditEntry:
    """Write one audit entry for a web user (:func:`pioneer.db.audit.write`): who, when, what, before/after."""
    return audit_log.write(session, user_id=user.id if user else None,
                           username=user.username if user else "(system)", request_id=request_id, action=action,
                           object_type=object_type, object_key=object_key, division_code=division_code,
                           before=before, after=after, note=note)  # fmt: skip
