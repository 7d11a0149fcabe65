"""``pioneer lake backfill-sitedays`` (issue 20): imports made before site-days were kept at ingest get them,
under the lake's commit (the record rewritten last) — equal to the values computed from the hours, also when
a later import (with site-days) corrected some of the old days, a station moved, and a validated import exists."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_scale_stationdays import STATIONS, _hours, _same, _sorted, _write
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.lake import stationdays
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake


def _without_site_days(monkeypatch: pytest.MonkeyPatch, lake: Lake, frame: pd.DataFrame, path: Path,
                       **kw: str) -> None:  # fmt: skip
    monkeypatch.setattr(stationdays, "attach", lambda lake, record, con=None: None)  # an older Pioneer
    (r,) = ingest(_write(frame, path), lake=lake, **kw)
    monkeypatch.undo()
    assert r.status == "committed" and "site_day_files" not in r.record


def test_backfill_equals_the_hours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lake = Lake(tmp_path / "lake")
    a = _hours(STATIONS, "2024-12-30T01:00", 24 * 4, seed=11)  # over a year end
    _without_site_days(monkeypatch, lake, a, tmp_path / "a.csv")
    val = a[(a.station == "1001A") & a.time.str.startswith("2024-12-31")].copy()
    val["so2"] = 3.0
    _without_site_days(monkeypatch, lake, val, tmp_path / "val.csv", status="validated")
    # a newer import, with site-days: corrects a day of the old import and moves 1003A to another city
    fix = a[(a.station.isin(["1002A", "1003A"])) & a.time.str.startswith("2025-01-01")].copy()
    fix["pm2_5"] = 400.0
    fix.loc[fix.station == "1003A", "city"] = "130100"
    (r,) = ingest(_write(fix, tmp_path / "fix.csv"), lake=lake)
    assert r.record["site_day_files"]
    assert not stationdays.present(lake)
    from_hours = _sorted(stationdays.site_days(lake, stored=False))

    done = stationdays.backfill(lake)
    assert len(done) == 2  # the two older imports, oldest first
    assert done == sorted(done)
    assert stationdays.present(lake)
    records = {x["import_id"]: x for x in lake.committed()}
    for import_id in done:
        assert records[import_id]["site_day_files"] and records[import_id]["site_days_backfilled_at"]
        for f in records[import_id]["site_day_files"]:
            assert lake.exists(f)
    kept = _same(lake)  # the stored site-days equal the values computed from the hours
    pd.testing.assert_frame_equal(kept, from_hours, check_dtype=False)
    assert stationdays.backfill(lake) == []  # nothing left to do
    # a later correction on top of backfilled days keeps both consistent
    more = a[(a.station == "1001A") & a.time.str.startswith("2024-12-30")].copy()
    more["no2"] = np.nan
    ingest(_write(more, tmp_path / "more.csv"), lake=lake)
    _same(lake)


def test_backfill_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("PIONEER_HOME", str(home))
    lake = Lake()
    assert str(home) in str(lake.root)
    _without_site_days(
        monkeypatch, lake, _hours(STATIONS, "2025-05-01T01:00", 48, seed=12), tmp_path / "a.csv"
    )
    monkeypatch.setenv("PIONEER_HOME", str(home))
    before = _sorted(stationdays.site_days(lake, stored=False))
    out = CliRunner().invoke(app, ["lake", "backfill-sitedays"])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())  # rich wraps long lines
    assert "1 imports backfilled" in said and "site-days present" in said
    pd.testing.assert_frame_equal(_sorted(stationdays.site_days(lake, stored=True)), before)
    again = CliRunner().invoke(app, ["lake", "backfill-sitedays"])
    assert again.exit_code == 0 and "0 imports backfilled" in " ".join(again.output.split())
