"""The to-do queue (/todo) walked as its users: a city editor files a county zone's application (API), the
province finds it in its queue and recommends it with a reason, the programme office then finds it awaiting
review. Each sees only the steps their role and area allow. Screenshots: zh into docs/screenshots/, en into the
test artifacts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "pioneer-demo"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ZONE = "ZJ-330502"  # 吴兴区 (Huzhou): a fresh application, so no other browser test's zone is touched


def save(page, name: str, lang: str) -> None:
    folder = DOCS if lang == "zh" else Path(os.environ.get("PIONEER_ARTIFACTS", "test-artifacts/browser"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{lang}.png"), full_page=True)


def login(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#who")


def logout(page) -> None:
    page.click("form[action='/logout'] button")
    page.wait_for_selector("#login-link")


def queue(page) -> dict[str, list[str]]:
    """Zone code → the step buttons offered for it on /todo."""
    page.goto("/todo")
    return {
        row.get_attribute("data-zone"): [b.inner_text() for b in row.locator("button").all()]
        for row in page.locator("#todo tbody tr").all()
    }


def test_application_through_city_province_and_office_queues(page):
    assert page.goto("/todo").url.endswith("/login?next=/todo")  # the queue is for signed-in users
    login(page, "huzhou")
    page.goto("/zones/ZJ-330500")
    token = page.get_attribute("#edit-form input[name=csrf_token]", "value")
    r = page.request.post("/api/v1/zones", headers={"X-CSRF-Token": token},
                          data={"code": ZONE, "name_zh": "吴兴区美丽中国先行区（测试）", "tier": "county",
                                "division_codes": ["330502"], "theme": "浏览器测试"})  # fmt: skip
    assert r.status == 201, r.text()
    # the city's editor may only withdraw its application: nothing awaits it
    assert ZONE not in queue(page)
    logout(page)

    login(page, "zhejiang")
    items = queue(page)
    assert items[ZONE] == ["→ 省级推荐"]
    assert all(code.startswith("ZJ-") for code in items)  # only its own province's zones
    save(page, "todo-province", "zh")
    page.set_viewport_size({"width": 390, "height": 844})
    box = page.evaluate(
        "() => { const t = document.querySelector('#todo'); return [t.scrollWidth, t.clientWidth]; }"
    )
    assert box[0] <= box[1] + 1, box  # each zone a card: no sideways scroll inside the table's box
    page.set_viewport_size({"width": 1280, "height": 900})
    row = page.locator(f"#todo tr[data-zone='{ZONE}']")
    row.locator("input[name=reason]").fill("符合申报条件（浏览器测试）")
    row.locator("button").click()
    page.wait_for_selector("#todo-done")
    assert ZONE in page.inner_text("#todo-done") and ZONE not in queue(page)  # back on the queue, step done
    page.goto(f"/zones/{ZONE}")
    assert page.inner_text("#zone-state") == "省级推荐"
    assert "符合申报条件（浏览器测试）" in page.inner_text("#history")
    page.set_viewport_size({"width": 390, "height": 844})
    queue(page)
    save(page, "todo-province-phone", "zh")
    page.set_viewport_size({"width": 1280, "height": 900})
    logout(page)

    login(page, "reviewer")
    page.goto("/todo?lang=en")
    items = queue(page)
    assert items[ZONE] == ["→ Under review"] or items[ZONE][0].startswith("→ ")
    save(page, "todo-office", "en")


def test_application_form_errors_next_to_fields_then_filed(page):
    login(page, "huzhou")
    page.goto("/applications/new")
    page.fill("#apply-code", "bad code/..")
    page.fill("#apply-name_zh", "")
    page.fill("#apply-division_code", "33050")
    page.click("#apply-submit")
    assert "编码须为" in page.inner_text("#err-code") and "6 位数字" in page.inner_text("#err-division_code")
    assert page.get_attribute("#apply-code", "aria-invalid") == "true"
    assert page.input_value("#apply-code") == "bad code/.."  # the reader's input is kept
    # a rule of the registry (another city's county, outside huzhou's area) above the form; nothing written
    page.fill("#apply-code", "ZJ-330106")
    page.fill("#apply-name_zh", "西湖区美丽中国先行区（测试）")
    page.fill("#apply-division_code", "330106")
    page.select_option("#apply-tier", "county")
    page.click("#apply-submit")
    assert page.locator("#apply-error").count() == 1 and page.locator(".field-error").count() == 0
    assert page.request.get("/api/v1/zones/ZJ-330106").status == 404
    save(page, "application-refused", "zh")
    # a good application: filed in 申报, offered to the province in its queue
    page.fill("#apply-code", "ZJ-330503")
    page.fill("#apply-name_zh", "南浔区美丽中国先行区（测试）")
    page.fill("#apply-division_code", "330503")
    page.fill("#apply-theme", "古镇水乡（浏览器测试）")
    page.click("#apply-submit")
    page.wait_for_selector("#filed")
    assert page.inner_text("#zone-state") == "申报"
    logout(page)
    login(page, "zhejiang")
    assert queue(page)["ZJ-330503"] == ["→ 省级推荐"]
