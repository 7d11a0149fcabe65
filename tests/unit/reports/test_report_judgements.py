"""The self-assessment report states the verdicts with their rule, the trends' significance and years, and the
city's attainment plan — the scorecard's numbers, in zh and en, and in the DOCX (issue 16)."""

from __future__ import annotations

import datetime as dt

import docx

from pioneer.db import session_scope
from pioneer.reports import render, self_assessment

ZONE, YEAR = "BJ-110000", 2016


def test_report_judgement_tables(report_engine, tmp_path):
    with session_scope(report_engine) as s:
        rep = self_assessment.build(s, ZONE, YEAR, as_of=dt.date(2026, 7, 1))
        en = self_assessment.build(s, ZONE, YEAR, lang="en", as_of=dt.date(2026, 7, 1))
        (card,) = self_assessment.scorecards(s, ZONE, YEAR)
    v = rep.table("verdicts-110000")
    assert "同级有数值的行政区中前 10%" in v.caption and v.columns[3] == "处于全国前列"
    pm = next(r for r in v.rows if "PM2.5" in r[0])
    item = next(i for i in card["verdicts"]["items"] if i["key"] == "air_pm2_5")
    assert pm[3] == ("是" if item["leading"] else "否")
    t = rep.table("trends-110000")
    row = next(r for r in t.rows if "PM2.5" in r[0])
    tr = next(r["trend"] for r in card["indicators"] if r["indicator"] == "air_pm2_5")
    assert row[2] == f"{tr['first_year']}–{tr['last_year']}" == "2014–2016" and row[1] == tr["trend_zh"]
    a = rep.table("attainment-110000")
    assert any(r[1] == "GB3095-2012 *" for r in a.rows) and "2016 → 2027" in a.caption
    assert "National front rank" in en.table("verdicts-110000").columns
    out = render.write(rep, tmp_path / "r.docx")
    text = "\n".join(c.text for tb in docx.Document(out).tables for row in tb.rows for c in row.cells)
    assert "处于全国前列" in text and "GB3095-2026-final" in text
