"""Zone-level assessment: a pioneer zone (:mod:`pioneer.registry.zones`) is assessed from the values of the
division(s) it consists of, and zones of the same tier are ranked among themselves.

How a zone's values are made (``docs/indicators.md``, "Zones"):

* **one division** (province, city and county tiers): the zone's values are the stored values of its division,
  unchanged (``combination = "division"``);
* **several divisions** (region tier): a *computed* indicator is recomputed from the lake over the union of the
  stations of all the divisions (air stations of the member cities; water sections and noise points registered
  within them) — e.g. the good-class share is good sections / all sections of the zone, not a mean of the
  divisions' shares (``combination = "pooled-stations"``); a *reported* statistic is used only if it was
  reported for the zone itself (``zone_reported``); the divisions' own reported values are never averaged or
  summed into a zone value — without a zone figure the value is missing with status ``not-reported-for-zone``;
  the carbon bindings (dual control) are pooled from the members' values — Σ totals, Σ totals / Σ GDP at one
  price base (``combination = "pooled-members"``; a member without a value → no value, status ``member-missing``).

Scores use the floor and target of the division level the zone is made of (its division's level; for a region
zone, ``province`` when all its divisions are provinces, else ``city``), taken from the divisions of that level —
the zone itself does not enter that distribution. Ranks and percentiles compare the zones of one tier (region /
province / city / county), with the same hide-ranks policy as divisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from pioneer.assessment.progress import improvement, trajectory
from pioneer.assessment.scores import (
    applicable_targets,
    attainment,
    national_targets,
    score_bounds,
    scores_with_bounds,
)
from pioneer.assessment.standing import division_level, hide_ranks_default, in_level, standing
from pioneer.indicators.catalogue import Catalogue, default_catalogue
from pioneer.indicators.store import read_targets, read_values

DEFAULT_HORIZON = 2027
TIERS = ("region", "province", "city", "county")
ZONE_COLUMNS = ["division_code", "indicator", "year", "value", "unit", "edition", "source_kind", "combination",
                "zone_status", "members_with_value"]  # fmt: skip


def bounds_level(division_codes: Sequence[str], tier: str) -> str:
    """Division level whose distribution gives a zone's score bounds (module docstring)."""
    if tier in ("province", "city", "county"):
        return tier
    levels = {str(division_level(c)) for c in division_codes}
    return "province" if levels == {"province"} else "city"


def zone_values(
    session: Session,
    zone_code: str,
    division_codes: Sequence[str],
    years: Iterable[int],
    *,
    catalogue: Catalogue | None = None,
    lake: Any = None,
    zone_reported: pd.DataFrame | None = None,
    computed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Values of one zone (``division_code`` = the zone code) for ``years``, combined as the module docstring
    says. ``zone_reported``: statistics reported for zones (``division_code`` = zone code, ``indicator, year,
    value, unit``); ``computed``: pooled computed values already made for this zone (else recomputed from
    ``lake``). Returns ``ZONE_COLUMNS``; ``members_with_value`` counts the divisions that have a value of their
    own (shown, never combined)."""
    cat = catalogue or default_catalogue()
    years = sorted({int(y) for y in years})
    divs = list(dict.fromkeys(division_codes))
    stored = read_values(session, years=years, divisions=divs)
    members = (
        stored.dropna(subset=["value"]).groupby(["indicator", "year"])["division_code"].nunique()
        .rename("members_with_value").reset_index()
    )  # fmt: skip
    if len(divs) == 1:
        v = stored.assign(division_code=zone_code, combination="division", zone_status="ok")
    else:
        kind = {i.code: str(i.source.kind) for i in cat.indicators}
        if computed is None:
            from pioneer.indicators.service import compute_from_lake

            computed = compute_from_lake(session, division=None, years=years, lake=lake, store_values=False,
                                         zone=(zone_code, divs))  # fmt: skip
        comp = computed.assign(source_kind="computed", combination="pooled-stations", zone_status="ok")
        # carbon bindings: pooled from the members' values (Σ totals, Σ totals / Σ GDP; docs/standards/carbon.md §2)
        from pioneer.standards.carbon.pooling import POOLED_INDICATORS as CARBON
        from pioneer.standards.carbon.pooling import pooled_values

        cv = read_values(session, indicators=list(CARBON), divisions=divs)
        carbon = pooled_values(cv, zone_code, divs)
        carbon = carbon[carbon["year"].isin(years)].assign(
            source_kind="computed", combination="pooled-members"
        )
        comp = pd.concat([comp[~comp["indicator"].isin(list(CARBON))],
                          carbon.drop(columns=["method", "reason_zh", "reason_en", "members_with_value"])],
                         ignore_index=True)  # fmt: skip
        rep = (
            zone_reported
            if zone_reported is not None
            else pd.DataFrame(columns=["division_code", "indicator"])
        )
        rep = rep[(rep["division_code"].astype(str) == zone_code) & rep["indicator"].map(kind).eq("reported")]
        rep = rep.assign(source_kind="reported", combination="reported-for-zone", zone_status="ok")
        v = pd.concat([comp, rep], ignore_index=True)
        # reported indicators that members have but the zone has not: listed, not combined
        have = set(zip(v["indicator"], v["year"].astype(int), strict=True))
        gaps = members[members["indicator"].map(kind).eq("reported")]
        keyed = pd.Series(
            list(zip(gaps["indicator"], gaps["year"].astype("int64"), strict=True)), index=gaps.index
        )
        gaps = gaps.loc[~keyed.isin(have)] if len(gaps) else gaps
        gap_rows = gaps[["indicator", "year"]].assign(
            division_code=zone_code, value=np.nan, combination="none", zone_status="not-reported-for-zone"
        )
        v = pd.concat([v, gap_rows], ignore_index=True)
    v = v.drop(columns=["members_with_value"], errors="ignore").merge(
        members, on=["indicator", "year"], how="left"
    )
    v["members_with_value"] = v["members_with_value"].fillna(0).astype("int64")
    for c in ZONE_COLUMNS:
        if c not in v.columns:
            v[c] = None
    v["edition"] = v["edition"].fillna("").astype(str)
    v["year"] = v["year"].astype("int64")
    v["value"] = v["value"].astype("float64")
    return v[ZONE_COLUMNS].reset_index(drop=True)


def zones_frame(
    session: Session,
    year: int,
    *,
    tier: str,
    baseline_year: int | None = None,
    horizon: int = DEFAULT_HORIZON,
    indicators: Iterable[str] | None = None,
    hide_ranks: bool | None = None,
    catalogue: Catalogue | None = None,
    lake: Any = None,
    zone_reported: pd.DataFrame | None = None,
    zones: Sequence[tuple[str, Sequence[str]]] | None = None,
) -> pd.DataFrame:
    """Every zone of ``tier`` (or the given ``zones``: ``(code, division_codes)``) in ``year``: value, target,
    attainment, score (bounds from the divisions of the zone's level), rank and percentile among the zones of
    the tier, improvement and trajectory (with ``baseline_year``). One row per zone × indicator with a value
    or a stated gap."""
    from pioneer.assessment.service import _select_edition

    if tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}, got {tier!r}")
    cat = catalogue or default_catalogue()
    if zones is None:
        from pioneer.registry.zones.service import list_zones

        zones = [(z.code, list(z.division_codes)) for z in list_zones(session, tier=tier)]  # type: ignore[arg-type]
    years = [year] + ([baseline_year] if baseline_year is not None else [])
    wanted = set(indicators) if indicators is not None else None
    parts = []
    for code, divs in zones:
        zv = zone_values(session, code, divs, years, catalogue=cat, lake=lake, zone_reported=zone_reported)
        parts.append(zv.assign(level=bounds_level(divs, tier)))
    if not parts:
        cols = [
            "zone_code",
            *ZONE_COLUMNS[1:],
            "level",
            "tier",
            "direction",
            "score",
            "rank",
            "percentile",
            "n_zones",
        ]
        return pd.DataFrame(columns=cols)
    v = pd.concat(parts, ignore_index=True)
    if wanted is not None:
        v = v[v["indicator"].isin(wanted)]
    lv_of_zone = v.drop_duplicates("division_code").set_index("division_code")["level"]
    v = pd.concat(
        [_select_edition(g.drop(columns=["level"]), cat, year, baseline_year).assign(level=lv)
         for lv, g in v.groupby("level")], ignore_index=True,
    )  # fmt: skip
    direction = {i.code: str(i.direction) for i in cat.indicators}
    v["direction"] = v["indicator"].map(direction)
    targets = pd.concat([national_targets(cat), read_targets(session)], ignore_index=True)
    cur = v[v["year"] == year].copy()
    # score bounds from the divisions of each level (the zones themselves are not in the distribution)
    levels = sorted(set(lv_of_zone))
    peers = read_values(session, indicators=sorted(set(cur["indicator"])), years=[year])
    peer_parts = [peers[in_level(peers["division_code"].astype(str), lv)].assign(level=lv) for lv in levels]
    keys = cur[["indicator", "level", "year"]].drop_duplicates().assign(value=np.nan)
    pv = pd.concat([*peer_parts, keys], ignore_index=True)[["indicator", "level", "year", "value"]]
    bounds = score_bounds(pv, cat, targets, horizon=horizon)
    att = attainment(cur.drop(columns=["direction"]), targets, cat, horizon=horizon)
    sc = scores_with_bounds(cur[["division_code", "level", "indicator", "year", "value"]], bounds)
    st = standing(cur[["division_code", "indicator", "year", "value", "direction"]].assign(level=tier),
                  hide_ranks=hide_ranks)  # fmt: skip
    k = ["division_code", "indicator"]
    out = att.merge(sc[[*k, "score", "score_status", "floor", "target_bound", "floor_basis", "target_basis"]], on=k,
                    how="left")  # fmt: skip
    out = out.merge(st[[*k, "rank", "percentile", "n_peers", "ranks_hidden"]], on=k, how="left")
    if baseline_year is not None:
        imp = improvement(v, year=year, baseline_year=baseline_year)
        out = out.merge(imp[[*k, "baseline_value", "baseline_edition", "change", "relative_change", "improved",
                             "improvement_status"]], on=k, how="left")  # fmt: skip
        tgt = applicable_targets(cur[[*k, "year", "value"]], targets, horizon=horizon)
        tr = trajectory(v, tgt[[*k, "comparator", "target"]], year=year, baseline_year=baseline_year,
                        target_year=int(horizon) if horizon > year else year + 1)  # fmt: skip
        out = out.merge(tr[[*k, "actual_rate", "required_rate", "projected", "trajectory"]], on=k, how="left")
    out = out.rename(columns={"division_code": "zone_code", "n_peers": "n_zones"})
    out["tier"] = tier
    return out


def zone_scorecard(
    session: Session,
    zone_code: str,
    year: int,
    *,
    baseline_year: int | None = None,
    horizon: int = DEFAULT_HORIZON,
    indicators: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
    hide_ranks: bool | None = None,
    catalogue: Catalogue | None = None,
    lake: Any = None,
    zone_reported: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Scorecard of a registered zone: every indicator of its tier (missing ones listed with their status),
    domain and overall scores, rank and percentile among the zones of its tier, and how each value was
    combined from the zone's divisions."""
    from pioneer.assessment.service import scorecard
    from pioneer.registry.zones.service import zone as find_zone

    cat = catalogue or default_catalogue()
    z = find_zone(session, zone_code)
    divs = list(z.division_codes)
    lv = bounds_level(divs, z.tier)
    wanted = (
        list(indicators) if indicators is not None else [i.code for i in cat.indicators if z.tier in i.tiers]
    )
    frame = zones_frame(session, year, tier=z.tier, baseline_year=baseline_year, horizon=horizon,
                        indicators=wanted, hide_ranks=hide_ranks, catalogue=cat, lake=lake,
                        zone_reported=zone_reported)  # fmt: skip
    mine = (
        frame[frame["zone_code"] == zone_code]
        .drop(columns=["year"])
        .rename(columns={"zone_code": "division_code"})
    )
    grid = pd.DataFrame({"division_code": zone_code, "indicator": wanted, "year": year})
    mine = grid.merge(mine, on=["division_code", "indicator"], how="left")
    status = mine["zone_status"] if "zone_status" in mine.columns else pd.Series(None, index=mine.index)
    mine["data_status"] = np.where(mine["value"].notna(), "ok", status.fillna("missing"))
    hide = hide_ranks_default() if hide_ranks is None else hide_ranks
    header = {"zone_code": zone_code, "zone_name_zh": z.name_zh, "tier": z.tier, "divisions": divs,
              "division_code": zone_code, "year": year, "level": lv, "baseline_year": baseline_year,
              "horizon": horizon,
              "combination": "division" if len(divs) == 1 else "pooled stations; reported only for the zone"}  # fmt: skip
    card = scorecard(mine, header, catalogue=cat, weights=weights, hide_ranks=hide)
    card["notes"].append({
        "zh": "排名与百分位为同级先行区之间的比较", "en": "Rank and percentile compare the zones of the same tier",
    })  # fmt: skip
    if len(divs) > 1:
        card["notes"].append({
            "zh": "多行政区先行区：计算指标按全部站点合并重算；填报指标仅采用为先行区本身填报的数值，不对各行政区取平均",
            "en": "Multi-division zone: computed indicators are recomputed over the union of stations; reported "
                  "statistics are used only when reported for the zone itself, never averaged over divisions",
        })  # fmt: skip
    return card


def zone_ranking(
    session: Session,
    indicator: str,
    tier: str,
    year: int,
    *,
    hide_ranks: bool | None = None,
    catalogue: Catalogue | None = None,
    lake: Any = None,
    zone_reported: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``indicator`` across the zones of ``tier`` in ``year``, best first; zones without a value last, unranked."""
    f = zones_frame(session, year, tier=tier, indicators=[indicator], hide_ranks=hide_ranks, catalogue=catalogue,
                    lake=lake, zone_reported=zone_reported)  # fmt: skip
    asc = bool(f["direction"].iloc[0] == "lower") if len(f) else True
    f = f.sort_values(["value", "zone_code"], ascending=[asc, True], na_position="last")
    cols = ["zone_code", "tier", "indicator", "year", "value", "unit", "combination", "zone_status", "score",
            "rank", "percentile", "n_zones", "ranks_hidden", "target", "attained"]  # fmt: skip
    return f[[c for c in cols if c in f.columns]].reset_index(drop=True)


ZONE_REPORTED_COLUMNS = ["zone_code", "indicator", "year", "value", "unit", "source_document"]


def read_zone_reported(path: Any, *, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Statistics reported for zones themselves (CSV, UTF-8; header ``zone_code, indicator, year, value, unit,
    source_document``), validated like the division template: every problem is an :class:`InputError` with
    file, row (header = row 1), column, value and reason in Chinese and English, all raised together
    (:class:`pioneer.indicators.template.TemplateErrors`) and nothing used. Checks: missing columns, blank zone
    code, invalid year, unknown indicator, a computed indicator (zones' computed values come from their
    stations), value not a number or outside the indicator's range, unit not the indicator's, missing source
    document, duplicate (zone, indicator, year).

    Returns ``division_code`` (= the zone code), ``indicator, year, value, unit, source_document, row``.
    """
    from pathlib import Path

    from pioneer.errors import InputError
    from pioneer.indicators.choices import SourceKind
    from pioneer.indicators.template import TemplateErrors

    cat = catalogue or default_catalogue()
    name = Path(path).name
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in ZONE_REPORTED_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"缺少必需列：{', '.join(missing)}", f"missing required columns: {', '.join(missing)}",
                         file=name, column=missing[0])  # fmt: skip
    df = df.map(lambda x: x.strip() if isinstance(x, str) else x)
    df["row"] = np.arange(len(df)) + 2
    errors: list[InputError] = []

    def flag(mask: pd.Series, column: str, zh: str, en: str) -> None:
        for r in df.loc[mask.to_numpy(dtype=bool), ["row", column]].itertuples(index=False):
            errors.append(InputError(zh, en, file=name, row=int(r[0]), column=column, value=r[1]))

    flag(df["zone_code"] == "", "zone_code", "先行区编码为空", "zone code is empty")
    year = pd.to_numeric(df["year"], errors="coerce")
    flag(year.isna() | (year % 1 != 0) | (year < 2000) | (year > 2100), "year", "年份无效", "invalid year")
    meta = pd.DataFrame([{"indicator": i.code, "_unit": i.unit, "_aliases": "|".join({i.unit, *i.unit_aliases}),
                          "_min": i.range.min, "_max": i.range.max, "_computed": i.source.kind == SourceKind.COMPUTED}
                         for i in cat.indicators])  # fmt: skip
    m = df[["indicator"]].merge(meta, on="indicator", how="left").set_axis(df.index)
    known = m["_unit"].notna()
    flag(~known, "indicator", "未知指标代码", "unknown indicator code")
    flag(known & m["_computed"].eq(True), "indicator", "该指标由站点数据合并计算，不接受填报",
         "this indicator is computed from the zone's stations and cannot be reported")  # fmt: skip
    value = pd.to_numeric(df["value"], errors="coerce")
    flag(value.isna(), "value", "数值不是数字", "value is not a number")
    aliases = m["_aliases"].fillna("").str.split("|")
    unit_ok = pd.Series([u in a for u, a in zip(df["unit"], aliases, strict=True)], index=df.index)
    flag(known & ~unit_ok, "unit", "单位与指标不符", "unit does not match the indicator's unit")
    flag(known & value.notna() & ((value < m["_min"]) | (value > m["_max"])), "value", "数值超出指标取值范围",
         "value outside the indicator's range")  # fmt: skip
    flag(df["source_document"] == "", "source_document", "缺少来源文件", "source document is missing")
    flag(df.duplicated(["zone_code", "indicator", "year"], keep="first"), "indicator", "重复的先行区、指标和年份",
         "duplicate zone, indicator and year")  # fmt: skip
    if errors:
        raise TemplateErrors(sorted(errors, key=lambda e: (e.row or 0, e.column or "")), name)
    return pd.DataFrame({
        "division_code": df["zone_code"], "indicator": df["indicator"], "year": year.astype("int64"),
        "value": value.astype("float64"), "unit": m["_unit"], "source_document": df["source_document"],
        "row": df["row"],
    })  # fmt: skip
