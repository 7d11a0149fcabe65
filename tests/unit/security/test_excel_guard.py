"""The Excel guard (``pioneer.guard.excel``) in front of every Excel reader: a declared dimension of
``A1:XFD3000``, a zip bomb, a damaged archive and formulas without cached values are refused with a located
bilingual error by the lake reader, the projects template reader, the reporting template reader, the station
register reader and the upload endpoint; a workbook saved by LibreOffice (formulas with cached values) reads."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pioneer.errors import InputError
from pioneer.guard.excel import MAX_COLUMNS, check_workbook, declared_size


def _workbook(rows: list[list], title: str = "data") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite(data: bytes, part: str, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


GOOD = _workbook([["station", "time", "pm2_5"], ["1001A", "2025-01-01 01:00", 3]])
SHEET = "xl/worksheets/sheet1.xml"
WIDE = _rewrite(GOOD, SHEET, lambda b: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD3000"', b))
BOMB = _rewrite(GOOD, "docProps/app.xml", lambda b: b + b" " * (40 * 2**20))
FORMULA = _workbook([["station", "time", "pm2_5"], ["1001A", "2025-01-01 01:00", "=1+2"]])
BROKEN = GOOD[: len(GOOD) // 2]
BAD = {"wide": (WIDE, "XFD3000"), "bomb": (BOMB, "zip bomb"), "formula": (FORMULA, "without a computed value"),
       "broken": (BROKEN, "valid Excel"), "text": (b"station,time\n", "valid Excel")}  # fmt: skip


def test_declared_size():
    assert declared_size("A1:XFD3000") == (16384, 3000) and declared_size("$B$2:$C$10") == (2, 9)
    assert declared_size("nonsense") == (0, 0)


def test_good_workbook_passes():
    check_workbook(GOOD, file="good.xlsx")
    wide_ok = _workbook([list(range(MAX_COLUMNS))])
    check_workbook(wide_ok)


@pytest.mark.parametrize("case", sorted(BAD))
def test_lake_reader_refuses(case):
    from pioneer.lake.readers import read_file

    data, words = BAD[case]
    with pytest.raises(InputError) as err:
        read_file(f"{case}.xlsx", data)
    assert words in err.value.message_en and err.value.file and err.value.message_zh


@pytest.mark.parametrize("case", sorted(BAD))
def test_other_readers_refuse(tmp_path, case):
    from pioneer.indicators.template import read_template
    from pioneer.plans.excel import read_sheets
    from pioneer.registry.stations.service import read_table

    data, words = BAD[case]
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(data)
    for reader in (read_sheets, read_template, read_table):
        with pytest.raises(InputError) as err:
            reader(path)
        assert words in err.value.message_en or case in ("broken", "text"), (reader.__name__, err.value)


@pytest.mark.parametrize("case", sorted(BAD))
def test_upload_endpoint_reports(client, tokens, case):
    data, words = BAD[case]
    r = client.post("/api/v1/imports", files={"file": (f"{case}.xlsx", data, "application/vnd.ms-excel")},
                    headers=tokens("admin"))  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["upload_id"] is None and words in body["errors"][0]["reason_en"]


def test_wide_declaration_is_cheap():
    """The guard refuses A1:XFD3000 from the first 4 kB of the sheet: no padding to 16 384 columns."""
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(InputError):
        check_workbook(WIDE)
    assert time.perf_counter() - t0 < 0.5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB


CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


@pytest.mark.skipif(
    shutil.which("soffice") is None or not CALC.exists(), reason="LibreOffice Calc not installed"
)
def test_libreoffice_saved_formulas_read_as_values(tmp_path):
    """The same formula file, opened and saved by LibreOffice, carries cached values: accepted, and the lake
    reader sees the computed 3."""
    from pioneer.lake.readers import read_file

    src = tmp_path / "in" / "formula.xlsx"
    src.parent.mkdir()
    src.write_bytes(FORMULA)
    out = tmp_path / "out"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=120)  # fmt: skip
    saved = (out / "formula.xlsx").read_bytes()
    check_workbook(saved)
    table = read_file("formula.xlsx", saved).sheets[0].table
    assert [str(v) for v in table["pm2_5"].to_pylist()] in (["3"], ["3.0"])
