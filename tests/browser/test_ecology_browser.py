"""The ecology pages in Debian Chromium: a province editor uploads EI inputs on the EI page (computed and stored),
the county/city table and trend chart; the registers page's map of the demo register points with its legend; the
overview map's optional register layer. zh and en at desktop (1280) and phone (390) width, screenshots in
docs/screenshots/; no console error (CSP), no sideways scroll."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "pioneer-demo"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = ((1280, "desktop"), (390, "phone"))


def login(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#who")


def painted(page, selector: str) -> bool:
    return page.evaluate(
        """sel => { const c = document.querySelector(sel + ' canvas'); if (!c) return false;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n > 1000; }""",
        selector,
    )


def no_sideways_scroll(page) -> None:
    w = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert w[0] <= w[1], f"page scrolls sideways: {w}"


def test_ecology_ei_registers_map_and_overview_layer(page):
    from pioneer.ecology.demo import demo_ei_inputs

    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, "zhejiang")
    page.goto("/ecology/ei")
    page.set_input_files("#ei-file", {"name": "lishui-ei.csv", "mimeType": "text/csv",
                                      "buffer": demo_ei_inputs().to_csv(index=False).encode("utf-8")})  # fmt: skip
    page.select_option("#ei-rule", "habitat_only")
    page.click("#ei-upload")
    page.wait_for_selector("#ei-stored")
    assert "16" in page.inner_text("#ei-stored")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("zh-CN", "en"):
        tag = "zh" if lang == "zh-CN" else "en"
        for width, label in SIZES:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"/ecology/ei?lang={lang}")
            page.wait_for_selector("#ei-trend[data-rendered='1']", timeout=20000)
            assert painted(page, "#ei-trend")
            text = page.inner_text("#ei-latest")
            assert ("景宁畲族自治县" in text and "优" in text) if tag == "zh" else ("excellent" in text)
            no_sideways_scroll(page)
            page.screenshot(path=str(SHOTS / f"ecology-ei-{tag}-{label}.png"), full_page=True)

            page.goto(f"/ecology?lang={lang}")
            page.wait_for_selector("#eco-map[data-rendered='1']", timeout=20000)
            assert painted(page, "#eco-map")
            series = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('eco-map'))
                .getOption().series.map(s => [s.id, s.data.length])""")
            assert dict(series) == {"eco-water_sources": 3, "eco-tailings_ponds": 2, "eco-hw_units": 4,
                                    "eco-hm_enterprises": 2}  # fmt: skip
            note = page.inner_text("#eco-map-note")
            assert note.startswith("11 ")
            no_sideways_scroll(page)
            page.screenshot(path=str(SHOTS / f"ecology-registers-{tag}-{label}.png"), full_page=True)

            page.goto(f"/?lang={lang}&level=city&focus=330000")
            page.wait_for_selector("#map[data-rendered='1']", timeout=30000)
            page.check("#eco-layer")
            page.wait_for_selector("#map[data-eco-layer='11']", timeout=20000)
            legend = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('map'))
                .getOption().legend[0].data""")
            assert ("尾矿库" in legend) if tag == "zh" else ("Tailings ponds" in legend)
            no_sideways_scroll(page)
            page.locator("#map").screenshot(path=str(SHOTS / f"ecology-overview-layer-{tag}-{label}.png"))
            page.uncheck("#eco-layer")
            page.wait_for_selector("#map[data-eco-layer='0']", timeout=20000)
    assert not errors, errors
