"""The registry's account service (``pioneer.registry.accounts``): accounts created, changed and given a new
password are checked and audited by the service itself (``permissions.audit``: the actor's user and request id),
whoever calls it; only the programme office's administrator (or the system) manages other accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pioneer.db.audit import AuditEntry
from pioneer.errors import PermissionDeniedError
from pioneer.registry import accounts
from pioneer.web import auth

PASSWORD = "quiet-harbour-lantern-42"


def entries(session, key):
    return session.scalars(select(AuditEntry).where(AuditEntry.object_type == "user",
                                                    AuditEntry.object_key == key).order_by(AuditEntry.id)).all()  # fmt: skip


def test_create_change_and_password_audited_by_the_service(session):
    admin = accounts.create_user(session, "acc-admin", PASSWORD, role="admin")  # the system (command line)
    made = accounts.create_user(session, "acc-hz", PASSWORD, role="city_editor", division_code="330500", by=admin,
                                request_id="req-7")  # fmt: skip
    accounts.update_user(
        session, made, role="county_editor", division_code="330523", by=admin, request_id="req-8"
    )
    accounts.change_password(session, made, "another-quiet-lantern-43", by=admin)
    (system,) = entries(session, "acc-admin")
    assert (system.action, system.username, system.user_id) == ("create", "(system)", None)
    create, update, password = entries(session, "acc-hz")
    assert (create.action, create.username, create.user_id, create.request_id) == ("create", "acc-admin", admin.id,
                                                                                    "req-7")  # fmt: skip
    assert create.after["role"] == "city_editor" and "password" not in str(create.after)
    assert (update.before["division_code"], update.after["division_code"], update.request_id) == ("330500", "330523",
                                                                                                  "req-8")  # fmt: skip
    assert password.action == "password" and password.before is None and password.after is None


@pytest.mark.parametrize("role", ["reviewer", "province_editor", "city_editor", "viewer"])
def test_only_the_administrator_manages_other_accounts(session, role):
    code = {"province_editor": "330000", "city_editor": "330500"}.get(role)
    other = accounts.create_user(session, f"acc-{role}", PASSWORD, role=role, division_code=code)
    target = accounts.create_user(session, f"acc-t-{role}", PASSWORD, role="viewer")
    n = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(PermissionDeniedError):
        accounts.create_user(session, f"acc-x-{role}", PASSWORD, role="admin", by=other)
    with pytest.raises(PermissionDeniedError):
        accounts.update_user(session, target, role="admin", by=other)
    with pytest.raises(PermissionDeniedError):
        accounts.change_password(session, target, "another-quiet-lantern-43", by=other)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == n and target.role == "viewer"
    # one's own password, with the current one, is anyone's
    accounts.change_password(session, other, "another-quiet-lantern-43", current_password=PASSWORD, by=other)


def test_the_web_layer_names_the_service():
    """``web.auth`` re-exports the service's functions (one home), it keeps no copy."""
    assert auth.create_user is accounts.create_user and auth.update_user is accounts.update_user
    assert auth.change_password is accounts.change_password and auth.check_password is accounts.check_password
