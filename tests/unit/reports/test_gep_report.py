"""The GEP report: the accounts table carries the computed numbers, one composition chart per division (latest
year), a trend chart when there are several years; the PDF renders with its CJK text."""

from __future__ import annotations

import subprocess

import pandas as pd

from pioneer.reports.document import Figure
from pioneer.reports.gep import gep_report
from pioneer.reports.render import write
from pioneer.standards import gep

ED = "GB/T 46869-2025"


def test_gep_report(tmp_path):
    # 513301: water conservation 1e8 m³ × 7.06 = 7.06 亿元 in 2019, 1.1e8 × 7.06 = 7.766 亿元 in 2020
    rows = [("513301", 2019, "water_conservation", 1e8), ("513301", 2020, "water_conservation", 1.1e8),
            ("513301", 2020, "recreation_value", 5e7)]  # fmt: skip
    q = gep.read_quantities(
        pd.DataFrame(rows, columns=["division_code", "year", "component", "quantity"]), edition=ED
    )
    v = gep.item_values(q, edition=ED, prices="garze-2010")
    acc = gep.two_mountains_indicators(gep.account(v)).assign(level="input")
    r = gep_report(acc, v, edition=ED)
    t = r.table("accounts")
    assert [row[6] for row in t.rows] == ["7.06", "8.266"]  # GEP 亿元: 7.06; 7.766 + 0.5
    assert [row[9] for row in t.rows] == ["0", "6.05"]  # conversion rate: 0.5 / 8.266 = 6.05 %
    assert sum(isinstance(b, Figure) for b in r.blocks) == 2  # one composition (2020) + the trend
    pdf = write(r, tmp_path / "g.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "生态产品总值" in text and "8.266" in text
