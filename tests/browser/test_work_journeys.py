"""The bureau, province and national journeys of issue 14 item 1, walked in Chromium as each user:

* city bureau (huzhou): files an application (申报) and attaches a document with its number (a bad number and a
  text file refused next to their fields, nothing kept); writes an implementation plan in the page, attaches its
  text, submits it; adds a major project (funding that does not add up refused next to the field), edits its
  status and milestones, removes it; the Excel export still lists the page's edits;
* city bureau (beijing): uploads a year of one station's hourly data, confirms, computes the zone's indicators
  from the web (progress page, then the result page listing what changed with value and import ids);
* province (zhejiang): the review queue offers the plan to forward and the application to recommend — forwards
  and recommends; its 待办 offers a city's typical case to recommend or return — recommends it;
* national office (reviewer): approves the plan without a valid 文号 (refused, back on the queue, still signed
  in), then with one; takes the application under review and approves it with its 文号.

Screenshots (zh and en, desktop 1280 and phone 390) into docs/screenshots/."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

pytestmark = pytest.mark.browser
PASSWORD = "pioneer-demo"
ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "screenshots"
SAMPLE = ROOT / "data" / "sample" / "beijing_air_hourly.parquet"
APPLICATION = "ZJ-330521"  # 德清县: a fresh application (other browser tests use 330502/330503)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


STACK_TABLES_WIDER_THAN_THEIR_BOX = """() => [...document.querySelectorAll('table.grid.stack')]
    .filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.id || t.className)"""


def save(page, name: str, *, reload: bool = True) -> None:
    """Desktop (1280) and phone (390) screenshots in zh and, by reloading the page in each language, en. A page
    that answers a refused form (``reload=False``) is not reloaded (a reload would show the empty form): zh
    only, both widths."""
    DOCS.mkdir(parents=True, exist_ok=True)
    url = page.url.split("#")[0]
    sep = "&" if "?" in url else "?"
    for lang in ("zh", "en") if reload else ("zh",):
        if reload:
            page.goto(f"{url}{sep}lang={'en' if lang == 'en' else 'zh-CN'}")
        for width, suffix in ((1280, ""), (390, "-phone")):
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            page.screenshot(path=str(DOCS / f"{name}{suffix}-{lang}.png"), full_page=True)
            if width < 400:  # a list table shown as cards (.stack) never scrolls sideways inside its box
                wide = page.evaluate(STACK_TABLES_WIDER_THAN_THEIR_BOX)
                assert not wide, f"{name} ({lang}, phone): tables wider than their box: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})
    if reload:
        page.goto(f"{url}{sep}lang=zh-CN")


def login(page, username: str) -> None:
    page.goto("/login?lang=zh-CN")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#who")


def logout(page) -> None:
    page.click("form[action='/logout'] button")
    page.wait_for_selector("#login-link")


def test_bureau_files_attaches_plans_and_projects(page, tmp_path):
    login(page, "huzhou")
    # 申报 with an attachment
    page.goto("/applications/new")
    page.fill("#apply-code", APPLICATION)
    page.fill("#apply-name_zh", "德清县美丽中国先行区（浏览器测试）")
    page.fill("#apply-division_code", "330521")
    page.select_option("#apply-tier", "county")
    page.click("#apply-submit")
    page.wait_for_selector("#filed")
    page.click("#documents-link")
    page.wait_for_selector("#document-form")
    bad = tmp_path / "说明.txt"
    bad.write_text("not a pdf")
    page.fill("#doc-document_number", "湖环发[2025]007号")
    page.fill("#doc-title", "")
    page.set_input_files("#doc-file", str(bad))
    page.click("#document-submit")
    assert "文号格式" in page.inner_text("#doc-err-document_number")
    assert "标题" in page.inner_text("#doc-err-title") and "PDF" in page.inner_text("#doc-err-file")
    assert page.get_attribute("#doc-document_number", "aria-invalid") == "true"
    assert page.locator("#document-list").count() == 0  # nothing kept
    save(page, "attachment-refused", reload=False)
    good = tmp_path / "申报书.pdf"
    good.write_bytes(PDF)
    page.fill("#doc-document_number", "湖政发[2025]7号")  # [] read as 〔〕
    page.fill("#doc-title", "德清县美丽中国先行区申报书")
    page.fill("#doc-issued_on", "2025-03-18")
    page.set_input_files("#doc-file", str(good))
    page.click("#document-submit")
    page.wait_for_selector("#document-list")
    assert "湖政发〔2025〕7号" in page.inner_text("#document-list")
    with page.expect_download() as dl:
        page.click("#document-list a.doc-link")
    assert Path(dl.value.path()).read_bytes() == PDF
    save(page, "application-documents")

    # the implementation plan in the page
    page.goto("/zones/ZJ-330500/plans")
    page.click("#plan-new")
    page.fill("#plan-title", "")
    page.fill("#plan-start_year", "2026")
    page.fill("#plan-end_year", "2024")
    page.click("#plan-submit")
    assert page.locator("#plan-err-title").count() == 1
    page.fill("#plan-title", "湖州市美丽中国先行区建设实施方案（浏览器测试）")
    page.click("#plan-submit")
    assert "结束年份早于开始年份" in page.inner_text("#plan-err-end_year")
    page.fill("#plan-end_year", "2027")
    page.click("#plan-submit")
    page.wait_for_selector("#review-state")
    assert page.inner_text("#review-state") == "未报送"
    # goals and tasks in the page: an unknown indicator refused at its row, then saved
    page.locator("input[name=goal_indicator]").nth(0).fill("no_such_indicator")
    page.locator("input[name=goal_target_value]").nth(0).fill("30")
    page.locator("input[name=goal_target_year]").nth(0).fill("2027")
    page.locator("input[name=task_title]").nth(0).fill("太湖流域水环境综合治理")
    page.locator("select[name=task_seed_section]").nth(0).select_option("（三）")
    page.locator("input[name=task_responsible_unit]").nth(0).fill("市生态环境局")
    page.click("#plan-submit")
    assert "第 1 行" in page.inner_text("#plan-err-goals") and "未知指标" in page.inner_text(
        "#plan-err-goals"
    )
    page.locator("input[name=goal_indicator]").nth(0).fill("air_pm2_5")
    page.click("#plan-submit")
    page.wait_for_selector("#work-msg")
    assert page.locator("input[name=goal_indicator]").nth(0).input_value() == "air_pm2_5"
    assert page.locator("input[name=task_title]").nth(0).input_value() == "太湖流域水环境综合治理"
    page.fill("#doc-document_number", "湖委办发〔2025〕12号")
    page.fill("#doc-title", "实施方案文本")
    page.fill("#doc-issued_on", "2025-06-30")
    page.set_input_files("#doc-file", str(good))
    page.click("#document-submit")
    page.wait_for_selector("#document-list")
    page.click(".review-step[data-step='submitted'] button")
    page.wait_for_selector("#work-msg")
    assert page.inner_text("#review-state") == "已报送省级"
    assert page.locator(".review-step").count() == 0  # the city may not forward its own plan
    assert (
        page.locator("#plan-locked").count() == 1 and page.locator("#plan-form").count() == 0
    )  # not edited now
    save(page, "plan-submitted")

    # a major project: added, refused when the funding does not add up, edited, removed
    page.goto("/zones/ZJ-330500/plans")
    page.click("#project-new")
    page.fill("#prj-code", "HZ-BT-1")
    page.fill("#prj-name", "南太湖生态修复工程（浏览器测试）")
    page.select_option("#prj-category", "ecological_restoration")
    page.fill("#prj-division_code", "330500")
    page.fill("#prj-total_investment", "1000")
    page.fill("#prj-funding_fiscal", "600")
    page.fill("#prj-funding_green_bond", "300")
    page.fill("#prj-start_date", "2025-01-01")
    page.fill("#prj-end_date", "2026-12-31")
    page.locator("input[name=milestone_name]").nth(0).fill("完成设计")
    page.locator("input[name=milestone_due_date]").nth(0).fill("2025-06-30")
    page.click("#project-submit")
    assert "总投资" in page.inner_text("#prj-err-total_investment")
    assert page.input_value("#prj-name") == "南太湖生态修复工程（浏览器测试）"  # input kept
    save(page, "project-refused", reload=False)
    page.fill("#prj-funding_green_bond", "400")
    page.click("#project-submit")
    page.wait_for_selector("#project-saved")
    row = page.locator("#projects tr[data-project='HZ-BT-1']")
    assert "1000.00" in row.inner_text()
    row.locator("a.project-edit").click()
    page.select_option("#prj-status", "under_construction")
    page.locator("input[name=milestone_done_date]").nth(0).fill("2025-06-20")
    page.locator("input[name=indicator_code]").nth(0).fill("air_pm2_5")  # expected indicators, in the page
    page.locator("input[name=indicator_expected_change]").nth(0).fill("-3")
    page.click("#project-submit")
    page.wait_for_selector("#project-saved")
    assert "在建" in page.locator("#projects tr[data-project='HZ-BT-1']").inner_text()
    # the Excel export still carries the page's edits (round trip by Excel stays)
    r = page.request.get("/api/v1/projects/export.xlsx?zone=ZJ-330500")
    assert r.status == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(r.body()))
    cells = [c.value for row_ in wb["项目"].iter_rows() for c in row_]
    assert "HZ-BT-1" in cells and ({"under_construction", "在建"} & set(cells))
    page.goto("/projects/HZ-BT-1/edit")
    assert page.locator("input[name=indicator_code]").nth(0).input_value() == "air_pm2_5"
    assert page.locator("input[name=indicator_expected_change]").nth(0).input_value() == "-3.0"
    save(page, "project-edit")
    page.click("#project-delete button")
    page.wait_for_selector("#project-deleted")
    assert page.locator("#projects tr[data-project='HZ-BT-1']").count() == 0
    logout(page)


def test_bureau_computes_zone_indicators_from_the_web(page, tmp_path):
    table = pq.read_table(SAMPLE)
    year = table.filter(pc.and_(pc.equal(table["station"], "1001A"),
                                pc.and_(pc.greater(table["time"], dt.datetime(2014, 1, 1)),
                                        pc.less_equal(table["time"], dt.datetime(2015, 1, 1))))).to_pandas()  # fmt: skip
    year["city"] = "110000"
    path = tmp_path / "1001A-2014.csv"
    year[["station", "city", "time", "so2", "no2", "co", "o3", "pm10", "pm2_5"]].to_csv(path, index=False)
    login(page, "beijing")
    page.goto("/upload")
    page.set_input_files("#file", str(path))
    page.click("#upload-check")
    page.wait_for_selector("#upload-ok", timeout=60_000)
    page.click("#upload-confirm")
    page.wait_for_selector("#compute-link")
    page.click("#compute-link")
    form = page.locator("#compute-BJ-110000")
    form.locator("input[name=year_from]").fill("2014")
    form.locator("input[name=year_to]").fill("2014")
    form.locator("button").click()
    page.wait_for_url(re.compile(r"/jobs/\d+"))
    assert page.get_attribute("#job-state", "data-state") in ("queued", "running", "done")
    page.wait_for_selector("#job-state[data-state='done']", timeout=120_000)  # the meta refresh reloads
    rows = page.locator("#job-changes tbody tr")
    assert rows.count() >= 3
    changed = page.locator("#job-changes tr[data-change='changed']")
    assert changed.count() >= 1  # one station's year differs from the three-station values stored before
    text = page.inner_text("#job-changes")
    assert "110000" in text and "2014" in text and "→" in text
    save(page, "compute-result")
    # a second job with nothing in the lake for the year says so
    page.goto("/compute")
    form = page.locator("#compute-BJ-110000")
    form.locator("input[name=year_from]").fill("2030")
    form.locator("input[name=year_to]").fill("2030")
    form.locator("button").click()
    page.wait_for_selector("#job-state[data-state='done']", timeout=60_000)
    assert page.locator("#job-nothing").count() == 1
    # a bad year range is refused back on the page, still signed in
    page.goto("/compute")
    form = page.locator("#compute-BJ-110000")
    form.locator("input[name=year_from]").fill("2016")
    form.locator("input[name=year_to]").fill("2010")
    form.locator("button").click()
    page.wait_for_selector("#compute-refused")
    assert page.url.split("?")[0].endswith("/compute") and page.locator("#who").count() == 1
    logout(page)


def test_province_forwards_and_office_approves_with_document_number(page):
    login(page, "zhejiang")
    page.goto("/review")
    plans = page.locator("#review-plans tr[data-plan]")
    assert plans.count() >= 1
    plan_row = plans.filter(has_text="浏览器测试").first
    plan_id = plan_row.get_attribute("data-plan")
    assert [b.inner_text() for b in plan_row.locator("button").all()] == ["→ 转报国家", "→ 退回修改"]
    app_row = page.locator(f"#review-zones tr[data-zone='{APPLICATION}']")
    assert app_row.locator("button").all_inner_texts() == ["→ 省级推荐"]
    save(page, "review-province")
    plan_row.locator("form[data-step='forwarded'] button").click()
    page.wait_for_selector("#review-done")
    app_row = page.locator(f"#review-zones tr[data-zone='{APPLICATION}']")
    app_row.locator("input[name=reason]").fill("材料齐全，同意推荐（浏览器测试）")
    app_row.locator("button").click()
    page.wait_for_selector("#review-done")
    logout(page)

    login(page, "reviewer")
    page.goto("/review")
    row = page.locator(f"#review-plans tr[data-plan='{plan_id}']")
    form = row.locator("form[data-step='approved']")
    form.locator("input[name=document_number]").fill("第12号")
    form.locator("button").click()
    error = f"#err-plan-{plan_id}-approved"  # refused: back on the queue, the reason next to the field
    page.wait_for_selector(error)
    assert "文号格式" in page.inner_text(error) and page.locator("#who").count() == 1
    assert page.url.split("?")[0].endswith("/review")
    save(page, "review-office-refused", reload=False)
    row = page.locator(f"#review-plans tr[data-plan='{plan_id}']")
    form = row.locator("form[data-step='approved']")
    form.locator("input[name=document_number]").fill("环综合函〔2025〕88号")
    form.locator("input[name=reason]").fill("同意实施")
    form.locator("button").click()
    page.wait_for_selector("#review-done")
    page.goto(f"/plans/{plan_id}")
    assert page.inner_text("#review-state") == "已批复"
    assert "环综合函〔2025〕88号" in page.inner_text("#review-history")
    save(page, "plan-approved")
    # the application: under review, then approved with the reply's number
    page.goto("/review")
    page.locator(f"#review-zones tr[data-zone='{APPLICATION}'] form[data-step='under_review'] button").click()
    page.wait_for_selector("#review-done")
    form = page.locator(f"#review-zones tr[data-zone='{APPLICATION}'] form[data-step='approved']")
    form.locator("button").click()  # without the reply's 文号: refused by the registry, next to the field
    error = f"#err-{APPLICATION}-approved"
    page.wait_for_selector(error)
    assert "批复须填写批复文号" in page.inner_text(error) and page.locator("#work-refused").count() == 0
    form = page.locator(f"#review-zones tr[data-zone='{APPLICATION}'] form[data-step='approved']")
    assert form.locator("input[name=document_number]").get_attribute("aria-invalid") == "true"
    save(page, "review-zone-number-refused", reload=False)
    form.locator("input[name=document_number]").fill("环综合函〔2025〕89号")
    form.locator("button").click()
    page.wait_for_selector("#review-done")
    page.goto(f"/zones/{APPLICATION}")
    assert page.inner_text("#zone-state") == "已批复"
    assert "批复文号：环综合函〔2025〕89号" in page.inner_text("#history")
    logout(page)


def test_case_through_province_and_office(page):
    """典型案例 from the zone through its province to the programme office: 湖州 files a case (the API, with its
    session) and submits it on the cases page; the province (zhejiang) finds it in its 待办, returns it without a
    reason (refused next to the field, still signed in), then recommends it; the reviewer finds it in the review
    queue with approve and return only, approves it, and publishes it on the cases page, which the public then
    reads. Each page offers only the steps its user may take."""
    login(page, "huzhou")
    page.goto("/cases")
    headers = {"X-CSRF-Token": page.get_attribute("form[action='/logout'] input[name=csrf_token]", "value")}
    made = page.request.post("/api/v1/cases", headers=headers,
                             data={"zone_code": "ZJ-330500", "title": "湖州“两山”转化案例（浏览器测试）",
                                   "summary": "生态产品价值实现机制试点"})  # fmt: skip
    assert made.status == 201, made.text()
    case_id = made.json()["id"]
    page.goto("/cases")
    card = page.locator(f"article[data-case='{case_id}']")
    assert [f.get_attribute("data-step") for f in card.locator("form").all()] == ["submitted"]
    card.locator("form[data-step='submitted'] button").click()
    page.wait_for_selector("#cases-done")
    card = page.locator(f"article[data-case='{case_id}']")
    assert card.get_attribute("data-status") == "submitted" and card.locator("form").count() == 0
    logout(page)

    login(page, "zhejiang")
    page.goto("/todo")
    row = page.locator(f"#todo-cases tr[data-case='{case_id}']")
    assert "湖州“两山”转化案例" in row.inner_text()
    assert [f.get_attribute("data-step") for f in row.locator("form").all()] == ["recommended", "returned"]
    save(page, "todo-cases")
    row.locator("form[data-step='returned'] button").click()
    error = f"#err-case-{case_id}-returned"
    page.wait_for_selector(error)
    assert "理由" in page.inner_text(error) and page.locator("#who").count() == 1 and "/todo" in page.url
    save(page, "todo-case-refused", reload=False)
    row = page.locator(f"#todo-cases tr[data-case='{case_id}']")
    row.locator("form[data-step='recommended'] input[name=note]").fill("成效明显，推荐（浏览器测试）")
    row.locator("form[data-step='recommended'] button").click()
    page.wait_for_selector("#todo-case-done")
    assert page.locator(f"#todo-cases tr[data-case='{case_id}']").count() == 0
    logout(page)

    login(page, "reviewer")
    page.goto("/review")
    row = page.locator(f"#review-cases tr[data-case='{case_id}']")
    assert "湖州“两山”转化案例" in row.inner_text() and "省级推荐" in row.inner_text()
    assert [f.get_attribute("data-step") for f in row.locator("form").all()] == ["approved", "returned"]
    save(page, "review-cases")
    row.locator("form[data-step='approved'] input[name=note]").fill("经验可复制推广")
    row.locator("form[data-step='approved'] button").click()
    page.wait_for_selector("#review-done")
    row = page.locator(f"#review-cases tr[data-case='{case_id}']")
    assert [f.get_attribute("data-step") for f in row.locator("form").all()] == ["published"]  # next: publish
    page.goto("/cases")
    card = page.locator(f"article[data-case='{case_id}']")
    assert "zhejiang" in card.locator(".case-recommended").inner_text()
    assert card.locator("form[data-step='published']").count() == 1  # offered here too
    save(page, "cases-office")
    page.goto("/review")
    page.locator(f"#review-cases tr[data-case='{case_id}'] form[data-step='published'] button").click()
    page.wait_for_selector("#review-done")
    assert page.locator(f"#review-cases tr[data-case='{case_id}']").count() == 0
    logout(page)
    page.goto("/cases")
    card = page.locator(f"article[data-case='{case_id}']")
    assert card.get_attribute("data-status") == "published" and card.locator("form").count() == 0


def test_public_downloads_one_zones_values(page):
    """The public, not signed in: /open-data, choose a pioneer zone, download its indicator values (CSV)."""
    page.goto("/open-data?lang=zh-CN")
    options = page.locator("#od-values-zone option").all_inner_texts()
    assert "北京市美丽中国先行区" in options and not any("海淀" in o for o in options)  # 海淀: an application
    save(page, "open-data-zone")  # zh and en, desktop and phone
    page.select_option("#od-values-zone", "BJ-110000")
    save(page, "open-data-zone-chosen", reload=False)
    with page.expect_download() as dl:
        page.click("#od-values-csv")
    assert dl.value.suggested_filename == "pioneer-indicator-values-BJ-110000.csv"
    text = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    codes = {row["division_code"] for row in csv.DictReader(io.StringIO(text))}
    assert codes and all(c.startswith("11") for c in codes)


def test_county_reports_a_value_and_the_map_paints_it(page, tmp_path):
    """湖州's editor reports an annual value for 安吉县 (330523, in scope) through the reporting template on
    /upload (checked, confirmed); the overview focused on 湖州 (浙江's county layer) then paints 安吉 with that value, its county
    neighbours without values stay grey (null)."""
    import openpyxl

    login(page, "huzhou")
    r = page.request.get("/api/v1/indicators/template?division=330523&year=2024")
    assert r.status == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.body()))
    ws = wb["填报"]
    row = next(r_ for r_ in range(3, ws.max_row + 1) if ws.cell(row=r_, column=5).value == "%")
    code = ws.cell(row=row, column=3).value
    ws.cell(row=row, column=6, value=91.5)
    ws.cell(row=row, column=7, value="安吉县统计公报 2024（浏览器测试）")
    path = tmp_path / "anji-2024.xlsx"
    wb.save(path)
    page.goto("/upload?lang=zh-CN")
    page.set_input_files("#file", str(path))
    page.click("#upload-check")
    page.wait_for_selector("#upload-ok")
    page.click("#upload-confirm")
    page.wait_for_selector("#upload-done")
    logout(page)
    page.goto(f"/?level=city&focus=330500&indicator={code}&year=2024&lang=zh-CN")  # 湖州: zoomed in
    page.wait_for_selector("#map[data-rendered='1']", timeout=30000)
    data = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('map')).getOption()
        .series[0].data.filter(d => d.code && d.code.startsWith('3305')).map(d => [d.code, d.value])""")
    values = dict(data)
    assert values.get("330523") == 91.5 and values.get("330522") is None, values
    save(page, "map-county-value")
