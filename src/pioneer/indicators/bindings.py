"""Bindings: compute catalogue indicators for every division and year from measurement data via the standards
engines, each value with its lineage (standard edition, inputs, counts of valid data, exclusions, formula).

Output is a tidy frame ``division_code, indicator, year, value, unit, edition, method, lineage`` (``lineage``: a
JSON-serialisable dict per value). A value the standard does not allow (e.g. fewer than 324 valid days for an
annual mean, GB 3095 Table 4) is kept as a row with ``value`` null and the reason in its lineage: missing data
are never imputed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from pioneer.indicators.catalogue import default_catalogue
from pioneer.standards import air, noise, water
from pioneer.standards import divisions as gbt2260

AIR_FIELDS = {
    "air_pm2_5": ("pm2_5_annual_mean", "pm2_5_valid_days", "HJ 663 annual mean of daily PM2.5 (valid: ≥324 days, ≥27 per month, Feb ≥25; GB 3095 Table 4)"),
    "air_pm10": ("pm10_annual_mean", "pm10_valid_days", "HJ 663 annual mean of daily PM10 (GB 3095 Table 4 validity)"),
    "air_good_day_ratio": ("good_day_ratio", "aqi_valid_days", "days with AQI ≤ 100 / days with a published daily AQI × 100 (HJ 633 daily AQI)"),
    "air_composite_index": ("composite_index", "pm2_5_valid_days", "Σ C_i/S_i over SO2, NO2, PM10, PM2.5 annual means, CO 24-h P95, O3 MDA8 P90 with class-2 limits of the edition"),
    "air_o3_8h_p90": ("o3_8h_p90", "o3_8h_valid_days", "HJ 663 Appendix A 90th percentile of O3 daily max 8-h means"),
}  # fmt: skip
UNITS = {i.code: i.unit for i in default_catalogue().indicators}
EMPTY = ["division_code", "indicator", "year", "value", "unit", "edition", "method", "lineage"]


def air_values(
    hourly: ir.Table,
    years: Iterable[int],
    *,
    edition_key: str = "auto",
    indicators: Iterable[str] | None = None,
    inputs: dict[str, Any] | None = None,
    days: ir.Table | None = None,
) -> pd.DataFrame:
    """Air indicators of each city (``hourly.city``) and year from hourly station data.

    ``days``: the cities' daily values already computed from these hours (``lake.stationdays.site_days``, kept
    at ingest) — the same rows ``daily_values(sites_hourly(hourly))`` gives; the hours then give only the counts
    of the lineage.

    The chain is :func:`pioneer.standards.air.sites_hourly` → ``daily_values`` → ``annual_statistics`` with
    ``edition_key`` (``"auto"``: the edition in force at the end of each year; ``"2012"``/``"2026"`` to recompute a
    year under a given edition, e.g. a baseline under the current year's edition). ``inputs`` describes the data
    (import ids, file) and is copied into each lineage.
    """
    codes = list(indicators) if indicators is not None else list(AIR_FIELDS)
    years = sorted(set(int(y) for y in years))
    if not years:
        return pd.DataFrame(columns=EMPTY)
    h = hourly.filter(hourly.time.year().isin(years + [y + 1 for y in years]))
    counts = (
        h.group_by([h.city, h.time.year().name("year")])
        .aggregate(n_hours=h.count(), n_stations=h.station.nunique(), pm2_5_hours=h.pm2_5.count())
        .to_pandas()
    )
    if days is None:
        daily = air.daily_values(air.sites_hourly(h)).filter(ibis._.site_level == "city")
    else:
        daily = days.filter((days.site_level == "city") & days.date.year().isin(years))
    daily = ibis.memtable(daily.to_pandas())
    frames = []
    for y in years:
        st = air.annual_statistics(daily, year=y, edition_key=edition_key).to_pandas()
        st["year"] = y
        frames.append(st)
    stats = pd.concat(frames, ignore_index=True).merge(
        counts.rename(columns={"city": "id"}), on=["id", "year"], how="left"
    )
    out = []
    for code in codes:
        col, days_col, formula = AIR_FIELDS[code]
        f = pd.DataFrame({
            "division_code": stats["id"].astype(str), "indicator": code, "year": stats["year"].astype("int64"),
            "value": stats[col].astype("float64"), "unit": UNITS[code], "edition": stats["edition"].astype(str),
            "method": formula,
        })  # fmt: skip
        recs = stats[list(dict.fromkeys(["edition", "limits", days_col, "aqi_valid_days", "n_hours", "n_stations",
                                          "pm2_5_hours"]))]  # fmt: skip
        f["lineage"] = [
            {
                "binding": f"air.{col}", "standard_edition": r["edition"],
                "standards": _edition_names(str(r["edition"])), "limits": r["limits"],
                "edition_key_requested": edition_key,
                "recomputed_under_edition": edition_key not in ("auto",),
                "counts": {"valid_days": _int(r[days_col]), "aqi_valid_days": _int(r["aqi_valid_days"]),
                           "hourly_rows_labelled_in_year": _int(r["n_hours"]), "pm2_5_hours": _int(r["pm2_5_hours"]),
                           "stations": _int(r["n_stations"])},
                "formula": formula,
                "inputs": inputs or {},
                "exclusions": "daily values with < 20 hours and 8-h means with < 6 hours are invalid (GB 3095 Table 4)",
            }
            for r in recs.to_dict("records")
        ]  # fmt: skip
        missing = f["value"].isna()
        for i in f.index[missing]:
            f.at[i, "lineage"]["missing_reason"] = "fewer valid daily values than GB 3095 Table 4 requires"
        out.append(f)
    return pd.concat(out, ignore_index=True)


def _edition_names(key: str) -> dict[str, str]:
    e = air.edition(key)
    return {"aqi": e.aqi_standard, "assessment": e.assessment_standard, "limits": e.limits_standard}


def _int(x: Any) -> int | None:
    return None if pd.isna(x) else int(x)


def water_values(
    samples: ir.Table,
    years: Iterable[int],
    *,
    inputs: dict[str, Any] | None = None,
    exclusions: dict[str, Any] | None = None,
    min_sections: int = 5,
) -> pd.DataFrame:
    """Surface-water good-class (I–III) and 劣V shares of each division and year (环办〔2011〕22号 §3.2 via
    :func:`pioneer.standards.water.division_status`: annual section values → section class by the single-factor
    method of GB 3838-2002 Table 1 → share of sections). ``samples``: the glossary columns of
    :func:`pioneer.standards.water.read_samples` plus ``division``. The shares are reported for every division
    whatever its number of sections; the lineage says whether the division's *status* came from the share method
    (≥ ``min_sections`` sections) or the mean method."""
    out = []
    for y in sorted(set(int(v) for v in years)):
        vals = water.period_values(samples, period=str(y), keys=("division",))
        _, sections = water.section_results(vals, keys=("division",))
        st = water.division_status(vals, sections, by="division", min_sections=min_sections).to_pandas()
        for code, col, formula in (
            ("water_good_share", "good_share", "sections of class I–III / evaluated sections × 100 (2011 method §3.2)"),
            ("water_worse_v_share", "worse_v_share", "sections worse than class V / evaluated sections × 100"),
        ):  # fmt: skip
            f = pd.DataFrame({"division_code": st["division"].astype(str), "indicator": code, "year": y,
                              "value": st[col].astype("float64"), "unit": "%", "edition": "GB 3838-2002",
                              "method": formula})  # fmt: skip
            f["lineage"] = [
                {"binding": f"water.{col}", "standard_edition": "GB 3838-2002 + 环办〔2011〕22号",
                 "counts": {"sections": int(r["n_sections"]), "good": int(r["n_good"]), "worse_v": int(r["n_worse_v"])},
                 "status": r["status"], "status_method": r["method"], "formula": formula,
                 "inputs": inputs or {}, "exclusions": exclusions or {}}
                for r in st.to_dict("records")
            ]  # fmt: skip
            out.append(f)
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=EMPTY)


def noise_values(
    points: ir.Table,
    years: Iterable[int],
    *,
    inputs: dict[str, Any] | None = None,
    exclusions: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Day and night compliance rates of acoustic functional zones of each division and year (HJ 640-2012 §6,
    GB 3096-2008 Table 1). ``points``: ``point, division, zone_class, time, leq``."""
    lv = noise.point_compliance(noise.point_period_levels(points, keys=("division",)))
    lv = lv.mutate(year=lv.date.year())
    lv = lv.filter(lv.year.isin(list(years)))
    rates = noise.compliance_rates(lv, by=("division", "year")).to_pandas()
    rates = rates[rates["zone_class"] == "all"]
    out = []
    for code, col, n, ok in (("noise_night_compliance", "night_rate", "n_night", "n_night_ok"),
                             ("noise_day_compliance", "day_rate", "n_day", "n_day_ok")):  # fmt: skip
        formula = f"compliant point-{col[:-5]}s / monitored point-{col[:-5]}s × 100 (HJ 640-2012 §6)"
        f = pd.DataFrame({"division_code": rates["division"].astype(str), "indicator": code,
                          "year": rates["year"].astype("int64"), "value": rates[col].astype("float64"), "unit": "%",
                          "edition": "GB 3096-2008", "method": formula})  # fmt: skip
        f["lineage"] = [
            {"binding": f"noise.{col}", "standard_edition": "GB 3096-2008 + HJ 640-2012",
             "counts": {"monitored": _int(r[n]), "compliant": _int(r[ok])}, "formula": formula,
             "inputs": inputs or {}, "exclusions": exclusions or {}}
            for r in rates.to_dict("records")
        ]  # fmt: skip
        out.append(f)
    return pd.concat(out, ignore_index=True)


# ---- lake rows + registry metadata → the standards engines' inputs -----------------------------------------------
# GB/T 2260 roll-up and containment: pioneer.standards.divisions (names kept for this package's callers)
rollup = gbt2260.rollup
within_any = gbt2260.within


def lake_water_samples(rows: pd.DataFrame, sections: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Lake water rows (:func:`pioneer.lake.query.water_samples`: ``section, division, time, item, value, flag,
    raw, unit``) → the glossary frame of :func:`pioneer.standards.water.read_samples`, with the waterbody type
    and the division taken from the registry (``sections``: ``code, division_code, water_body``).

    The lake keeps detection-limit notation as text (``raw``): ``<0.02`` and ``0.02L`` are passed on as such, so
    the engine applies the half-limit rule (环办监测函〔2020〕82号 point 7). A bare ``ND`` without a stated limit
    cannot enter a mean and is excluded; sections not in the registry are excluded (their waterbody type — which
    selects the river or lake TP limit, GB 3838-2002 Table 1 — is unknown). Both are counted in the returned
    exclusions, never guessed.
    """
    meta = sections.rename(columns={"code": "section", "division_code": "_reg_division"})
    m = rows.merge(meta[["section", "_reg_division", "water_body"]], on="section", how="left")
    unregistered = m["_reg_division"].isna()
    bare_nd = m["flag"].fillna("").eq("ND")
    keep = m[~unregistered & ~bare_nd]
    frame = pd.DataFrame({
        "section": keep["section"].astype(str), "waterbody_type": keep["water_body"].fillna("river").astype(str),
        "time": keep["time"], "item": keep["item"].astype(str), "value": keep["raw"].astype(str),
        "unit": keep["unit"].fillna(""), "division": keep["_reg_division"].astype(str),
    })  # fmt: skip
    exclusions = {
        "unregistered_sections": sorted(str(s) for s in m.loc[unregistered, "section"].unique()),
        "rows_unregistered": int(unregistered.sum()),
        "rows_nd_without_detection_limit": int((bare_nd & ~unregistered).sum()),
    }
    samples = (
        water.read_samples(frame, file="lake:water") if len(frame) else frame.assign(below_detection=False)
    )
    return samples, exclusions


def lake_noise_points(rows: pd.DataFrame, points: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Lake noise rows (:func:`pioneer.lake.query.noise_points`: ``point, division, zone_class, time, leq``) →
    the input of :func:`pioneer.standards.noise.point_period_levels`, with the division and the GB 3096-2008 §4
    functional-zone class taken from the registry (``points``: ``code, division_code, noise_zone_class``).

    The registry's class is authoritative; where the registry has none the class in the data file is used.
    Points not in the registry are excluded. Disagreements and exclusions are counted, never hidden.
    """
    meta = points.rename(
        columns={"code": "point", "division_code": "_reg_division", "noise_zone_class": "_reg"}
    )
    m = rows.merge(meta[["point", "_reg_division", "_reg"]], on="point", how="left")
    unregistered = m["_reg_division"].isna()
    k = m[~unregistered & m["leq"].notna()]
    reg = noise.zone_class(k["_reg"])  # GB 3096-2008 §4 classes, read as everywhere (standards.noise)
    filec = noise.zone_class(k["zone_class"])
    out = pd.DataFrame({
        "point": k["point"].astype(str), "division": k["_reg_division"].astype(str),
        "zone_class": reg.fillna(filec).astype(str), "time": k["time"], "leq": k["leq"].astype("float64"),
    })  # fmt: skip
    differ = reg.notna() & filec.notna() & (reg != filec)
    exclusions = {
        "unregistered_points": sorted(str(s) for s in m.loc[unregistered, "point"].unique()),
        "rows_unregistered": int(unregistered.sum()),
        "rows_without_leq": int((~unregistered & m["leq"].isna()).sum()),
        "zone_class_source": "registry (GB 3096-2008 §4); data file where the registry has none",
        "points_where_file_class_differs": sorted(str(p) for p in k.loc[differ, "point"].unique()),
        "points_class_from_file": sorted(str(p) for p in k.loc[reg.isna(), "point"].unique()),
    }
    return out, exclusions
