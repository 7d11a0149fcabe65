"""The web layer's national month: station-day values in the lake (layout ``cnemc-daily``) evaluated by month
(:mod:`pioneer.assessment.national`) for the overview map, the rankings page and the API.

Results are memoised in-process per lake state (the committed imports' ids), so a page view does not recompute a
month until an import changes the lake. Months are calendar months with at least one station-day value; pages
open on the latest one.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import ibis
import numpy as np
import pandas as pd

from pioneer.assessment.national import period_table, rankings, station_days_of_lake
from pioneer.indicators.bindings import AIR_FIELDS
from pioneer.lake.storage import Lake
from pioneer.standards.air.period import period_bounds

SOURCE_ZH = "中国环境监测总站实时发布数据（经 HeQinWill/CNEMC 存档），未经审核"
SOURCE_EN = "China National Environmental Monitoring Centre real-time release (via the HeQinWill/CNEMC archive), unaudited"

_lock = threading.Lock()
_memo: dict[tuple, Any] = {}


def _state(lake: Lake) -> tuple[str, ...]:
    try:
        return tuple(sorted(r["import_id"] for r in lake.committed() if any(
            f.startswith("air_daily/") for f in r.get("files", []))))  # fmt: skip
    except (OSError, FileNotFoundError):
        return ()


def _memoised(key: tuple, compute: Any, lake: Lake) -> Any:
    full = (str(lake.root) if hasattr(lake, "root") else "", _state(lake), *key)
    with _lock:
        if full in _memo:
            return _memo[full]
    value = compute()
    with _lock:
        if len(_memo) > 64:
            _memo.clear()
        _memo[full] = value
    return value


def months(lake: Lake | None = None) -> list[str]:
    """Calendar months (``YYYY-MM``) with station-day values in the lake, oldest first."""
    lake = lake or Lake()

    def compute() -> list[str]:
        if not lake.files("air_daily"):
            return []
        con = ibis.duckdb.connect()
        t = station_days_of_lake(lake, start=dt.date(1980, 1, 1), end=dt.date(2100, 12, 31), con=con)
        found = con.execute(t.select(m=t.date.strftime("%Y-%m")).distinct())
        return sorted(str(m) for m in found["m"])

    return list(_memoised(("months",), compute, lake))


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY-MM`` (``period.period_bounds``); a bad value raises ``ValueError``."""
    year, number = (int(x) for x in month.split("-"))
    return period_bounds("month", year, number)


def month_table(month: str, lake: Lake | None = None) -> pd.DataFrame:
    """Station and city statistics of a month (``assessment.national.period_table``)."""
    lake = lake or Lake()
    start, end = month_bounds(month)

    def compute() -> pd.DataFrame:
        con = ibis.duckdb.connect()
        return period_table(
            station_days_of_lake(lake, start=start, end=end, con=con), start=start, end=end, con=con
        )

    return _memoised(("table", month), compute, lake)


def release(month: str, lake: Lake | None = None) -> dict[str, Any]:
    """The month's national release (``assessment.national.rankings``), with the same month of the previous year
    for the change ranking when the lake has it."""
    lake = lake or Lake()
    year, number = (int(x) for x in month.split("-"))
    prior = f"{year - 1:04d}-{number:02d}"

    def compute() -> dict[str, Any]:
        previous = month_table(prior, lake) if prior in months(lake) else None
        return rankings(month_table(month, lake), year=year, previous=previous)

    return _memoised(("release", month), compute, lake)


def records(frame: pd.DataFrame | None, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """JSON-ready rows (NaN/NA → None, NumPy scalars → Python)."""
    if frame is None:
        return []
    f = frame[columns] if columns else frame
    f = f.astype(object).where(f.notna(), None)
    return [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
        for r in f.to_dict("records")
    ]


def release_public(month: str, lake: Lake | None = None) -> dict[str, Any]:
    """``release`` as JSON: the 168-city ranking (every city, best/worst 20 marked), the PM2.5 ranking, the set
    means, the change ranking (empty without the previous year) and the source note."""
    r = release(month, lake)
    cols = ["rank", "rank_from_worst", "id", "name", "group", "composite_index", "pm2_5_mean_1dp", "good_day_ratio",
            "aqi_valid_days"]  # fmt: skip
    key = r["key"]
    start, end = month_bounds(month)
    out: dict[str, Any] = {"month": month, "from": start.isoformat(), "to": end.isoformat(), "sets": r["sets"],
                           "source_zh": SOURCE_ZH, "source_en": SOURCE_EN, "key": None}  # fmt: skip
    if key is not None:
        out["key"] = {"set": key["set"], "name_zh": key["name_zh"], "name_en": key["name_en"],
                      "confidence": key["confidence"], "composite": records(key["composite"], cols),
                      "pm2_5": records(key["pm2_5"], ["rank", "id", "name", "pm2_5_mean_1dp"]),
                      "change": records(key.get("change"), None)}  # fmt: skip
    return out


def map_values(indicator: str, month: str, lake: Lake | None = None) -> dict[str, list[dict[str, Any]]]:
    """City values of an air indicator (``indicators.bindings.AIR_FIELDS``: the same statistic as the annual
    one, over the month) for the overview map; provinces are not computed from station-days."""
    field = AIR_FIELDS.get(indicator, (None,))[0]
    if field is None:
        return {"provinces": [], "cities": []}
    t = month_table(month, lake)
    c = t[(t["level"] == "city") & t[field].notna()]
    return {"provinces": [], "cities": [{"code": str(k), "value": float(v)} for k, v in zip(c["id"], c[field],
                                                                                           strict=True)]}  # fmt: skip
