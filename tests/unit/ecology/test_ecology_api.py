"""The ecology API: reads need a login, writes are refused outside the user's scope (403, nothing written), bad
rows answer 422 with located errors, accepted writes are audited with the request's user."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator:
    old = os.environ.get("PIONEER_HOME")
    os.environ["PIONEER_HOME"] = str(tmp_path_factory.mktemp("ecology-home"))
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.web.app import create_app
    from pioneer.web.demo import seed_accounts

    upgrade()
    engine = make_engine()
    with session_scope(engine) as s:
        seed_accounts(s)
    engine.dispose()
    yield create_app(migrate=False)
    if old is None:
        os.environ.pop("PIONEER_HOME", None)
    else:
        os.environ["PIONEER_HOME"] = old


def token(app, username):
    from pioneer.web import auth
    from pioneer.web.models import User

    with app.state.session_factory() as s, s.begin():
        user = s.scalar(select(User).where(User.username == username))
        return {"Authorization": f"Bearer {auth.create_token(s, user, 'test')}"}


POND = {"code": "HZ-T1", "name": "某尾矿库", "division_code": "330502", "supervision_class": "1",
        "class_document": "浙江省 2025 年清单", "status": "operating"}  # fmt: skip


def test_scope_validation_and_audit(app):
    from pioneer.web.models import AuditEntry

    c = TestClient(app, base_url="http://127.0.0.1")
    assert c.get("/api/v1/ecology/tailings_ponds").status_code == 401
    beijing, huzhou = token(app, "beijing"), token(app, "huzhou")
    r = c.post("/api/v1/ecology/tailings_ponds", json=[POND], headers=beijing)
    assert r.status_code == 403 and "330502" in r.json()["detail"]["message_zh"]
    bad = c.post("/api/v1/ecology/tailings_ponds", json=[{**POND, "supervision_class": "4"}], headers=huzhou)
    assert bad.status_code == 422 and "环境监管级别" in bad.json()["detail"]["message_zh"]
    assert c.get("/api/v1/ecology/tailings_ponds", headers=huzhou).json()["meta"]["found"] == 0
    ok = c.post("/api/v1/ecology/tailings_ponds", json=[POND], headers=huzhou)
    assert ok.status_code == 201 and ok.json() == {"saved": 1}
    listed = c.get("/api/v1/ecology/tailings_ponds", params={"division": "330000"}, headers=huzhou).json()
    assert listed["results"][0]["division"] == "330502"
    with app.state.session_factory() as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "ecology.tailings_ponds"))
        assert (e.username, e.action, e.object_key, e.division_code) == (
            "huzhou",
            "create",
            "HZ-T1",
            "330502",
        )
    hw = c.get("/api/v1/ecology/indicators/tailings", params={"year": 2025}, headers=huzhou)
    assert hw.status_code == 200 and hw.json()["details"][0]["code"] == "HZ-T1"
    assert (
        c.delete("/api/v1/ecology/tailings_ponds", params={"key": "HZ-T1"}, headers=beijing).status_code
        == 403
    )
    assert (
        c.delete("/api/v1/ecology/tailings_ponds", params={"key": "HZ-T1"}, headers=huzhou).status_code == 204
    )
    xlsx = c.get("/api/v1/ecology/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
