"""The plans service writes the audit log itself: a change made without a ``record`` writer is recorded with
the actor's user id, username and request id, and before/after snapshots (pioneer.db.audit)."""

from __future__ import annotations

from dataclasses import replace

from plans_actors import BEIJING, Recorder
from sqlalchemy import func, select
from test_plans_service import plan_body

from pioneer.db.audit import AuditEntry
from pioneer.plans import service
from pioneer.plans.schemas import PlanUpdate


def _last(session) -> int:
    return session.scalar(select(func.max(AuditEntry.id))) or 0


def _entries(session, key: str, after: int) -> list[AuditEntry]:
    """Audit entries of plan ``key`` written after entry id ``after`` (plan ids are reused after a delete)."""
    query = select(AuditEntry).where(AuditEntry.object_type == "plan", AuditEntry.object_key == key)
    return list(session.scalars(query.where(AuditEntry.id > after).order_by(AuditEntry.id)).all())


def test_changes_are_audited_without_the_caller_asking(session):
    actor = replace(BEIJING, user_id=7, request_id="req-1")
    start = _last(session)
    p = service.create_plan(session, plan_body(), actor=actor)
    service.update_plan(session, p.id, PlanUpdate(status="adopted"), actor=actor)
    service.delete_plan(session, p.id, actor=actor)
    entries = _entries(session, str(p.id), start)
    got = [(e.action, e.username, e.user_id, e.request_id, e.division_code) for e in entries]
    assert got == [(a, "bj", 7, "req-1", "110000") for a in ("create", "update", "delete")]
    create, update, delete = entries
    assert create.before is None and create.after["title"] == plan_body().title
    assert update.before["status"] == "draft" and update.after["status"] == "adopted"
    assert delete.after is None and delete.before["status"] == "adopted"


def test_a_callers_own_writer_replaces_the_default(session):
    rec = Recorder()
    start = _last(session)
    p = service.create_plan(session, plan_body(), actor=BEIJING, record=rec)
    assert [r[0] for r in rec] == ["create"] and _entries(session, str(p.id), start) == []
