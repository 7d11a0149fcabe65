"""API tokens expire and can be revoked (ASVS V3.5): a new token carries an expiry (default 90 days, 1–365),
an expired or revoked token is refused at once (401), owners list and revoke their own tokens, an administrator
any; revocations are audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from pioneer.web.models import ApiToken, AuditEntry


def _new(client, headers, **body):
    r = client.post("/api/v1/tokens", json={"name": "t", **body}, headers=headers)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_new_token_expires_and_is_listed(client, tokens):
    mine = _new(client, tokens("viewer"), name="script", days=30)
    assert client.get("/api/v1/users/me", headers=mine).status_code == 200
    listed = client.get("/api/v1/tokens", headers=mine).json()["results"]
    token = next(t for t in listed if t["name"] == "script")
    expires = dt.datetime.fromisoformat(token["expires_at"])
    expires = expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)
    assert dt.timedelta(days=29) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    assert token["live"] and not token["revoked"] and "token" not in token


def test_lifetime_bounds(client, tokens):
    for days in (0, 366, -1):
        r = client.post("/api/v1/tokens", json={"days": days}, headers=tokens("viewer"))
        assert r.status_code == 422


def test_expired_token_refused(app, client, tokens):
    mine = _new(client, tokens("viewer"), name="old")
    with app.state.session_factory() as s, s.begin():
        s.execute(update(ApiToken).where(ApiToken.name == "old").values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))  # fmt: skip
    r = client.get("/api/v1/users/me", headers=mine)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]["message_en"]


def test_owner_revokes_at_once_and_is_audited(app, client, tokens):
    mine = _new(client, tokens("huzhou"), name="to-revoke")
    tid = next(
        t["id"]
        for t in client.get("/api/v1/tokens", headers=mine).json()["results"]
        if t["name"] == "to-revoke"
    )
    r = client.delete(f"/api/v1/tokens/{tid}", headers=mine)
    assert r.status_code == 200 and r.json()["revoked"] and not r.json()["live"]
    assert client.get("/api/v1/users/me", headers=mine).status_code == 401
    with app.state.session_factory() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "revoke", AuditEntry.object_key == str(tid))
        ).one()
        assert entry.username == "huzhou"


def test_others_tokens(client, tokens):
    theirs = _new(client, tokens("zhejiang"), name="theirs")
    tid = next(
        t["id"]
        for t in client.get("/api/v1/tokens", headers=theirs).json()["results"]
        if t["name"] == "theirs"
    )
    assert client.delete(f"/api/v1/tokens/{tid}", headers=tokens("huzhou")).status_code == 404  # not yours
    assert client.get("/api/v1/users/me", headers=theirs).status_code == 200
    assert (
        client.delete(f"/api/v1/tokens/{tid}", headers=tokens("admin")).status_code == 200
    )  # the office may
    assert client.get("/api/v1/users/me", headers=theirs).status_code == 401
    assert client.delete("/api/v1/tokens/999999", headers=tokens("admin")).status_code == 404
    assert client.get("/api/v1/tokens").status_code == 401
