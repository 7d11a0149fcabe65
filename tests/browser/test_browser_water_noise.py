"""Water and noise files through the upload page (/upload) like air: the programme office checks a surface-water
file (``water-long``) and a noise file, sees the row count and confirms; a bad water file shows its located
errors. Screenshots in zh and en at desktop (1280) and phone (390) width into docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WATER = "section,time,item,value,unit\nBW-01,2025-01-05,cod,15,mg/L\nBW-01,2025-01-05,nh3_n,0.4,mg/L\n"
NOISE = "point,zone_class,time,leq\nBN-01,1,2025-03-01 10:00,52.5\nBN-01,1,2025-03-01 23:00,44.0\n"
BAD = "section,time,item,value,unit\nBW-01,2025-01-05,cod,inf,mg/L\nBW-01,2025-13-05,cod,3,mg/L\n"


def login(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "pioneer-demo")
    page.click("#login-submit")
    page.wait_for_selector("#who")


def shots(page, name: str, lang: str) -> None:
    for width, suffix in ((1280, ""), (390, "-phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(DOCS / f"{name}{suffix}-{lang}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def check(page, path: Path, lang: str) -> None:
    page.goto(f"/upload?lang={lang}")
    page.set_input_files("#file", str(path))
    page.click("#upload-check")


@pytest.fixture
def sections(base_url, server_home):
    """BW-01 (water) and BN-01 (noise) of 东城区 registered in the live server's database (the file's own
    ``server_home``; the registry has no station-writing API)."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from pioneer.registry.stations.models import Station

    engine = create_engine(f"sqlite:///{server_home / 'pioneer.db'}")
    with Session(engine) as s, s.begin():
        if s.scalar(select(Station).where(Station.code == "BW-01")) is None:
            s.add_all([
                Station(code="BW-01", name="浏览器测试断面", medium="water", division_code="110101", longitude=116.4,
                        latitude=39.9, datum="CGCS2000", water_body="river", source="test"),
                Station(code="BN-01", name="浏览器测试噪声点", medium="noise", division_code="110101", longitude=116.4,
                        latitude=39.9, datum="WGS84", noise_zone_class="1", source="test"),
            ])  # fmt: skip
    engine.dispose()


def test_water_and_noise_through_the_upload_page(page, tmp_path, sections):
    login(page, "beijing")  # the city editor of Beijing: 东城区 is in scope
    for name, text, lang in (("water", WATER, "zh"), ("noise", NOISE, "en")):
        f = tmp_path / f"{name}.csv"
        f.write_text(text, encoding="utf-8")
        check(page, f, lang)
        page.wait_for_selector("#upload-ok")
        shots(page, f"upload-{name}-checked", lang)
        page.click("#upload-confirm")
        page.wait_for_selector("#upload-done")
    bad = tmp_path / "bad-water.csv"
    bad.write_text(BAD, encoding="utf-8")
    for lang in ("zh", "en"):
        check(page, bad, lang)
        page.wait_for_selector("#upload-errors")
        rows = page.locator("#report tbody tr")
        assert rows.count() >= 2
        shots(page, "upload-water-errors", lang)
