"""Checked uploads never confirmed expire (``PIONEER_UPLOAD_EXPIRY_HOURS``, default 24 h): removed at the next
upload, and confirming one after its expiry answers "not found" with nothing imported."""

from __future__ import annotations

import os
import time

from pioneer.web.services import uploads_dir

CSV = b"station,time,pm2_5\n1001A,2025-01-01 01:00,3\n"


def _upload(client, tokens) -> str:
    r = client.post("/api/v1/imports", files={"file": ("a.csv", CSV, "text/csv")}, headers=tokens("admin"))
    assert r.status_code == 200 and r.json()["upload_id"], r.text
    return r.json()["upload_id"]


def _age(upload_id: str, hours: float) -> None:
    old = time.time() - hours * 3600
    folder = uploads_dir() / upload_id
    for p in (folder / "owner.json", folder):
        os.utime(p, (old, old))


def test_expired_upload_cannot_be_confirmed(client, tokens):
    uid = _upload(client, tokens)
    _age(uid, 25)
    r = client.post(f"/api/v1/imports/{uid}/confirm", headers=tokens("admin"))
    assert r.status_code == 422 and "not found" in r.json()["detail"]["message_en"]


def test_expired_uploads_removed_at_next_upload(client, tokens):
    old, fresh = _upload(client, tokens), _upload(client, tokens)
    _age(old, 25)
    _age(fresh, 23)
    newest = _upload(client, tokens)
    assert not (uploads_dir() / old).exists()
    assert (uploads_dir() / fresh).exists() and (uploads_dir() / newest).exists()


def test_periodic_task_with_fake_clock(client, tokens):
    """The server's pruner removes expired uploads with no new upload: a fake clock 25 h ahead expires the one
    made now; at 23 h it stays."""
    from pioneer.web.services import UploadPruner

    uid = _upload(client, tokens)
    now = time.time()
    assert uid not in UploadPruner(clock=lambda: now + 23 * 3600).tick()
    assert (uploads_dir() / uid).exists()
    pruner = UploadPruner(clock=lambda: now + 25 * 3600)
    assert uid in pruner.tick() and not (uploads_dir() / uid).exists()


def test_pruner_runs_while_the_app_serves(app, tokens):
    """The app's lifespan starts the pruner (a daemon thread) and stops it at shutdown."""
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1") as live:
        pruner = app.state.upload_pruner
        assert pruner._thread is not None and pruner._thread.is_alive()
        uid = _upload(live, tokens)
        _age(uid, 25)
        pruner.tick()  # what the thread does every interval
        assert not (uploads_dir() / uid).exists()
    assert pruner._thread is None


def test_cli_prune(client, tokens, home):
    from typer.testing import CliRunner

    from pioneer.cli import app as cli

    old, fresh = _upload(client, tokens), _upload(client, tokens)
    _age(old, 25)
    out = CliRunner().invoke(cli, ["uploads", "prune"])
    assert out.exit_code == 0, out.output
    assert old in out.output and fresh not in out.output
    assert not (uploads_dir() / old).exists() and (uploads_dir() / fresh).exists()
