"""A migrated app database whose registry knows three cross-boundary sections, and a lake holding their water
data (ingested with the lake's own ``water-long`` layout). The values are chosen so that every class and amount
can be worked out by hand (see the tests)."""

from __future__ import annotations

import pandas as pd
import pytest

from pioneer.db import make_engine, session_scope, upgrade
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake
from pioneer.registry.stations.models import Station

# station → (division, upstream, downstream)
SECTIONS = {"刘庄": ("410900", "410900", "371700"), "金鱼石": ("360300", "360300", "430200"),
            "街口": ("341000", "341000", "330100")}  # fmt: skip

# 刘庄 (黄河): 2020 and 2021 every month the same values; 2022 only three months (an invalid year)
LIUZHUANG = {2020: {"化学需氧量": "14", "氨氮": "0.30", "总磷": "0.10"},
             2021: {"化学需氧量": "12", "氨氮": "0.25", "总磷": "0.09"}}  # fmt: skip
# 金鱼石 (渌水) 2020, NH3-N by month (None = no sample): II II III IV III II — III III V II II
JINYUSHI = [0.4, 0.4, 0.9, 1.2, 0.9, 0.4, None, 0.9, 0.9, 1.8, 0.4, 0.4]
# 街口 (新安江) 2013, every month
JIEKOU = {"高锰酸盐指数": "1.8", "氨氮": "0.12", "总磷": "0.03", "总氮": "1.1"}


def water_rows() -> pd.DataFrame:
    rows = []
    for year, items in LIUZHUANG.items():
        for m in range(1, 13):
            rows += [("刘庄", f"{year}-{m:02d}-10", i, v, "mg/L") for i, v in items.items()]
    rows += [
        ("刘庄", f"2022-{m:02d}-10", i, v, "mg/L") for m in (1, 2, 3) for i, v in LIUZHUANG[2021].items()
    ]
    rows += [
        ("金鱼石", f"2020-{m:02d}-05", "氨氮", str(v), "mg/L")
        for m, v in enumerate(JINYUSHI, 1)
        if v is not None
    ]
    for m in range(1, 13):
        rows += [("街口", f"2013-{m:02d}-15", i, v, "mg/L") for i, v in JIEKOU.items()]
    return pd.DataFrame(rows, columns=["section", "time", "item", "value", "unit"])


@pytest.fixture
def world(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("PIONEER_HOME", str(home))
    url = f"sqlite:///{home / 'pioneer.db'}"
    home.mkdir()
    monkeypatch.setenv("PIONEER_DATABASE_URL", url)
    upgrade(url)
    eng = make_engine(url)
    lake = Lake(home / "lake")
    f = tmp_path / "water.csv"
    water_rows().to_csv(f, index=False)
    assert ingest([f], lake=lake, layout="water-long")[0].rows_rejected == 0
    with session_scope(eng) as s:
        for code, (div, up, down) in SECTIONS.items():
            s.add(Station(code=code, name=f"{code}断面", medium="water", division_code=div, longitude=115.0,
                          latitude=35.0, datum="CGCS2000", water_body="river", cross_boundary=True,
                          upstream_division_code=up, downstream_division_code=down, source="test"))  # fmt: skip
    yield eng, lake
    eng.dispose()
