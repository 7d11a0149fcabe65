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
