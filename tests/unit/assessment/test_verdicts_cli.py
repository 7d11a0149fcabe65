"""``pioneer verdicts set`` on CSV files: CWQI change ranking (water equivalent of the 2017 方案) and bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app

runner = CliRunner()


def test_cwqi_improvement_ranking(tmp_path: Path) -> None:
    # CWQI (lower is better): rates −20.0, −5.0, +10.0, +3.3 % → most improved 320100; worst 320300
    src = tmp_path / "cwqi.csv"
    pd.DataFrame({"city": ["320100", "320200", "320300", "320400"], "cwqi": [4.0, 3.8, 5.5, 3.1],
                  "cwqi_base": [5.0, 4.0, 5.0, 3.0]}).to_csv(src, index=False)  # fmt: skip
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["verdicts", "set", str(src), "--code", "city", "--value", "cwqi", "--baseline",
                            "cwqi_base", "--better", "lower", "--rule", "top-n:1", "-o", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    o = pd.read_csv(out, dtype={"city": str}).set_index("city")
    assert list(o["change_rate"]) == pytest.approx([-20.0, -5.0, 10.0, 3.3])
    assert o.loc["320100", "leads_improvement"] and not o.loc["320200", "leads_improvement"]
    assert o.loc["320300", "lags_improvement"] and o.loc["320400", "leading"]  # 3.1 is the best CWQI


@pytest.mark.parametrize(
    ("rows", "args", "fragment"),
    [
        ([["320100", "x"]], [], "not a number"),
        ([["320100", "1"], ["320100", "2"]], [], "duplicate division code"),
        ([["", "1"]], [], "division code is empty"),
        ([["320100", "1"]], ["--rule", "best:2"], "rule must be"),
    ],
)
def test_bad_input_is_located_and_nothing_written(tmp_path: Path, rows, args, fragment) -> None:
    src = tmp_path / "s.csv"
    pd.DataFrame(rows, columns=["division_code", "value"]).to_csv(src, index=False)
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["verdicts", "set", str(src), "--value", "value", "-o", str(out), *args])
    assert r.exit_code != 0 and fragment in " ".join(r.output.split())
    assert not out.exists()


def test_missing_column(tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("division_code,v\n110000,1\n", encoding="utf-8")
    r = runner.invoke(app, ["verdicts", "set", str(src), "--value", "value", "-o", str(tmp_path / "o.csv")])
    assert r.exit_code == 1 and "missing columns: value" in r.output


def test_tier_needs_a_known_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "home"))
    r = runner.invoke(app, ["verdicts", "tier", "--level", "region", "--year", "2024"])
    assert r.exit_code == 1 and "level must be province, city or county" in r.output and "级别" in r.output
