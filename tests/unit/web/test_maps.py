"""The vendored map files (static/maps) and the geometry steps of scripts/vendor_assets.py that built them:
prefecture codes current in GB/T 2260 (registry areacodes), the 南海诸岛 inset with 三沙 and the ten dashes,
rectangle clipping and the merge of two adjacent outlines."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]
MAPS = ROOT / "src" / "pioneer" / "web" / "static" / "maps"
spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts" / "vendor_assets.py")
assert spec and spec.loader
va = importlib.util.module_from_spec(spec)
spec.loader.exec_module(va)


def load(name: str) -> dict:
    return json.loads((MAPS / name).read_text(encoding="utf-8"))


def current_codes() -> set[str]:
    codes = pd.read_parquet(ROOT / "src" / "pioneer" / "registry" / "data" / "areacodes.parquet")
    return set(codes.loc[codes["end_year"].isna(), "code"])


def test_prefecture_codes_are_current_except_the_municipalities_and_sars():
    cities = {f["properties"]["code"] for f in load("china-cities.geojson")["features"]}
    wholes = {"110000", "120000", "310000", "500000", "710000", "810000", "820000"}  # drawn as one feature
    assert cities - current_codes() == set()
    assert wholes <= cities
    assert len(cities) == 366
    assert "371200" not in cities and "370100" in cities  # 莱芜 merged into 济南 (2019)


def test_inset_has_sansha_taiwan_and_ten_dashes_inside_its_frame():
    inset = load("south-china-sea.geojson")
    x0, y0, x1, y1 = inset["bbox"]
    kinds = {f["id"]: f["properties"]["kind"] for f in inset["features"]}
    assert kinds["460300"] == "islands" and kinds["710000"] == "land" and kinds["440000"] == "land"
    dashes = [f for f in inset["features"] if f["properties"]["kind"] == "dash"]
    assert len(dashes) == 10
    for f in dashes:
        assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in f["geometry"]["coordinates"])
    # the southernmost dash lies south of 曾母暗沙 (3.97°N, 112.28°E), the island polygons reach it
    south = min(y for f in dashes for _, y in f["geometry"]["coordinates"])
    sansha = next(f for f in inset["features"] if f["id"] == "460300")
    islands_south = min(p[1] for poly in sansha["geometry"]["coordinates"] for p in poly[0])
    assert south < islands_south < 4.0
    # drawn in the main map too: exactly the dashes north of the main map's southern edge (Hainan, 18.14°N)
    assert sorted(f["id"] for f in dashes if f["properties"]["main"]) == ["dash-1", "dash-2"]
    provinces = load("china.geojson")["features"]
    assert len(provinces) == 34 and "710000" in {f["id"] for f in provinces}


def test_clip_ring_to_rectangle():
    square = [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]]
    clipped = va.clip_ring(square, (2.0, 1.0, 10.0, 3.0))
    assert abs(abs(va.ring_area(clipped)) - 4.0) < 1e-9  # 2 × 2 left in the window
    assert va.clip_ring(square, (5.0, 5.0, 6.0, 6.0)) == []
    assert abs(va.ring_area(va.clip_ring(square, (-1.0, -1.0, 5.0, 5.0)))) == pytest.approx(16.0)


def test_merge_adjacent_cancels_the_shared_border():
    # two unit squares side by side, same orientation, sharing the edge x = 1 (with a vertex at its middle)
    left = [[0.0, 0.0], [1.0, 0.0], [1.0, 0.5], [1.0, 1.0], [0.0, 1.0]]
    right = [[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 0.5]]
    merged = va.merge_adjacent(left, right)
    assert abs(va.ring_area(merged)) == pytest.approx(2.0)
    assert [1.0, 0.5] not in merged
    with pytest.raises(ValueError, match="do not share a border"):
        va.merge_adjacent(left, [[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 6.0]])
