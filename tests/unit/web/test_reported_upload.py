"""Reported statistics through the web: the template download, a filled template checked row by row (located
errors, divisions outside the user's scope refused, nothing written), then confirmed into the indicator store
with provenance (import record, Excel row in the lineage, audit entry)."""

from __future__ import annotations

import io

import openpyxl
import pytest


def template(client, division: str, year: int = 2024) -> openpyxl.Workbook:
    r = client.get(f"/api/v1/indicators/template?division={division}&year={year}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    return openpyxl.load_workbook(io.BytesIO(r.content))


def fill(wb: openpyxl.Workbook, values: dict[int, tuple[object, object]]) -> bytes:
    """Excel row → (value, source document)."""
    ws = wb["填报"]
    for row, (value, doc) in values.items():
        ws.cell(row=row, column=6, value=value)
        ws.cell(row=row, column=7, value=doc)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def share_row(wb: openpyxl.Workbook) -> int:
    ws = wb["填报"]
    return next(r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=5).value == "%")


def upload(client, headers, name: str, data: bytes):
    files = {"file": (name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    return client.post("/api/v1/imports", files=files, headers=headers)


def test_template_rows_and_bad_query(client):
    ws = template(client, "330500")["填报"]
    assert ws.cell(row=1, column=1).value == "division_code" and ws.max_row > 3
    assert {ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1)} == {"330500"}
    assert client.get("/api/v1/indicators/template?division=33&year=2024").status_code == 422


def test_bad_template_is_located_and_writes_nothing(client, tokens):
    editor = tokens("huzhou")
    wb = template(client, "330500")
    row = share_row(wb)
    before = client.get("/api/v1/values?division=330500").json()["meta"]["found"]
    body = upload(
        client, editor, "bad.xlsx", fill(wb, {row: (150, "湖州市统计公报 2024"), row + 1: (50, None)})
    ).json()
    assert body["kind"] == "indicators" and body["upload_id"] is None
    located = {(e["row"], e["column"]) for e in body["errors"]}
    assert (row, "value") in located and (row + 1, "source_document") in located
    assert all(e["reason_zh"] and e["reason_en"] for e in body["errors"])
    assert client.get("/api/v1/values?division=330500").json()["meta"]["found"] == before


def test_out_of_scope_division_refused(client, tokens):
    wb = template(client, "330100")  # Hangzhou: not Huzhou's editor's
    body = upload(
        client, tokens("huzhou"), "hz.xlsx", fill(wb, {share_row(wb): (80, "杭州市统计公报 2024")})
    ).json()
    assert body["upload_id"] is None and body["errors"][0]["column"] == "division_code"
    assert "scope" in body["errors"][0]["reason_en"]


@pytest.mark.parametrize("who", ["huzhou"])
def test_confirm_stores_values_with_provenance(client, tokens, who):
    editor = tokens(who)
    wb = template(client, "330500")
    row = share_row(wb)
    code = wb["填报"].cell(row=row, column=3).value
    body = upload(client, editor, "huzhou-2024.xlsx", fill(wb, {row: (87.5, "湖州市统计公报 2024")})).json()
    assert body["upload_id"] and body["rows_ok"] == 1 and not body["errors"], body
    assert (
        client.post(f"/api/v1/imports/{body['upload_id']}/confirm", headers=tokens("zhejiang")).status_code
        == 422
    )
    done = client.post(f"/api/v1/imports/{body['upload_id']}/confirm", headers=editor)
    assert done.status_code == 200 and done.json()["rows_accepted"] == 1, done.text
    values = client.get(f"/api/v1/values?division=330500&indicator={code}&lineage=true").json()["results"]
    assert [v["value"] for v in values] == [87.5] and values[0]["source_kind"] == "reported"
    assert values[0]["lineage"]["row"] == row and values[0]["source_document"] == "湖州市统计公报 2024"
    history = client.get("/api/v1/imports", headers=editor).json()["results"]
    assert any(
        h["kind"] == "indicators" and h["file"] == "huzhou-2024.xlsx" and h["who"] == who for h in history
    )
    audit = client.get("/api/v1/audit?limit=5", headers=tokens("admin")).json()["results"]
    assert any(a["object_type"] == "indicator_import" and a["after"]["rows_accepted"] == 1 for a in audit)
    # the zone page's scorecard now lists the reported value (memo keyed by the data version)
    card = client.get("/api/v1/zones/ZJ-330500/indicators?year=2024").json()["scorecards"][0]
    assert next(r for r in card["indicators"] if r["indicator"] == code)["value"] == 87.5
