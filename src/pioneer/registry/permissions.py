"""The permission hook: an actor is a role plus the division codes it is responsible for.

A scope code covers itself and every division beneath it (GB/T 2260 code structure: ``11xxxx`` lies under
``110000``, ``4401xx`` under ``440100``); the programme office has national scope. Web and CLI build an
:class:`Actor` and pass it in; :func:`require` is the single place where the check is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.orm import Session

from pioneer.db import audit as audit_log
from pioneer.registry.errors import PermissionDeniedError
from pioneer.standards.divisions import covers


class Role(StrEnum):
    PROGRAMME_OFFICE = "programme_office"  # 国家推进办 (national programme office)
    PROVINCE = "province"  # 省级主管部门
    ZONE = "zone"  # 先行区自身 (the zone's own administration)
    VIEWER = "viewer"

    @property
    def label_zh(self) -> str:
        return {
            "programme_office": "国家推进办",
            "province": "省级主管部门",
            "zone": "先行区",
            "viewer": "查看者",
        }[self.value]


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    division_codes: tuple[str, ...] = field(default_factory=tuple)
    user_id: int | None = None  # the web account, when there is one (copied into the audit log)
    request_id: str = ""  # the web request, when there is one (copied into the audit log)

    def covers(self, code: str) -> bool:
        """Whether ``code`` lies in the actor's scope (the programme office covers everything)."""
        if self.role is Role.PROGRAMME_OFFICE:
            return True
        return any(scope_covers(scope, code) for scope in self.division_codes)


scope_covers = covers
"""GB/T 2260 containment (:func:`pioneer.standards.divisions.covers`), under the name callers know."""


def require(actor: Actor, roles: Iterable[Role], division_codes: Iterable[str], action: str) -> None:
    """Raise :class:`PermissionDeniedError` unless the actor has one of ``roles`` and covers every code."""
    roles = set(roles)
    if actor.role not in roles:
        allowed = "、".join(r.label_zh for r in sorted(roles))
        allowed_en = ", ".join(sorted(r.value for r in roles))
        raise PermissionDeniedError(
            f"角色 “{actor.role.label_zh}” 无权执行 “{action}”（允许：{allowed}）",
            f"role '{actor.role.value}' may not perform '{action}' (allowed: {allowed_en})",
        )
    outside = [c for c in division_codes if not actor.covers(c)]
    if outside:
        raise PermissionDeniedError(
            f"用户 {actor.username} 的管辖范围不包括 {', '.join(outside)}，不能执行 “{action}”",
            f"user {actor.username} has no scope over {', '.join(outside)} for '{action}'",
        )


def audit(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_key: str,
    division_code: str | None,
    before: dict | None,
    after: dict | None,
    *,
    note: str = "",
) -> None:
    """Record a change made by ``actor`` in the audit log (:func:`pioneer.db.audit.write`). Services call it for
    every change they make, so a change is recorded whoever calls them."""
    audit_log.write(session, user_id=actor.user_id, username=actor.username, request_id=actor.request_id,
                    action=action, object_type=object_type, object_key=object_key, division_code=division_code,
                    before=before, after=after, note=note)  # fmt: skip


def auditor(session: Session, actor: Actor) -> Callable[..., None]:
    """A ``record(action, object_type, key, division_code, before, after)`` writer bound to ``session`` and
    ``actor``: the default of the services that take a ``record`` argument."""

    def record(action: str, object_type: str, key: str, division_code: str | None, before: dict | None,
               after: dict | None) -> None:  # fmt: skip
        audit(session, actor, action, object_type, key, division_code, before, after)

    return record
