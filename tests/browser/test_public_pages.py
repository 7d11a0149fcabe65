"""Public pages without login in Chromium — /zones (filters, search, counts), /indicators (catalogue with ranking
links), /open-data (datasets, dictionary, licence), the zone page's sections on a phone (summary first, tabs,
collapsible sections, < 6,000 px), the overview's one period control and the county boundaries of a focused
province. Screenshots zh and en at 1280 and 390 px into docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def save(page, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_zones_list_public(page, lang, size):
    page.set_viewport_size(SIZES[size])
    page.goto(f"/zones?lang={lang}")
    assert (
        page.locator("#nav-zones").count() == 1 and page.locator("#login-link").count() == 1
    )  # not logged in
    rows = page.locator("#zones-list tbody tr")
    assert rows.count() == int(page.inner_text("#zone-found")) == 6
    assert page_width(page) <= SIZES[size]["width"]  # the table never makes the page scroll sideways
    save(page, f"zones-{size}-{lang[:2]}")
    page.select_option("#zone-tier", "city")
    page.click("#zone-apply")
    page.wait_for_url("**tier=city**")
    assert page.locator("#zones-list tbody tr").count() == 3
    page.fill("#zone-q", "湖州" if lang == "zh-CN" else "ZJ-3305")
    page.click("#zone-apply")
    page.wait_for_selector("#zones-list tbody tr[data-zone='ZJ-330500']")
    assert page.locator("#zones-list tbody tr").count() == 1


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_indicators_catalogue_public(page, lang, size):
    page.set_viewport_size(SIZES[size])
    page.goto(f"/indicators?lang={lang}&data=1")
    rows = page.locator("#indicators-list tbody tr")
    assert rows.count() >= 5 and page.locator("#indicators-list .ranking-link").count() == rows.count()
    assert page_width(page) <= SIZES[size]["width"]
    domain = page.locator("#domain-environment_quality")  # grouped by domain; closed on a phone
    assert domain.evaluate("d => d.open") == (size == "desktop")
    save(page, f"indicators-{size}-{lang[:2]}")
    if size == "phone":
        domain.locator("summary").click()
    page.click("#indicators-list tr[data-indicator='air_pm2_5'] .ranking-link")
    page.wait_for_url("**/rankings?indicator=air_pm2_5**")


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_open_data_page_public(page, lang, size):
    page.set_viewport_size(SIZES[size])
    page.goto(f"/open-data?lang={lang}")
    assert page.locator("#od-licence").inner_text().count("CC BY 4.0") >= 1
    assert page.locator("#dict-air_daily table tbody tr").count() >= 10
    assert page_width(page) <= SIZES[size]["width"]
    save(page, f"open-data-{size}-{lang[:2]}")
    with page.expect_download() as dl:
        page.click("#od-values-xlsx")
    assert dl.value.suggested_filename == "pioneer-indicator-values.xlsx"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_zone_page_on_a_phone_is_navigable(page, lang):
    page.set_viewport_size(SIZES["phone"])
    page.goto(f"/zones/BJ-110000?lang={lang}")
    page.wait_for_selector("#trend-110000[data-rendered='1']", timeout=20000)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, height
    assert page_width(page) <= 390
    assert page.locator("#zone-tabs a").count() >= 4
    assert not page.locator("#indicator-section-110000").evaluate("d => d.open")  # closed on a phone
    save(page, f"zone-sections-phone-{lang[:2]}")
    page.click("#zone-tabs a[href='#zone-history']")
    assert page.locator("#zone-history").evaluate("d => d.open")
    page.locator("#indicator-section-110000 > summary").click()
    assert page.locator("#indicators-110000 tbody tr.has-value").count() == 5
    page.click("#indicators-110000 tr[data-indicator='air_pm2_5'] .explain-btn")
    page.wait_for_selector("#explain-110000 .explain-edition")
    assert page_width(page) <= 390  # long lineage strings wrap inside the explain box
    page.set_viewport_size(SIZES["desktop"])
    page.goto(f"/zones/BJ-110000?lang={lang}")
    assert page.locator("#indicator-section-110000").evaluate("d => d.open")  # open on a wide screen
    save(page, f"zone-sections-desktop-{lang[:2]}")


def test_overview_one_period_control(page):
    page.goto("/")
    assert page.locator("#year").count() == 0 and page.locator("#period").count() == 0
    groups = page.eval_on_selector_all("#when optgroup", "gs => gs.map(g => g.label)")
    assert groups[0] == "年度"
    page.select_option("#when", "2014")
    page.click("#overview-filters button")
    page.wait_for_url("**when=2014**")
    assert page.get_attribute("#map", "data-year") == "2014"
    save(page, "overview-period-desktop-zh")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_county_boundaries_of_a_focused_province(page, size):
    page.set_viewport_size(SIZES[size])
    page.goto("/?level=city&focus=330000")
    page.wait_for_selector("#map[data-rendered='1']", timeout=30000)
    info = page.evaluate("""() => { const o = echarts.getInstanceByDom(document.getElementById('map')).getOption();
        const codes = o.series[0].data.map(d => d.code);
        return {map: o.geo[0].map, n: codes.length, anji: codes.includes('330523'), huzhou: codes.includes('330500'),
                zj: codes.filter(c => c.startsWith('33')).length, beijing: codes.includes('110000'),
                counties: document.getElementById('map').dataset.counties}; }""")
    assert info["map"] == "china-counties-33" and info["anji"] and not info["huzhou"] and info["beijing"]
    assert info["zj"] == int(info["counties"]) >= 89  # Zhejiang's 90 county-level divisions (2024)
    save(page, f"map-counties-{size}-zh")
    page.goto("/?level=city&focus=330500&lang=en")  # a prefecture: closer, same county layer
    page.wait_for_selector("#map[data-rendered='1']", timeout=30000)
    zoom = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('map')).getOption().geo[0].zoom"
    )
    assert zoom > 4
    save(page, f"map-counties-{size}-en")
