"""The GEP pages as a user sees them: the programme office uploads two years of quantities for two Huzhou
counties through the page's form, then the city's page shows the accounts, the composition and trend charts
(server-rendered images), GEP/GDP and the 两山 indicators. Screenshots in zh and en at desktop (1280) and phone
(390) width into docs/screenshots/; the compensation list page (with its stored-statement table) and the 赤水河
three-party fund settled with entered compliance likewise."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "pioneer-demo"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# 吴兴区 330502 and 南浔区 330503 (湖州 330500), garze-2010 prices: water conservation × 7.06 元/m³,
# oxygen release × 727 元/t; agriculture and recreation entered in 元
Q = """division_code,year,component,quantity
330502,{y},water_conservation,{w}e8
330502,{y},agriculture_value,3.2e9
330502,{y},oxygen_release,4.1e5
330502,{y},recreation_value,1.1e9
330503,{y},water_conservation,0.9e8
330503,{y},agriculture_value,2.6e9
330503,{y},recreation_value,0.8e9
"""
GDP = (
    "division_code,year,gdp\n330500,2023,3.9e11\n330500,2024,4.1e11\n330502,2023,1.0e11\n330502,2024,1.1e11\n"
)


def shoot(page, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        for label, width in (("desktop", 1280), ("phone", 390)):
            page.set_viewport_size({"width": width, "height": 900})
            url = page.url.split("&lang=")[0].split("?lang=")[0]
            page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
            page.screenshot(path=str(DOCS / f"{name}-{label}-{lang}.png"), full_page=True)


def test_gep_upload_and_division_page(page, tmp_path):
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#who")
    for year, w in ((2023, "1.2"), (2024, "1.5")):
        (tmp_path / f"q{year}.csv").write_text(Q.format(y=year, w=w), encoding="utf-8")
        (tmp_path / "gdp.csv").write_text(GDP, encoding="utf-8")
        page.goto("/gep")
        form = page.locator("form[data-key=upload]")
        form.locator("input[name=quantities]").set_input_files(str(tmp_path / f"q{year}.csv"))
        form.locator("input[name=gdp]").set_input_files(str(tmp_path / "gdp.csv"))
        form.locator("select[name=prices]").select_option("garze-2010")
        form.locator("button").click()
        page.wait_for_url("**/gep?division=330502")
    page.goto("/gep?division=330500")
    rows = page.locator("table[data-key=accounts] tbody tr")
    assert rows.count() == 2
    # 2024 city: water (1.5 + 0.9)e8 × 7.06 = 16.944e8; oxygen 4.1e5 × 727 = 2.9807e8; agriculture 58e8;
    #   recreation 19e8 → GEP 96.9247 亿元; GDP 4100 亿元 → 0.0236
    assert "96.9247" in rows.nth(1).inner_text() and "0.0236" in rows.nth(1).inner_text()
    for key in ("chart-categories", "chart-items", "chart-trend"):
        img = page.locator(f"figure[data-key={key}] img")
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), key
    assert page.locator("ul[data-key=templates] a").count() == 6
    shoot(page, "gep-city")
    page.goto("/compensation")
    assert page.locator("table[data-key=statements]").count() == 1
    shoot(page, "compensation-list")
    page.click("p[data-key=funds] a")
    page.fill("input[name=f1]", "0.6667")
    page.fill("input[name=f2]", "0")
    page.fill("input[name=f3]", "0.5")
    page.click("form[data-key=compliance] button")
    page.wait_for_selector("table[data-key=parties]")
    # 云南 4000 − 6000 × 0.3333 = 2000.2
    assert "2000.2" in page.locator("table[data-key=parties]").inner_text()
    shoot(page, "compensation-fund")
