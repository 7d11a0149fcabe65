"""Users (admin only), API tokens (own), audit log (admin only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from sqlalchemy import select

from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.web import auth
from pioneer.web.api.common import ErrorBody, Limit, Page, paged
from pioneer.web.deps import DB, SESSION_COOKIE, CurrentUser, check_csrf, request_id
from pioneer.web.models import ApiToken, AuditEntry, User

router = APIRouter(tags=["accounts"])
ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 422: {"model": ErrorBody}}


class UserCreate(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    # the policy (length, breached list, strength) is auth.check_password: one home, a bilingual 422
    password: Annotated[str, Field(min_length=1, max_length=auth.PASSWORD_MAX)]
    role: auth.Role
    division_code: Annotated[str | None, Field(default=None, pattern=DIVISION_CODE_PATTERN)] = None
    display_name: Annotated[str, Field(max_length=128)] = ""


class UserPublic(BaseModel):
    username: str
    role: str
    division_code: str | None
    display_name: str
    active: bool


@router.get("/users/me", response_model=UserPublic, responses=ERRORS)
def me(user: CurrentUser):
    if user is None:
        raise auth.AuthError("请先登录", "please log in first")
    return auth.user_snapshot(user)


@router.get("/users", responses=ERRORS)
def list_users(session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100) -> dict[str, Any]:
    auth.restrict(user, auth.Action.ADMIN)
    users = session.scalars(select(User).order_by(User.username)).all()
    return paged([auth.user_snapshot(u) for u in users], page, limit)


@router.post("/users", response_model=UserPublic, status_code=201, responses=ERRORS)
def create_user(data: UserCreate, request: Request, session: DB, user: CurrentUser):
    check_csrf(request, None)
    auth.restrict(user, auth.Action.ADMIN)
    made = auth.create_user(session, data.username, data.password, role=data.role, division_code=data.division_code,
                            display_name=data.display_name, by=user)  # fmt: skip
    session.flush()
    return auth.user_snapshot(made)


def _user(session, username: str) -> User:
    found = session.scalar(select(User).where(User.username == username))
    if found is None:
        from fastapi import HTTPException

        raise HTTPException(
            404, {"message_zh": f"未知用户 “{username}”", "message_en": f"unknown user '{username}'"}
        )
    return found


Username = Annotated[str, PathParam(min_length=1, max_length=64)]


@router.get("/users/{username}", response_model=UserPublic, responses={**ERRORS, 404: {"model": ErrorBody}})
def read_user(username: Username, session: DB, user: CurrentUser):
    auth.restrict(user, auth.Action.ADMIN)
    return auth.user_snapshot(_user(session, username))


class UserUpdate(BaseModel):
    role: auth.Role | None = None
    division_code: Annotated[str | None, Field(default=None, pattern=DIVISION_CODE_PATTERN)] = None
    active: bool | None = None


@router.patch("/users/{username}", response_model=UserPublic, responses={**ERRORS, 404: {"model": ErrorBody}})
def update_user(username: Username, data: UserUpdate, request: Request, session: DB, user: CurrentUser):
    """Change role, scope or active flag (admin only; audited)."""
    check_csrf(request, None)
    auth.restrict(user, auth.Action.ADMIN)
    target = _user(session, username)
    auth.update_user(session, target, role=data.role, division_code=data.division_code, active=data.active, by=user,
                     request_id=request_id(request))  # fmt: skip
    return auth.user_snapshot(target)


class PasswordChange(BaseModel):
    current_password: Annotated[str, Field(min_length=1, max_length=256)]
    new_password: Annotated[str, Field(min_length=1, max_length=auth.PASSWORD_MAX)]


class PasswordReset(BaseModel):
    new_password: Annotated[str, Field(min_length=1, max_length=auth.PASSWORD_MAX)]


@router.post("/account/password", responses=ERRORS)
def change_own_password(
    data: PasswordChange, request: Request, session: DB, user: CurrentUser
) -> dict[str, str]:
    """Change one's own password: the current one is required, the new one meets the policy
    (``auth.check_password``: 12–128 characters, not breached or common, zxcvbn score ≥ 3). Every other session
    of the account is closed; audited."""
    check_csrf(request, None)
    auth.restrict(user, auth.Action.VIEW)
    assert user is not None
    auth.change_password(session, user, data.new_password, current_password=data.current_password, by=user,
                         keep_session=request.cookies.get(SESSION_COOKIE), request_id=request_id(request))  # fmt: skip
    return {"status": "changed"}


@router.post("/users/{username}/password", responses={**ERRORS, 404: {"model": ErrorBody}})
def reset_password(username: Username, data: PasswordReset, request: Request, session: DB,
                   user: CurrentUser) -> dict[str, str]:  # fmt: skip
    """Set another account's password (admin only; the policy applies; the account's sessions are closed)."""
    check_csrf(request, None)
    auth.restrict(user, auth.Action.ADMIN)
    target = _user(session, username)
    if user is not None and target.id == user.id:
        raise auth.InputErrorLike("修改自己的密码请用 /account/password", "change your own password at /account/password",
                                  None)  # fmt: skip
    auth.change_password(session, target, data.new_password, by=user, request_id=request_id(request))
    return {"status": "changed"}


class TokenCreate(BaseModel):
    name: Annotated[str, Field(max_length=128)] = ""
    days: Annotated[int, Field(ge=1, le=auth.TOKEN_MAX_DAYS)] = auth.TOKEN_DAYS


def _token_public(t: ApiToken) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "created_at": t.created_at.isoformat() if t.created_at else None,
            "expires_at": t.expires_at.isoformat() if t.expires_at else None, "revoked": t.revoked,
            "live": auth.token_live(t)}  # fmt: skip


@router.post("/tokens", status_code=201, responses=ERRORS)
def create_token(data: TokenCreate, request: Request, session: DB, user: CurrentUser) -> dict[str, str]:
    """A new API token for the current user (shown once), valid ``days`` days (default 90, at most 365)."""
    check_csrf(request, None)
    auth.restrict(user, auth.Action.VIEW)
    assert user is not None
    return {"token": auth.create_token(session, user, data.name, days=data.days)}


@router.get("/tokens", responses=ERRORS)
def list_tokens(session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100) -> dict[str, Any]:
    """The current user's API tokens (never their values): name, created, expires, revoked."""
    auth.restrict(user, auth.Action.VIEW)
    assert user is not None
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()
    return paged([_token_public(t) for t in rows], page, limit)


@router.delete("/tokens/{token_id}", responses={**ERRORS, 404: {"model": ErrorBody}})
def revoke_token(token_id: Annotated[int, PathParam(ge=1)], request: Request, session: DB,
                 user: CurrentUser) -> dict[str, Any]:  # fmt: skip
    """Revoke a token at once: one's own, or any token for an administrator (audited)."""
    check_csrf(request, None)
    auth.restrict(user, auth.Action.VIEW)
    assert user is not None
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not auth.allowed(user, auth.Action.ADMIN)):
        raise HTTPException(404, {"message_zh": "找不到该令牌", "message_en": "no such token"})
    return _token_public(auth.revoke_token(session, token, by=user, request_id=request_id(request)))


@router.get("/audit", responses=ERRORS)
def list_audit(session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100) -> dict[str, Any]:
    auth.restrict(user, auth.Action.ADMIN)
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).all()
    return paged([{"at": e.at.isoformat(), "username": e.username, "action": e.action, "object_type": e.object_type,
                   "object_key": e.object_key, "division_code": e.division_code, "before": e.before,
                   "after": e.after, "request_id": e.request_id, "note": e.note} for e in rows], page, limit)  # fmt: skip
