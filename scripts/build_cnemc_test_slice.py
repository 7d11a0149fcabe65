"""Build tests/data/air/cnemc/ from data/sample/cnemc-2025-01/: the stations of a few areas (every column, every
day) — 北京市 (municipality), 阿坝藏族羌族自治州, 阿克苏地区, 阿拉善盟 (names that must map), 石河子市 (a 兵团 city,
county-level code) and 雄安新区 (an area that is no GB/T 2260 division). Rows are copied unchanged, in order.

    .venv/bin/python scripts/build_cnemc_test_slice.py
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "sample" / "cnemc-2025-01"
TARGET = ROOT / "tests" / "data" / "air" / "cnemc"
AREAS = ("北京市", "阿坝藏族羌族自治州", "阿克苏地区", "阿拉善盟", "石河子市", "雄安新区")


def main() -> None:
    (TARGET / "daily").mkdir(parents=True, exist_ok=True)
    with (SOURCE / "stations.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], [r for r in rows[1:] if r[3] in AREAS]
    keep = {r[0] for r in body}
    with (TARGET / "stations.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *body])
    for day in sorted((SOURCE / "daily").glob("*.csv")):
        lines = day.read_text(encoding="utf-8").splitlines()
        picked = [lines[0], *[line for line in lines[1:] if line.split(",", 1)[0] in keep]]
        (TARGET / "daily" / day.name).write_text("\n".join(picked) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
