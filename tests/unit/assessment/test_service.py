"""Service API on a real (SQLite) app database: scorecard, ranking, explain, reported-template round trip."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from pioneer.assessment import service
from pioneer.db import make_engine, session_scope, upgrade
from pioneer.indicators import service as ind_service
from pioneer.indicators import store
from pioneer.indicators.models import IndicatorImport, IndicatorValue
from pioneer.indicators.template import TemplateErrors, write_template

CITIES = ["130100", "130200", "130300", "130400", "130500"]


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    rows = []
    for code, b, c in zip(CITIES, [42, 50, 60, 45, 30], [34, 50, 55, 48, 27], strict=True):
        rows += [(code, "air_pm2_5", 2020, float(b), "2012"), (code, "air_pm2_5", 2024, float(c), "2012")]
    rows += [("130100", "air_good_day_ratio", 2024, 80.0, "2012")]
    f = pd.DataFrame(rows, columns=["division_code", "indicator", "year", "value", "edition"])
    f["unit"], f["method"] = "µg/m³", "test"
    f["lineage"] = [
        {"inputs": {"lake_imports": ["imp-1"]}, "counts": {"valid_days": 350}} for _ in range(len(f))
    ]
    with session_scope(eng) as s:
        store.save_values(s, f, source_kind="computed")
    yield eng
    eng.dispose()


def test_scorecard(engine):
    with session_scope(engine) as s:
        card = service.zone_scorecard(s, "130100", 2024, baseline_year=2020, hide_ranks=False)
        only = service.zone_scorecard(
            s, "130100", 2024, indicators=["air_pm2_5", "air_good_day_ratio"], hide_ranks=True
        )
    rows = {r["indicator"]: r for r in card["indicators"]}
    pm = rows["air_pm2_5"]
    assert pm["value"] == 34.0 and pm["score"] == pytest.approx(82.0)  # 100·(34 − 75)/(25 − 75)
    assert pm["rank"] == 2 and pm["n_peers"] == 5 and pm["percentile"] == pytest.approx(75.0)
    assert pm["trajectory"] == "on_track" and pm["change"] == -8.0  # (42 − 34)/4 = 2 = (42 − 28)/7
    assert pm["target"] == 28 and pm["attained"] is False
    assert rows["forest_cover"]["data_status"] == "missing" and rows["forest_cover"]["score"] is None
    env = next(d for d in card["domains"] if d["domain"] == "environment_quality")
    assert env["domain_status"] == "insufficient-data"  # 2 of many indicators: not scored, not imputed
    assert card["overall"]["overall_score"] is None
    assert any("排名" in n["zh"] for n in card["notes"])
    assert only["overall"]["overall_score"] == pytest.approx((82.0 + 60.0) / 2)
    assert all(r["rank"] is None for r in only["indicators"])


def test_ranking_and_explain(engine):
    with session_scope(engine) as s:
        r = service.ranking(s, "air_pm2_5", "city", 2024, hide_ranks=False)
        assert list(r["division_code"]) == ["130500", "130100", "130400", "130200", "130300"]
        assert list(r["rank"]) == [1, 2, 3, 4, 5]
        e = service.explain_indicator(s, "130100", "air_pm2_5", 2024, baseline_year=2020)
    assert e["lineage"]["counts"]["valid_days"] == 350 and e["edition"] == "2012"
    assert e["definition"]["targets"][0]["year"] == 2027
    assert e["assessment"]["floor"] == 75 and e["assessment"]["trajectory"] == "on_track"


def test_baseline_under_other_edition_is_not_compared(engine):
    with session_scope(engine) as s:
        f = pd.DataFrame({"division_code": ["130100"], "indicator": ["air_pm2_5"], "year": [2026], "value": [30.0],
                          "edition": ["2026"], "unit": ["µg/m³"]})  # fmt: skip
        store.save_values(s, f, source_kind="computed")
        e = service.explain_indicator(s, "130100", "air_pm2_5", 2026, baseline_year=2020)
        assert e["assessment"]["improvement_status"] == "edition-mismatch"
        assert "--edition 2026" in e["assessment"]["action"]
        store.save_values(s, f.assign(year=2020, value=40.0), source_kind="computed")  # recomputed baseline
        e = service.explain_indicator(s, "130100", "air_pm2_5", 2026, baseline_year=2020)
    assert e["assessment"]["improvement_status"] == "ok" and e["assessment"]["change"] == -10.0
    assert e["assessment"]["baseline_edition"] == "2026"


def _fill(path, edits):
    wb = openpyxl.load_workbook(path)
    ws = wb["填报"]
    for (row, col), v in edits.items():
        ws.cell(row=row, column=col, value=v)
    wb.save(path)


def test_template_round_trip(engine, tmp_path):
    p = tmp_path / "t.xlsx"
    n = write_template(p, "130100", 2024, tier="city")
    assert n > 20
    ws = openpyxl.load_workbook(p)["填报"]
    codes = [ws.cell(row=r, column=3).value for r in range(3, 3 + n)]
    r_forest = 3 + codes.index("forest_cover")
    _fill(p, {(r_forest, 6): 41.2, (r_forest, 7): "石家庄市2024年国民经济和社会发展统计公报"})
    with session_scope(engine) as s:
        out = ind_service.upload_reported(s, p, submitted_by="tester")
    assert len(out) == 1
    with session_scope(engine) as s:
        v = s.execute(select(IndicatorValue).where(IndicatorValue.indicator == "forest_cover")).scalar_one()
        assert v.value == 41.2 and v.source_kind == "reported" and v.lineage["row"] == r_forest
        e = service.explain(s, v.id)
    assert e["imports"][0]["file_name"] == "t.xlsx" and e["source_document"].startswith("石家庄")


def test_template_errors_are_located_and_nothing_written(engine, tmp_path):
    p = tmp_path / "bad.xlsx"
    n = write_template(p, "130100", 2024, tier="city")
    ws = openpyxl.load_workbook(p)["填报"]
    codes = [ws.cell(row=r, column=3).value for r in range(3, 3 + n)]
    ra, rb, rc = (
        3 + codes.index(c) for c in ("forest_cover", "wetland_protection_rate", "protected_area_share")
    )
    doc = "公报"
    _fill(p, {(ra, 6): 41.2, (ra, 7): doc,  # valid row: must not be written either
              (rb, 6): 120, (rb, 7): doc,  # share > 100 %
              (rc, 5): "km2", (rc, 6): 12, (rc, 7): doc,  # wrong unit
              (3 + n, 1): "130100", (3 + n, 2): 2024, (3 + n, 3): "no_such", (3 + n, 5): "%", (3 + n, 6): 5,
              (3 + n, 7): doc})  # fmt: skip
    with session_scope(engine) as s, pytest.raises(TemplateErrors) as exc:
        ind_service.upload_reported(s, p)
    errs = {(e.row, e.column) for e in exc.value.errors}
    assert errs == {(rb, "value"), (rc, "unit"), (3 + n, "indicator")}
    assert any("0–100" in e.message_zh for e in exc.value.errors)
    with session_scope(engine) as s:
        assert s.execute(select(func.count()).select_from(IndicatorImport)).scalar() == 0
        assert s.execute(select(func.count()).where(IndicatorValue.source_kind == "reported")).scalar() == 0
