"""National-scale benchmark of the water and noise engines against a straightforward pandas baseline.

Water: ``--sections`` sections (default 3,600) × 12 months × 24 items of GB 3838 Table 1 (≈1.04 M rows):
sample classification (item class → section × month class) and the annual chain (period values → section
class → province status). Noise: ``--points`` points × 4 monitoring days × 24 hourly L_Aeq → day/night levels,
compliance and rates. The pandas baseline computes the same results (classification, annual means, noise
levels) with merges, ``np.select`` and ``groupby``; both results are compared before timing is reported.

Run: ``.venv/bin/python benchmarks/bench_water_noise.py [--sections 3600] [--points 3000]``
"""

from __future__ import annotations

import argparse
import time

import ibis
import numpy as np
import pandas as pd

from pioneer.standards import noise, water

ITEMS = [c for c in water.GB3838_TABLE1.code.unique() if c != "water_temp"] + ["water_temp"]


def water_samples(n_sections: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lim = water.GB3838_TABLE1[water.GB3838_TABLE1.waterbody == "river"].set_index("code")
    sec = np.repeat(np.arange(n_sections), 12 * len(ITEMS))
    month = np.tile(np.repeat(np.arange(1, 13), len(ITEMS)), n_sections)
    item = np.tile(ITEMS, n_sections * 12)
    scale = lim["class_III"].reindex(item).fillna(1.0).to_numpy()
    value = rng.lognormal(-1.2, 0.5, len(item)) * scale
    value = np.where(item == "ph", rng.uniform(5.8, 9.2, len(item)), value)
    value = np.where(item == "do", rng.uniform(1.5, 10, len(item)), value)
    value = np.where(item == "water_temp", rng.uniform(2, 30, len(item)), value)
    return pd.DataFrame(
        {
            "section": pd.Series(sec).map(lambda i: f"S{i:05d}"),
            "waterbody_type": np.where(sec % 10 == 0, "lake", "river"),
            "province": (sec % 31).astype(str),
            "time": pd.to_datetime({"year": 2025, "month": month, "day": 5}).astype("datetime64[us]"),
            "parameter": item,
            "value": value,
            "below_detection": rng.random(len(item)) < 0.05,
        }
    )


def pandas_classify(df: pd.DataFrame) -> pd.DataFrame:
    lim = water.GB3838_TABLE1.rename(columns={"code": "parameter", "waterbody": "_kind"})
    d = df.assign(_kind=np.where(df.waterbody_type == "river", "river", "lake")).merge(
        lim, on=["parameter", "_kind"], how="left"
    )
    v = d["value"].to_numpy()
    ls = [d[f"class_{c}"].to_numpy() for c in ("I", "II", "III", "IV", "V")]
    ge = (d.comparator == ">=").to_numpy()
    le_cls = np.select([v <= x for x in ls], [1, 2, 3, 4, 5], 6)
    ge_cls = np.select([v >= x for x in ls], [1, 2, 3, 4, 5], 6)
    cls = np.where(ge, ge_cls, le_cls).astype(float)
    cls = np.where(d.comparator == "range", np.where((v >= 6) & (v <= 9), 1, 6), cls)
    cls = np.where(np.isnan(ls[0]) & (d.comparator != "range"), np.nan, cls)
    d["water_class"] = cls
    ev = d[(d.eval_2011 == "Y") & d.water_class.notna()]
    return ev.groupby(["section", "waterbody_type", "time"], as_index=False)["water_class"].max()


def pandas_annual(df: pd.DataFrame) -> pd.DataFrame:
    v = np.where(df.below_detection, df.value * 0.5, df.value)
    d = df.assign(
        _v=v, _h=np.where(df.parameter == "ph", 10.0 ** (-np.minimum(v, 14)), 0.0), _m=df.time.dt.month
    )
    mon = d.groupby(["section", "waterbody_type", "parameter", "_m"], as_index=False).agg(
        _mean=("_v", "mean"), _hmean=("_h", "mean")
    )
    with np.errstate(divide="ignore"):
        mon["_val"] = np.where(mon.parameter == "ph", -np.log10(mon._hmean), mon._mean)
    mon["_h2"] = np.where(mon.parameter == "ph", 10.0 ** (-np.minimum(mon._val, 14)), 0.0)
    per = mon.groupby(["section", "waterbody_type", "parameter"], as_index=False).agg(
        _mean=("_val", "mean"), _hmean=("_h2", "mean")
    )
    with np.errstate(divide="ignore"):
        per["value"] = np.where(per.parameter == "ph", -np.log10(per._hmean), per._mean)
    return per


def pandas_annual_status(df: pd.DataFrame) -> pd.DataFrame:
    """Annual values, section class, then province shares and status (share method only)."""
    per = pandas_annual(df).assign(time=pd.Timestamp("2025-01-01"))
    dec = per.parameter.map(water.GB3838_TABLE1.drop_duplicates("code").set_index("code").decimals_2020)
    per["value"] = water._round_half_even(per.value.to_numpy(), dec.to_numpy())
    cls = pandas_classify(per).merge(df.drop_duplicates("section")[["section", "province"]], on="section")
    g = cls.groupby("province")["water_class"]
    out = pd.DataFrame(
        {"n": g.size(), "good": g.apply(lambda s: (s <= 3).sum()), "bad": g.apply(lambda s: (s == 6).sum())}
    )
    out["status"] = water.status_from_shares(out.n, out.good, out.bad)
    return out


def noise_points(n_points: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.to_datetime(["2025-02-10", "2025-05-12", "2025-08-11", "2025-11-10"])
    ends = (days.values[:, None] + (np.arange(7, 31) * 3600 * 10**9).astype("timedelta64[ns]")).ravel()
    n = len(ends)
    zones = np.array(noise.ZONE_CLASSES)[np.arange(n_points) % 6]
    return pd.DataFrame(
        {
            "point": np.repeat([f"P{i:05d}" for i in range(n_points)], n),
            "zone_class": np.repeat(zones, n),
            "time": np.tile(ends, n_points).astype("datetime64[us]"),
            "leq": rng.normal(55, 7, n * n_points).round(1),
        }
    )


def pandas_noise(df: pd.DataFrame) -> pd.DataFrame:
    start = df.time - pd.Timedelta(hours=1)
    h = start.dt.hour
    day = (h >= 6) & (h < 22)
    date = np.where(h < 6, (start - pd.Timedelta(days=1)).dt.normalize(), start.dt.normalize())
    d = df.assign(_day=day, date=date, _e=10 ** (0.1 * df.leq))
    g = d.groupby(["point", "zone_class", "date", "_day"])["_e"].mean().unstack("_day")
    out = pd.DataFrame({"ld": 10 * np.log10(g[True]), "ln": 10 * np.log10(g[False])}).reset_index()
    lim = noise.GB3096_LIMITS
    out["day_ok"] = out.ld.round(1) <= out.zone_class.map(lim.day_LAeq_dBA)
    out["night_ok"] = out.ln.round(1) <= out.zone_class.map(lim.night_LAeq_dBA)
    return out


def timed(label: str, fn, rows: int) -> tuple[float, object]:
    t0 = time.perf_counter()
    r = fn()
    dt = time.perf_counter() - t0
    print(f"{label:<48s} {dt:8.2f} s  {rows / dt:12,.0f} rows/s")
    return dt, r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sections", type=int, default=3600)
    ap.add_argument("--points", type=int, default=3000)
    a = ap.parse_args()
    df = water_samples(a.sections)
    n = len(df)
    print(f"water: {a.sections} sections × 12 months × {len(ITEMS)} items = {n:,} rows")
    con = ibis.duckdb.connect()
    t = con.create_table("samples", df)

    def ibis_classify() -> pd.DataFrame:
        _, sec = water.sample_classes(t)
        return con.to_pyarrow(sec).to_pandas()

    def ibis_annual() -> pd.DataFrame:
        pv = water.period_values(t, period="2025", keys=("province",))
        _, sec = water.section_results(pv, keys=("province",))
        d = water.division_status(pv, sec, by="province")
        c = water.cwqi_by_division(pv, by="province")
        return con.to_pyarrow(d.join(c, "province")).to_pandas(), con.to_pyarrow(pv).to_pandas()

    _, ib = timed("ibis/duckdb  classify samples (section × month)", ibis_classify, n)
    _, pdr = timed("pandas       classify samples (baseline)", lambda: pandas_classify(df), n)
    m = ib.merge(pdr, on=["section", "waterbody_type", "time"])
    assert len(m) == len(pdr) and (m.water_class_x.astype(float) == m.water_class_y).all()
    _, (div, pv) = timed("ibis/duckdb  annual values→class→province+CWQI", ibis_annual, n)
    _, pa = timed("pandas       annual values only (baseline)", lambda: pandas_annual(df), n)
    _, ps = timed("pandas       annual values→class→province (baseline)", lambda: pandas_annual_status(df), n)
    assert sorted(ps.status) == sorted(div.status)
    mm = pv.merge(pa, on=["section", "waterbody_type", "parameter"])
    dec = mm.parameter.map(water.GB3838_TABLE1.drop_duplicates("code").set_index("code").decimals_2020)
    assert np.allclose(mm.value_x, water._round_half_even(mm.value_y, dec.to_numpy()), atol=1e-9)
    print(f"  provinces: {len(div)}; statuses: {div.status.value_counts().to_dict()}")

    nd = noise_points(a.points)
    print(f"noise: {a.points} points × 4 days × 24 h = {len(nd):,} rows")
    tn = con.create_table("points", nd)

    def ibis_noise() -> pd.DataFrame:
        pc = noise.point_compliance(noise.point_period_levels(tn))
        return con.to_pyarrow(pc).to_pandas(), con.to_pyarrow(noise.compliance_rates(pc)).to_pandas()

    _, (pts, rates) = timed("ibis/duckdb  noise levels, compliance, rates", ibis_noise, len(nd))
    _, pn = timed("pandas       noise levels, compliance (baseline)", lambda: pandas_noise(nd), len(nd))
    assert (
        len(pts) == len(pn)
        and pts.day_ok.sum() == pn.day_ok.sum()
        and pts.night_ok.sum() == pn.night_ok.sum()
    )
    print(rates[rates.zone_class == "all"].to_string(index=False))


if __name__ == "__main__":
    main()
