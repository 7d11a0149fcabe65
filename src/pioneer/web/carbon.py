"""The zone page's dual-control section (双控): each division's stored CO2 and energy intensities against the
14th five-year-plan target, with the assessment's trajectory class — drawn as server-side SVG (no script).

Values come from the indicator store (``pioneer carbon dual-control --store`` or the API with ``store=true``);
the target and class from :func:`pioneer.assessment.carbon.progress` on those values, so the page shows exactly
what the command computes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from pioneer.assessment.carbon import progress
from pioneer.carbon.indicators import PRICE_BASE
from pioneer.indicators import store
from pioneer.standards.carbon.balance import DEFAULT_SECTORS
from pioneer.standards.carbon.dual_control import targets_for
from pioneer.web import assess
from pioneer.web.i18n import TRAJECTORY_NAMES

CHARTED = {
    "co2_intensity": ("单位地区生产总值二氧化碳排放", "CO2 per 10⁴ yuan of GDP", ("t/万元", "t/10⁴ yuan")),
    "energy_intensity": (
        "单位地区生产总值能源消耗",
        "Energy per 10⁴ yuan of GDP",
        ("tce/万元", "tce/10⁴ yuan"),
    ),
}
W, H, PAD = 420, 150, 44
PAD_TOP, PAD_BOTTOM = 14, 26
"""Line charts: width and height [px], left/right padding (the value ticks), top padding and the band below
the axis (the year labels)."""


def _scale(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    span = (hi - lo) or (abs(hi) or 1.0)
    return lo - 0.1 * span, hi + 0.1 * span


def _chart(points: list[tuple[int, float]], target: tuple[int, float] | None) -> dict[str, Any]:
    """Pixel coordinates of a line chart (years → values) with the target as a marker and a dashed guide."""
    ys = [v for _, v in points] + ([target[1]] if target else [])
    xs = [y for y, _ in points] + ([target[0]] if target else [])
    vlo, vhi = _scale(ys)
    xlo, xhi = min(xs), max(xs)

    def px(year: float, value: float) -> tuple[float, float]:
        x = PAD + (W - 2 * PAD) * ((year - xlo) / ((xhi - xlo) or 1))
        y = H - PAD_BOTTOM - (H - PAD_BOTTOM - PAD_TOP) * ((value - vlo) / (vhi - vlo))
        return round(x, 1), round(y, 1)

    pts = [px(y, v) for y, v in points]
    out: dict[str, Any] = {
        "width": W, "height": H, "polyline": " ".join(f"{x},{y}" for x, y in pts),
        "dots": [{"x": x, "y": y, "year": yr, "value": v} for (x, y), (yr, v) in zip(pts, points, strict=True)],
        "axis_y": H - PAD_BOTTOM, "x0": PAD, "x1": W - PAD, "years": [{"x": px(y, vlo)[0], "year": y} for y in sorted(set(xs))],
        "ticks": [{"y": px(xlo, v)[1], "value": v} for v in (min(ys), max(ys))],
    }  # fmt: skip
    if target:
        tx, ty = px(*target)
        out["target"] = {"x": tx, "y": ty, "year": target[0], "value": target[1], "from_x": pts[-1][0],
                         "from_y": pts[-1][1]}  # fmt: skip
    return out


def zone_dual_control(session: Session, division_codes: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The section's content: ``intensities`` (:func:`intensity_charts`), ``accounts`` (:func:`account_bars`) and
    ``pooled`` (:func:`pooled_rows`).

    The intensities and pooled rows are computed from stored indicator values only (the 14th five-year-plan
    targets and :func:`pioneer.assessment.carbon.progress` are deterministic given them), so they are kept once per
    data version and divisions (:func:`pioneer.web.assess.memo`, the scorecards' memo: ≈ 0.4 s per zone page on a
    national registry otherwise). The accounts are read at every request: their table is not part of the data
    version on PostgreSQL (migration 0930's triggers), and reading them is one indexed query."""
    divs = list(division_codes)
    values = assess.memo(session, ("dual-control", tuple(divs)),
                         lambda: (intensity_charts(session, divs), pooled_rows(session, divs)))  # fmt: skip
    return {"intensities": values[0], "accounts": account_bars(session, divs), "pooled": values[1]}


POOLED_SHOWN = {
    "co2_emissions_energy": ("能源活动二氧化碳排放总量", "energy CO2 emissions"),
    "co2_intensity": ("单位地区生产总值二氧化碳排放", "CO2 per 10⁴ yuan of GDP"),
    "carbon_intensity_reduction": ("碳排放强度年降低率", "annual CO2-intensity reduction"),
    "co2_intensity_reduction_vs_2020": ("较2020年碳排放强度累计降低", "CO2-intensity reduction since 2020"),
    "energy_consumption_total": ("能源消费总量", "energy consumption"),
    "energy_intensity": ("单位地区生产总值能耗", "energy per 10⁴ yuan of GDP"),
    "energy_intensity_reduction_vs_2020": (
        "较2020年能耗强度累计降低",
        "energy-intensity reduction since 2020",
    ),
    "water_use_total": ("用水总量", "water use"),
    "water_intensity": ("单位地区生产总值用水量", "water per 10⁴ yuan of GDP"),
}


UNIT_LABELS = {"10^4 t": ("万吨", "10⁴ t"), "t/10^4 yuan": ("t/万元", "t/10⁴ yuan"), "%": ("%", "%"),
               "10^4 tce": ("万吨标准煤", "10⁴ tce"), "tce/10^4 yuan": ("tce/万元", "tce/10⁴ yuan"),
               "10^8 m3": ("亿立方米", "10⁸ m³"), "m3/10^4 yuan": ("m³/万元", "m³/10⁴ yuan")}  # fmt: skip
"""Catalogue unit → (zh, en) label of the pooled table."""


def pooled_rows(session: Session, divs: list[str]) -> list[dict[str, Any]]:
    """For a zone of several divisions (region tier): its pooled carbon indicators of the latest year with any
    value (:func:`pioneer.carbon.indicators.pooled_values`: Σ totals, Σ totals / Σ GDP), each with the reason when
    a member's value is missing. One-division zones get nothing here (their division's values are shown)."""
    from pioneer.carbon.indicators import BINDINGS, pooled_values

    if len(divs) < 2:
        return []
    v = store.read_values(session, indicators=list(BINDINGS), divisions=divs)
    p = pooled_values(v, "zone", divs)
    if p.empty:
        return []
    latest = p[p["year"] == p["year"].max()]
    order = {c: i for i, c in enumerate(POOLED_SHOWN)}
    latest = latest.assign(_o=latest["indicator"].map(order)).sort_values("_o")
    targets = pooled_targets(p)
    charts = pooled_charts(v, latest, divs, targets)
    names = assess.division_names(session)

    def named(reason: str) -> str:  # a reason names the members without a value by code: print their names
        return ", ".join(names.get(c, c) for c in reason.split(", ")) if reason[:1].isdigit() else reason

    def reason(text: str, lead: str) -> str:
        return lead + named(text.removeprefix(lead)) if text.startswith(lead) else text

    return [{"indicator": r["indicator"], "name_zh": POOLED_SHOWN[r["indicator"]][0],
             "name_en": POOLED_SHOWN[r["indicator"]][1], "year": int(r["year"]),
             "value": None if pd.isna(r["value"]) else float(r["value"]),
             "unit_zh": UNIT_LABELS.get(str(r["unit"]), (str(r["unit"]),) * 2)[0],
             "unit_en": UNIT_LABELS.get(str(r["unit"]), (str(r["unit"]),) * 2)[1],
             **price_base_labels(r["edition"] if "yuan" in str(r["unit"]) else ""),  # it matters for intensities
             "status": r["zone_status"], "reason_zh": reason(str(r["reason_zh"]), "成员缺值："),
             "reason_en": reason(str(r["reason_en"]), "member without a value: "),
             "members": int(r["members_with_value"]), "of": len(divs), "chart": charts.get(r["indicator"])}
            for r in latest.to_dict("records") if r["indicator"] in POOLED_SHOWN]  # fmt: skip


def price_base_labels(edition: str) -> dict[str, str]:
    """The price base of an intensity's edition (:data:`pioneer.carbon.indicators.PRICE_BASE` + year) for the
    reader: ``2020年可比价`` / ``2020 prices``; an edition in any other form is printed as stored."""
    year = edition.removeprefix(PRICE_BASE)
    if not edition:
        return {"edition_zh": "", "edition_en": ""}
    if year == edition:
        return {"edition_zh": edition, "edition_en": edition}
    return {"edition_zh": f"{year}年可比价", "edition_en": f"{year} prices"}


POOLED_CHARTED = ("co2_emissions_energy", "co2_intensity", "energy_consumption_total", "energy_intensity",
                  "water_use_total", "water_intensity")  # fmt: skip
"""Pooled values drawn against the members (totals and intensities; the reductions stay in the table)."""
POOLED_LABEL_W = 110
"""Label column of the pooled bars [px]: division names and 区域合计 are short."""


def pooled_targets(pooled: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """The zone's 14th five-year-plan target of each pooled intensity (indicator → (target year, target)): the
    same rule as a division's (:func:`pioneer.assessment.carbon.progress` with the national targets of
    :func:`pioneer.standards.carbon.dual_control.targets_for`) on the pooled series; none without a pooled value
    of the base year."""
    i = pooled[pooled["indicator"].isin(list(CHARTED)) & pooled["value"].notna()]
    if i.empty:
        return {}
    table = i.pivot_table(index=["division_code", "year"], columns="indicator", values="value").reset_index()
    prog = progress(table, targets_for(table["division_code"]))
    prog = prog[(prog["plan"] == "十四五") & prog["target"].notna()]
    return {str(r["indicator"]): (int(r["target_year"]), float(r["target"])) for r in prog.to_dict("records")}


def pooled_charts(
    values: pd.DataFrame, latest: pd.DataFrame, divs: list[str], targets: dict[str, tuple[int, float]]
) -> dict[str, dict[str, Any]]:
    """Per charted pooled indicator (:data:`POOLED_CHARTED`) of the latest year: bars of the zone's value (first;
    empty with the reason when it has none) and of each member's stored value of that year (a member without one
    drawn empty, labelled —), scaled with the target where one exists (:func:`pooled_targets`, a dashed line).
    Member bars carry the division ``code`` (the page prints its name)."""
    v = values[values["value"].notna()]
    out: dict[str, dict[str, Any]] = {}
    for r in latest[latest["indicator"].isin(POOLED_CHARTED)].to_dict("records"):  # ≤ 6 indicators
        ind, year = str(r["indicator"]), int(r["year"])
        mine = v[(v["indicator"] == ind) & (v["year"].astype(int) == year)]
        member = dict(zip(mine["division_code"].astype(str), mine["value"].astype(float), strict=False))
        zone = None if pd.isna(r["value"]) else float(r["value"])
        out[ind] = _bars([("", "", member.get(d), d) for d in divs],
                         lead=("区域合计", "zone (pooled)", zone), target=targets.get(ind),
                         label_w=POOLED_LABEL_W)  # fmt: skip
    return out


BAR_W, BAR_H, LABEL_W = 480, 18, 200


def _labels(key: str) -> tuple[str, str]:
    """zh and en label of a bilingual key ("交通运输、仓储和邮政业 transport" → both halves); a Chinese-only key
    named like a sector of the balance template (:data:`pioneer.standards.carbon.balance.DEFAULT_SECTORS`,
    "工业" → "industry") takes that sector's English; other one-language keys are used for both."""
    zh, _, en = key.partition(" ")
    if en and en.isascii() and not zh.isascii():
        return zh, en
    known = {z: e for z, _s, e in (s.partition(" ") for s in DEFAULT_SECTORS)}
    return key, known.get(key, key)


def _bars(items: Sequence[tuple[Any, ...]], *,
          lead: tuple[str, str, float | None] | None = None, target: tuple[int, float] | None = None,
          label_w: int = LABEL_W) -> dict[str, Any]:  # fmt: skip
    """Horizontal bars (largest first) scaled to the largest |value| (and the target); negative values (exports)
    drawn in red. ``items``: (label_zh, label_en, value) or (…, value or None, division code): a None value is an
    empty bar (no value); ``lead``: one bar drawn first, apart (a zone's pooled value); ``target`` (year, value):
    a dashed line across the bars with its label below them; ``label_w``: the label column [px]."""
    rows = [(it[0], it[1], it[2], it[3] if len(it) > 3 else "") for it in items]
    rows = sorted(rows, key=lambda kv: (kv[2] is None, -abs(kv[2] or 0.0)))
    if lead is not None:
        rows = [(lead[0], lead[1], lead[2], ""), *rows]
    shown = [abs(v) for _zh, _en, v, _c in rows if v is not None] + ([abs(target[1])] if target else [])
    top = max(shown, default=1.0) or 1.0
    span = BAR_W - label_w - 70
    bars = [{"label_zh": zh, "label_en": en, "value": v, "y": i * (BAR_H + 4), "code": code,
             "w": 0.0 if v is None else round(span * abs(v) / top, 1), "negative": v is not None and v < 0,
             "missing": v is None, "lead": lead is not None and i == 0}
            for i, (zh, en, v, code) in enumerate(rows)]  # fmt: skip
    height = len(bars) * (BAR_H + 4)
    out: dict[str, Any] = {"width": BAR_W, "height": height, "x0": label_w, "bar_h": BAR_H, "bars": bars}
    if target is not None:
        out["target"] = {"x": round(label_w + span * abs(target[1]) / top, 1), "year": target[0],
                         "value": target[1], "y1": height, "label_y": height + 14}  # fmt: skip
        out["height"] = height + 20
    return out


def account_bars(session: Session, division_codes: list[str]) -> list[dict[str, Any]]:
    """Per division: the stored account of its latest year — CO2 by sector and by fuel (industrial processes as
    their own bars) [10⁴ t] and the total split into combustion, imported electricity and heat, and processes."""
    from pioneer.carbon.service import read_account_totals
    from pioneer.standards.carbon.factors import FUEL_FACTORS, PROCESS_FACTORS

    t = read_account_totals(session, division_codes)
    if t.empty:
        return []
    names = {r.fuel: (r.name_zh, r.name_en) for r in FUEL_FACTORS.itertuples()}  # ≈ 30 factor rows
    names |= {"electricity": ("电力", "electricity"), "heat": ("热力", "heat")}
    names |= {
        r.process: (f"{r.name_zh}（过程）", f"{r.name_en} (process)") for r in PROCESS_FACTORS.itertuples()
    }
    out = []
    for d, g in t.groupby("division_code"):  # one block per division of the zone
        latest = g[g["year"] == g["year"].max()]
        edition = sorted(latest["edition"])[-1]
        latest = latest[latest["edition"] == edition]
        total = latest[latest["record"] == "total"].iloc[0]
        sec = latest[latest["record"] == "by_sector"]
        fuel = latest[latest["record"] == "by_fuel"]
        out.append({
            "division_code": d, "year": int(total["year"]), "edition": edition, "grid": total["grid"],
            "total": float(total["co2_t"]) / 1e4, "direct": float(total["co2_direct_t"]) / 1e4,
            "indirect": float(total["co2_indirect_t"]) / 1e4, "source_file": total["source_file"],
            # industrial processes (tCO2e) = total − combustion − imported electricity and heat (not stored apart)
            "process": (float(total["co2_t"]) - float(total["co2_direct_t"]) - float(total["co2_indirect_t"])) / 1e4,
            "sectors": _bars([(*_labels(str(k)), float(v) / 1e4) for k, v in zip(sec["key"], sec["co2_t"],
                                                                                 strict=True)]),
            "fuels": _bars([(*names.get(str(k), (str(k), str(k))), float(v) / 1e4)
                            for k, v in zip(fuel["key"], fuel["co2_t"], strict=True)]),
        })  # fmt: skip
    return out


def intensity_charts(session: Session, divs: list[str]) -> list[dict[str, Any]]:
    """Per division and charted intensity: the stored series, the 2025 target, achieved reduction and class."""
    v = store.read_values(session, indicators=list(CHARTED), divisions=divs)
    v = v[v["value"].notna()]
    if v.empty:
        return []
    table = v.pivot_table(index=["division_code", "year"], columns="indicator", values="value").reset_index()
    prog = progress(table, targets_for(table["division_code"]))
    out = []
    for (d, ind), g in v.sort_values("year").groupby(
        ["division_code", "indicator"]
    ):  # ≤ divisions × 2 charts
        p = prog[(prog["division_code"] == d) & (prog["indicator"] == ind) & (prog["plan"] == "十四五")]
        row = p.iloc[0] if len(p) else None
        target = (
            (int(row["target_year"]), float(row["target"]))
            if row is not None and pd.notna(row["target"])
            else None
        )
        points = [(int(y), float(x)) for y, x in zip(g["year"], g["value"], strict=True)]
        cls = str(row["trajectory"]) if row is not None else "no_target"
        name_zh, name_en, unit = CHARTED[str(ind)]
        out.append({
            "division_code": d, "indicator": ind, "name_zh": name_zh, "name_en": name_en, "unit_zh": unit[0], "unit_en": unit[1],
            **price_base_labels(str(g["edition"].iloc[-1])), "chart": _chart(points, target),
            "achieved": None if row is None or pd.isna(row["achieved_reduction_pct"]) else float(row["achieved_reduction_pct"]),
            "target_reduction": None if row is None else row["target_reduction_pct"],
            "class": cls, "class_zh": TRAJECTORY_NAMES[cls][0], "class_en": TRAJECTORY_NAMES[cls][1],
        })  # fmt: skip
    return out
