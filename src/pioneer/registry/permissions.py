"""The permission hook: an actor is a role plus the division codes it is responsible for.

:class:`Role` is the one role vocabulary: an account's role in the web app is also the role of the actor it acts
as in the services. The services check *offices* — the programme office (admin, reviewer), the province
(province editor), the zone's own administration (city and county editors), the viewer — so a service names a
set of roles by one member of each office (``Role.PROGRAMME_OFFICE``, ``Role.PROVINCE``, ``Role.ZONE`` are those
members' office names) and every role of that office passes. What each role may do, action by action, is
``pioneer.web.auth.GRANTS``.

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
    """An account's role (stored in ``web_user.role``) and the actor's role in the services."""

    ADMIN = "admin"  # 国家推进办管理员: everything, including users and the audit log
    REVIEWER = "reviewer"  # 国家推进办评审: reads everything, takes the programme office's review steps
    PROVINCE_EDITOR = "province_editor"  # 省级主管部门 (scope xx0000)
    CITY_EDITOR = "city_editor"  # 先行区（地市）(scope xxxx00 or a municipality)
    COUNTY_EDITOR = "county_editor"  # 先行区（县）(scope xxxxxx)
    VIEWER = "viewer"  # 查看者
    # the offices under the names the services have used: aliases of the role standing for each office
    PROGRAMME_OFFICE = "admin"
    PROVINCE = "province_editor"
    ZONE = "city_editor"

    @classmethod
    def _missing_(cls, value: object) -> Role | None:
        """The office names of the command line (``--as-role programme_office|province|zone``)."""
        return {"programme_office": cls.ADMIN, "province": cls.PROVINCE_EDITOR, "zone": cls.CITY_EDITOR}.get(
            str(value)
        )

    @property
    def office(self) -> str:
        """``programme_office``, ``province``, ``zone`` or ``viewer``."""
        return OFFICES[self.value]

    @property
    def label_zh(self) -> str:
        """The office's Chinese name (messages name the office that may act)."""
        return OFFICE_LABELS[self.office]


OFFICES = {"admin": "programme_office", "reviewer": "programme_office", "province_editor": "province",
           "city_editor": "zone", "county_editor": "zone", "viewer": "viewer"}  # fmt: skip
OFFICE_LABELS = {
    "programme_office": "国家推进办",
    "province": "省级主管部门",
    "zone": "先行区",
    "viewer": "查看者",
}


def permitted(actor: Actor, roles: Iterable[Role]) -> bool:
    """Whether the actor's role belongs to the office of one of ``roles``."""
    return actor.role.office in {r.office for r in roles}


def office_names(roles: Iterable[Role]) -> tuple[str, str]:
    """The offices of ``roles`` for a message: (Chinese names joined by 、, English names joined by commas)."""
    offices = sorted({r.office for r in roles})
    return "、".join(OFFICE_LABELS[o] for o in offices), ", ".join(offices)


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    division_codes: tuple[str, ...] = field(default_factory=tuple)
    user_id: int | None = None  # the web account, when there is one (copied into the audit log)
    request_id: str = ""  # the web request, when there is one (copied into the audit log)

    def covers(self, code: str) -> bool:
        """Whether ``code`` lies in the actor's scope (the programme office covers everything)."""
        if self.role.office == "programme_office":
            return True
        return any(scope_covers(scope, code) for scope in self.division_codes)


scope_covers = covers
"""GB/T 2260 containment (:func:`pioneer.standards.divisions.covers`), under the name callers know."""


def require(actor: Actor, roles: Iterable[Role], division_codes: Iterable[str], action: str) -> None:
    """Raise :class:`PermissionDeniedError` unless the actor has one of ``roles`` and covers every code."""
    roles = set(roles)
    if not permitted(actor, roles):
        allowed, allowed_en = office_names(roles)
        raise PermissionDeniedError(
            f"角色 “{actor.role.label_zh}” 无权执行 “{action}”（允许：{allowed}）",
            f"role '{actor.role.value}' ({actor.role.office}) may not perform '{action}' (allowed: {allowed_en})",
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


def recorder(session: Session, actor: Actor, record: Callable[..., None] | None, *,
             unset: Callable[..., None] | None = None) -> Callable[..., None]:  # fmt: skip
    """The audit writer of a service change: the caller's ``record`` when it passed one, else the audit log
    itself (:func:`auditor`) — so every change is recorded without the caller asking (issue 12 item 3).
    ``unset`` is the service's own "no writer given" default (its ``_no_record``)."""
    return auditor(session, actor) if record is None or record is unset else record
