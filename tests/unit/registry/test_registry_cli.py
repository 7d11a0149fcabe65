"""The registry's command line (SQLite under a temporary PIONEER_HOME)."""

from __future__ import annotations

from typer.testing import CliRunner

from pioneer.cli import app


def test_cli_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path))
    monkeypatch.delenv("PIONEER_DATABASE_URL", raising=False)
    run = CliRunner().invoke
    assert run(app, ["db", "init"]).exit_code == 0
    out = run(app, ["divisions", "recode", "110103"])
    assert out.exit_code == 0 and "= 110101 东城区" in out.output
    bad = run(app, ["divisions", "show", "110103", "--date", "2015"])
    assert bad.exit_code == 1 and "不在用" in bad.output
    args = ["zones", "add", "PZ-1", "--name", "安吉", "--tier", "county", "--division", "330523"]
    assert run(app, [*args, "--as-role", "zone", "--scope", "330523"]).exit_code == 0
    wrong = run(app, ["zones", "transition", "PZ-1", "approved"])
    assert wrong.exit_code == 1 and "cannot move to" in wrong.output
    assert (
        run(
            app, ["zones", "transition", "PZ-1", "recommended", "--as-role", "province", "--scope", "330000"]
        ).exit_code
        == 0
    )
    assert "draft → recommended" in run(app, ["zones", "history", "PZ-1"]).output
    csv = tmp_path / "s.csv"
    csv.write_text(
        "station_code,name,medium,division_code,longitude,latitude,datum,air_class\nX,甲,air,110101,2.3,48.8,WGS84,national\n",
        encoding="utf-8",
    )
    failed = run(app, ["stations", "import", str(csv)])
    assert failed.exit_code == 1 and "第 2 行" in failed.output and "longitude" in failed.output
    assert "1012A" in run(app, ["stations", "list", "--within", "110000"]).output
