"""Accounts — the registry's service for the people who use Pioneer: the account models (users, server-side
sessions, API tokens, login attempts; tables ``web_user`` … of migration ``0100_web_accounts``), the password
policy (OWASP ASVS 4.0.3 V2.1) and every change of an account — created, changed (role, scope, active), password
set — checked and audited here, by :func:`pioneer.registry.permissions.audit` with the actor's user and request
id, like the other registry services (issue 12 item 3). Only the programme office's administrator (or the
command line, ``by=None``: the system) creates or changes another account.

``pioneer.web.auth`` (sessions, tokens, ``restrict``) and ``pioneer.web.models`` re-export these names."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from pioneer.db.audit import utcnow
from pioneer.db.base import Base
from pioneer.errors import PermissionDeniedError, PioneerError
from pioneer.registry.permissions import Actor, Role, audit
from pioneer.standards.divisions import MUNICIPALITIES
from pioneer.standards.divisions import level as division_level

_hasher = PasswordHasher()

# --- the account models -------------------------------------------------------------------------------------------


class User(Base):
    """An account: argon2 password hash, one role, and for editors the division code of their scope."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    division_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sessions: Mapped[list[WebSession]] = relationship(back_populates="user", cascade="all, delete-orphan")


class WebSession(Base):
    """A server-side session; the cookie holds a random id, the table holds its sha256 and the CSRF token."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="sessions")


class ApiToken(Base):
    """A token for machine clients (header ``Authorization: Bearer <token>``); only its sha256 is stored."""

    __tablename__ = "web_api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # NULL: issued before migration 0700
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """Failed and successful logins, for rate limiting (per username and per client address)."""

    __tablename__ = "web_login_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


# --- roles and scope codes ------------------------------------------------------------------------------------------

EDITORS = frozenset({Role.PROVINCE_EDITOR, Role.CITY_EDITOR, Role.COUNTY_EDITOR})
SYSTEM = Actor("(system)", Role.ADMIN)  # the command line and the demo seed: no account acts


def account_role(value: Role | str) -> Role:
    """An account's role from its name; the services' office names (``zone`` …) are not account roles."""
    if str(value) not in {r.value for r in Role}:
        raise ValueError(value)
    return Role(value)


def scope_code_ok(role: Role, code: str | None) -> bool:
    """Whether ``code`` is a scope code of the right level for ``role`` (editors need one, others none)."""
    if role not in EDITORS:
        return code is None
    if code is None or len(code) != 6 or not code.isdigit():
        return False
    if role is Role.CITY_EDITOR:  # a prefecture, or a municipality (compared among cities)
        return division_level(code) == "city" or code in MUNICIPALITIES
    return division_level(code) == {Role.PROVINCE_EDITOR: "province", Role.COUNTY_EDITOR: "county"}[role]


def actor_of(user: User | None, *, request_id: str = "") -> Actor:
    """The services' actor for ``user``: the same role (admin and reviewer act in the programme office, a
    province editor as the province, city and county editors as the zone's own administration) and, for
    editors, the scope code; with the user id and request id for the audit log. No user: :data:`SYSTEM`."""
    if user is None:
        return SYSTEM
    role = Role(user.role)
    scope = (user.division_code or "",) if role in EDITORS else ()
    return Actor(user.username, role, scope, user_id=user.id, request_id=request_id)


def require_admin(by: User | None, action: str) -> None:
    """Only the programme office's administrator (or the system, ``by=None``) manages other accounts."""
    if by is not None and Role(by.role) is not Role.ADMIN:
        raise PermissionDeniedError(
            f"只有国家推进办管理员可以{action}", f"only the programme office's administrator may {action}"
        )


# --- passwords ------------------------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def digest(value: str) -> str:
    """sha256 hex of a session cookie or token value (only digests are stored)."""
    return hashlib.sha256(value.encode()).hexdigest()


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


# --- account changes (checked and audited here) ----------------------------------------------------------


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
    if not own:
        require_admin(by, "重设他人密码 / reset another account's password")
    if own and current_password is not None and not verify_password(user.password_hash, current_password):
        raise InputErrorLike("当前密码不正确", "the current password is wrong", None)
    if by is not None and own and current_password is None:
        raise InputErrorLike(
            "修改自己的密码须提供当前密码", "changing your own password needs the current one", None
        )
    check_password(new_password, username=user.username, display_name=user.display_name)
    user.password_hash = hash_password(new_password)
    keep = digest(keep_session) if keep_session else None
    for live in list(user.sessions):
        if live.id != keep:
            session.delete(live)
    session.flush()
    audit(session, actor_of(by, request_id=request_id), "password", "user", user.username, user.division_code,
          None, None, note="password changed; other sessions closed")  # fmt: skip
    return user


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: Role | str,
    division_code: str | None = None,
    display_name: str = "",
    by: User | None = None,
    request_id: str = "",
) -> User:
    """Add an account (argon2 hash): by the administrator (or the system); checks the role, the scope code's
    level and the password policy (:func:`check_password`); audited."""
    require_admin(by, "新建用户 / create accounts")
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
    audit(session, actor_of(by, request_id=request_id), "create", "user", username, division_code, None,
          user_snapshot(user))  # fmt: skip
    return user


def update_user(session: Session, user: User, *, role: Role | str | None = None, division_code: str | None = None,
                active: bool | None = None, by: User | None = None, request_id: str = "") -> User:  # fmt: skip
    """Change an account's role, scope or active flag (checks as :func:`create_user`; an administrator cannot
    deactivate or demote themself, so the office keeps an administrator). By the administrator (or the system);
    audited with before/after."""
    require_admin(by, "修改用户 / change accounts")
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
    audit(session, actor_of(by, request_id=request_id), "update", "user", user.username, new_code, before,
          user_snapshot(user))  # fmt: skip
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
