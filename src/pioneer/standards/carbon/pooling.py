"""Carbon indicators of a region-tier zone pooled from its member divisions' values (docs/standards/carbon.md §2).

The catalogue codes are those of the ``carbon`` binding (:data:`pioneer.carbon.indicators.BINDINGS`); units are
taken from the stored values themselves (reductions in %). Used by the zone assessment
(:func:`pioneer.assessment.zones.zone_values`) and the zone page (:mod:`pioneer.web.carbon`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

POOLED_TOTALS = {"co2_emissions_energy": 1e4, "energy_consumption_total": 1e4, "water_use_total": 1e4}
"""Additive totals (catalogue unit → base unit factor: 10⁴ t → t, 10⁴ tce → tce, 10⁸ m³ → 10⁴ m³)."""
POOLED_INTENSITIES = {"co2_intensity": "co2_emissions_energy", "energy_intensity": "energy_consumption_total",
                      "water_intensity": "water_use_total"}  # fmt: skip
"""Intensity → the total it divides by GDP."""
POOLED_REDUCTIONS = {"carbon_intensity_reduction": ("co2_intensity", None),
                     "co2_intensity_reduction_vs_2020": ("co2_intensity", 2020),
                     "energy_intensity_reduction_vs_2020": ("energy_intensity", 2020)}  # fmt: skip
"""Reduction → (pooled intensity, base year; ``None`` = the previous year)."""
POOLED_COLUMNS = ["division_code", "indicator", "year", "value", "unit", "edition", "method", "zone_status",
                  "reason_zh", "reason_en", "members_with_value"]  # fmt: skip


def pooled_values(values: pd.DataFrame, zone_code: str, members: list[str]) -> pd.DataFrame:
    """Carbon indicators of a region-tier zone pooled from its member divisions' stored values (docs/standards/
    carbon.md §2): totals = Σ member totals; intensity = Σ totals / Σ GDP, each member's GDP at comparable prices
    being total / intensity of the same price base (so the pooled intensity is the GDP-weighted one, never a
    mean of intensities); reductions from the pooled intensities ((1 − I_t / I_{t−1}) × 100, (1 − I_t / I_2020) ×
    100). A year in which a member has no value — or the members' price bases differ — gives **no value** with the
    reason (``zone_status`` ``member-missing`` / ``mixed-price-base`` / ``base-year-missing``).

    ``values``: stored values (``division_code, indicator, year, value, unit, edition``) of the members, any years.
    Returns ``POOLED_COLUMNS`` with ``division_code`` = ``zone_code``.
    """
    members = list(dict.fromkeys(str(m) for m in members))
    v = values[values["division_code"].astype(str).isin(members) & values["value"].notna()].copy()
    v["division_code"] = v["division_code"].astype(str)
    v["year"] = v["year"].astype(int)
    wanted = [*POOLED_TOTALS, *POOLED_INTENSITIES]
    v = v[v["indicator"].isin(wanted)]
    if v.empty:
        return pd.DataFrame(columns=POOLED_COLUMNS)
    n = len(members)
    grid = v.pivot_table(
        index=["indicator", "year"], columns="division_code", values="value", aggfunc="first"
    )
    grid = grid.reindex(columns=members)
    have = grid.notna().sum(axis=1)
    miss = grid.isna()
    labels = pd.Series([f"{c}, " for c in miss.columns], index=miss.columns)  # member codes, not rows
    missing = miss.dot(labels).astype(str).str.rstrip(", ")  # the members without a value
    eds = v.groupby(["indicator", "year"])["edition"].agg(lambda s: sorted(set(s)))
    out = pd.DataFrame({"have": have, "missing": missing, "editions": eds}).reset_index()
    totals = grid.sum(axis=1, min_count=n)
    out["total"] = totals.to_numpy()
    # GDP of each member = total [base unit] / intensity, at the intensity's price base
    parts = []
    for ind, tcode in POOLED_INTENSITIES.items():  # three intensities, not rows
        if ind not in grid.index.get_level_values(0) or tcode not in grid.index.get_level_values(0):
            continue
        t_base = pd.DataFrame(grid.loc[tcode]) * POOLED_TOTALS[tcode]  # year × member [t, tce, 10⁴ m³]
        gdp = t_base / pd.DataFrame(grid.loc[ind]).reindex(t_base.index)  # year × member [10⁴ yuan]
        pooled = t_base.sum(axis=1, min_count=n) / gdp.reindex(columns=members).sum(axis=1, min_count=n)
        parts.append(pd.DataFrame({"indicator": ind, "year": pooled.index, "pooled": pooled.to_numpy()}))
    pooled_i = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["indicator", "year", "pooled"])
    )
    out = out.merge(pooled_i, on=["indicator", "year"], how="left")
    is_int = out["indicator"].isin(list(POOLED_INTENSITIES))
    # an intensity also needs the members' totals of that year (its GDP comes from them)
    t_have = out[~is_int].set_index(["indicator", "year"])["have"]
    need = pd.Series(
        list(zip(out["indicator"].map(POOLED_INTENSITIES), out["year"], strict=True)), index=out.index
    )
    out["t_have"] = np.where(is_int, need.map(t_have).fillna(0), n)
    out["value"] = np.where(is_int, out["pooled"], out["total"])
    mixed = (out["editions"].map(len) > 1) & is_int  # totals do not depend on the price base
    short = (out["have"] < n) | (out["t_have"] < n)
    out.loc[mixed | short, "value"] = np.nan
    out["zone_status"] = np.select([short, mixed], ["member-missing", "mixed-price-base"], "ok")
    out["reason_zh"] = np.select(
        [short, mixed], ["成员缺值：" + out["missing"].replace("", "（总量）"), "成员价格基期不一致"], ""
    )
    out["reason_en"] = np.select(
        [short, mixed], ["member without a value: " + out["missing"].replace("", "(totals)"),
                         "members at different price bases"], "")  # fmt: skip
    out["edition"] = out["editions"].map(lambda e: e[0] if len(e) == 1 else "")
    out = out.drop(columns=["pooled", "total", "missing", "editions", "t_have"])
    # reductions from the pooled intensities
    pi = out[out["indicator"].isin(list(POOLED_INTENSITIES))].set_index(["indicator", "year"])
    red = []
    for code, (ind, base) in POOLED_REDUCTIONS.items():  # three reductions
        if ind not in pi.index.get_level_values(0):
            continue
        s = pi.loc[ind]
        ref_year = s.index - 1 if base is None else pd.Index([base] * len(s))
        ref = s["value"].reindex(ref_year).to_numpy()
        val = (1 - s["value"].to_numpy() / ref) * 100
        ok = s["zone_status"].eq("ok").to_numpy() & ~np.isnan(ref)
        no_ref = ~np.isnan(s["value"].to_numpy()) & np.isnan(ref)
        red.append(pd.DataFrame({
            "indicator": code, "year": s.index, "value": np.where(ok, val, np.nan),
            "have": s["have"].to_numpy(), "edition": s["edition"].to_numpy(),
            "zone_status": np.where(no_ref, "base-year-missing", s["zone_status"].to_numpy()),
            "reason_zh": np.where(no_ref, "缺少对比年份的区域强度", s["reason_zh"].to_numpy()),
            "reason_en": np.where(no_ref, "no pooled intensity of the comparison year", s["reason_en"].to_numpy()),
        }))  # fmt: skip
    if red:
        out = pd.concat([out, *red], ignore_index=True)
    units = v.groupby("indicator")["unit"].first().to_dict()
    out["unit"] = out["indicator"].map(units).fillna("%")
    out["method"] = out["indicator"].map(
        lambda c: "Σ member totals" if c in POOLED_TOTALS else
        ("Σ totals / Σ GDP (GDP = total / intensity, same price base)" if c in POOLED_INTENSITIES
         else "from the pooled intensities: (1 − I_t / I_ref) × 100"))  # fmt: skip
    out["division_code"] = zone_code
    out["members_with_value"] = out["have"].astype("int64")
    return out[POOLED_COLUMNS].sort_values(["indicator", "year"]).reset_index(drop=True)


POOLED_INDICATORS = (*POOLED_TOTALS, *POOLED_INTENSITIES, *POOLED_REDUCTIONS)
"""Catalogue codes :func:`pooled_values` makes for a zone."""
