"""The permission hook: an actor is a role plus the division codes it is responsible for.

A scope code covers itself and every division beneath it (GB/T 2260 code structure: ``11xxxx`` lies under
``110000``, ``4401xx`` under ``440100``); the programme office has national scope. Web and CLI build an
:class:`Actor` and pass it in; :func:`require` is the single place where the check is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

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
