"""The self-assessment and national reports as a ministry would receive them: A4, sized fixed-layout columns
across the type area, header rows repeated on every page, Chinese labels throughout, times in 北京时间 — checked in
the DOCX's own structure and in what LibreOffice (``soffice --headless --convert-to pdf``) makes of it: page size,
page count (within two pages of WeasyPrint's PDF of the same report), the header row on every page a table runs
over, and tables spanning the type area instead of collapsing into one-character columns."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from pioneer.db import session_scope
from pioneer.reports import national, render, self_assessment
from pioneer.reports.document import A4, column_widths

ZONE, YEAR = "BJ-110000", 2016
CM_PER_PT = 2.54 / 72
pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui)"
)


def soffice_pdf(src: Path, out: Path) -> Path:
    """``src`` converted by LibreOffice in its own profile (no clash with another running instance)."""
    profile = out / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)  # fmt: skip
    return out / (src.stem + ".pdf")


def pdf_pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    return pages, (w, h)


def page_words(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page: (xMin, xMax, word) of every word (poppler's ``pdftotext -bbox``)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(
        re.sub(r"<!DOCTYPE[^>]*>", "", html).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    )
    return [[(float(w.get("xMin")), float(w.get("xMax")), w.text or "") for w in p.iter("word")]
            for p in root.iter("page")]  # fmt: skip


@pytest.fixture(scope="module")
def reports(report_engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("lo")
    with session_scope(report_engine) as s:
        sa = self_assessment.build(s, ZONE, YEAR, as_of=dt.date(2026, 7, 1))
        nat = national.build(s, YEAR, as_of=dt.date(2026, 7, 1))
    paths = {"sa": render.write(sa, out / "sa.docx"), "sa_weasy": render.write(sa, out / "sa-weasy.pdf"),
             "nat": render.write(nat, out / "nat.docx")}  # fmt: skip
    paths["sa_lo"] = soffice_pdf(paths["sa"], out)
    paths["nat_lo"] = soffice_pdf(paths["nat"], out)
    return sa, nat, paths


def test_docx_structure_a4_sized_columns_repeated_headers(reports):
    sa, _, paths = reports
    d = docx.Document(paths["sa"])
    sec = d.sections[0]
    assert (round(sec.page_width.cm, 2), round(sec.page_height.cm, 2)) == (21.0, 29.7)
    assert round(sec.left_margin.cm + sec.right_margin.cm, 2) == round(21.0 - A4.text_width, 2)
    tables = [b for b in sa.blocks if type(b).__name__ == "Table"]
    assert len(d.tables) == len(tables)
    for t, model in zip(d.tables, tables, strict=True):
        tbl_pr = t._tbl.tblPr
        assert tbl_pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [c.w.cm for c in t._tbl.tblGrid.gridCol_lst]
        assert sum(grid) == pytest.approx(A4.text_width, abs=0.02)
        assert min(grid) >= 1.0, (model.key, grid)  # no one-character column
        assert grid == pytest.approx(model.widths(), abs=0.01)
        first = t.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        assert all(
            c.width.cm == pytest.approx(w, abs=0.01) for c, w in zip(t.rows[-1].cells, grid, strict=True)
        )


def test_chinese_labels_and_beijing_time(reports):
    sa, nat, _ = reports
    assert "北京时间" in sa.subtitle and "UTC" not in sa.subtitle and "北京时间" in nat.subtitle
    overview = dict(sa.table("overview").rows)
    assert overview["层级"] == "市" and overview["状态"] == "建设中"
    statuses = {r[2] for r in sa.table("domains-110000").rows}
    assert statuses <= {"正常", "数据不足", "部分领域"} and "数据不足" in statuses
    assert {r[6] for r in sa.table("standing-110000").rows} <= {
        "省级",
        "地级及以上城市",
        "县级",
    }  # Beijing: a municipality
    assert {r[0] for r in nat.table("zones").rows[:-1]} <= {"区域", "省域", "市", "县"}
    codes = r"insufficient-data|no-bounds|missing-value|\bcity\b|\bcounty\b|\bprovince\b|\bcomputed\b|\bFalse\b|\bnan\b"
    for rep in (sa, nat):
        for b in rep.blocks:
            if type(b).__name__ == "Table" and not b.key.startswith(
                "lineage-"
            ):  # lineage quotes method texts
                cells = " ".join([*b.columns, *(" ".join(r) for r in b.rows)])
                assert not re.search(codes, cells), (b.key, re.findall(codes, cells))


def test_libreoffice_pages_a4_and_count(reports):
    _, _, paths = reports
    lo_pages, lo_size = pdf_pages(paths["sa_lo"])
    weasy_pages, _ = pdf_pages(paths["sa_weasy"])
    assert lo_size == pytest.approx((595.3, 841.9), abs=1.0)  # A4, not US Letter (612 × 792)
    # the same content on the same type area: the two renderers agree within two pages (the squeezed Letter
    # version took 11 pages against WeasyPrint's 7)
    assert abs(lo_pages - weasy_pages) <= 2, (lo_pages, weasy_pages)
    nat_pages, nat_size = pdf_pages(paths["nat_lo"])
    assert nat_size == pytest.approx((595.3, 841.9), abs=1.0) and nat_pages <= 6


def test_libreoffice_tables_span_the_type_area_and_repeat_headers(reports):
    sa, _, paths = reports
    pages = page_words(paths["sa_lo"])
    left_pt, right_pt = A4.left / CM_PER_PT, (A4.width - A4.right) / CM_PER_PT
    results = sa.table("results-110000")
    missing_rows = [r for r in results.rows if r[6] == "缺数据"]
    # pages the results table runs over (its "缺数据" cells) each start with its header row
    over = [i for i, words in enumerate(pages) if sum(w == "缺数据" for _, _, w in words) >= 3]
    assert len(over) >= 2 and sum(sum(w == "缺数据" for _, _, w in pages[i]) for i in over) <= len(
        missing_rows
    )
    for i in over:
        texts = [w for _, _, w in pages[i]]
        assert "代码" in texts and "单位" in texts, i  # the repeated header
        x0 = min(a for a, _, _ in pages[i])
        x1 = max(b for _, b, _ in pages[i])
        assert x0 < left_pt + 12 and x1 > right_pt - 40, (i, x0, x1)  # across the type area
    # short codes stay whole (a one-character column would split them letter by letter)
    words = {w for p in pages for _, _, w in p}
    for code in ("air_pm2_5", "air_pm10", "forest_cover"):
        assert code in words, code


def test_column_widths_rule():
    rows = [["指标", "代码", "本年值"], ["细颗粒物（PM2.5）年均浓度", "air_pm2_5", "72"]]
    w = column_widths(rows, 15.6)
    assert sum(w) == pytest.approx(15.6, abs=0.01) and w[0] > w[1] > w[2]
    many = [["名称"] * 12, ["很长的中文名称" * 3] * 12]
    assert sum(column_widths(many, 15.6)) == pytest.approx(15.6, abs=0.01)  # minimums scaled to fit
