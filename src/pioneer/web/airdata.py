"""Air indicators for the web pages, computed from hourly data with ``pioneer.standards.air`` (HJ 633 daily
AQI, HJ 663 / GB 3095 annual statistics) and cached as Parquet under ``$PIONEER_HOME/cache/web-air``.

This is the interim source of the dashboard's numbers until ``pioneer.indicators`` / ``pioneer.assessment``
provide the indicator catalogue and scorecards (hook: :func:`annual` and :func:`daily` are the only functions
the pages call). The cache key is the sha256 of the input file, so a changed input is recomputed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import ibis
import pandas as pd

from pioneer.config import settings
from pioneer.standards.air import annual_statistics, daily_report, daily_values, sites_hourly

# The annual indicators shown on the pages: column → (zh, en, unit, better direction).
INDICATORS: dict[str, tuple[str, str, str, str]] = {
    "pm2_5_annual_mean": ("PM2.5 年均浓度", "PM2.5 annual mean", "µg/m³", "lower"),
    "pm10_annual_mean": ("PM10 年均浓度", "PM10 annual mean", "µg/m³", "lower"),
    "no2_annual_mean": ("NO2 年均浓度", "NO2 annual mean", "µg/m³", "lower"),
    "so2_annual_mean": ("SO2 年均浓度", "SO2 annual mean", "µg/m³", "lower"),
    "o3_8h_p90": ("O3 日最大8小时第90百分位", "O3 MDA8 90th percentile", "µg/m³", "lower"),
    "co_p95": ("CO 日均第95百分位", "CO daily 95th percentile", "mg/m³", "lower"),
    "good_day_ratio": ("优良天数比例", "share of good days", "%", "higher"),
    "composite_index": ("环境空气质量综合指数", "ambient air quality composite index", "", "lower"),
}
SOURCE = {
    "standards": "HJ 633-2012 (daily AQI), HJ 663-2013 (annual statistics, percentiles), GB 3095-2012 (limits)",
    "data": "UCI Beijing Multi-Site Air-Quality Data (CC BY 4.0), data/sample/beijing_air_hourly.parquet",
}


@dataclass(frozen=True)
class AirTables:
    daily: pd.DataFrame  # site_level, id, date, items, aqi, level, primary_pollutant …
    annual: pd.DataFrame  # site_level, id, year, indicators …
    source: str
    sha256: str


_lock = threading.Lock()
_loaded: dict[str, AirTables] = {}


def cache_dir() -> Path:
    return settings().home / "cache" / "web-air"


def sample_path() -> Path:
    """The Beijing sample shipped in the repository (``data/sample``), found from the package location."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "sample" / "beijing_air_hourly.parquet"
        if candidate.exists():
            return candidate
    raise FileNotFoundError("data/sample/beijing_air_hourly.parquet not found")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def compute(hourly_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily AQI report and annual statistics (every full calendar year present) of an hourly Parquet file
    with columns ``station, city, time, so2, no2, co, o3, pm10, pm2_5`` (hour-end labels, CST)."""
    con = ibis.duckdb.connect()
    hourly = con.read_parquet(str(hourly_path))
    daily_t = con.create_table("daily", daily_values(sites_hourly(hourly)), temp=True)
    daily = con.execute(daily_report(daily_t))
    years = sorted(pd.to_datetime(daily["date"]).dt.year.unique().tolist())
    annual = pd.concat(
        [con.execute(annual_statistics(daily_t, year=int(y))) for y in years], ignore_index=True
    )
    daily["date"] = pd.to_datetime(daily["date"])
    con.disconnect()
    return daily, annual


def load(hourly_path: Path | None = None) -> AirTables:
    """The computed tables, from the cache when the input is unchanged (else computed and cached)."""
    path = (hourly_path or sample_path()).resolve()
    with _lock:
        if str(path) in _loaded:
            return _loaded[str(path)]
        sha = _sha256(path)
        folder = cache_dir()
        meta = folder / "meta.json"
        daily_file, annual_file = folder / "daily.parquet", folder / "annual.parquet"
        if meta.exists() and json.loads(meta.read_text()).get("sha256") == sha and daily_file.exists():
            daily, annual = pd.read_parquet(daily_file), pd.read_parquet(annual_file)
        else:
            daily, annual = compute(path)
            folder.mkdir(parents=True, exist_ok=True)
            for frame, target in ((daily, daily_file), (annual, annual_file)):
                tmp = target.with_suffix(".tmp")
                frame.to_parquet(tmp, index=False)
                tmp.replace(target)
            meta.write_text(json.dumps({"sha256": sha, "source": str(path)}))
        tables = AirTables(daily=daily, annual=annual, source=str(path), sha256=sha)
        _loaded[str(path)] = tables
        return tables


def loaded() -> AirTables | None:
    """The tables if already loaded (pages render "no data" instead of computing on a request)."""
    return next(iter(_loaded.values()), None)


def annual(year: int | None = None) -> pd.DataFrame:
    t = loaded()
    if t is None:
        return pd.DataFrame()
    frame = t.annual
    return frame[frame["year"] == year] if year is not None else frame


def years() -> list[int]:
    t = loaded()
    if t is None:
        return []
    # only years whose annual statistics are valid for at least one site
    valid = t.annual.dropna(subset=["pm2_5_annual_mean"])
    return sorted(int(y) for y in valid["year"].unique())


def monthly(site_ids: list[str], item: str = "pm2_5") -> pd.DataFrame:
    """Monthly mean of valid daily values per site (display only; not an HJ 663 statistic)."""
    t = loaded()
    if t is None:
        return pd.DataFrame(columns=["id", "month", item])
    d = t.daily[t.daily["id"].isin(site_ids)]
    out = d.assign(month=d["date"].dt.strftime("%Y-%m")).groupby(["id", "month"], as_index=False)[item].mean()
    return out.round({item: 1})
