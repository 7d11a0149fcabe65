"""The carbon API (/api/v1/carbon): public factor tables and templates; accounts, dual control and footprints on
uploaded files for signed-in users; bad files answer 422 with the located message; storing needs the edit right
over every division of the series and is audited, a refused store writes nothing."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from fastapi.testclient import TestClient
from webhome import home_in_env, token_cache


# stores dual-control series and region zones: a home of its own, so the package's shared home (whose values and
# zones other modules count, e.g. test_indicators) stays as built
@pytest.fixture(scope="module")
def home(tmp_path_factory):
    yield from home_in_env(tmp_path_factory.mktemp("carbon-api-home"))


@pytest.fixture(scope="module")
def app(home):
    from pioneer.web.app import create_app

    return create_app(migrate=False)


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def tokens(app):
    return token_cache(app)


ACTIVITY = (
    "division_code,year,sector,fuel,amount,unit\n"
    "330500,2022,工业,原煤,10,万吨\n"  # 100 000 t × 1.9002988488 = 190 029.88488 t
    "330500,2022,净调入,电力,1,亿千瓦时\n"  # 100 000 MWh × 0.5366 = 53 660 t
).encode()
SERIES = (
    "division_code,year,gdp,gdp_unit,price_base,co2,co2_unit\n"
    "{d},2020,3000,亿元,2020,2400,万吨\n{d},2021,3200,亿元,2020,2450,万吨\n"
)


def post(client, path, headers, data: bytes, name="in.csv", **params):
    return client.post(f"/api/v1/carbon/{path}", files={"file": (name, data, "text/csv")}, params=params,
                       headers=headers)  # fmt: skip


def test_factors_and_templates_are_public(client):
    r = client.get("/api/v1/carbon/factors?edition=2025")
    assert r.status_code == 200
    body = r.json()
    assert {f["fuel"] for f in body["fuels"]} >= {"bituminous_coal", "diesel"} and "raw_coal" not in {
        f["fuel"] for f in body["fuels"]}  # fmt: skip
    assert all(f["confidence"] and f["source"] for f in body["fuels"] + body["grid"])
    r = client.get("/api/v1/carbon/templates/balance")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]][:4] == ["行政区划代码", "年份", "品种", "单位"]
    assert client.get("/api/v1/carbon/templates/nope").status_code == 422


def test_account_needs_sign_in_and_computes(client, tokens):
    assert post(client, "account", {}, ACTIVITY).status_code == 401
    r = post(client, "account", tokens("viewer"), ACTIVITY)
    assert r.status_code == 200, r.text
    body = r.json()
    total = next(t for t in body["totals"] if t["record"] == "total")
    assert total["co2_t"] == pytest.approx(190029.88488 + 53660.0)
    assert body["rows"][1]["factor_key"] == "grid:2022:national:average"
    r = post(client, "account", tokens("viewer"), ACTIVITY, format="xlsx", grid="regional")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    sheets = openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames
    assert sheets == ["account", "balance_co2_t", "factors"]


def test_account_bad_file_is_located(client, tokens):
    r = post(client, "account", tokens("viewer"), ACTIVITY + "330500,2022,工业,原煤,-1,t\n".encode())
    assert r.status_code == 422
    d = r.json()["detail"]
    assert "row 4" in d["message_en"] and "amount" in d["message_en"] and "第 4 行" in d["message_zh"]


def test_store_within_scope_and_audited(client, tokens):
    r = post(client, "dual-control", tokens("huzhou"), SERIES.format(d="330500").encode(), store="true")
    assert r.status_code == 200, r.text
    body = r.json()
    # I_2020 = 24 000 000 t / 30 000 000 万元 = 0.8; I_2021 = 24 500 000 / 32 000 000 = 0.765625 → 4.296875 %
    y21 = next(y for y in body["years"] if y["year"] == 2021)
    assert y21["co2_intensity_reduction"] == pytest.approx(4.296875) and body["stored"] > 0
    v = client.get("/api/v1/values?indicator=carbon_intensity_reduction&division=330500",
                   headers=tokens("admin")).json()  # fmt: skip
    assert any(x["value"] == pytest.approx(4.296875) for x in v["results"])
    audit = client.get("/api/v1/audit?limit=5", headers=tokens("admin")).json()["results"]
    assert any(a["object_type"] == "carbon_dual_control" and a["division_code"] == "330500" for a in audit)


def test_store_outside_scope_is_refused_and_writes_nothing(client, tokens):
    r = post(client, "dual-control", tokens("huzhou"), SERIES.format(d="110000").encode(), store="true")
    assert r.status_code == 403
    v = client.get("/api/v1/values?indicator=carbon_intensity_reduction&division=110000",
                   headers=tokens("admin")).json()  # fmt: skip
    assert v["results"] == []
    r = post(client, "dual-control", tokens("huzhou"), SERIES.format(d="110000").encode())  # no store: fine
    assert r.status_code == 200 and r.json()["stored"] == 0


def test_footprint_json_and_report(client, tokens):
    bom = ("stage,item,quantity,unit,factor_key,factor,factor_unit,factor_source\n"
           "生产,电力,1000,kWh,electricity:2022:national,,,\n"
           "原材料获取,钢材,1,t,,1800,t,test value\n").encode()  # fmt: skip
    r = post(client, "footprint", tokens("viewer"), bom, units_produced="2")
    assert r.status_code == 200, r.text
    # (1 MWh × 536.6 + 1 t × 1800) / 2 = 1168.3 kgCO2e per functional unit
    assert r.json()["total"]["kgco2e_per_fu"] == pytest.approx(1168.3)
    r = post(client, "footprint", tokens("viewer"), bom, format="docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_zone_page_shows_dual_control_svg_without_script(client, tokens):
    assert (
        post(
            client, "dual-control", tokens("huzhou"), SERIES.format(d="330500").encode(), store="true"
        ).status_code
        == 200
    )
    r = client.get("/zones/ZJ-330500", headers=tokens("huzhou"))
    assert r.status_code == 200
    html = r.text
    start = html.index('id="dual-control"')
    section = html[start : html.index("</section>", start)]
    assert "<svg" in section and "<script" not in section and "polyline" in section
    # 2 years stored, I_2020 = 0.8 → target 2025 = 0.8 × 0.82 = 0.656; actual (0.8 − 0.765625)/1 = 0.034375 per year ≥
    # required (0.8 − 0.656)/5 = 0.0288 → on track
    assert 'data-class="on_track"' in section and "0.656" in section


def test_upload_page_links_the_carbon_templates(client, tokens):
    r = client.get("/upload", headers=tokens("huzhou"))
    assert r.status_code == 200 and "/api/v1/carbon/templates/balance" in r.text


def test_account_store_scope_audit_and_zone_bars(client, tokens):
    r = post(client, "account", tokens("huzhou"), ACTIVITY.replace(b"330500", b"110000"), store="true")
    assert r.status_code == 403  # Beijing is outside Huzhou's scope: nothing stored
    r = post(client, "account", tokens("huzhou"), ACTIVITY, store="true")
    assert r.status_code == 200, r.text
    audit = client.get("/api/v1/audit?limit=5", headers=tokens("admin")).json()["results"]
    assert any(a["object_type"] == "carbon_account" and a["division_code"] == "330500" for a in audit)
    html = client.get("/zones/ZJ-330500", headers=tokens("huzhou")).text
    block = html[html.index('id="account-330500"') :]
    block = block[: block.index("</figure>\n</div>")]
    # 工业 19.00298849 万吨 (10 万吨 原煤 × 1.9002988488); 净调入 5.366 万吨 (1 亿kWh × 0.5366); total 24.37 万吨
    assert "24.37" in html[html.index('id="account-330500"') :][:600] and "19" in block and "5.37" in block
    assert "<script" not in block


def test_footprint_user_library_and_bad_bom(client, tokens):
    lib = b"key,unit,factor_kgco2e,source\nglass,t,900,test EPD value\n"
    bom = b"stage,item,quantity,unit,factor_key\n\xe5\x8e\x9f\xe6\x9d\x90\xe6\x96\x99\xe8\x8e\xb7\xe5\x8f\x96,glass,500,kg,glass\n"
    r = client.post("/api/v1/carbon/footprint", headers=tokens("viewer"),
                    files={"file": ("bom.csv", bom, "text/csv"), "library": ("lib.csv", lib, "text/csv")})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["total"]["kgco2e_per_fu"] == pytest.approx(450.0)  # 0.5 t × 900
    assert r.json()["total"]["boundary"] == "cradle-to-gate"
    r = post(client, "footprint", tokens("viewer"), bom)  # the key is not in the packaged library
    assert r.status_code == 422 and "factor_key" in r.json()["detail"]["message_en"]


REGION_SERIES = (
    "division_code,year,gdp,gdp_unit,price_base,co2,co2_unit\n"
    "110000,2020,36000,亿元,2020,9000,万吨\n110000,2021,38000,亿元,2020,9100,万吨\n"
    "120000,2020,14000,亿元,2020,14000,万吨\n120000,2021,15000,亿元,2020,14200,万吨\n"
)


def pooled_chart(html: str, indicator: str) -> str:
    start = html.index(f'id="pooled-{indicator}"')
    return html[start : html.index("</figure>", start)]


def test_region_zone_page_shows_pooled_values_and_the_missing_member(client, tokens):
    """京津冀-like zone of 北京, 天津, 河北; only 北京 and 天津 store a series: the CO2 total and intensity of the zone
    stay empty with the reason (河北 has no value), never a sum of two members."""
    r = client.post("/api/v1/zones", json={"code": "TEST-JJJ", "name_zh": "京津冀（测试）", "tier": "region",
                                           "division_codes": ["110000", "120000", "130000"]},
                    headers=tokens("admin"))  # fmt: skip
    assert r.status_code == 201, r.text
    r = post(client, "dual-control", tokens("admin"), REGION_SERIES.encode(), store="true")
    assert r.status_code == 200, r.text
    html = client.get("/zones/TEST-JJJ", headers=tokens("admin")).text
    table = html[html.index('id="dual-control-pooled"') :]
    table = table[: table.index("</table>")]
    assert 'data-indicator="co2_emissions_energy" data-status="member-missing"' in table
    assert "成员缺值：河北省" in table and "2/3" in table and "<script" not in table  # the member by name
    # the chart: the zone's bar drawn empty (—) with the reason, 河北's bar empty, no target without a zone value
    chart = pooled_chart(html, "co2_intensity")
    assert 'data-bar="zone" width="0.0"' in chart and 'data-bar="130000" width="0.0"' in chart
    assert "成员缺值" in chart and "data-target" not in chart and "<script" not in chart
    # with 河北 stored too, the zone's values are pooled: Σ CO2 = 9100 + 14200 + 30000 = 53300 万吨 (2021);
    # I = 53300 万吨 / (38000 + 15000 + 40000) 亿元 = 5.33e8 t / 9.3e8 万元 = 0.573118 t/万元
    hebei = ("division_code,year,gdp,gdp_unit,price_base,co2,co2_unit\n"
             "130000,2020,36000,亿元,2020,29000,万吨\n130000,2021,40000,亿元,2020,30000,万吨\n")  # fmt: skip
    assert post(client, "dual-control", tokens("admin"), hebei.encode(), store="true").status_code == 200
    html = client.get("/zones/TEST-JJJ", headers=tokens("admin")).text
    table = html[html.index('id="dual-control-pooled"') :]
    table = table[: table.index("</table>")]
    assert 'data-indicator="co2_intensity" data-status="ok"' in table and "0.5731" in table
    assert "(2020年可比价)" in table and "price-base" not in table  # the price base in the reader's words
    assert "53,300" in table or "53300" in table
    # chart of the pooled intensity against the members with the zone's 14th FYP target: I_2020 = Σ CO2 / Σ GDP =
    # 52 000 万吨 / 86 000 亿元 = 0.604651 t/万元 → target 2025 = × (1 − 18 %) = 0.495814; members' 2021 values
    # 9100/38000 = 0.239474 (北京), 14200/15000 = 0.946667 (天津), 30000/40000 = 0.75 (河北)
    chart = pooled_chart(html, "co2_intensity")
    assert 'data-target="0.4958' in chart and "0.4958" in chart and "0.5731" in chart
    bars = re.findall(r'data-bar="(\w+)" width="([\d.]+)"', chart)
    order = [b for b, _w in bars]
    assert order == ["zone", "120000", "130000", "110000"]  # the zone first, then the members largest first
    widths = {b: float(w) for b, w in bars}  # 300 px (480 − 110 − 70) = the largest value (天津 0.946667)
    assert widths["120000"] == 300.0
    assert widths["110000"] == pytest.approx(300 * 0.239474 / 0.946667, abs=0.06)
    total = pooled_chart(html, "co2_emissions_energy")
    assert "data-target" not in total and ">53300<" in total  # totals have no target


def test_dual_control_section_is_kept_per_data_version(client, tokens, monkeypatch):
    """The intensities and pooled rows are computed once per data version and divisions (``assess.memo``): a
    second view of the page reads no value and runs no trajectory; a stored series (a new data version) is
    computed again and shown."""
    from pioneer.web import carbon

    assert (
        post(
            client, "dual-control", tokens("huzhou"), SERIES.format(d="330500").encode(), store="true"
        ).status_code
        == 200
    )
    first = client.get("/zones/ZJ-330500", headers=tokens("huzhou")).text
    calls: list[str] = []
    real_progress, real_pooled = carbon.progress, carbon.pooled_rows
    monkeypatch.setattr(
        carbon, "progress", lambda *a, **k: calls.append("progress") or real_progress(*a, **k)
    )
    monkeypatch.setattr(carbon, "pooled_rows", lambda *a, **k: calls.append("pooled") or real_pooled(*a, **k))
    again = client.get("/zones/ZJ-330500", headers=tokens("huzhou")).text

    def section(html: str) -> str:
        start = html.index('id="dual-control"')
        return html[start : html.index("</section>", start)]

    assert calls == [] and section(again) == section(first) and "0.656" in section(first)
    # 2020 intensity 2400 万吨 / 3000 亿元 → 2600 / 3000: I_2020 = 0.866667, target 2025 = × 0.82 = 0.710667
    changed = SERIES.format(d="330500").replace("2020,2400", "2020,2600")
    assert post(client, "dual-control", tokens("huzhou"), changed.encode(), store="true").status_code == 200
    after = client.get("/zones/ZJ-330500", headers=tokens("huzhou")).text
    assert calls == ["progress", "pooled"] and "0.7107" in section(after) and "0.656" not in section(after)
