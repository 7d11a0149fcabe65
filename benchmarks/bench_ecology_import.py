"""Ecology registers at bureau scale: a generated workbook of hazardous-waste units, yearly filings and transfer
manifests, checked and imported all or nothing (``pioneer.ecology.excel.import_workbook``, with the audit writer of
the CLI), then the year's informatised-supervision coverage computed from it. SQLite in a temporary home.

    .venv/bin/python benchmarks/bench_ecology_import.py --units 2000 --manifests 10000
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--manifests", type=int, default=10000)
    a = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-ecology-"))
    os.environ["PIONEER_HOME"] = str(home)
    import openpyxl

    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.ecology import excel
    from pioneer.ecology import indicators as ind
    from pioneer.registry.permissions import Actor, Role
    from pioneer.web import auth

    upgrade()
    path = excel.write_template(home / "book.xlsx")
    wb = openpyxl.load_workbook(path)
    u, f, m = wb["危险废物单位"], wb["危险废物年度申报"], wb["危险废物转移联单"]
    for i in range(a.units):  # unit 0 and every tenth are disposers, the rest producers
        u.append([f"U{i:06d}", f"单位{i}", "disposer" if i % 10 == 0 else "producer", "330502" if i % 2 else "330503",
                  "是"])  # fmt: skip
        f.append([f"U{i:06d}", 2025, 20 + i % 50, "是", "否" if i % 7 == 0 else "是", "是"])
    producers = [i for i in range(a.units) if i % 10]
    for j in range(a.manifests):
        m.append([f"M{j:07d}", f"U{producers[j % len(producers)]:06d}", "U000000", "900-041-49", 1.5, "2025-05-01",
                  "否" if j % 13 == 0 else "是"])  # fmt: skip
    wb.save(path)
    actor = Actor("bench", Role.PROGRAMME_OFFICE)
    t0 = time.perf_counter()
    with session_scope(make_engine()) as s:

        def record(action, object_type, key, division_code, before, after):
            auth.audit(s, None, action, object_type, key, division_code, before, after, note="bench")

        saved = excel.import_workbook(s, path, actor=actor, record=record)
    t1 = time.perf_counter()
    with session_scope(make_engine()) as s:
        values, details = ind.hazardous_waste_coverage(s, 2025)
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows {saved}; check + import + audit {t1 - t0:.1f} s; coverage {t2 - t1:.2f} s "
          f"({len(details)} obliged units); peak RSS {rss:.0f} MB")  # fmt: skip
    print(values[["division_code", "value"]].to_string(index=False))


if __name__ == "__main__":
    main()
