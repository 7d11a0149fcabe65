"""Public pages without login (/zones, /indicators, /open-data) and the open-data downloads: monitoring data by
medium/month/division (CSV streamed, Parquet with dictionary and provenance), indicator values (CSV, XLSX opened
by LibreOffice), the formula rule, the row bound and the download slots."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pyarrow.parquet as pq
import pytest


def test_zones_page_public_filters_search_sort_counts(open_client):
    r = open_client.get("/zones")
    assert r.status_code == 200 and "先行区名录" in r.text
    assert 'data-zone="BJ-110000"' in r.text and 'data-zone="BJ-110108"' not in r.text  # Haidian: a draft
    r = open_client.get("/zones", params={"tier": "city", "lang": "en"})
    assert (
        "Pioneer zones" in r.text
        and 'data-zone="ZJ-330500"' in r.text
        and 'data-zone="ZJ-330000"' not in r.text
    )
    r = open_client.get("/zones", params={"province": "330000"})
    assert 'data-zone="BJ-110000"' not in r.text and 'data-zone="ZJ-330000"' in r.text
    r = open_client.get("/zones", params={"q": "zzzz-nothing"})
    assert 'id="zones-empty"' in r.text
    r = open_client.get("/zones", params={"sort": "tier"})
    order = [line.split('"')[1] for line in r.text.split("data-zone=")[1:]]
    assert order.index("ZJ-330000") < order.index("ZJ-330500")
    assert open_client.get("/zones", params={"province": "x"}).status_code == 422


def test_indicators_page_catalogue_reporting_zones_and_rankings(open_client):
    r = open_client.get("/indicators")
    assert r.status_code == 200 and "指标目录" in r.text
    assert 'data-indicator="air_pm2_5"' in r.text and 'href="/rankings?indicator=air_pm2_5"' in r.text
    row = r.text.split('data-indicator="air_pm2_5"')[1].split("</tr>")[0]
    assert 'href="/zones/BJ-110000"' in row and "越小越好" in row
    r = open_client.get("/indicators", params={"data": "1", "lang": "en"})
    n = r.text.count("data-indicator=")
    assert "lower is better" in r.text and n >= 5 and r.text.count('class="ranking-link"') == n
    assert f'id="ind-found">{n}<' in r.text


def test_indicators_names_a_few_zones_and_links_to_all(open_client, monkeypatch):
    """/indicators names the first REPORTING_SHOWN zones of an indicator and links to /zones filtered to the
    zones reporting it (the full lists made a national page 1.3 MB); the filter keeps exactly those zones."""
    from pioneer.web.pages import public

    row = open_client.get("/indicators").text.split('data-indicator="air_pm2_5"')[1].split("</tr>")[0]
    named = row.count('href="/zones/')
    assert named >= 1 and "/zones?indicator=" not in row  # as many as shown: no link
    monkeypatch.setattr(public, "REPORTING_SHOWN", named - 1)
    r = open_client.get("/indicators", params={"q": "pm"})  # a query of its own: not a cached answer
    row = r.text.split('data-indicator="air_pm2_5"')[1].split("</tr>")[0]
    assert row.count('href="/zones/') == named - 1 and 'href="/zones?indicator=air_pm2_5"' in row
    every = [line.split('"')[1] for line in open_client.get("/zones").text.split("data-zone=")[1:]]
    r = open_client.get("/zones", params={"indicator": "air_pm2_5"})
    assert 'id="zone-indicator"' in r.text and 'value="air_pm2_5" selected' in r.text
    kept = [line.split('"')[1] for line in r.text.split("data-zone=")[1:]]
    assert "BJ-110000" in kept and set(kept) < set(every)  # zones without PM2.5 values are left out
    assert not [
        line
        for line in open_client.get("/zones", params={"indicator": "no_such"}).text.split("data-zone=")[1:]
    ]


def test_open_data_page_lists_datasets_dictionary_licence(open_client):
    r = open_client.get("/open-data")
    assert r.status_code == 200
    assert 'id="od-form"' in r.text and "2025-01" in r.text and "CC BY 4.0" in r.text
    assert "o3_8h_max" in r.text and "input_sha256" in r.text
    assert "Open data" in open_client.get("/open-data?lang=en").text


def test_monitoring_csv_streamed_with_provenance(open_client):
    r = open_client.get("/open-data/monitoring.csv", params={"medium": "air_daily", "month": "2025-01",
                                                             "division": "110000"})  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows and {x["city"] for x in rows} == {"110000"}
    assert int(r.headers["x-rows"]) == len(rows)
    assert {x["time"][:10] for x in rows} == {"2025-01-02", "2025-01-03", "2025-01-04"}
    provenance = [p.split(":") for p in r.headers["x-provenance"].split(",")]
    assert len(provenance) == 3 and all(len(sha) == 64 for _, sha in provenance)
    whole = open_client.get("/open-data/monitoring.csv", params={"month": "2025-01"})
    assert int(whole.headers["x-rows"]) > 4000
    none = open_client.get("/open-data/monitoring.csv", params={"medium": "water", "month": "2025-01"})
    header = next(csv.reader(io.StringIO(none.content.decode("utf-8-sig"))))
    assert none.status_code == 200 and header[:3] == [
        "section",
        "division",
        "time",
    ]  # no validated water rows


def test_monitoring_parquet_metadata(open_client):
    r = open_client.get("/open-data/monitoring.parquet", params={"month": "2025-01", "division": "330500"})
    assert r.status_code == 200
    table = pq.read_table(io.BytesIO(r.content))
    assert table.num_rows == int(r.headers["x-rows"]) > 0
    meta = table.schema.metadata
    assert "CC BY 4.0" in meta[b"pioneer.licence"].decode()
    assert {d["column"] for d in json.loads(meta[b"pioneer.dictionary"])} >= {"station", "o3_8h_max"}
    assert all(len(p["sha256"]) == 64 for p in json.loads(meta[b"pioneer.provenance"]))


def test_monitoring_bad_input_and_bounds(open_client, monkeypatch):
    assert open_client.get("/open-data/monitoring.csv", params={"month": "2025-13"}).status_code == 422
    assert open_client.get("/open-data/monitoring.xlsx").status_code in (404, 422)
    assert open_client.get("/open-data/monitoring.csv", params={"division": "11"}).status_code == 422
    from pioneer.web.pages import open_data

    monkeypatch.setattr(open_data, "OPEN_DATA_MAX_ROWS", 10)
    r = open_client.get("/open-data/monitoring.csv", params={"month": "2025-01"})
    assert r.status_code == 422 and "10" in r.text
    monkeypatch.setattr(open_data, "OPEN_DATA_MAX_ROWS", 10**6)
    held = [open_data._slots.acquire(blocking=False) for _ in range(open_data.OPEN_DATA_SLOTS)]
    try:
        assert all(held)
        assert open_client.get("/open-data/monitoring.csv", params={"month": "2025-01"}).status_code == 429
        assert open_client.get("/open-data/indicator-values.csv").status_code == 429
    finally:
        for _ in held:
            open_data._slots.release()
    assert open_client.get("/open-data/indicator-values.csv").status_code == 200


def test_values_csv_formula_safe_and_dictionary(open_client, open_app):
    import pandas as pd

    from pioneer.indicators import store

    with open_app.state.session_factory() as session, session.begin():
        row = {"division_code": "330500", "indicator": "air_pm2_5", "year": 2015, "edition": "evil", "value": 1.0,
               "unit": "µg/m³", "source_document": '=HYPERLINK("x")'}  # fmt: skip
        store.save_values(session, pd.DataFrame([row]), source_kind="reported")
    r = open_client.get("/open-data/indicator-values.csv")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert any(x["division_code"] == "110000" and x["indicator"] == "air_pm2_5" for x in rows)
    evil = [x for x in rows if x["edition"] == "evil"]
    assert evil and evil[0]["source_document"].startswith("'=")
    computed = [x for x in rows if x["source_kind"] == "computed"]
    assert computed and all(len(x["input_sha256"]) >= 64 for x in computed)
    d = open_client.get("/open-data/indicator-values-dictionary.csv")
    assert (
        d.content.decode("utf-8-sig").splitlines()[0]
        == "column,type,unit,name_zh,name_en,definition_standard"
    )


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_values_xlsx_opened_by_libreoffice(open_client, tmp_path):
    r = open_client.get("/open-data/indicator-values.xlsx")
    assert r.status_code == 200
    path = tmp_path / "values.xlsx"
    path.write_bytes(r.content)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "csv",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)  # fmt: skip
    text = (tmp_path / "values.csv").read_text(encoding="utf-8", errors="replace")
    assert text.splitlines()[0].startswith("division_code,division_name,indicator")
    assert "air_pm2_5" in text and "110000" in text


def test_public_lists_are_cached_per_data_version(open_client):
    first = open_client.get("/zones")
    tag = first.headers.get("etag")
    assert tag and open_client.get("/zones", headers={"If-None-Match": tag}).status_code == 304
    ind = open_client.get("/indicators")
    assert open_client.get("/indicators", headers={"If-None-Match": ind.headers["etag"]}).status_code == 304


def test_monitoring_of_a_region_zone(open_client, open_app):
    """A region-tier zone's monitoring download holds the rows of every member division (a province and a city
    here, as 粤港澳 mixes provinces and cities) and nothing else: the same rows as the members' own downloads;
    the file is named after the zone and its note lists the members. The page offers the region zone."""
    from pioneer.registry.permissions import Actor, Role
    from pioneer.registry.zones import service as zones
    from pioneer.registry.zones.schemas import ZoneCreate

    office = Actor("test", Role.PROGRAMME_OFFICE)
    with open_app.state.session_factory() as s, s.begin():
        zones.create_zone(s, ZoneCreate(code="RG-OD-TEST", name_zh="区域开放数据测试", tier="region",
                                        division_codes=["110000", "330500"]), actor=office)  # fmt: skip
        for step in ("recommended", "under_review", "approved"):
            zones.transition(s, "RG-OD-TEST", step, actor=office, reason="测试",
                             document_number="环综合函〔2025〕99号" if step == "approved" else "")  # fmt: skip
    try:
        params = {"medium": "air_daily", "month": "2025-01"}
        r = open_client.get("/open-data/monitoring.csv", params={**params, "zone": "RG-OD-TEST"})
        assert r.status_code == 200, r.text
        assert "pioneer-air_daily-2025-01-RG-OD-TEST.csv" in r.headers["content-disposition"]
        region = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        parts = [
            list(csv.DictReader(io.StringIO(open_client.get("/open-data/monitoring.csv",
                 params={**params, "division": code}).content.decode("utf-8-sig"))))
            for code in ("110000", "330500")
        ]  # fmt: skip
        assert all(parts) and len(region) == int(r.headers["x-rows"]) == len(parts[0]) + len(parts[1])
        assert {x["city"] for x in region} == {"110000", "330500"}
        assert sorted(x["station"] for x in region) == sorted(x["station"] for p in parts for x in p)
        table = pq.read_table(io.BytesIO(open_client.get("/open-data/monitoring.parquet",
                                                         params={**params, "zone": "RG-OD-TEST"}).content))  # fmt: skip
        assert table.num_rows == len(region)
        assert "RG-OD-TEST (110000、330500)" in table.schema.metadata[b"pioneer.licence"].decode()
        form = open_client.get("/open-data").text.split('id="od-form"')[1].split("</form>")[0]
        assert 'value="RG-OD-TEST"' in form
    finally:
        with open_app.state.session_factory() as s, s.begin():
            zones.transition(s, "RG-OD-TEST", "withdrawn", actor=office, reason="测试结束")
