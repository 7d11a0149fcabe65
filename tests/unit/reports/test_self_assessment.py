"""The Beijing example zone's self-assessment report, generated and opened again: the DOCX parsed back (headings,
tables, numbers equal to the assessment service's), the PDF rendered with pdftoppm (Chinese glyphs drawn with an
embedded Noto CJK font, ink in the title region), English on request."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import docx
import numpy as np
import pytest
from PIL import Image

from pioneer.db import session_scope
from pioneer.plans import service as plans
from pioneer.reports import render, self_assessment
from pioneer.reports.document import number

ZONE, YEAR = "BJ-110000", 2016


@pytest.fixture(scope="module")
def built(report_engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    with session_scope(report_engine) as s:
        rep = self_assessment.build(s, ZONE, YEAR, as_of=dt.date(2026, 7, 1))
        cards = self_assessment.scorecards(s, ZONE, YEAR)
        projects = [plans.project_snapshot(p) for p in plans.list_projects(s, zone_code=ZONE)]
        en = self_assessment.build(s, ZONE, YEAR, lang="en", as_of=dt.date(2026, 7, 1))
    paths = {f: render.write(rep, out / f"r.{f}") for f in ("docx", "pdf")}
    paths["en"] = render.write(en, out / "en.docx")
    return rep, cards, projects, paths


def _tables(document):
    """Tables of a parsed DOCX as lists of row lists (header first)."""
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def _by_code(table, code_col=1):
    return {row[code_col]: row for row in table[1:]}


def test_docx_headings(built):
    _, _, _, paths = built
    d = docx.Document(paths["docx"])
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert heads[0] == "北京市美丽中国先行区建设2016年度自评估报告"
    for h in ("一、基本情况", "二、指标完成情况", "三、变化趋势与目标进度", "四、全国位置", "五、实施方案与重大工程进展",
              "六、典型案例", "附录：数据质量与溯源"):  # fmt: skip
        assert h in heads
    assert "精细化治理“一微克”行动（示例）" in heads  # the published demo case
    assert len(d.inline_shapes) >= 2  # score chart and trend chart


def test_docx_numbers_equal_the_assessment(built):
    _, cards, projects, paths = built
    card = cards[0]
    assert card["division_code"] == "110000" and card["baseline_year"] == 2014
    rows = {r["indicator"]: r for r in card["indicators"]}
    tables = _tables(docx.Document(paths["docx"]))
    results = next(t for t in tables if t[0][:4] == ["指标", "代码", "单位", "本年值"])
    got = _by_code(results)
    computed = [c for c, r in rows.items() if r["value"] is not None]
    assert sorted(computed) == sorted(["air_pm2_5", "air_pm10", "air_good_day_ratio", "air_composite_index",
                                       "air_o3_8h_p90"])  # fmt: skip
    for code in computed:
        assert float(got[code][3]) == pytest.approx(round(rows[code]["value"], 2), abs=1e-9)
        if rows[code]["score"] is not None:
            assert float(got[code][7]) == pytest.approx(round(rows[code]["score"], 2), abs=1e-9)
    assert got["air_pm2_5"][4] == f"<{number(rows['air_pm2_5']['target'])}" and got["air_pm2_5"][6] == "否"
    assert got["forest_cover"][3] == "—" and got["forest_cover"][6] == "缺数据"  # missing, never estimated
    # trajectory table: baseline, change, rates equal the service's
    traj = _by_code(next(t for t in tables if len(t[0]) > 4 and t[0][4] == "变化"))
    pm = rows["air_pm2_5"]
    assert float(traj["air_pm2_5"][2]) == pm["baseline_value"] and float(traj["air_pm2_5"][4]) == pm["change"]
    assert float(traj["air_pm2_5"][5]) == pytest.approx(round(pm["actual_rate"], 2))
    assert traj["air_pm2_5"][7] == pm["trajectory_zh"]
    # the Beijing sample: PM2.5 85 → 72 µg/m³ from 2014 to 2016 (HJ 663 annual means of the UCI data)
    assert (pm["baseline_value"], pm["value"]) == (85.0, 72.0)
    standing = _by_code(next(t for t in tables if len(t[0]) > 3 and t[0][3] == "排名"))
    assert standing["air_pm2_5"][4] == number(pm["n_peers"], 0)
    # projects and funding: totals equal the sum of the zone's projects
    proj = _by_code(next(t for t in tables if len(t[0]) > 3 and t[0][3] == "总投资（万元）"), code_col=0)
    assert set(proj) == {p["code"] for p in projects}
    for p in projects:
        assert float(proj[p["code"]][3]) == round(p["total_investment"], 2)
    funding = next(t for t in tables if t[0][0] == "资金来源")
    assert funding[-1][0] == "合计"
    assert float(funding[-1][1]) == round(sum(p["total_investment"] for p in projects), 2)
    assert sum(float(r[1]) for r in funding[1:-1]) == pytest.approx(float(funding[-1][1]))
    assert "里程碑逾期" in proj["DEMO-BJ-001"][7]  # 主体完工 due 2026-06-30, not done on 2026-07-01
    # plan goals against this year's values (demo plan: PM2.5 ≤ 28, good days ≥ 80 % by 2027)
    goals = _by_code(
        next(t for t in tables if t[0] == ["指标", "目标值", "目标年", "本年值", "是否达标"]), code_col=0
    )
    assert goals["air_pm2_5"] == ["air_pm2_5", "<=28", "2027", number(pm["value"]), "否"]
    good = rows["air_good_day_ratio"]["value"]
    assert goals["air_good_day_ratio"][3] == number(good) and goals["air_good_day_ratio"][4] == (
        "是" if good >= 80 else "否"
    )
    # lineage appendix: every value with its id, edition and method
    # lineage appendix: one readable two-column table per value — id, source kind, edition, method, counts, inputs
    rep = built[0]
    lin = dict(rep.table("lineage-air_pm2_5").rows)
    assert lin["数值"] == f"{number(pm['value'])} µg/m³" and lin["数值编号"].startswith(f"{int(pm['id'])}（")
    assert lin["来源类型"] == "监测计算" and lin["标准版本"].startswith("2012（HJ 633-2012")
    assert "HJ 663" in lin["计算方法 / 统计口径"] and "文件：beijing_air_hourly.parquet" in lin["输入数据"]
    assert "有效日数 " in lin["有效数据"] and "PM2.5 有效小时数" in lin["有效数据"]
    docx_lin = next(t for t in tables if t[0] == ["项目", "内容"] and t[1][0] == "数值" and "72" in t[1][1])
    assert docx_lin[1:] == [list(r) for r in rep.table("lineage-air_pm2_5").rows]


def test_docx_english(built):
    _, _, _, paths = built
    d = docx.Document(paths["en"])
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert heads[0] == "Beijing pioneer zone: self-assessment report 2016"
    assert "1. Overview" in heads and "Appendix: data quality and lineage" in heads
    results = next(t for t in _tables(d) if t[0][:2] == ["Indicator", "Code"])
    assert _by_code(results)["air_pm2_5"][0] == "PM2.5 annual mean concentration"


def test_pdf_has_chinese_glyphs(built, tmp_path):
    rep, _, _, paths = built
    fonts = subprocess.run(["pdffonts", str(paths["pdf"])], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK" in fonts  # the CJK font is embedded (subset), not substituted
    text = subprocess.run(["pdftotext", "-l", "1", str(paths["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert rep.title in text and "72" in subprocess.run(["pdftotext", str(paths["pdf"]), "-"], capture_output=True,
                                                        text=True, check=True).stdout  # fmt: skip
    png = subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(paths["pdf"])],
                         capture_output=True, check=True).stdout  # fmt: skip
    page = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    h, w = page.shape
    title = page[int(0.12 * h) : int(0.2 * h), int(0.1 * w) : int(0.9 * w)]  # below the 3.7 cm top margin
    dark = (title < 128).mean()
    assert dark > 0.04, dark  # solid CJK strokes (measured 0.086 at 60 dpi; an empty band is 0)
    cols = (title < 128).any(axis=0)
    assert cols.sum() > 0.5 * cols.size  # the title spans most of the width (21 glyphs)


def _glyph_shapes(ink):
    """Ink patterns of the glyphs on the first inked line of a page (the title): runs of inked columns, each
    cropped to its ink and reduced to an 8×8 grid of ink shares (rounded)."""
    rows = np.flatnonzero(ink.any(axis=1))
    top = rows[0]  # the first inked line is the title; it ends at the first blank row below it
    bottom = top + int(np.argmin(ink[top:].any(axis=1)))
    band = ink[top:bottom]
    cols = band.any(axis=0).astype(int)
    edges = np.flatnonzero(np.diff(np.r_[0, cols, 0]))
    shapes = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        g = band[:, a:b]
        g = g[np.flatnonzero(g.any(axis=1))[0] : np.flatnonzero(g.any(axis=1))[-1] + 1]
        ys = np.linspace(0, g.shape[0], 9).astype(int)
        xs = np.linspace(0, g.shape[1], 9).astype(int)
        grid = [[g[ys[i] : max(ys[i + 1], ys[i] + 1), xs[j] : max(xs[j + 1], xs[j] + 1)].mean() for j in range(8)]
                for i in range(8)]  # fmt: skip
        shapes.append(tuple(np.round(np.array(grid).ravel(), 1)))
    return shapes


def test_pdf_glyphs_are_not_empty_boxes(built):
    """Missing-glyph boxes (tofu) are all the same shape; the title's distinct Chinese characters are not."""
    png = subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(built[3]["pdf"])],
                         capture_output=True, check=True).stdout  # fmt: skip
    shapes = _glyph_shapes(np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 128)
    assert len(shapes) >= 15  # 21 glyphs, a few may touch
    assert len(set(shapes)) >= 0.8 * len(shapes)
    # the check can fail: the same title drawn with a font without CJK glyphs gives identical boxes
    from PIL import ImageDraw, ImageFont

    tofu = Image.new("L", (1400, 120), 255)
    font = ImageFont.truetype("DejaVuSans.ttf", 48) if _has_dejavu() else ImageFont.load_default(48)
    ImageDraw.Draw(tofu).text((10, 30), "北京市美丽中国先行区建设", font=font, fill=0)
    boxes = _glyph_shapes(np.asarray(tofu) < 128)
    assert len(boxes) == 12 and len(set(boxes)) <= 2


def _has_dejavu() -> bool:
    from PIL import ImageFont

    try:
        ImageFont.truetype("DejaVuSans.ttf", 10)
    except OSError:
        return False
    return True


def test_national_report(report_engine, tmp_path):
    from pioneer.reports import national

    with session_scope(report_engine) as s:
        rep = national.build(s, YEAR, as_of=dt.date(2026, 7, 1))
        pipe = plans.pipeline(s, as_of=dt.date(2026, 7, 1))
        card = self_assessment.scorecards(s, ZONE, YEAR)[0]
    d = docx.Document(render.write(rep, tmp_path / "n.docx"))
    tables = _tables(d)
    by_cat = next(t for t in tables if t[0][0] == "类别")
    assert by_cat[-1][0] == "合计" and float(by_cat[-1][2]) == pipe["total"]["total_investment"]
    assert sum(float(r[2]) for r in by_cat[1:-1]) == pytest.approx(pipe["total"]["total_investment"])
    src = next(t for t in tables if t[0][0] == "资金来源")
    assert float(src[-1][2]) == pytest.approx(pipe["total"]["funding"]) == pipe["total"]["total_investment"]
    scores = _by_code(next(t for t in tables if t[0][0] == "先行区编码"), code_col=0)
    assert scores[ZONE][5] == number(card["overall"]["overall_score"])
    assert (
        scores[ZONE][6]
        == f"{sum(r['value'] is not None for r in card['indicators'])}/{len(card['indicators'])}"
    )
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert "三、重大工程项目储备库" in heads and "精细化治理“一微克”行动（示例）（BJ-110000）" in heads
