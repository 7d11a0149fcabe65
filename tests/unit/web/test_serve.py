"""``pioneer serve``: migrates once, then hands uvicorn the app factory with the C parser, uvloop, a long
keep-alive and the requested number of workers; the factory builds a working app."""

from __future__ import annotations

from pathlib import Path

import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pioneer.cli import app as cli


def test_serve_runs_uvicorn_with_the_factory(tmp_path: Path, monkeypatch):
    calls = []
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append((a, kw)))
    result = CliRunner().invoke(cli, ["serve", "--port", "8123", "--workers", "2", "--no-access-log"])
    assert result.exit_code == 0, result.output
    (target,), kw = calls[0]
    assert target == "pioneer.web.app:serving_app" and kw["factory"] is True
    assert kw["workers"] == 2 and kw["port"] == 8123 and kw["host"] == "127.0.0.1"
    assert kw["http"] == "httptools" and kw["loop"] == "uvloop" and kw["timeout_keep_alive"] >= 60
    assert kw["access_log"] is False
    assert (tmp_path / "home" / "pioneer.db").exists()  # migrated before the workers start
    from pioneer.web.app import serving_app

    with TestClient(serving_app(), base_url="http://127.0.0.1") as client:
        assert client.get("/healthz").text == "ok"
        assert client.get("/api/v1/overview").status_code == 200
