"""``explain`` lists the import ids its lineage names, with the lake's provenance of each (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select

from pioneer.assessment import service
from pioneer.db import make_engine, session_scope, upgrade
from pioneer.indicators import store
from pioneer.indicators.models import IndicatorValue
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake

CSV = "station,time,so2,no2,co,o3,pm10,pm2_5\n" + "".join(
    f"1001A,2024-01-01T{h:02d}:00,5,20,0.5,40,50,30\n" for h in range(1, 6)
)


def test_explain_names_lake_imports_of_the_lineage(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    src = tmp_path / "hourly.csv"
    src.write_text(CSV, encoding="utf-8")
    (rec,) = ingest(src, lake=lake)
    assert rec.status == "committed"
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    f = pd.DataFrame({"division_code": ["110000"], "indicator": ["air_pm2_5"], "year": [2024], "value": [30.0],
                      "edition": ["2012"], "unit": ["µg/m³"], "method": ["test"]})  # fmt: skip
    f["lineage"] = [{"inputs": {"lake_imports": [rec.import_id, "gone-1"]}}]
    with session_scope(eng) as s:
        store.save_values(s, f, source_kind="computed")
    with session_scope(eng) as s:
        vid = s.execute(select(IndicatorValue.id)).scalar_one()
        e = service.explain(s, vid, lake=lake)
    eng.dispose()
    assert e["import_ids"] == sorted([rec.import_id, "gone-1"])
    by_id = {i["id"]: i for i in e["imports"]}
    lake_rec = by_id[rec.import_id]
    assert lake_rec["kind"] == "lake" and lake_rec["file_name"] == "hourly.csv"
    assert lake_rec["n_rows"] == 5 and len(lake_rec["sha256"]) == 64 and lake_rec["status"] == "committed"
    assert by_id["gone-1"] == {"id": "gone-1", "kind": "missing"}
