"""``pioneer rank`` / ``assess`` / ``compute`` through the CLI on a fresh PIONEER_HOME."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.db import session_scope
from pioneer.indicators import store
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.stations.models import Station
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.schemas import ZoneCreate

runner = CliRunner()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path))
    monkeypatch.delenv("PIONEER_DATABASE_URL", raising=False)
    monkeypatch.delenv("PIONEER_LAKE_URL", raising=False)
    monkeypatch.delenv("PIONEER_HIDE_RANKS", raising=False)
    return tmp_path


def test_rank_on_an_empty_database_says_so(home):
    r = runner.invoke(app, ["rank", "--indicator", "air_pm2_5", "--year", "2024"])
    assert r.exit_code == 0, r.output
    assert "no indicator values yet" in r.output and "pioneer compute" in r.output
    assert "division_code" not in r.output  # no empty table
    r = runner.invoke(app, ["rank", "--indicator", "air_pm2_5", "--year", "2024", "--tier", "city"])
    assert r.exit_code == 0 and "no indicator values yet" in r.output


def test_rank_unknown_indicator_fails(home):
    r = runner.invoke(app, ["rank", "--indicator", "no_such", "--year", "2024"])
    assert r.exit_code == 1 and "unknown indicator" in r.output


def _seed(home):
    from pioneer.db import make_engine, upgrade

    url = f"sqlite:///{(home / 'pioneer.db').resolve()}"
    upgrade(url)
    eng = make_engine(url)
    f = pd.DataFrame({"division_code": ["130100", "130200"], "indicator": "air_pm2_5", "year": 2024,
                      "value": [34.0, 50.0], "edition": "2012", "unit": "µg/m³"})  # fmt: skip
    with session_scope(eng) as s:
        store.save_values(s, f, source_kind="computed")
        for code, div in (("PZ-A", "130100"), ("PZ-B", "130200")):
            zones.create_zone(s, ZoneCreate(code=code, name_zh=code, tier="city", division_codes=[div],
                                            as_of=dt.date(2024, 6, 1)),
                              actor=Actor("office", Role.PROGRAMME_OFFICE))  # fmt: skip
        s.add(Station(code="N1", name="N1", medium="noise", division_code="130102", longitude=114.5,
                      latitude=38.0, datum="WGS84", noise_zone_class="1", source="test"))  # fmt: skip
    eng.dispose()


def test_rank_and_assess_zones(home):
    _seed(home)
    r = runner.invoke(
        app, ["rank", "--indicator", "air_pm2_5", "--year", "2024", "--tier", "city", "--show-ranks"]
    )
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip().startswith("PZ-")]
    assert [ln.split()[0] for ln in lines] == ["PZ-A", "PZ-B"]
    r = runner.invoke(app, ["rank", "--indicator", "forest_cover", "--year", "2024"])
    assert r.exit_code == 0 and "no values of forest_cover for 2024" in r.output
    r = runner.invoke(app, ["assess", "PZ-A", "--year", "2024", "--show-ranks"])
    assert r.exit_code == 0, r.output
    assert "PZ-A" in r.output and "130100" in r.output and "air_pm2_5" in r.output
    r = runner.invoke(app, ["assess", "PZ-NOPE", "--year", "2024"])
    assert r.exit_code == 1


def test_compute_water_and_noise_from_an_empty_lake(home):
    _seed(home)
    r = runner.invoke(app, ["compute", "--year", "2024", "--medium", "noise", "--medium", "water"])
    assert r.exit_code == 0, r.output
    assert "no lake data" in r.output
    r = runner.invoke(app, ["compute", "--year", "2024", "--medium", "soil"])
    assert r.exit_code == 1 and "soil" in r.output


def test_compute_noise_from_the_lake_and_assess_a_region_zone(home, tmp_path):
    from pioneer.lake.ingest import ingest
    from pioneer.lake.storage import Lake

    _seed(home)
    # N1 (class 1 in the registry, 55/45 dB(A)): 2024-03-01 day 54.0 (ok), night 46.0 (> 45, not ok)
    times = [dt.datetime(2024, 3, 1, 7) + dt.timedelta(hours=h) for h in range(24)]
    f = pd.DataFrame({"point": "N1", "zone_class": "1", "time": [t.strftime("%Y-%m-%d %H:%M") for t in times],
                      "leq": [54.0] * 16 + [46.0] * 8})  # fmt: skip
    f.to_csv(tmp_path / "n.csv", index=False)
    assert ingest([tmp_path / "n.csv"], lake=Lake(home / "lake"), layout="noise")[0].rows_rejected == 0
    r = runner.invoke(app, ["compute", "--year", "2024", "--medium", "noise"])
    assert r.exit_code == 0, r.output
    out = {ln.split()[1]: ln.split() for ln in r.output.splitlines() if ln.strip().startswith("130100")}
    assert "100.0" in out["noise_day_compliance"] and "0.0" in out["noise_night_compliance"]
    with session_scope() as s:
        zones.create_zone(s, ZoneCreate(code="PZ-R", name_zh="PZ-R", tier="region", division_codes=["130100", "130200"],
                                        as_of=dt.date(2024, 6, 1)), actor=Actor("office", Role.PROGRAMME_OFFICE))  # fmt: skip
    rep = tmp_path / "zone.csv"
    rep.write_text(
        "zone_code,indicator,year,value,unit,source_document\nPZ-R,forest_cover,2024,33.3,%,公报\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["assess", "PZ-R", "--year", "2024", "--zone-reported", str(rep)])
    assert r.exit_code == 0, r.output
    lines = {ln.split()[0]: ln for ln in r.output.splitlines() if ln.strip()}
    assert "33.3" in lines["forest_cover"] and "reported-for-zone" in lines["forest_cover"]
    assert "noise_day_compliance" not in lines  # not an indicator of the region tier in the catalogue
    # … but zones of a tier can be ranked on it: the region's pooled points (N1 only) → 100.0 %
    r = runner.invoke(
        app, ["rank", "--indicator", "noise_day_compliance", "--year", "2024", "--tier", "region"]
    )
    assert r.exit_code == 0, r.output
    row = next(ln for ln in r.output.splitlines() if ln.strip().startswith("PZ-R"))
    assert "100.0" in row and "pooled-stations" in row


def test_zone_reported_file_errors_are_located(home, tmp_path):
    _seed(home)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "zone_code,indicator,year,value,unit,source_document\nPZ-A,forest_cover,2024,120,%,公报\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["assess", "PZ-A", "--year", "2024", "--zone-reported", str(bad)])
    assert r.exit_code == 1 and "bad.csv" in r.output and "row 2" in r.output
