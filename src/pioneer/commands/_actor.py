"""What every writing command shares: its database session, the actor it acts as (``--as-role``, ``--as-user``,
``--scope``: the same role and scope check as the web app) and the audit note that names the command-line user.
One home for the registry, plans, ecology, compensation, GEP, events and assess commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from pioneer.registry.permissions import Actor, Role

ROLE = typer.Option("programme_office", "--as-role", help="programme_office | province | zone")
USER = typer.Option("cli", "--as-user", help="username recorded in the audit log")
SCOPE = typer.Option(None, "--scope", help="division code(s) of the actor's scope (repeatable)")


def cli_session(*, migrate: bool = True) -> Any:
    """A session on the configured database (a context manager that commits on success). ``migrate``: bring the
    schema up to date first (the registry's ``db`` commands leave it to ``pioneer db upgrade``)."""
    from pioneer.db import session_scope, upgrade

    if migrate:
        upgrade()
    return session_scope()


def cli_actor(user: str, role: str, scope: list[str] | None) -> Actor:
    """The services' actor of ``--as-user``/``--as-role``/``--scope`` (office names ``zone`` … accepted)."""
    return Actor(user, Role(role), tuple(scope or ()))


def cli_record(session: Any, actor: Actor) -> Callable[..., None]:
    """The audit writer of CLI changes: the audit log, user ``(system)``, the command-line user in the note."""
    from pioneer.db import audit as audit_log

    def record(action: str, object_type: str, key: str, division_code: str | None, before: dict | None,
               after: dict | None) -> None:  # fmt: skip
        audit_log.write(session, user_id=None, username="(system)", request_id="", action=action,
                        object_type=object_type, object_key=key, division_code=division_code, before=before,
                        after=after, note=f"cli --as-user {actor.username} --as-role {actor.role.value}")  # fmt: skip

    return record
