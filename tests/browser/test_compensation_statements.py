"""A stored statement as both parties see it: a server of its own (a home with the 刘庄 section registered, two
years of its water data in the lake and the 豫鲁 agreement entered), the programme office computes 2021 on the
agreement page and stores it twice (two numbered records), then 河南's and 山东's division pages and the basin page
list both with DOCX/PDF links. Screenshots in zh and en at desktop (1280) and phone (390) width."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CODE = "YR-HEN-SHD-2021"
SERVER = """
import pandas as pd, uvicorn
from pathlib import Path
from pioneer.db import make_engine, session_scope, upgrade
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake
from pioneer.registry.stations.models import Station
from pioneer.registry.permissions import Actor, Role
from pioneer.compensation import service
from pioneer.compensation.template import example_text, parse_agreement
from pioneer.web.demo import seed_accounts
home = Path({home!r})
upgrade()
rows = []
for year, items in {{2020: {{"化学需氧量": "14", "氨氮": "0.30", "总磷": "0.10"}},
                     2021: {{"化学需氧量": "12", "氨氮": "0.25", "总磷": "0.09"}}}}.items():
    for m in range(1, 13):
        rows += [("刘庄", f"{{year}}-{{m:02d}}-10", i, v, "mg/L") for i, v in items.items()]
f = home / "water.csv"
pd.DataFrame(rows, columns=["section", "time", "item", "value", "unit"]).to_csv(f, index=False)
ingest([f], lake=Lake(home / "lake"), layout="water-long")
with session_scope(make_engine()) as s:
    seed_accounts(s)
    s.add(Station(code="刘庄", name="刘庄断面", medium="water", division_code="410900", longitude=115.0,
                  latitude=35.9, datum="CGCS2000", water_body="river", cross_boundary=True,
                  upstream_division_code="410900", downstream_division_code="371700", source="test"))
    s.flush()
    service.create_agreement(s, parse_agreement(example_text("yellow-river-henan-shandong-2021")),
                             actor=Actor("office", Role.PROGRAMME_OFFICE))
from pioneer.web.app import create_app
uvicorn.run(create_app(migrate=False), host="127.0.0.1", port={port}, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def comp_url(tmp_path_factory):
    home = tmp_path_factory.mktemp("compensation-home")
    port = free_port()
    env = {**os.environ, "PIONEER_HOME": str(home)}
    env.pop("PIONEER_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(home=str(home), port=port)], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server exited") from None
            time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError("server did not start")
    yield url
    proc.terminate()
    proc.wait(10)


def shoot(page, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    url = page.url.split("&lang=")[0]
    for lang in ("zh", "en"):
        for label, width in (("desktop", 1280), ("phone", 390)):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
            page.screenshot(path=str(DOCS / f"{name}-{label}-{lang}.png"), full_page=True)


def test_store_and_list_on_both_parties_pages(browser, comp_url):
    context = browser.new_context(base_url=comp_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto("/login")
        page.fill("#username", "admin")
        page.fill("#password", "pioneer-demo")
        page.click("#login-submit")
        page.wait_for_selector("#who")
        page.goto(f"/compensation/{CODE}?year=2021&lang=zh")
        assert (
            "山东省（370000） 向 河南省（410000） 支付 6000 万元"
            in page.locator("[data-key=net]").inner_text()
        )
        for note in ("首次结算", "复核重算"):
            page.fill("form[data-key=save] input[name=note]", note)
            page.click("form[data-key=save] button")
            page.wait_for_url(f"**/compensation/{CODE}?year=2021&saved=*")
        rows = page.locator("table[data-key=statements] tbody tr")
        assert rows.count() == 2 and rows.nth(0).inner_text().startswith("2021\t2")
        shoot(page, "compensation-agreement-stored")
        for q in ("division=410000", "division=370000", "basin=黄河"):
            page.goto(f"/compensation?{q}&lang=zh")
            links = page.locator("table[data-key=statements] a[href*='format=pdf']")
            assert links.count() == 2, q
        shoot(page, "compensation-basin-stored")
        with page.expect_download() as d:
            page.click("table[data-key=statements] a[href*='/2021/1?format=docx']")
        assert d.value.suggested_filename == f"{CODE}-2021-1.docx"
    finally:
        context.close()
