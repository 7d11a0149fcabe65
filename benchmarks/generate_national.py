"""Seeded generator of a synthetic but realistic national year of hourly air data (CNEMC shape).

1,734 stations in 339 cities (6-digit division codes), 8,760 hour-end labels (China Standard Time) of one year,
the six items of GB 3095 Table 1 in µg/m³ (CO in mg/m³), written as CSV (the ``pioneer air daily|annual`` input
contract) and as Parquet. Everything is vectorised NumPy; the only Python loops run over days or hours of the
year across all cities at once (AR processes), never over data rows.

What makes it realistic enough to exercise the standards:

- regional levels: northern cities have higher PM, SO2 and CO and stronger winters; southern cities cleaner;
- winter PM episodes (3–8 days, 1.5–4× the seasonal level, Nov–Feb, city-correlated) and spring dust in PM10;
- diurnal O3 (minimum near 07:00, peak near 15:00, summer maxima reaching the 160 µg/m³ 8-h limit), NO2 rush
  hours, PM night-time build-up, CO tracking PM; station-level multiplicative noise around the city signal;
- gaps: whole-hour rows missing (~1 %), single cells empty (~1 % per item), multi-day station outages (rows
  absent, occasionally weeks long) and multi-day single-analyser outages (cells empty), so that the daily
  (≥20 h), 8-h (≥6 h, ≥14 windows) and annual (≥324 days, ≥27 per month, February ≥25) validity rules bite.

The station codes (``1001A`` …) and division codes (province prefix of GB/T 2260 + city number) are well-formed
but synthetic: they do not name real places.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ITEMS = ("so2", "no2", "co", "o3", "pm10", "pm2_5")
PROVINCES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53,
             54, 61, 62, 63, 64, 65)  # fmt: skip
"""GB/T 2260 province-level prefixes of the 31 mainland provinces."""
NORTHERN = {11, 12, 13, 14, 15, 21, 22, 23, 37, 41, 61, 62, 63, 64, 65}


def _layout(
    rng: np.random.Generator, n_stations: int, n_cities: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """City codes, 'northness' per city, and the city index of every station."""
    weights = rng.uniform(0.5, 1.5, len(PROVINCES))
    per_prov = 1 + rng.multinomial(n_cities - len(PROVINCES), weights / weights.sum()) if n_cities >= len(
        PROVINCES) else np.bincount(rng.choice(len(PROVINCES), n_cities), minlength=len(PROVINCES))  # fmt: skip
    prov_of_city = np.repeat(np.arange(len(PROVINCES)), per_prov)
    seq = np.concatenate([np.arange(1, k + 1) for k in per_prov])
    codes = np.array([f"{PROVINCES[p]}{s:02d}00" for p, s in zip(prov_of_city, seq, strict=True)])
    north = np.array([PROVINCES[p] in NORTHERN for p in prov_of_city], dtype=float)
    north = np.clip(north * 0.7 + rng.uniform(0, 0.3, n_cities), 0, 1)
    size = rng.lognormal(0, 0.6, n_cities)
    extra = rng.multinomial(n_stations - n_cities, size / size.sum())
    station_city = np.repeat(np.arange(n_cities), 1 + extra)
    return codes, north, station_city


def _ar1(rng: np.random.Generator, n: int, steps: int, phi: float, sigma: np.ndarray | float) -> np.ndarray:
    """AR(1) series for ``n`` units over ``steps`` (loop over time only, vectorised over units)."""
    eps = rng.normal(0, 1, (steps, n)) * sigma
    x = np.empty((steps, n))
    x[0] = eps[0] / np.sqrt(1 - phi**2)
    for k in range(1, steps):
        x[k] = phi * x[k - 1] + eps[k]
    return x.T


def _boxes(n: int, steps: int, unit: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Boolean (n, steps) mask, True inside [start, start+length) of each (unit, start, length) event."""
    diff = np.zeros((n, steps + 1), dtype=np.int32)
    start = np.minimum(start, steps)
    end = np.minimum(start + length, steps)
    np.add.at(diff, (unit, start), 1)
    np.add.at(diff, (unit, end), -1)
    return np.cumsum(diff[:, :steps], axis=1) > 0


def generate(*, n_stations: int = 1734, n_cities: int = 339, year: int = 2025, seed: int = 20260301) -> dict:
    """Return arrays of a national year: station/city codes and (station, hour) matrices of the six items.

    Hours are indexed 0 … 8759; hour k is labelled ``year-01-01T01:00 + k h`` (hour-end, CST), so hour k belongs
    to natural day k // 24 and hour label k % 24 + 1. Missing values are NaN; ``present`` marks rows that exist.
    """
    rng = np.random.default_rng(seed)
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    hours = days * 24
    codes, north, station_city = _layout(rng, n_stations, n_cities)
    doy = np.arange(days)
    winter = np.cos(2 * np.pi * (doy - 15) / days)  # +1 mid-January, −1 mid-July
    hod = np.arange(hours) % 24 + 0.5  # clock time at the middle of the hour (label − 0.5)
    day_of_hour = np.arange(hours) // 24

    # --- city daily signals (n_cities, days) ---------------------------------------------------------------
    pm_base = rng.lognormal(np.log(22 + 18 * north), 0.25)[:, None]
    season = 1 + (0.35 + 0.45 * north)[:, None] * winter[None, :]
    weather = np.exp(_ar1(rng, n_cities, days, 0.75, 0.28 + 0.1 * (winter[:, None] > 0)))
    # winter episodes: Nov–Feb, 3–8 days, 1.5–4×, ramping up and clearing at the end
    n_ep = rng.poisson(2 + 4 * north)
    ep_city = np.repeat(np.arange(n_cities), n_ep)
    ep_start = rng.choice(np.r_[0:55, days - 60 : days - 3], ep_city.size)
    ep_len = rng.integers(3, 9, ep_city.size)
    episode = np.ones((n_cities, days))
    for amp_day in range(8):  # ramp: each episode day k adds amplitude proportional to k
        on = _boxes(n_cities, days, ep_city, ep_start + amp_day, np.maximum(ep_len - amp_day, 0))
        episode += on * 0.35
    pm25_day = pm_base * season * weather * episode
    dust = _boxes(n_cities, days, *(lambda c: (c, rng.integers(60, 140, c.size), rng.integers(1, 4, c.size)))(
        np.repeat(np.arange(n_cities), rng.poisson(2 * north))))  # fmt: skip
    o3_base = rng.normal(85, 12, n_cities)[:, None] * (1 - 0.45 * winter[None, :]) * np.exp(
        _ar1(rng, n_cities, days, 0.6, 0.18))  # fmt: skip

    # --- city hourly (n_cities, hours) ---------------------------------------------------------------------
    def hourly(day_values: np.ndarray) -> np.ndarray:
        return day_values[:, day_of_hour]

    diurnal_pm = 1 + 0.18 * np.cos(2 * np.pi * (hod - 22) / 24)
    diurnal_o3 = 0.25 + 1.05 * np.clip(np.cos(2 * np.pi * (hod - 15) / 24) * 0.5 + 0.5, 0, 1) ** 1.6
    diurnal_no2 = 1 + 0.25 * np.cos(2 * np.pi * (hod - 8) / 12)
    city_noise = np.exp(_ar1(rng, n_cities, hours, 0.9, 0.08))
    pm25_c = hourly(pm25_day) * diurnal_pm * city_noise
    pm10_ratio = rng.uniform(1.35, 1.9, n_cities)[:, None]
    pm10_c = pm25_c * pm10_ratio * (1 + hourly(dust.astype(float)) * rng.uniform(2, 5, (n_cities, 1)))
    no2_c = (rng.lognormal(np.log(28), 0.25, n_cities)[:, None] * (1 + 0.25 * winter[None, day_of_hour])
             * diurnal_no2 * city_noise)  # fmt: skip
    o3_c = hourly(o3_base) * diurnal_o3 * (1.25 - 0.25 * city_noise)
    so2_c = rng.lognormal(np.log(6 + 10 * north), 0.3)[:, None] * (1 + 0.6 * north[:, None] * winter[None,
                                                                    day_of_hour]) * city_noise  # fmt: skip
    co_c = 0.35 + 0.009 * pm25_c * rng.uniform(0.7, 1.4, (n_cities, 1))

    # --- stations: city signal × station factor × hourly noise ----------------------------------------------
    n = n_stations
    values: dict[str, np.ndarray] = {}
    for item, city_series, digits, lo in (("so2", so2_c, 0, 2), ("no2", no2_c, 0, 2), ("co", co_c, 1, 0.1),
                                          ("o3", o3_c, 0, 2), ("pm10", pm10_c, 0, 2), ("pm2_5", pm25_c, 0, 2)):  # fmt: skip
        factor = rng.lognormal(0, 0.12, n)[:, None].astype(np.float32)
        noise = rng.lognormal(0, 0.18, (n, hours)).astype(np.float32)
        v = city_series.astype(np.float32)[station_city] * factor * noise
        v = np.maximum(np.round(v.astype(np.float64), digits), lo)
        values[item] = v
    values["pm10"] = np.maximum(values["pm10"], values["pm2_5"])  # PM10 ≥ PM2.5 as in real data

    # --- gaps ----------------------------------------------------------------------------------------------
    present = rng.random((n, hours)) >= 0.01  # whole-hour rows lost in transmission
    n_out = rng.poisson(0.6, n)
    unit = np.repeat(np.arange(n), n_out)
    length = np.minimum(np.round(rng.lognormal(np.log(30), 1.2, unit.size)).astype(int) + 6, 24 * 60)
    present &= ~_boxes(n, hours, unit, rng.integers(0, hours, unit.size), length)
    for item in ITEMS:
        cell_missing = rng.random((n, hours)) < 0.01
        n_an = rng.poisson(0.2, n)
        u = np.repeat(np.arange(n), n_an)
        ln = np.round(rng.lognormal(np.log(36), 1.0, u.size)).astype(int) + 6
        cell_missing |= _boxes(n, hours, u, rng.integers(0, hours, u.size), ln)
        values[item][cell_missing] = np.nan
    return {
        "year": year,
        "city_codes": codes,
        "station_city": station_city,
        "station_codes": np.array([f"{1001 + i}A" for i in range(n)]),
        "values": values,
        "present": present,
    }


def _arrow_chunk(data: dict, h0: int, h1: int, start: np.datetime64) -> tuple[pa.Table, np.ndarray]:
    """Rows of hours [h0, h1) in time-major order (all stations of an hour, as CNEMC publishes them), and the
    hour index of each row."""
    present = data["present"][:, h0:h1].T  # (hours, stations)
    hour_idx, st_idx = np.nonzero(present)
    times = start + (h0 + hour_idx).astype("timedelta64[h]")
    cols = {
        "station": pa.DictionaryArray.from_arrays(
            pa.array(st_idx.astype(np.int32)), pa.array(data["station_codes"])
        ),  # fmt: skip
        "city": pa.DictionaryArray.from_arrays(
            pa.array(data["station_city"][st_idx].astype(np.int32)), pa.array(data["city_codes"])
        ),  # fmt: skip
        "time": pa.array(times.astype("datetime64[us]")),
    }
    for item in ITEMS:
        v = data["values"][item][:, h0:h1].T[hour_idx, st_idx].astype(np.float64)
        cols[item] = pa.array(v, from_pandas=True)  # NaN → null
    return pa.table(cols), h0 + hour_idx


def write(data: dict, out_dir: Path, *, formats: tuple[str, ...] = ("csv", "parquet")) -> dict[str, Path]:
    """Write ``hourly.csv`` (pioneer air contract: ISO hour-end labels, empty = missing) and ``hourly.parquet``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    start = np.datetime64(f"{data['year']}-01-01T01:00")
    hours = data["present"].shape[1]
    paths = {f: out_dir / f"hourly.{f}" for f in formats}
    tmp = {f: p.with_suffix(p.suffix + ".tmp") for f, p in paths.items()}
    csv_writer = pq_writer = None
    step = 24 * 14
    # the 8,760 ISO labels are formatted once; rows take theirs by hour index
    hour_labels = pa.array(np.datetime_as_string(start + np.arange(hours).astype("timedelta64[h]"), unit="m"))
    try:
        for h0 in range(0, hours, step):
            chunk, hour_index = _arrow_chunk(data, h0, min(h0 + step, hours), start)
            if "parquet" in paths:
                pq_chunk = chunk.cast(pa.schema([*(pa.field(c, pa.string()) for c in ("station", "city")),
                                                 pa.field("time", pa.timestamp("us")),
                                                 *(pa.field(i, pa.float64()) for i in ITEMS)]))  # fmt: skip
                pq_writer = pq_writer or pq.ParquetWriter(tmp["parquet"], pq_chunk.schema, compression="zstd")
                pq_writer.write_table(pq_chunk, row_group_size=1 << 20)
            if "csv" in paths:
                labels = pc.take(hour_labels, pa.array(hour_index))
                csv_chunk = chunk.select(["station", "city"]).append_column("time", labels)
                for item in ITEMS:
                    v = chunk[item]
                    if item != "co":  # µg/m³ items are published as integers
                        v = pc.cast(v, pa.int32())
                    csv_chunk = csv_chunk.append_column(item, v)
                csv_chunk = csv_chunk.cast(pa.schema([pa.field("station", pa.string()), pa.field("city", pa.string()),
                                                      *list(csv_chunk.schema)[2:]]))  # fmt: skip
                if csv_writer is None:
                    csv_writer = pacsv.CSVWriter(tmp["csv"], csv_chunk.schema,
                                                 write_options=pacsv.WriteOptions(quoting_style="none"))  # fmt: skip
                csv_writer.write_table(csv_chunk)
    finally:
        if csv_writer is not None:
            csv_writer.close()
        if pq_writer is not None:
            pq_writer.close()
    for f in paths:
        tmp[f].replace(paths[f])
    return paths


def ensure(out_dir: Path, *, n_stations: int, n_cities: int, year: int, seed: int) -> dict[str, Path]:
    """Generate the data set unless ``out_dir`` already holds the one with these parameters."""
    meta = {"n_stations": n_stations, "n_cities": n_cities, "year": year, "seed": seed, "version": 2}
    meta_path = out_dir / "meta.json"
    paths = {"csv": out_dir / "hourly.csv", "parquet": out_dir / "hourly.parquet"}
    if (
        meta_path.exists()
        and json.loads(meta_path.read_text()) == meta
        and all(p.exists() for p in paths.values())
    ):
        return paths
    t0 = time.perf_counter()
    data = generate(n_stations=n_stations, n_cities=n_cities, year=year, seed=seed)
    t1 = time.perf_counter()
    write(data, out_dir)
    t2 = time.perf_counter()
    rows = int(data["present"].sum())
    print(f"generated {n_stations} stations × {data['present'].shape[1]} h in {n_cities} cities: {rows:,} rows "
          f"(generate {t1 - t0:.1f} s, write {t2 - t1:.1f} s) → {out_dir}")  # fmt: skip
    meta_path.write_text(json.dumps(meta))
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "national")
    ap.add_argument("--stations", type=int, default=1734)
    ap.add_argument("--cities", type=int, default=339)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--seed", type=int, default=20260301)
    a = ap.parse_args()
    ensure(a.out, n_stations=a.stations, n_cities=a.cities, year=a.year, seed=a.seed)


if __name__ == "__main__":
    main()
