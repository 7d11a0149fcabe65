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
import hashlib
import secrets
import threading
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import false, select, true
from sqlalchemy.orm import Session

from pioneer.db import audit as audit_log
from pioneer.db import stored_time
from pioneer.errors import PermissionDeniedError, PioneerError
from pioneer.registry.permissions import Actor, Role, scope_covers
from pioneer.standards.divisions import MUNICIPALITIES
from pioneer.standards.divisions import level as division_level
from pioneer.standards.divisions import prefix as division_prefix
from pioneer.web.models import ApiToken, AuditEntry, LoginAttempt, User, WebSession, utcnow

SESSION_DAYS = 7
_hasher = PasswordHasher()


# Role: the one role vocabulary (pioneer.registry.permissions), shared with the services' actors.


def account_role(value: Role | str) -> Role:
    """An account's role from its name; the services' office names (``zone`` …) are not account roles."""
    if str(value) not in {r.value for r in Role}:
        raise ValueError(value)
    return Role(value)


EDITORS = frozenset({Role.PROVINCE_EDITOR, Role.CITY_EDITOR, Role.COUNTY_EDITOR})


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


def scope_code_ok(role: Role, code: str | None) -> bool:
    """Whether ``code`` is a scope code of the right level for ``role`` (editors need one, others none)."""
    if role not in EDITORS:
        return code is None
    if code is None or len(code) != 6 or not code.isdigit():
        return False
    if role is Role.CITY_EDITOR:  # a prefecture, or a municipality (compared among cities)
        return division_level(code) == "city" or code in MUNICIPALITIES
    return division_level(code) == {Role.PROVINCE_EDITOR: "province", Role.COUNTY_EDITOR: "county"}[role]


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
    """The services' actor for ``user``: the same role (admin and reviewer act in the programme office, a
    province editor as the province, city and county editors as the zone's own administration) and, for
    editors, the scope code; with the user id and request id for the audit log."""
    role = Role(user.role)
    scope = (user.division_code or "",) if role in EDITORS else ()
    return Actor(user.username, role, scope, user_id=user.id, request_id=request_id)


# --- passwords and users -------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


PASSWORD_MIN = 12  # characters (Unicode code points); Pioneer's choice, above ASVS 4.0.3 V2.1.1's 12 minimum
PASSWORD_MAX = 128  # ASVS V2.1.2: at least 64 permitted, more than 128 refused
_ZXCVBN_LOCK = threading.Lock()
PASSWORD_MIN_SCORE = 3  # zxcvbn score 0–4; 3 = "safely unguessable: moderate protection from offline attack"


def check_password(password: str, *, username: str = "", display_name: str = "") -> None:
    """The password policy of OWASP ASVS 4.0.3 V2.1 (level 2), raised as a bilingual :class:`InputErrorLike`:

    * V2.1.1/V2.1.2 — 12 to 128 characters counted as Unicode code points, nothing truncated;
    * V2.1.4/V2.1.9 — any printable character including spaces and CJK; no composition rules (no "one digit,
      one capital");
    * V2.1.7 — refused when found in a list of breached or common passwords, checked offline: the frequency
      lists shipped inside the ``zxcvbn`` package (MIT; zxcvbn-python 4.5.0, a port of Dropbox's zxcvbn, whose
      ``passwords`` list is the 30 000 most frequent passwords of leaked corpora, with English words, names and
      film/TV words). Refused when zxcvbn scores it below 3, or when the whole password (case, l33t and
      reversal folded) is one entry of a list — keyboard walks, repeats, dates, and the username or display
      name are counted against it too.
    Control characters are refused (they cannot be typed back reliably); the value itself never appears in the
    message."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InputErrorLike(
            f"密码须为 {PASSWORD_MIN}–{PASSWORD_MAX} 个字符（不要求大小写、数字或符号；可用空格组成长句）",
            f"password must be {PASSWORD_MIN}–{PASSWORD_MAX} characters (no composition rules; a passphrase "
            "with spaces is fine)",
            None,
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise InputErrorLike("密码不能包含控制字符", "password must not contain control characters", None)
    from zxcvbn import zxcvbn

    with _ZXCVBN_LOCK:  # zxcvbn keeps the user inputs in a module-level dictionary while it scores
        result = zxcvbn(
            password, user_inputs=[v for v in (username, display_name) if v], max_length=PASSWORD_MAX
        )
    sequence = result.get("sequence", [])
    listed = len(sequence) == 1 and sequence[0].get("pattern") == "dictionary"
    if listed or int(result["score"]) < PASSWORD_MIN_SCORE:
        hint = str((result.get("feedback") or {}).get("warning") or "").strip()
        raise InputErrorLike(
            "密码太容易被猜到：常见或已泄露的密码、单词、键盘序列、重复、日期或含用户名。请换一个更长、不常见的密码或短句",
            "password is too easy to guess: a common or breached password, a word, keyboard pattern, repeat, date "
            "or the username"
            + (f" ({hint})" if hint else "")
            + "; choose a longer, less common one or a passphrase",
            None,
        )


def change_password(
    session: Session,
    user: User,
    new_password: str,
    *,
    current_password: str | None = None,
    by: User | None = None,
    keep_session: str | None = None,
    request_id: str = "",
) -> User:
    """Set ``user``'s password under :func:`check_password` (ASVS V2.1.5/V2.1.6: users change their own password
    by giving the current one; an administrator — ``by`` another account — resets it without). Every other
    session of the user is closed (ASVS V3.3.3; ``keep_session`` is the cookie of the session making the change)
    and the change is audited (without any password or hash)."""
    own = by is None or by.id == user.id
    if own and current_password is not None and not verify_password(user.password_hash, current_password):
        raise InputErrorLike("当前密码不正确", "the current password is wrong", None)
    if by is not None and own and current_password is None:
        raise InputErrorLike(
            "修改自己的密码须提供当前密码", "changing your own password needs the current one", None
        )
    check_password(new_password, username=user.username, display_name=user.display_name)
    user.password_hash = hash_password(new_password)
    keep = _digest(keep_session) if keep_session else None
    for live in list(user.sessions):
        if live.id != keep:
            session.delete(live)
    session.flush()
    audit(session, by, "password", "user", user.username, user.division_code, None, None,
          request_id=request_id, note="password changed; other sessions closed")  # fmt: skip
    return user


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: Role | str,
    division_code: str | None = None,
    display_name: str = "",
    by: User | None = None,
) -> User:
    """Add an account (argon2 hash); checks the role, the scope code's level and the password policy
    (:func:`check_password`)."""
    try:
        role = account_role(role)
    except ValueError:
        raise InputErrorLike("未知角色", f"unknown role (known: {', '.join(Role)})", role) from None
    username = username.strip()
    if (
        not username
        or len(username) > 64
        or not username.replace("_", "").replace("-", "").replace(".", "").isalnum()
    ):
        raise InputErrorLike("用户名只能包含字母、数字、_-.", "username: letters, digits, _-. only", username)
    check_password(password, username=username, display_name=display_name)
    division_code = division_code or None
    if not scope_code_ok(role, division_code):
        raise InputErrorLike(
            "行政区划代码与角色级别不符（省 xx0000，市 xxxx00，县 xxxxxx；非编辑角色不设）",
            "division code does not fit the role (province xx0000, city xxxx00, county xxxxxx; none otherwise)",
            division_code,
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InputErrorLike("用户名已存在", "username already exists", username)
    user = User(username=username, password_hash=hash_password(password), role=role.value,
                division_code=division_code, display_name=display_name, active=True)  # fmt: skip
    session.add(user)
    session.flush()
    audit(session, by, "create", "user", username, division_code, None, user_snapshot(user))
    return user


def update_user(session: Session, user: User, *, role: Role | str | None = None, division_code: str | None = None,
                active: bool | None = None, by: User | None = None, request_id: str = "") -> User:  # fmt: skip
    """Change an account's role, scope or active flag (checks as :func:`create_user`; an administrator cannot
    deactivate or demote themself, so the office keeps an administrator). Audited with before/after."""
    before = user_snapshot(user)
    try:
        new_role = account_role(role) if role is not None else Role(user.role)
    except ValueError:
        raise InputErrorLike("未知角色", f"unknown role (known: {', '.join(Role)})", role) from None
    new_code = (
        (division_code or None) if (division_code is not None or role is not None) else user.division_code
    )
    if not scope_code_ok(new_role, new_code):
        raise InputErrorLike(
            "行政区划代码与角色级别不符（省 xx0000，市 xxxx00，县 xxxxxx；非编辑角色不设）",
            "division code does not fit the role (province xx0000, city xxxx00, county xxxxxx; none otherwise)",
            new_code,
        )
    if by is not None and by.id == user.id and (active is False or new_role != Role.ADMIN):
        raise InputErrorLike("不能停用或降级自己的管理员账户", "you cannot deactivate or demote your own admin account",
                             user.username)  # fmt: skip
    user.role, user.division_code = new_role.value, new_code
    if active is not None:
        user.active = active
    session.flush()
    audit(
        session,
        by,
        "update",
        "user",
        user.username,
        new_code,
        before,
        user_snapshot(user),
        request_id=request_id,
    )
    return user


class InputErrorLike(PioneerError):
    """Bad field value in an account form (HTTP 422)."""

    def __init__(self, zh: str, en: str, value: object) -> None:
        self.value = value
        shown = f"（“{value}”）" if value is not None else ""
        super().__init__(zh + shown, en + (f" ('{value}')" if value is not None else ""))


def user_snapshot(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "division_code": user.division_code,
            "display_name": user.display_name, "active": user.active}  # fmt: skip


# --- login, sessions, tokens ------------------------------------------------------------------------------------


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


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
