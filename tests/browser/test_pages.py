"""The web application in Debian Chromium: map, zone page and chart, language switch, login with CSRF,
role-scoped edits (UI and API), a bad upload with located errors. No request may leave 127.0.0.1."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "pioneer-demo"


def login(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#who")


def canvas_painted(page, selector: str) -> bool:
    return page.evaluate(
        """sel => { const c = document.querySelector(sel + ' canvas'); if (!c) return false;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n > 1000; }""",
        selector,
    )


def test_overview_map_zh_default_and_english(page, shot):
    page.goto("/")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "全国概览" in page.inner_text("h1")
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    assert canvas_painted(page, "#map")
    # Beijing (with data) is coloured: the map series holds a value for it, others are null
    colours = page.evaluate("""() => { const c = echarts.getInstanceByDom(document.getElementById('map'));
        const d = c.getOption().series[0].data; return d.filter(x => x.code && x.value !== null).map(x => x.code); }""")
    assert colours == ["110000"]
    shot(page, "zh")
    page.click("#lang-switch")
    page.wait_for_selector("html[lang='en']")
    assert "National overview" in page.inner_text("h1")
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    shot(page, "en")


def test_prefecture_map_and_zone_markers(page, shot):
    page.goto("/?level=city")
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    assert canvas_painted(page, "#map")
    info = page.evaluate("""() => { const o = echarts.getInstanceByDom(document.getElementById('map')).getOption();
        const m = o.series[0].data; const pts = {}; o.series.slice(1).forEach(s => s.data.forEach(d => pts[d.code] = d.value));
        return {n: m.length, coloured: m.filter(x => x.value !== null).map(x => x.code), pts: pts,
                pieces: o.visualMap[0].pieces.length}; }""")
    assert info["n"] == 366 and info["coloured"] == ["110000"]  # 2024 codes: 莱芜 merged into 济南
    assert info["pieces"] == 6  # HJ 633 AQI categories
    # Chaoyang's marker at Chaoyang's own point, Huzhou's at Huzhou's (not at their provinces' centres)
    assert (
        abs(info["pts"]["BJ-110105"][0] - 116.4864) < 0.01
        and abs(info["pts"]["ZJ-330500"][1] - 30.8672) < 0.2
    )
    shot(page, "prefectures")
    # drill-down target of a province click: the prefecture map centred on that province
    page.goto("/?level=city&focus=330000")
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    centre = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('map')).getOption().geo[0].center"
    )
    assert abs(centre[0] - 120.15) < 0.5 and abs(centre[1] - 29.3) < 1.0


def test_zone_page_scorecard_trend_and_explain(page, shot):
    page.goto("/zones/BJ-110000")
    page.wait_for_selector("#trend-110000[data-rendered='1']", timeout=20000)
    assert canvas_painted(page, "#trend-110000") and canvas_painted(page, "#scorecard-110000")
    assert page.locator("#indicators-110000 tbody tr.has-value").count() == 5
    page.click("#indicators-110000 tr[data-indicator='air_pm2_5'] .explain-btn")
    page.wait_for_selector("#explain-110000 .explain-edition")
    assert "2012" in page.inner_text("#explain-110000 .explain-edition")
    assert "valid_days" in page.inner_text("#explain-110000 .explain-counts")
    shot(page, "zone")


def test_city_editor_scope_ui_and_api(page, shot):
    login(page, "huzhou")
    # own city: the edit form is offered and works
    page.goto("/zones/ZJ-330500")
    page.click("summary:has-text('编辑说明')")
    page.fill("#edit-form textarea", "湖州：浏览器测试")
    page.click("#edit-save")
    page.wait_for_selector("#saved")
    assert page.inner_text("#zone-theme") == "湖州：浏览器测试"
    # another city: no edit form in the UI …
    page.goto("/zones/ZJ-330100")
    assert page.locator("#edit-form").count() == 0
    shot(page, "other-city")
    # … and the API refuses it even with a valid CSRF token
    token = page.get_attribute("#transition-form input[name=csrf_token]", "value") if page.locator(
        "#transition-form").count() else None  # fmt: skip
    if token is None:
        page.goto("/zones/ZJ-330500")
        token = page.get_attribute("#edit-form input[name=csrf_token]", "value")
    r = page.request.patch(
        "/api/v1/zones/ZJ-330100", data={"theme": "not mine"}, headers={"X-CSRF-Token": token}
    )
    assert r.status == 403
    r = page.request.patch("/api/v1/zones/ZJ-330500", data={"theme": "mine"}, headers={"X-CSRF-Token": token})
    assert r.status == 200
    # without the CSRF token the same allowed edit is refused
    r = page.request.patch("/api/v1/zones/ZJ-330500", data={"theme": "forged"})
    assert r.status == 403


def test_bad_upload_shows_located_errors(page, shot, tmp_path):
    login(page, "beijing")
    bad = tmp_path / "bad.csv"
    bad.write_text("station,city,time,so2,no2,co,o3,pm10,pm2_5\n"
                   "1001A,110000,2016-01-01T01:00,5,20,0.5,30,50,abc\n", encoding="utf-8")  # fmt: skip
    page.goto("/upload")
    page.set_input_files("#file", str(bad))
    page.click("#upload-check")
    page.wait_for_selector("#upload-errors")
    first = page.locator("#report tbody tr").first.inner_text()
    assert "2" in first.split("\t")[0] and "pm2_5" in first
    shot(page, "upload")


def test_rankings_sort_and_downloads(page, shot, tmp_path):
    page.goto("/rankings?level=province&lang=en")
    assert page.locator("#rankings tbody tr").count() == 1
    assert "110000" in page.inner_text("#rankings tbody tr")
    page.click("#rankings thead th:nth-child(2)")  # sortable header
    assert page.get_attribute("#rankings thead th:nth-child(2)", "data-dir") == "asc"
    for link, suffix in (("#download", ".csv"), ("#download-xlsx", ".xlsx")):
        with page.expect_download() as dl:
            page.click(link)
        path = tmp_path / ("ranking" + suffix)
        dl.value.save_as(path)
        assert dl.value.suggested_filename.endswith(suffix) and path.stat().st_size > 100
    shot(page, "rankings")


def test_api_docs_served_locally(page, shot):
    """The OpenAPI docs page (Swagger UI vendored under /static) renders without leaving 127.0.0.1."""
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() > 30
    shot(page, "api-docs")


@pytest.mark.parametrize(
    "path", ["/", "/zones/BJ-110000", "/rankings", "/cases"], ids=["overview", "zone", "rankings", "cases"]
)
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_page_wider_than_a_phone(page, shot, path, lang):
    """At 390 px wide, wide tables scroll in their own box: the page itself never scrolls sideways."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{path}?lang={lang}")
    page.wait_for_load_state("networkidle")
    width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    shot(page, f"phone-{lang}")
    assert width[0] <= width[1], f"{path} ({lang}) is {width[0]} px wide on a {width[1]} px screen"
