"""Stored GEP runs and the GEP pages: ``pioneer gep account --store`` and the API's ``store=true`` keep a run
(scope-checked, audited, never overwritten); a division's page shows its accounts by year (the latest run per
year), composition and trend charts (server-rendered PNG, no script), GEP/GDP and the 两山 indicators; the input
templates download as CSV; bad input is refused with a located error and stores nothing."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from pioneer.cli import app as cli
from pioneer.compensation import gep_store
from pioneer.compensation.models import GepAccount
from pioneer.db import session_scope
from pioneer.web import auth
from pioneer.web.models import AuditEntry

# 513301 (康定): water conservation 1e8 m³ × 7.06 (garze-2010) = 7.06e8 元 + agriculture 2e8 元 → GEP 9.06e8
#   2011: water conservation 1.5e8 m³ × 7.06 = 10.59e8 + agriculture 2e8 → 12.59e8
Q2010 = "division_code,year,component,quantity\n513301,2010,water_conservation,1e8\n513301,2010,agriculture_value,2e8\n"
Q2011 = "division_code,year,component,quantity\n513301,2011,water_conservation,1.5e8\n513301,2011,agriculture_value,2e8\n"
GDP = "division_code,year,gdp\n513301,2010,1.812e9\n513301,2011,2.518e9\n"


@pytest.fixture
def client(world):
    eng, _ = world
    from pioneer.web.app import create_app

    headers = {}
    with session_scope(eng) as s:
        for name, role, code in (("admin", auth.Role.ADMIN, None), ("sc", auth.Role.PROVINCE_EDITOR, "510000"),
                                 ("hn", auth.Role.PROVINCE_EDITOR, "410000"), ("viewer", auth.Role.VIEWER, None)):  # fmt: skip
            u = auth.create_user(s, name, "a-long-password-1", role=role, division_code=code)
            headers[name] = {"Authorization": f"Bearer {auth.create_token(s, u, 'test')}"}
    return TestClient(create_app(migrate=False), base_url="http://127.0.0.1"), headers, eng


def _post(c, h, q, **params):
    files = {"quantities": ("q.csv", q.encode(), "text/csv"), "gdp": ("g.csv", GDP.encode(), "text/csv")}
    query = "&".join(f"{k}={v}" for k, v in {"prices": "garze-2010", **params}.items())
    return c.post(f"/api/v1/gep/account?{query}", files=files, headers=h)


def _runs(eng) -> int:
    with session_scope(eng) as s:
        return s.scalar(select(func.count()).select_from(GepAccount))


def test_store_view_and_pages(client):
    c, h, eng = client
    assert _post(c, h["hn"], Q2010, store="true").status_code == 403  # 河南's editor: not 四川's county
    assert _post(c, h["viewer"], Q2010, store="true").status_code == 403
    assert _runs(eng) == 0
    r = _post(c, h["sc"], Q2010, store="true")
    assert r.status_code == 200 and r.json()["run_id"] == 1, r.text
    assert _post(c, h["sc"], Q2011, store="true").json()["run_id"] == 2
    with session_scope(eng) as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "gep_account"))
        assert e.username == "sc" and e.after["gep"]["513301/2010"] == pytest.approx(9.06e8)
        v = gep_store.view(s, "513301")
        assert v["years"] == [2010, 2011]
        assert [a["gep"] for a in v["accounts"]] == pytest.approx([9.06e8, 12.59e8])
        assert v["accounts"][0]["gep_gdp_ratio"] == pytest.approx(0.5)  # 9.06e8 / 1.812e9
        assert v["accounts"][1]["conversion_rate"] == pytest.approx(2e8 / 12.59e8 * 100)
        city = gep_store.view(s, "513300")  # the city rolls up its county
        assert city["latest"]["level"] == "city" and city["latest"]["gep"] == pytest.approx(12.59e8)
        assert gep_store.view(s, "110000") is None
    # a recomputation of 2010 is a new run; the page takes the latest run of each year, the old one stays listed
    assert _post(c, h["sc"], Q2010.replace("1e8", "2e8", 1), store="true").json()["run_id"] == 3
    api = c.get("/api/v1/gep/accounts?division=513301", headers=h["viewer"]).json()
    assert [a["gep"] for a in api["accounts"]] == pytest.approx([16.12e8, 12.59e8])  # 2e8 × 7.06 + 2e8
    page = c.get("/gep?division=513301", headers=h["viewer"])
    assert page.status_code == 200
    html = page.text
    for key in (
        "accounts",
        "chart-categories",
        "chart-items",
        "chart-trend",
        "components",
        "runs",
        "templates",
    ):
        assert f'data-key="{key}"' in html, key
    imgs = re.findall(r"<img src=\"([^\"]{0,40})", html)
    assert (
        len(imgs) == 3
        and all(i.startswith("data:image/png;base64,iVBOR") for i in imgs)
        and "<script>" not in html
    ), imgs
    assert "16.12" in html and "12.59" in html and "0.5" in html
    assert 'data-key="upload"' not in html  # the viewer may not store
    assert 'data-key="upload"' in c.get("/gep?division=513301", headers=h["sc"]).text
    listing = c.get("/gep", headers=h["viewer"]).text
    assert "/gep?division=513301" in listing and "/gep?division=513300" in listing
    en = c.get("/gep?division=513301&lang=en", headers=h["viewer"]).text
    assert "Composition" in en and "Stored runs" in en


def test_templates_download(client):
    c, h, _ = client
    r = c.get("/api/v1/gep/template?edition=NDRC-2022", headers=h["viewer"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    t = pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig", dtype=str)
    assert list(t.columns[:4]) == ["division_code", "year", "component", "quantity"]
    assert "water_conservation" in set(t["component"])
    o = c.get("/api/v1/gep/template?kind=overrides", headers=h["viewer"])
    assert o.status_code == 200 and o.content.decode("utf-8-sig").startswith(
        "scope_code,component,price,document"
    )
    assert c.get("/api/v1/gep/template?kind=nope", headers=h["viewer"]).status_code == 422
    assert c.get("/api/v1/gep/template").status_code == 401


def test_bad_upload_is_located_and_stores_nothing(client):
    c, h, eng = client
    bad = Q2010.replace("513301,2010,agriculture_value", "51330,2010,agriculture_value")
    r = _post(c, h["sc"], bad, store="true")
    body = r.json()["detail"]
    assert r.status_code == 422
    assert (
        body["message_zh"] == "文件 q.csv 第 3 行 列 “division_code” 行政区划代码须为 6 位数字（值 “51330”）"
    )
    assert (
        body["message_en"]
        == "file q.csv, row 3, column 'division_code': division code must be 6 digits (value '51330')"
    )
    assert _runs(eng) == 0


def test_cli_store(world, tmp_path):
    eng, _ = world
    (tmp_path / "q.csv").write_text(Q2010, encoding="utf-8")
    run = CliRunner().invoke
    r = run(cli, ["gep", "account", str(tmp_path / "q.csv"), "-o", str(tmp_path / "a.csv"), "--prices",
                  "garze-2010", "--store", "--as-user", "li"])  # fmt: skip
    assert r.exit_code == 0 and "stored run 1" in r.output, r.output
    r = run(cli, ["gep", "account", str(tmp_path / "q.csv"), "-o", str(tmp_path / "b.csv"), "--prices",
                  "garze-2010", "--store", "--as-role", "province", "--scope", "410000"])  # fmt: skip
    assert r.exit_code == 1 and "510000" not in r.output and "513301" in r.output
    assert not (tmp_path / "b.csv").exists() and _runs(eng) == 1
    t = tmp_path / "t.csv"
    assert run(cli, ["gep", "template", "-o", str(t), "--kind", "gdp"]).exit_code == 0
    assert t.read_text(encoding="utf-8").startswith("division_code,year,gdp")


def test_cli_option_errors_are_located_and_bilingual(tmp_path):
    run = CliRunner().invoke
    (tmp_path / "q.csv").write_text(Q2010, encoding="utf-8")
    for args, zh, en in (
        (["account", str(tmp_path / "q.csv"), "-o", str(tmp_path / "a.csv"), "--edition", "GB 2025"],
         "列 “--edition” 未知的 GEP 核算版本", "column '--edition': unknown GEP edition"),
        (["account", str(tmp_path / "q.csv"), "-o", str(tmp_path / "a.csv"), "--prices", "x"],
         "列 “--prices” 未知的价格集", "column '--prices': unknown price set"),
        (["template", "-o", str(tmp_path / "a.csv"), "--kind", "x"], "未知的模板类型", "unknown template kind"),
    ):  # fmt: skip
        r = run(cli, ["gep", *args])
        assert r.exit_code == 1 and zh in r.output and en in r.output, r.output
        assert not (tmp_path / "a.csv").exists()


def test_store_without_a_writer_is_audited_by_the_service(world):
    from pioneer.registry.permissions import Actor, Role
    from pioneer.standards import gep

    eng, _ = world
    q = gep.read_quantities(pd.read_csv(io.StringIO(Q2010), dtype=str), edition="GB/T 46869-2025")
    values = gep.item_values(q, edition="GB/T 46869-2025", prices="garze-2010")
    acc = gep.accounts_by_level(values, edition="GB/T 46869-2025")
    with session_scope(eng) as s:
        gep_store.store_account(
            s, values, acc, edition="GB/T 46869-2025", actor=Actor("wu", Role.PROVINCE, ("510000",))
        )
    with session_scope(eng) as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "gep_account"))
        assert (
            e is not None and e.action == "create" and e.after["gep"]["513301/2010"] == pytest.approx(9.06e8)
        )
