"""CLI: pioneer ingest / lake status / export."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pioneer.cli import app


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PIONEER_LAKE_URL", raising=False)
    return tmp_path


def test_cli_ingest_status_export(home: Path, lake_data: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(lake_data / "uci_dongsi_200.csv")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["lake", "status"])
    assert r.exit_code == 0 and "│ 200 " in r.output
    out = home / "out.csv"
    r = runner.invoke(app, ["export", str(out), "--medium", "air", "--division", "110000", "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").count("\n") == 201


def test_cli_rejected_file_exits_nonzero_with_report(home: Path) -> None:
    bad = home / "bad.csv"
    bad.write_text("station,time,so2\n1001A,2024-01-01T01:00,x\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["ingest", str(bad), "--report-dir", str(home / "reports")])
    assert r.exit_code == 1
    reports = sorted(p.suffix for p in (home / "reports").iterdir())
    assert reports == [".csv", ".json"]
