"""The zone page's carbon section in Debian Chromium: a city editor stores an account (energy balance with an
industrial-process row and net imported heat) and a dual-control series through the API, and the section draws
emissions by sector and by fuel/process and the intensities against the 14th FYP target — zh and en, desktop
(1280) and phone (390) width, screenshots in docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "pioneer-demo"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

ACCOUNT = """division_code,year,sector,fuel,amount,unit,flow
330500,2023,工业,原煤,300,万吨,
330500,2023,工业,天然气,5,亿立方米,
330500,2023,交通运输、仓储和邮政业 transport,柴油,40,万吨,
330500,2023,居民生活 households,液化石油气,5,万吨,
330500,2023,净调入 net import,电力,150,亿千瓦时,
330500,2023,净调入 net import,热力,200,万百万千焦,
330500,2023,工业生产过程 industrial processes,水泥熟料,800,万吨,
"""
SERIES = """division_code,year,gdp,gdp_unit,price_base,co2,co2_unit,energy,energy_unit
330500,2020,3200,亿元,2020,2400,万吨,1500,万吨标准煤
330500,2021,3450,亿元,2020,2450,万吨,1540,万吨标准煤
330500,2022,3560,亿元,2020,2430,万吨,1550,万吨标准煤
330500,2023,3800,亿元,2020,2440,万吨,1570,万吨标准煤
"""


def login(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#who")


def _post(page, path: str, name: str, text: str, token: str):
    return page.request.post(path, multipart={"file": {"name": name, "mimeType": "text/csv",
                                                       "buffer": text.encode("utf-8")}},
                             headers={"X-CSRF-Token": token})  # fmt: skip


def test_zone_carbon_section_after_storing_an_account_and_a_series(page):
    login(page, "huzhou")
    page.goto("/zones/ZJ-330500")
    token = page.get_attribute("#edit-form input[name=csrf_token]", "value")
    r = _post(page, "/api/v1/carbon/account?store=true", "huzhou-2023.csv", ACCOUNT, token)
    assert r.status == 200, r.text()
    r = _post(page, "/api/v1/carbon/dual-control?store=true", "huzhou-series.csv", SERIES, token)
    assert r.status == 200, r.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("zh-CN", "en"):
        for width, label in ((1280, "desktop"), (390, "phone")):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"/zones/ZJ-330500?lang={lang}")
            section = page.locator("#dual-control")
            assert section.locator("svg").count() >= 4  # two intensities + sector and fuel bars
            text = section.inner_text()
            assert ("水泥熟料（过程）" in text) if lang == "zh-CN" else ("cement clinker (process)" in text)
            assert page.locator("#dc-330500-co2_intensity").count() == 1
            # the sticky tab bar would sit over the section in an element screenshot
            page.evaluate(
                "() => document.querySelectorAll('nav.tabs.sticky').forEach(n => n.style.position = 'static')"
            )
            section.screenshot(path=str(SHOTS / f"zone-carbon-{lang}-{label}.png"))
            width_px = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert width_px[0] <= width_px[1], f"{lang} {label}: page scrolls sideways"


REGION_SERIES = """division_code,year,gdp,gdp_unit,price_base,co2,co2_unit,energy,energy_unit
110000,2020,36000,亿元,2020,9000,万吨,6800,万吨标准煤
110000,2021,38000,亿元,2020,9100,万吨,6900,万吨标准煤
120000,2020,14000,亿元,2020,14000,万吨,8100,万吨标准煤
120000,2021,15000,亿元,2020,14200,万吨,8200,万吨标准煤
130000,2020,36000,亿元,2020,29000,万吨,32000,万吨标准煤
130000,2021,40000,亿元,2020,30000,万吨,
"""


def test_region_zone_pooled_table(page):
    """A region-tier zone of three provinces: the section's 区域合计 table pools the members' values and the charts
    draw them against the members (the CO2 intensity with its 2025 target); 河北's missing 2021 energy leaves the
    zone's energy values empty with the reason."""
    login(page, "admin")
    page.goto("/zones/ZJ-330500")
    token = page.get_attribute("#edit-form input[name=csrf_token]", "value")
    r = page.request.post("/api/v1/zones", data={"code": "JJJ-DEMO", "name_zh": "京津冀（示例）",
                                                 "name_en": "Jing-Jin-Ji (example)", "tier": "region",
                                                 "division_codes": ["110000", "120000", "130000"]},
                          headers={"X-CSRF-Token": token})  # fmt: skip
    assert r.status in (201, 409), r.text()
    r = _post(page, "/api/v1/carbon/dual-control?store=true", "jjj-series.csv", REGION_SERIES, token)
    assert r.status == 200, r.text()
    for lang in ("zh-CN", "en"):
        for width, label in ((1280, "desktop"), (390, "phone")):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"/zones/JJJ-DEMO?lang={lang}")
            table = page.locator("#dual-control-pooled")
            text = table.inner_text()
            assert "0.5731" in text  # Σ CO2 / Σ GDP 2021 = 5.33e8 t / 9.3e8 万元
            assert ("成员缺值" in text) if lang == "zh-CN" else ("member without a value" in text)
            # the pooled values against the members: zone bar + 3 members; the intensity's 2025 target
            # (Σ CO2 / Σ GDP 2020 = 52 000 万吨 / 86 000 亿元 = 0.604651 × 0.82 = 0.4958)
            chart = page.locator("#pooled-co2_intensity")
            assert chart.locator("rect[data-bar]").count() == 4
            assert "0.4958" in chart.inner_text() and chart.locator("line[data-target]").count() == 1
            assert (
                page.locator("#pooled-energy_intensity rect[data-bar=zone]").get_attribute("width") == "0.0"
            )
            block = page.locator("#dual-control-region")
            page.evaluate(
                "() => document.querySelectorAll('nav.tabs.sticky').forEach(n => n.style.position = 'static')"
            )
            block.screenshot(path=str(SHOTS / f"zone-carbon-region-{lang}-{label}.png"))
            width_px = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert width_px[0] <= width_px[1], f"{lang} {label}: page scrolls sideways"
