"""Indicators computed from the ecology registers (never reported): drinking-water source compliance from the
lake's water data (GB 3838-2002 via :func:`pioneer.standards.water.drinking_source_compliance`), hazardous-waste
informatised supervision coverage with the missing items of every unit, tailings inspections and hidden-hazard
rectification, heavy-metal emissions against a base year, and HJ 192-2015 EI tables.

Every function returns ``(values, details)``: ``values`` in the tidy shape of the indicator store
(``division_code, indicator, year, value, unit, edition, method, lineage``) and ``details`` listing each source,
unit, pond or enterprise with what it lacks. Rates are rounded half to even (GB/T 8170) to one decimal.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

import ibis
import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from pioneer.ecology import service
from pioneer.errors import InputError
from pioneer.registry.divisions.service import check_codes_in_force
from pioneer.standards import divisions as gbt2260
from pioneer.standards import ecology as eco
from pioneer.standards import groundwater as gw
from pioneer.standards import water
from pioneer.standards.common import round_half_even

EMPTY = ["division_code", "indicator", "year", "value", "unit", "edition", "method", "lineage"]
HW_DECLARATION_THRESHOLD_T = 10.0
"""Units that generated at least this much hazardous waste in the previous year must file plan and declaration
in the information system (MEE informatisation notice, faithful; see ``ecology/data/SOURCES.md``)."""


def _rate(num: pd.Series, den: pd.Series) -> pd.Series:
    r = pd.Series(np.where(den > 0, num * 100.0 / den.where(den > 0, 1), np.nan), index=num.index)
    return pd.Series(round_half_even(r.to_numpy(), 1), index=num.index)


def _grouped(codes: pd.Series, level: str, division: str | None) -> pd.Series:
    """The output division of each row's division code: rolled up to ``level``, within ``division``."""
    keep = gbt2260.within(codes, [division]) if division else pd.Series(True, index=codes.index)
    return gbt2260.rollup(codes.astype(str), level).where(keep)


# --- drinking-water sources --------------------------------------------------------------------------------


def drinking_source_compliance(sources: pd.DataFrame, samples: pd.DataFrame, year: int, *, level: str = "city",
                               division: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """集中式饮用水水源地水质达标率 of each division of ``level`` for ``year`` [%], by count of sources.

    ``sources``: the register (``code, name, source_type, tier, division_code, section_code``); ``samples``:
    the glossary frame of :func:`pioneer.standards.water.read_samples` (``section`` = the source's monitoring
    section). Each surface source's annual values (2011 method §4, :func:`~pioneer.standards.water.period_values`)
    are judged by :func:`~pioneer.standards.water.drinking_source_compliance` (all evaluation items within class
    III, GB 3838-2002 Table 1; Table 2 supplementary items where measured); each groundwater source's annual means
    of the GB/T 14848-2017 Table 1 items measured (:mod:`pioneer.standards.groundwater`) must all be within
    class III (limits secondary). Sources without a section and sections without data in the year are listed in
    ``details`` and left out of the rate."""
    src = sources.copy()
    src["group"] = _grouped(src["division_code"], level, division)
    src = src[src["group"].notna()]
    s = samples[samples["time"].dt.year == year] if len(samples) else samples
    ground = src["source_type"] == "groundwater"
    s_surface = s[s["section"].isin(src.loc[~ground, "section_code"].dropna())]
    s_ground = s[
        s["section"].isin(src.loc[ground, "section_code"].dropna()) & s["parameter"].isin(gw.PARAMETERS)
    ]
    judged = [pd.DataFrame(columns=["section", "compliant", "standard"])]
    if len(s_surface):
        t = ibis.memtable(s_surface.drop(columns=["_row", "division"], errors="ignore"))
        vals = water.period_values(t, period=str(year))
        judged.append(water.drinking_source_compliance(vals).to_pandas().assign(standard="GB 3838-2002"))
    if len(s_ground):
        points = gw.point_classes(gw.item_classes(gw.annual_values(s_ground, year)))
        judged.append(pd.DataFrame({"section": points["section"], "compliant": points["water_class"] <= 3,
                                    "standard": "GB/T 14848-2017"}))  # fmt: skip
    j = pd.concat(judged, ignore_index=True).rename(columns={"section": "section_code"})
    d = src.merge(j.drop_duplicates("section_code"), on="section_code", how="left")
    reason = np.select(
        [d["section_code"].isna(), d["compliant"].isna()],
        ["no monitoring section in the register", f"no water data of {year} for the section"],
        "",
    )
    d["excluded_reason"] = reason
    d["evaluated"] = reason == ""
    ev = d[d["evaluated"]]
    agg = ev.groupby("group").agg(n_sources=("code", "count"), n_compliant=("compliant", "sum")).reset_index()
    agg["value"] = _rate(agg["n_compliant"].astype(float), agg["n_sources"].astype(float))
    values = pd.DataFrame({
        "division_code": agg["group"].astype(str), "indicator": "drinking_water_source_compliance", "year": year,
        "value": agg["value"].astype(float), "unit": "%", "edition": "GB 3838-2002 + GB/T 14848-2017",
        "method": "compliant sources / evaluated sources × 100; a surface source complies when every 2011 evaluation "
                  "item of its annual values meets class III (GB 3838-2002 Table 1) and every Table 2 item measured "
                  "meets its limit (Table 2 limits from memory only); a groundwater source when every GB/T 14848-2017 "
                  "Table 1 item measured meets class III (limits secondary)",
    })  # fmt: skip
    by_group = d.groupby("group")
    values["lineage"] = [
        {"binding": "water.drinking_source_compliance", "n_sources": int(r.n_sources),
         "n_compliant": int(r.n_compliant), "sources": by_group.get_group(r.group)[["code", "compliant"]]
         .astype(object).where(by_group.get_group(r.group)[["code", "compliant"]].notna(), None).to_dict("records"),
         "excluded": by_group.get_group(r.group).loc[lambda x: ~x["evaluated"], ["code", "excluded_reason"]]
         .to_dict("records")}
        for r in agg.itertuples()
    ]  # fmt: skip
    details = d[["code", "name", "source_type", "division_code", "section_code", "standard", "evaluated", "compliant",
                 "excluded_reason"]]  # fmt: skip
    return values.reindex(columns=EMPTY), details.reset_index(drop=True)


def drinking_source_compliance_from_lake(session: Session, year: int, *, level: str = "city",
                                         division: str | None = None, lake: Any = None
                                         ) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """:func:`drinking_source_compliance` with the register from the app database and the samples of the
    sources' sections from the measurement lake (best version of each value)."""
    from pioneer.indicators.bindings import lake_water_samples
    from pioneer.indicators.service import _lake_rows

    sources = service.list_rows(session, "water_sources")
    monitored = sources[sources["section_code"].notna()]
    # the waterbody type only selects GB 3838's river or lake TP limit; groundwater points are parsed as "river"
    # and classed by GB/T 14848-2017, which does not use it
    meta = pd.DataFrame({"code": monitored["section_code"], "division_code": monitored["division_code"],
                         "water_body": monitored["source_type"].replace({"groundwater": "river"})})  # fmt: skip
    rows, imports = _lake_rows(lake, "water", [year])
    samples, excl = lake_water_samples(rows, meta.drop_duplicates("code"))
    values, details = drinking_source_compliance(sources, samples, year, level=level, division=division)
    for lin in values["lineage"]:
        lin.update({"lake_imports": imports, "status": "best", "lake_exclusions": excl})
    return values, details


# --- hazardous waste ---------------------------------------------------------------------------------------


def hazardous_waste_coverage(session: Session, year: int, *, level: str = "city",
                             division: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """危险废物全过程信息化环境监管覆盖率 of each division of ``level`` for ``year`` [%] (a Pioneer definition on
    the obligations of the MEE informatisation notice; assumed, see docs/registers.md).

    Obliged units: producers (and producer-disposers) that generated ≥ 10 t in the previous year or did not
    state how much, and every licensed recovery/disposal unit. A unit is covered when it is registered in the
    information system and, for the year, has filed its management plan and declaration (producers), its
    annual report (licence holders), and ran every outgoing transfer as an electronic manifest. Coverage =
    covered / obliged × 100; ``details`` lists each obliged unit with what is missing."""
    units = service.list_rows(session, "hw_units")
    filings = service.list_rows(session, "hw_filings")
    manifests = service.list_rows(session, "hw_manifests")
    f = filings[filings["year"] == year].drop(columns=["_division"]).rename(columns={"unit_code": "code"})
    u = units.merge(f, on="code", how="left")
    produces = u["role"].isin(["producer", "both"])
    disposes = u["role"].isin(["disposer", "both"])
    gen = u["generated_prev_year_t"]
    obliged_producer = produces & (gen.isna() | (gen >= HW_DECLARATION_THRESHOLD_T))
    u["obliged"] = obliged_producer | disposes
    m = manifests[pd.to_datetime(manifests["transfer_date"]).dt.year == year]
    paper = (
        m[~m["electronic"].astype(bool)].groupby("producer_code")["code"].agg(lambda c: ",".join(sorted(c)))
    )
    u["paper_manifests"] = u["code"].map(paper)
    flag = lambda v: v.fillna(False).astype(bool)  # noqa: E731 — a missing filing row counts as not filed
    checks = [
        (~flag(u["in_system"]), "not registered in the information system / 未在固体废物管理信息系统注册"),
        (obliged_producer & ~flag(u["plan_filed"]), f"management plan of {year} not filed / 管理计划未备案"),
        (obliged_producer & ~flag(u["declared"]), f"declaration of {year} not filed / 产生情况未申报"),
        (disposes & ~flag(u["annual_report"]), f"annual report of {year} not filed / 经营年报未报送"),
        (u["paper_manifests"].notna(), "transfers without electronic manifest / 未运行电子联单"),
        (obliged_producer & gen.isna(), "previous-year generation not stated / 上一年度产生量未填报"),
    ]
    missing = pd.Series([[] for _ in range(len(u))], index=u.index, dtype=object)
    for mask, text in checks:
        missing = missing.where(~mask, missing.map(lambda xs, t=text: [*xs, t]))
    u["missing"] = missing
    u["covered"] = u["obliged"] & (u["missing"].str.len() == 0)
    u["group"] = _grouped(u["division_code"], level, division)
    ob = u[u["obliged"] & u["group"].notna()]
    agg = ob.groupby("group").agg(n_units=("code", "count"), n_covered=("covered", "sum")).reset_index()
    agg["value"] = _rate(agg["n_covered"].astype(float), agg["n_units"].astype(float))
    values = pd.DataFrame({
        "division_code": agg["group"].astype(str), "indicator": "hazardous_waste_info_supervision_coverage",
        "year": year, "value": agg["value"].astype(float), "unit": "%", "edition": "Pioneer 2026 (assumed)",
        "method": "covered obliged units / obliged units × 100 (registered; plan + declaration for producers ≥ 10 t; "
                  "annual report for licence holders; electronic manifests)",
    })  # fmt: skip
    values["lineage"] = [
        {"binding": "ecology.hazardous_waste_coverage", "n_units": int(r.n_units), "n_covered": int(r.n_covered),
         "missing": ob[(ob["group"] == r.group) & ~ob["covered"]][["code", "name", "missing"]].to_dict("records")}
        for r in agg.itertuples()
    ]  # fmt: skip
    details = ob[["code", "name", "role", "division_code", "covered", "missing", "paper_manifests"]]
    return values.reindex(columns=EMPTY), details.reset_index(drop=True)


# --- tailings ponds ----------------------------------------------------------------------------------------


def _inspection_rules() -> pd.DataFrame:
    with (
        resources.files("pioneer.ecology.data")
        .joinpath("tailings_inspection_frequency.csv")
        .open(encoding="utf-8") as fh
    ):
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def tailings_status(session: Session, year: int, *, as_of: dt.date | None = None, level: str = "city",
                    division: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Per pond: inspections of ``year`` against the minimum of its supervision class
    (``ecology/data/tailings_inspection_frequency.csv``), hidden hazards found, rectified, open and overdue on
    ``as_of`` (default 31 December of ``year``). ``values``: the hidden-hazard rectification rate (rectified by
    ``as_of`` / hazards found up to ``as_of`` × 100) of each division."""
    as_of = as_of or dt.date(year, 12, 31)
    ponds = service.list_rows(session, "tailings_ponds")
    insp = service.list_rows(session, "tailings_inspections")
    haz = service.list_rows(session, "tailings_hazards")
    rules = _inspection_rules()
    rules["min_inspections_per_year"] = rules["min_inspections_per_year"].astype(int)
    iy = insp[pd.to_datetime(insp["inspected_on"]).dt.year == year]
    n_insp = iy.groupby("pond_code").size()
    early = iy[pd.to_datetime(iy["inspected_on"]) < pd.Timestamp(year, 6, 1)].groupby("pond_code").size()
    p = ponds.merge(rules[["supervision_class", "min_inspections_per_year", "one_before_month_day"]],
                    on="supervision_class", how="left")  # fmt: skip
    p["inspections"] = p["code"].map(n_insp).fillna(0).astype(int)
    p["before_flood_season"] = p["code"].map(early).fillna(0).astype(int)
    need_early = p["one_before_month_day"] != ""
    p["inspections_ok"] = (p["inspections"] >= p["min_inspections_per_year"]) & (
        ~need_early | (p["before_flood_season"] > 0)
    )
    h = haz[pd.to_datetime(haz["found_on"]) <= pd.Timestamp(as_of)].copy()
    done = pd.to_datetime(h["rectified_on"]) <= pd.Timestamp(as_of)
    h["state"] = np.where(done, "done", np.where(pd.to_datetime(h["deadline"]) < pd.Timestamp(as_of), "overdue",
                                                 "open"))  # fmt: skip
    counts = h.pivot_table(index="pond_code", columns="state", values="code", aggfunc="count", fill_value=0)
    for c in ("done", "open", "overdue"):
        p[f"hazards_{c}"] = (
            p["code"].map(counts[c] if c in counts.columns else pd.Series(dtype=int)).fillna(0)
        )
    p["hazards"] = p[["hazards_done", "hazards_open", "hazards_overdue"]].sum(axis=1).astype(int)
    p["group"] = _grouped(p["division_code"], level, division)
    g = p[p["group"].notna()]
    agg = g.groupby("group").agg(found=("hazards", "sum"), done=("hazards_done", "sum"),
                                 overdue=("hazards_overdue", "sum"), ponds=("code", "count"),
                                 inspections_short=("inspections_ok", lambda x: int((~x).sum()))).reset_index()  # fmt: skip
    agg["value"] = _rate(agg["done"].astype(float), agg["found"].astype(float))
    values = pd.DataFrame({
        "division_code": agg["group"].astype(str), "indicator": "tailings_hazard_rectification_rate", "year": year,
        "value": agg["value"].astype(float), "unit": "%", "edition": "Pioneer 2026 (assumed)",
        "method": f"hidden hazards rectified by {as_of} / hazards found up to {as_of} × 100",
    })  # fmt: skip
    values["lineage"] = [
        {"binding": "ecology.tailings_rectification", "as_of": as_of.isoformat(), "ponds": int(r.ponds),
         "hazards_found": int(r.found), "rectified": int(r.done), "overdue": int(r.overdue),
         "ponds_below_inspection_minimum": int(r.inspections_short)}
        for r in agg.itertuples()
    ]  # fmt: skip
    values = values[agg["found"] > 0]  # no hazard found: no rate (not 100 %)
    cols = ["code", "name", "division_code", "supervision_class", "status", "min_inspections_per_year",
            "inspections", "before_flood_season", "inspections_ok", "hazards", "hazards_done", "hazards_open",
            "hazards_overdue"]  # fmt: skip
    return values.reindex(columns=EMPTY).reset_index(drop=True), p[cols].reset_index(drop=True)


# --- heavy metals ------------------------------------------------------------------------------------------


def heavy_metal_change(session: Session, year: int, base_year: int, *, level: str = "city",
                       division: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Key heavy-metal emissions of ``year`` against ``base_year`` [%]: (E_year − E_base) / E_base × 100 per
    division, summed over the registered enterprises and the metals reported (kg/a). ``details``: totals by
    division and metal, and the enterprises with a base-year report but none for ``year`` (closed or missing —
    the register cannot tell, so they are listed, and count 0)."""
    if base_year >= year:
        raise InputError("基准年须早于评价年", "the base year must precede the year", column="base_year",
                         value=base_year)  # fmt: skip
    em = service.list_rows(session, "hm_emissions")
    em = em[em["year"].isin([year, base_year])].copy()
    em["group"] = _grouped(em["_division"].astype(str), level, division)
    em = em[em["group"].notna()]
    by_metal = em.pivot_table(index=["group", "metal"], columns="year", values="amount_kg", aggfunc="sum",
                              fill_value=0.0).reindex(columns=[base_year, year], fill_value=0.0).reset_index()  # fmt: skip
    by_metal.columns = ["division", "metal", "base_kg", "year_kg"]
    tot = by_metal.groupby("division")[["base_kg", "year_kg"]].sum().reset_index()
    change = np.where(tot["base_kg"] > 0, (tot["year_kg"] - tot["base_kg"]) * 100.0 / tot["base_kg"].where(
        tot["base_kg"] > 0, 1), np.nan)  # fmt: skip
    reported = em.groupby("enterprise_code")["year"].agg(set)
    silent = sorted(c for c, ys in reported.items() if base_year in ys and year not in ys)
    values = pd.DataFrame({
        "division_code": tot["division"].astype(str), "indicator": "heavy_metal_emission_change", "year": year,
        "value": round_half_even(change, 1), "unit": "%", "edition": f"base {base_year}",
        "method": f"(Σ emissions {year} − Σ emissions {base_year}) / Σ emissions {base_year} × 100 over registered "
                  "key heavy-metal enterprises (kg/a)",
    })  # fmt: skip
    values["lineage"] = [
        {"binding": "ecology.heavy_metal_change", "base_year": base_year, "base_kg": float(r.base_kg),
         "year_kg": float(r.year_kg), "enterprises_without_report": silent}
        for r in tot.itertuples()
    ]  # fmt: skip
    return values.reindex(columns=EMPTY), by_metal


# --- HJ 192-2015 EI tables -----------------------------------------------------------------------------------

EI_INPUT = ("division_code", "year", "area", "forest", "grassland", "water_wetland", "cropland", "built_up",
            "unused", "river_length", "lake_area", "water_resources", "severe_erosion", "moderate_erosion",
            "other_stress", "cod", "nh3_n", "so2", "dust", "nox", "solid_waste", "precipitation")  # fmt: skip
"""Required columns of an EI input table (units in :mod:`pioneer.standards.ecology`); plus ``ndvi_mean`` or
``vegetation_cover_index``, and ``biodiversity_index`` for the ``mean`` abundance rule; optional
``water_resources_mean`` (long-term mean, for the wet-year rule)."""


def ei_table(frame: pd.DataFrame, *, abundance_rule: str, a_veg: float | None = None,
             file: str | None = None) -> pd.DataFrame:  # fmt: skip
    """HJ 192-2015 sub-indices, EI (one decimal, GB/T 8170), its class and the change from the previous year
    present in the table (ΔEI and its class) for each ``division_code, year`` row. The environmental
    restriction index is not applied (not found): ``restriction`` says so on every row."""
    missing = [c for c in EI_INPUT if c not in frame.columns]
    if missing:
        raise InputError("缺少必需列", "required column missing", file=file, row=1, column=", ".join(missing))
    f = frame.copy()
    f["division_code"] = f["division_code"].astype(str).str.replace(r"\.0$", "", regex=True).str.zfill(6)
    num = [c for c in EI_INPUT if c != "division_code"] + [
        c for c in ("ndvi_mean", "vegetation_cover_index", "biodiversity_index", "water_resources_mean")
        if c in f.columns]  # fmt: skip
    errors = []
    for c in num:
        v = pd.to_numeric(f[c], errors="coerce")
        bad = v.isna() | (v < 0) if c not in ("ndvi_mean",) else v.isna()
        for i in f.index[bad]:
            errors.append(InputError("不是非负数字", "not a non-negative number", file=file, row=int(i) + 2,
                                     column=c, value=f.at[i, c]))  # fmt: skip
        f[c] = v
    if errors:
        from pioneer.registry.errors import ImportFailedError

        raise ImportFailedError(file or "EI input", errors)
    if "vegetation_cover_index" in f.columns:
        vc = f["vegetation_cover_index"]
    elif "ndvi_mean" in f.columns:
        if a_veg is None:
            raise InputError("给出 NDVI 时须提供 A_veg（HJ 192-2015 的数值未找到，无默认值）",
                             "A_veg is required with NDVI (the HJ 192-2015 value was not found; no default)",
                             file=file, column="a_veg")  # fmt: skip
        vc = eco.vegetation_cover_index(f["ndvi_mean"], a_veg=a_veg)
    else:
        raise InputError("缺少 ndvi_mean 或 vegetation_cover_index 列", "ndvi_mean or vegetation_cover_index needed",
                         file=file, row=1)  # fmt: skip
    hq = eco.habitat_quality_index(f["forest"], f["grassland"], f["water_wetland"], f["cropland"], f["built_up"],
                                   f["unused"], f["area"])  # fmt: skip
    ba = eco.biological_abundance_index(hq, f.get("biodiversity_index"), rule=abundance_rule)
    wr = f["water_resources"]
    if "water_resources_mean" in f.columns:
        wr = eco.water_resources_for_index(wr, f["water_resources_mean"]).fillna(wr)
    wn = eco.water_network_density_index(f["river_length"], f["lake_area"], wr, f["area"])
    ls = eco.land_stress_index(f["severe_erosion"], f["moderate_erosion"], f["built_up"], f["other_stress"],
                               f["area"])  # fmt: skip
    pl = eco.pollution_load_index(f["cod"], f["nh3_n"], f["so2"], f["dust"], f["nox"], f["solid_waste"], f["area"],
                                  f["precipitation"])  # fmt: skip
    ei = eco.ecological_status_index(ba, vc, wn, ls, pl)
    out = pd.DataFrame({"division_code": f["division_code"], "year": f["year"].astype(int),
                        "habitat_quality_index": hq, "biological_abundance_index": ba, "vegetation_cover_index": vc,
                        "water_network_density_index": wn, "land_stress_index": ls, "pollution_load_index": pl})  # fmt: skip
    for c in list(out.columns[2:]):
        out[c] = round_half_even(out[c].to_numpy(), 2)
    out["ei"] = round_half_even(ei.to_numpy(), 1)
    out["ei_class"] = eco.ei_class(out["ei"])
    out = out.sort_values(["division_code", "year"]).reset_index(drop=True)
    prev = out.groupby("division_code")["ei"].shift(1)
    prev_year = out.groupby("division_code")["year"].shift(1)
    consecutive = prev_year == out["year"] - 1
    out["ei_change"] = eco.ei_change(prev.where(consecutive), out["ei"])
    out["ei_change_class"] = eco.ei_change_class(out["ei_change"])
    out["ei_change_direction"] = eco.ei_change_direction(out["ei_change"])
    out["restriction"] = (
        "环境限制指数未实施（条文未找到）/ environmental restriction index not applied (text not found)"
    )
    return out


def ei_values(table: pd.DataFrame, *, abundance_rule: str, a_veg: float | None) -> pd.DataFrame:
    """Rows of :func:`ei_table` as indicator values (``ecological_status_index``) with their sub-indices."""
    lineage = table.drop(columns=["division_code", "year", "ei"]).astype(object)
    lineage = lineage.where(lineage.notna(), None)
    recs = [{**r, "binding": "ecology.ei", "abundance_rule": abundance_rule, "a_veg": a_veg}
            for r in lineage.to_dict("records")]  # fmt: skip
    return pd.DataFrame({
        "division_code": table["division_code"], "indicator": "ecological_status_index", "year": table["year"],
        "value": table["ei"].astype(float), "unit": "1", "edition": "HJ 192-2015",
        "method": "EI = 0.35 BA + 0.25 VC + 0.15 WN + 0.15 (100 − LS) + 0.10 (100 − PL), no restriction index",
        "lineage": recs,
    })  # fmt: skip


def ei_results(session: Session, *, level: str | None = None, division: str | None = None) -> pd.DataFrame:
    """Stored HJ 192-2015 EI values (``ecological_status_index``) of the divisions of ``level`` (GB/T 2260;
    every level when ``None``) within ``division``: ``division_code, year, ei``, ΔEI as kept in the value's
    lineage by :func:`ei_values` (consecutive years only), and the class, change class and direction in Chinese
    and English (``*_en``) from the standard's table, sorted by division and year."""
    from pioneer.indicators import store

    v = store.read_values(session, indicators=["ecological_status_index"], lineage=True)
    cols = ["division_code", "year", "ei", "ei_class", "ei_change", "ei_change_class", "ei_change_direction",
            "edition"]  # fmt: skip
    if v.empty:
        return pd.DataFrame(columns=cols)
    keep = pd.Series(True, index=v.index)
    if level:
        keep &= gbt2260.in_level(v["division_code"], level)
    if division:
        keep &= gbt2260.within(v["division_code"], [division])
    v = v[keep]
    lin = pd.DataFrame([x if isinstance(x, dict) else {} for x in v["lineage"]], index=v.index)
    out = pd.DataFrame({"division_code": v["division_code"], "year": v["year"].astype(int), "ei": v["value"],
                        "edition": v["edition"]})  # fmt: skip
    out["ei_change"] = (
        pd.to_numeric(lin["ei_change"], errors="coerce") if "ei_change" in lin.columns else np.nan
    )
    for lang, sfx in (("zh", ""), ("en", "_en")):  # the class labels of the standard's table, both languages
        out["ei_class" + sfx] = eco.ei_class(out["ei"], lang=lang)
        out["ei_change_class" + sfx] = eco.ei_change_class(out["ei_change"], lang=lang)
        out["ei_change_direction" + sfx] = eco.ei_change_direction(out["ei_change"], lang=lang)
    cols += ["ei_class_en", "ei_change_class_en", "ei_change_direction_en"]
    return out[cols].sort_values(["division_code", "year"]).reset_index(drop=True)


def save_ei(session: Session, frame: pd.DataFrame, *, abundance_rule: str, a_veg: float | None, actor: Any,
            record: Any = None, file: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Compute the HJ 192-2015 EI table of an input frame (:func:`ei_table`) and store its values
    (``ecological_status_index``, replacing stored ones of the same division and year), after checking that
    ``actor`` may edit every division of the file (``permissions.require``, the registers' editors); one audit
    entry per stored value through ``record`` (default: ``permissions.auditor``). Returns the table."""
    from pioneer.indicators import store
    from pioneer.registry.permissions import auditor, require

    table = ei_table(frame, abundance_rule=abundance_rule, a_veg=a_veg, file=file)
    codes = frame["division_code"].astype(str).str.replace(r"\.0$", "", regex=True).str.zfill(6)
    chk = pd.DataFrame({"code": codes, "year": pd.to_numeric(frame["year"], errors="coerce")})
    status = check_codes_in_force(session, chk, code="code", year="year")
    bad = [InputError("行政区划代码不存在或该年不在用（GB/T 2260）", "division code unknown or not in force that year",
                      file=file, row=int(i) + 2, column="division_code", value=codes[i])
           for i in frame.index[pd.Series(status, index=frame.index) != "ok"]]  # fmt: skip
    if bad:
        from pioneer.registry.errors import ImportFailedError

        raise ImportFailedError(file or "EI input", bad)
    divisions = sorted(set(table["division_code"]))
    require(actor, service.EDITORS, divisions, "保存生态环境状况指数 / store ecological status index")
    values = ei_values(table, abundance_rule=abundance_rule, a_veg=a_veg)
    store.save_values(session, values, source_kind="computed")
    rec = record or auditor(session, actor)
    for r in values[["division_code", "year", "value", "edition"]].to_dict("records"):
        rec("update", "indicator.ecological_status_index", f"{r['division_code']}/{r['year']}", r["division_code"],
            None, {"value": r["value"], "edition": r["edition"], "abundance_rule": abundance_rule, "a_veg": a_veg})  # fmt: skip
    return table
