"""Exports: object-level access (a user's export holds only what the list endpoint shows them) and formula
injection neutralised in every CSV/XLSX Pioneer writes (OWASP CSV Injection; ``pioneer.guard.cells``)."""

from __future__ import annotations

import csv
import io

import duckdb
import ibis
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from pioneer.guard.cells import neutral, neutral_frame, neutral_ibis, neutral_sql, neutral_table

EVIL = "=cmd|' /C calc'!A0"
CASES = [  # (value, written) — OWASP's trigger characters, and numbers left as numbers
    (EVIL, "'" + EVIL), ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("-3.5", "-3.5"), ("+12", "+12"), ("-1e-3", "-1e-3"), ("Haidian", "Haidian"), ("", ""),
    ("a=b", "a=b"), ("-", "-"), ("=", "="),
]  # fmt: skip


@pytest.mark.parametrize(("value", "written"), CASES)
def test_every_rendering_agrees(value, written):
    assert neutral(value) == written
    assert neutral_frame(pd.DataFrame({"c": [value]}))["c"][0] == written
    assert neutral_table(pa.table({"c": [value]}))["c"][0].as_py() == written
    con = duckdb.connect()
    assert (
        con.execute(f"SELECT {neutral_sql('x')} FROM (SELECT ?::VARCHAR AS x)", [value]).fetchone()[0]
        == written
    )
    t = ibis.memtable({"c": [value]})
    assert ibis.duckdb.connect().execute(t.select(c=neutral_ibis(t.c)))["c"][0] == written


def test_non_text_untouched():
    frame = pd.DataFrame({"n": [-3.5, 1.0], "b": [True, False], "s": [None, EVIL]})
    out = neutral_frame(frame)
    assert out["n"].tolist() == [-3.5, 1.0] and out["b"].tolist() == [True, False]
    assert pd.isna(out["s"][0]) and out["s"][1] == "'" + EVIL
    assert neutral(-1) == -1 and neutral(None) is None


def _codes(xlsx: bytes) -> list[str]:
    ws = openpyxl.load_workbook(io.BytesIO(xlsx))["项目"]
    return [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]


def _project(code: str, zone: str, division: str, name: str) -> dict:
    return {"code": code, "zone_code": zone, "name": name, "category": "pollution_carbon", "division_code": division,
            "total_investment": 10, "funding": {"fiscal": 10}, "start_date": "2025-01-01", "end_date": "2026-01-01"}  # fmt: skip


def test_projects_export_only_visible(client, tokens):
    """A city editor's export holds no project of an unpublished zone outside their scope (Haidian is a draft);
    the list endpoint hides it too. The programme office sees it."""
    r = client.post("/api/v1/projects", json=_project("SEC-HD-1", "BJ-110108", "110108", "海淀项目"),
                    headers=tokens("admin"))  # fmt: skip
    assert r.status_code == 201, r.text
    listed = {p["code"] for p in client.get("/api/v1/projects", headers=tokens("huzhou")).json()["results"]}
    exported = _codes(client.get("/api/v1/projects/export.xlsx", headers=tokens("huzhou")).content)
    assert "SEC-HD-1" not in listed and "SEC-HD-1" not in exported
    assert set(exported) == listed
    assert "SEC-HD-1" in _codes(client.get("/api/v1/projects/export.xlsx", headers=tokens("admin")).content)
    one = client.get("/api/v1/projects/export.xlsx?zone=BJ-110108", headers=tokens("huzhou"))
    assert _codes(one.content) == []
    assert client.get("/api/v1/projects/export.xlsx").status_code == 401


def test_project_name_formula_stays_text(client, tokens):
    r = client.post("/api/v1/projects", json=_project("SEC-ZJ-1", "ZJ-330500", "330500", EVIL),
                    headers=tokens("huzhou"))  # fmt: skip
    assert r.status_code == 201, r.text
    xlsx = client.get("/api/v1/projects/export.xlsx?zone=ZJ-330500", headers=tokens("huzhou")).content
    ws = openpyxl.load_workbook(io.BytesIO(xlsx))["项目"]
    cells = [c for row in ws.iter_rows(min_row=3) for c in row if c.value and "cmd" in str(c.value)]
    assert cells and all(c.data_type == "s" and c.value == "'" + EVIL for c in cells)


def test_error_report_neutral(tmp_path):
    from pioneer.lake.ingest import report_csv

    errors = pa.table({"row": [2], "column": ["station"], "value": [EVIL], "reason_en": ["unknown station"]})
    rows = list(csv.reader(io.StringIO(report_csv(errors).decode("utf-8-sig"))))
    assert rows[1][2] == "'" + EVIL and rows[1][0] == "2"


def test_command_csv_neutral(tmp_path):
    from pioneer.commands._io import copy_csv_atomic, write_csv_atomic

    frame = pd.DataFrame({"station": [EVIL, "1001A"], "value": [-3.5, 2.0], "note": ["-2", "@x"]})
    write_csv_atomic(frame, tmp_path / "a.csv")
    con = ibis.duckdb.connect()
    copy_csv_atomic(con, con.create_table("t", frame), tmp_path / "b.csv", order_by="value")
    for name in ("a.csv", "b.csv"):
        back = pd.read_csv(tmp_path / name, dtype=str).sort_values("value").reset_index(drop=True)
        assert set(back["station"]) == {"'" + EVIL, "1001A"}, name
        assert set(back["note"]) == {"-2", "'@x"} and set(back["value"]) == {"-3.5", "2.0"}, name


MATRIX = [  # (export, {who: status}); "anon" = no credentials
    ("/api/v1/projects/export.xlsx", {"anon": 401, "viewer": 200, "huzhou": 200, "admin": 200}),
    ("/api/v1/pipeline", {"anon": 401, "viewer": 200, "reviewer": 200, "huzhou": 403, "zhejiang": 403, "admin": 200}),
    ("/api/v1/reports/national?year=2025&format=html", {"anon": 401, "viewer": 200, "huzhou": 403, "admin": 200}),
    ("/pipeline", {"anon": 401, "viewer": 200, "huzhou": 403}),
    ("/api/v1/zones/BJ-110108/reports/self-assessment?year=2025&format=html",
     {"anon": 404, "huzhou": 404, "zhejiang": 404, "viewer": 200, "admin": 200}),
    ("/api/v1/zones/ZJ-330500/reports/self-assessment?year=2025&format=html", {"anon": 200, "huzhou": 200}),
    ("/api/v1/lake/air/export?format=csv", {"anon": 401, "viewer": 200, "huzhou": 200}),
    ("/api/v1/rankings?indicator=air_pm2_5&level=city&year=2015&format=csv", {"anon": 200, "huzhou": 200}),
    ("/api/v1/rankings?indicator=air_pm2_5&level=city&year=2015&format=xlsx", {"anon": 200}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "expected"), MATRIX, ids=[m[0].split("?")[0] for m in MATRIX])
def test_export_authorisation_matrix(client, tokens, path, expected):
    """Every export for anonymous, viewer, reviewer, editors out of and in scope, admin: an unpublished zone's
    data reaches only those who may see the zone."""
    for who, status in expected.items():
        r = client.get(path, headers={} if who == "anon" else tokens(who))
        assert r.status_code == status, (who, r.status_code, r.text[:200])
