"""Yearly statements of compensation agreements, computed (never stored) from the version they cite.

Data: the registry's sections and the lake's best version of each water value (:func:`pioneer.lake.query.versions`,
turned into the standards' glossary by :func:`pioneer.indicators.bindings.lake_water_samples`). Values: annual and
monthly means and GB 3838-2002 classes from :mod:`pioneer.standards.water`. Amounts: the formulas of
:mod:`pioneer.standards.compensation`. Each term of each section gives one *line* with its amount (signed:
positive = downstream pays upstream), the numbers it used and its arithmetic in Chinese and English.

Validity (docs/standards/compensation.md): an item a term needs must have data in ``min_months`` months of the
year (and of the previous year for an index-change term); otherwise the whole statement is refused, listing every
section, year and item concerned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.compensation.schemas import TermKind
from pioneer.compensation.service import StatementError, class_code, item_label, version_data
from pioneer.errors import PioneerError
from pioneer.registry.divisions.service import division
from pioneer.registry.stations.models import Station
from pioneer.reports.document import number
from pioneer.standards import compensation as formulas
from pioneer.standards import water

EVALUATION = frozenset(water.EVALUATION_ITEMS_2011)
ANNUAL_COLUMNS = ["section", "waterbody_type", "parameter", "value", "n_months", "n_samples"]
WATER_METHOD = ("GB 3838-2002 Table 1; 环办〔2011〕22号 single-factor class; annual value = mean of monthly means, "
                "below-detection values as half the limit, rounded to the 2020 rule's decimals (环办监测函〔2020〕82号)")  # fmt: skip
CLASS_KINDS = (TermKind.CLASS_STEPS, TermKind.MONTHLY_COMPLIANCE, TermKind.COMPLIANT_SHARE)


def _fmt(x: float | None, digits: int = 4) -> str:
    """Numbers in the arithmetic texts: :func:`pioneer.reports.document.number` to 4 decimals."""
    return number(x, digits)


@dataclass
class Water:
    """The year's (and previous year's) water values of the agreement's sections."""

    samples: ibis.Table | None
    annual: dict[int, pd.DataFrame]  # year → section, parameter, value, n_months, n_samples
    imports: list[str]
    exclusions: dict[
        str, Any
    ]  # rows left out (bare ND without a detection limit), counted by the lake binding

    def values(self, year: int, section: str) -> pd.DataFrame:
        a = self.annual[year]
        return a[a["section"] == section].set_index("parameter")

    def months(self, year: int, section: str, item: str) -> int:
        a = self.values(year, section)
        return int(a.loc[item, "n_months"]) if item in a.index else 0

    def measured(self, year: int, section: str) -> list[str]:
        """The 2011 evaluation items measured at ``section`` in ``year``."""
        return sorted(set(self.values(year, section).index) & EVALUATION)


def read_water(stations: list[Station], years: list[int], lake: Any) -> Water:
    from pioneer.indicators import bindings
    from pioneer.lake import query

    t = query.versions(lake, "water", start=dt.datetime(min(years), 1, 1),
                       end=dt.datetime(max(years), 12, 31, 23, 59, 59))  # fmt: skip
    t = t.filter(t.section.isin([s.code for s in stations]))
    rows = t.select(
        "section", "division", "time", "item", "value", "flag", "raw", "unit", "import_id"
    ).to_pandas()
    meta = pd.DataFrame([(s.code, s.division_code, s.water_body or "river") for s in stations],
                        columns=["code", "division_code", "water_body"])  # fmt: skip
    samples, excluded = bindings.lake_water_samples(rows.drop(columns=["import_id"]), meta)
    samples = samples.drop(columns=["_row"], errors="ignore")
    table = ibis.memtable(samples) if len(samples) else None
    annual = {y: water.period_values(table, period=str(y)).to_pandas() if table is not None
              else pd.DataFrame(columns=ANNUAL_COLUMNS) for y in years}  # fmt: skip
    imports = sorted(str(x) for x in rows["import_id"].dropna().unique())
    return Water(
        table,
        annual,
        imports,
        {"rows_nd_without_detection_limit": excluded["rows_nd_without_detection_limit"]},
    )


def _classes(values: ibis.Table, items: dict[str, list[str]], keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """Section class (2011 method, single factor) over each section's own class items."""
    pairs = pd.DataFrame([(s, i) for s, its in items.items() for i in its], columns=["section", "parameter"])
    if pairs.empty:
        return pd.DataFrame(columns=["section", *keys, "water_class", "class_label"])
    _, sections = water.section_results(
        values.join(ibis.memtable(pairs), ["section", "parameter"]), keys=keys
    )
    return sections.to_pandas()


# ---- validity ----------------------------------------------------------------------------------------------------
def _short(section: str, year: int, item: str, n: int, need: int, why_zh: str, why_en: str) -> PioneerError:
    return PioneerError(
        f"断面 {section} {year} 年 {item_label(item)} 有数据的月份 {n} 个，少于协议要求的 {need} 个（{why_zh}）",
        f"section {section}, {year}, {item}: {n} month(s) with data, fewer than the agreement's {need} ({why_en})",
    )


def class_items(term: dict[str, Any], w: Water, year: int, section: str, need: int) -> list[str]:
    """Items that set a section's class for ``term``: its ``class_items``; by default the measured 2011 evaluation
    items — for an annual class only those with ``need`` months of data."""
    if term.get("class_items"):
        return list(term["class_items"])
    measured = w.measured(year, section)
    if TermKind(term["kind"]) is TermKind.CLASS_STEPS:
        return [i for i in measured if w.months(year, section, i) >= need]
    return measured


def problems(data: dict[str, Any], w: Water, year: int) -> list[PioneerError]:
    """Every section, year and item that keeps ``year`` from being settled."""
    need = int(data["min_months"])
    out: list[PioneerError] = []
    for term in data["terms"]:
        kind = TermKind(term["kind"])
        for sec in data["sections"]:
            s = sec["station"]
            checks: list[tuple[int, list[str], str, str]] = []
            if kind is TermKind.P_INDEX:
                checks.append((year, list(term["weights"]), "P 值", "P-index"))
            elif kind is TermKind.INDEX_CHANGE:
                checks += [
                    (y, term["items"], "关键污染物指数", "key-pollutant index") for y in (year - 1, year)
                ]
            else:
                chosen = class_items(term, w, year, s, need)
                if kind is TermKind.CLASS_STEPS and (term.get("class_items") or not chosen):
                    checks.append((year, chosen or w.measured(year, s), "水质类别", "water class"))
                if not chosen and not w.measured(year, s):
                    out.append(PioneerError(f"断面 {s} {year} 年没有可评价的项目",
                                            f"section {s}: no item to evaluate in {year}"))  # fmt: skip
                if kind is not TermKind.CLASS_STEPS and chosen:
                    n = max(w.months(year, s, i) for i in chosen)
                    if n < need:
                        out.append(PioneerError(
                            f"断面 {s} {year} 年有数据的月份 {n} 个，少于协议要求的 {need} 个（逐月类别）",
                            f"section {s}, {year}: {n} month(s) with data, fewer than the agreement's {need} "
                            "(monthly classes)"))  # fmt: skip
            for y, items, zh, en in checks:
                out += [
                    _short(s, y, i, w.months(y, s, i), need, zh, en)
                    for i in items
                    if w.months(y, s, i) < need
                ]
    return out


# ---- one line per term and section -------------------------------------------------------------------------------
def p_index_line(term: dict[str, Any], sec: dict[str, Any], w: Water, year: int, unit: str) -> dict[str, Any]:
    its = list(term["weights"])
    a = w.values(year, sec["station"])["value"]
    c, c0, k = (
        [float(a[i]) for i in its],
        [sec["baselines"][i] for i in its],
        [term["weights"][i] for i in its],
    )
    ratios = formulas.p_index_terms(c, c0, k)
    p = formulas.p_index(c, c0, k, k0=term["k0"])
    thr = term.get("threshold") or 1.0
    amount = float(formulas.p_index_transfer(p, amount=term["amount"], threshold=thr))
    parts = " + ".join(f"{_fmt(ki)}×{_fmt(ci)}/{_fmt(bi)}" for ki, ci, bi in zip(k, c, c0, strict=True))
    rel = "≤" if p <= thr else ">"
    arithmetic = (
        f"P = {_fmt(term['k0'])} × ({parts}) = {_fmt(term['k0'])} × {_fmt(float(ratios.sum()))} = {_fmt(p)}"
    )
    return {"transfer": amount, "details": {"items": its, "annual_means": c, "baselines": c0, "weights": k,
                                            "weighted_ratios": [float(x) for x in ratios], "k0": term["k0"],
                                            "P": p, "threshold": thr},
            "explanation_zh": f"{arithmetic} {rel} {_fmt(thr)}：{_fmt(amount)} {unit}",
            "explanation_en": f"{arithmetic} {rel} {_fmt(thr)}: {_fmt(amount)} {unit}"}  # fmt: skip


def class_steps_line(term: dict[str, Any], sec: dict[str, Any], water_class: float, items: list[str],
                     unit: str) -> dict[str, Any]:  # fmt: skip
    target = class_code(sec["target_class"])
    steps = formulas.class_steps(water_class, target)
    amount = float(formulas.class_step_transfer(water_class, target, amount_per_class=term["amount_per_class"],
                                                cap=term.get("cap")))  # fmt: skip
    label = water.CLASS_LABELS[int(water_class) - 1]
    cap = term.get("cap")
    return {"transfer": amount, "details": {"class_items": items, "water_class": label,
                                            "target_class": sec["target_class"], "steps": steps,
                                            "amount_per_class": term["amount_per_class"], "cap": cap},
            "explanation_zh": f"年均值水质 {label} 类，目标 {sec['target_class']} 类：{_fmt(steps)} 个类别 × "
                              f"{_fmt(term['amount_per_class'])} {unit}" + (f"（上限 {_fmt(cap)}）" if cap else ""),
            "explanation_en": f"annual class {label}, target {sec['target_class']}: {_fmt(steps)} step(s) × "
                              f"{_fmt(term['amount_per_class'])} {unit}" + (f" (cap {_fmt(cap)})" if cap else "")}  # fmt: skip


def index_change_line(
    term: dict[str, Any], sec: dict[str, Any], w: Water, year: int, unit: str
) -> dict[str, Any]:
    its, ref = term["items"], term["reference"]
    weights = [(term.get("weights") or {}).get(i, 1.0) for i in its]
    idx = {}
    for y in (year - 1, year):
        a = w.values(y, sec["station"])["value"]
        idx[y] = formulas.pollutant_index([float(a[i]) for i in its], [ref[i] for i in its], weights)
    pts = formulas.index_change_points(idx[year], idx[year - 1])
    whole = True if term.get("whole_points") is None else term["whole_points"]
    cap = term.get("cap")
    amount = float(formulas.index_change_transfer(pts, amount_per_point=term["amount_per_point"], cap=cap,
                                                  whole_points=whole))  # fmt: skip
    per = _fmt(term["amount_per_point"])
    return {"transfer": amount, "details": {"items": its, "reference": [ref[i] for i in its], "weights": weights,
                                            "index_before": idx[year - 1], "index": idx[year], "change_points": pts,
                                            "whole_points": whole, "amount_per_point": term["amount_per_point"],
                                            "cap": cap},
            "explanation_zh": f"指数 {year - 1} 年 {_fmt(idx[year - 1])} → {year} 年 {_fmt(idx[year])}，同比 {_fmt(pts, 2)} "
                              f"个百分点 × {per} {unit}" + ("（只计整百分点）" if whole else "（按比例）")
                              + (f"，上限 {_fmt(cap)}" if cap else ""),
            "explanation_en": f"index {_fmt(idx[year - 1])} ({year - 1}) → {_fmt(idx[year])} ({year}): "
                              f"{_fmt(pts, 2)} points × {per} {unit}" + (" (whole points)" if whole else
                                                                         " (proportional)")
                              + (f", cap {_fmt(cap)}" if cap else "")}  # fmt: skip


def monthly_line(term: dict[str, Any], sec: dict[str, Any], classes: np.ndarray, items: list[str],
                 unit: str) -> dict[str, Any]:  # fmt: skip
    ok = formulas.monthly_compliance(classes, class_code(sec["target_class"]))
    n_ok, n_bad, n_none = int(np.nansum(ok)), int(np.sum(ok == 0)), int(np.isnan(ok).sum())
    details: dict[str, Any] = {
        "class_items": items, "monthly_classes": ["—" if np.isnan(c) else water.CLASS_LABELS[int(c) - 1]
                                                  for c in classes],
        "compliant": [None if np.isnan(x) else bool(x) for x in ok], "target_class": sec["target_class"],
        "months_compliant": n_ok, "months_not_compliant": n_bad, "months_without_data": n_none}  # fmt: skip
    if TermKind(term["kind"]) is TermKind.MONTHLY_COMPLIANCE:
        a = _fmt(term["amount_per_month"])
        per = formulas.monthly_transfers(ok, amount_per_month=term["amount_per_month"])
        details |= {
            "monthly_transfers": [float(x) for x in per],
            "amount_per_month": term["amount_per_month"],
        }
        return {"transfer": float(per.sum()), "details": details,
                "explanation_zh": f"达标 {n_ok} 个月 × {a} − 未达标 {n_bad} 个月 × {a} {unit}；无数据 {n_none} 个月不计",
                "explanation_en": f"{n_ok} compliant month(s) × {a} − {n_bad} non-compliant × {a} {unit}; "
                                  f"{n_none} month(s) without data count 0"}  # fmt: skip
    share = formulas.compliant_month_share(ok)
    details |= {"share": share, "pool": term["pool"]}
    return {"transfer": formulas.share_transfer(share, pool=term["pool"]), "details": details,
            "explanation_zh": f"达标月份比例 {n_ok}/{n_ok + n_bad} × 资金 {_fmt(term['pool'])} {unit}",
            "explanation_en": f"compliant share {n_ok}/{n_ok + n_bad} × pool {_fmt(term['pool'])} {unit}"}  # fmt: skip


def _monthly_classes(w: Water, year: int, items: dict[str, list[str]]) -> pd.DataFrame:
    if w.samples is None:
        return pd.DataFrame(columns=["section", "month", "water_class"])
    months = [water.period_values(w.samples, period=f"{year}-{m:02d}").mutate(month=ibis.literal(m))
              for m in range(1, 13)]  # fmt: skip
    return _classes(ibis.union(*months), items, keys=("month",))


# ---- the statement -----------------------------------------------------------------------------------------------
def statement(session: Session, code: str, year: int, *, version: int | None = None, lake: Any = None
              ) -> dict[str, Any]:  # fmt: skip
    """The settlement of agreement ``code`` for ``year``: validity, values, each term's transfer, the net amount.

    Raises
    ------
    StatementError
        for a year outside the agreement's period, a section no longer registered, or data short of
        ``min_months`` (:func:`problems`: every section, year and item listed); nothing is produced.
    """
    v, data = version_data(session, code, version)
    if not data["start_year"] <= year <= data["end_year"]:
        raise StatementError(f"{year} 年不在协议期限（{data['start_year']}–{data['end_year']}）内",
                             f"{year} is outside the agreement's period ({data['start_year']}–{data['end_year']})")  # fmt: skip
    unit, need = data["unit"], int(data["min_months"])
    up, down = (division(session, data[k]) for k in ("upstream", "downstream"))
    found = {s["station"]: session.scalar(select(Station).where(Station.code == s["station"]))
             for s in data["sections"]}  # fmt: skip
    if missing := [c for c, st in found.items() if st is None]:
        raise StatementError("断面已不在站点名录中", "section no longer in the registry",
                             [PioneerError(f"未知的断面 “{m}”", f"unknown section '{m}'") for m in missing])  # fmt: skip
    stations = [st for st in found.values() if st is not None]
    index_change = any(TermKind(t["kind"]) is TermKind.INDEX_CHANGE for t in data["terms"])
    w = read_water(stations, [year - 1, year] if index_change else [year], lake)
    if errors := problems(data, w, year):
        raise StatementError(f"{year} 年数据不足，无法结算协议 {code}",
                             f"{year}: not enough valid data to settle agreement {code}", errors)  # fmt: skip

    lines: list[dict[str, Any]] = []
    for j, term in enumerate(data["terms"], start=1):
        kind = TermKind(term["kind"])
        items = {s["station"]: class_items(term, w, year, s["station"], need) for s in data["sections"]}
        if kind is TermKind.CLASS_STEPS:
            cls = _classes(ibis.memtable(w.annual[year]), items).set_index("section")["water_class"]
        elif kind in CLASS_KINDS:
            mon = _monthly_classes(w, year, items)
        for sec in data["sections"]:
            s = sec["station"]
            if kind is TermKind.P_INDEX:
                line = p_index_line(term, sec, w, year, unit)
            elif kind is TermKind.INDEX_CHANGE:
                line = index_change_line(term, sec, w, year, unit)
            elif kind is TermKind.CLASS_STEPS:
                line = class_steps_line(term, sec, float(cls[s]), items[s], unit)
            else:
                m = mon[mon["section"] == s].set_index("month")["water_class"].astype(float)
                line = monthly_line(
                    term, sec, np.array([m.get(k, np.nan) for k in range(1, 13)]), items[s], unit
                )
            lines.append({"term": j, "kind": kind.value, "label": term.get("label") or kind.value, "station": s,
                          **line, **_direction(line["transfer"], up, down)})  # fmt: skip
    net = float(sum(x["transfer"] for x in lines))
    return {
        "agreement": {"code": code, "name": data["name"], "basin": data["basin"], "version": v, "unit": unit,
                      "document": data["document"], "start_year": data["start_year"], "end_year": data["end_year"],
                      "min_months": need},
        "year": year,
        "parties": {"upstream": {"code": up.code, "name": up.name}, "downstream": {"code": down.code, "name": down.name}},
        "sign_convention": formulas.SIGN_CONVENTION,
        "sections": [_section(st, found_sec, w, year, need) for st, found_sec in
                     zip(stations, data["sections"], strict=True)],
        "lines": lines,
        "net": _net(net, up, down, unit),
        "inputs": {"lake_imports": w.imports, "exclusions": w.exclusions, "status": "best (validated where available, else preliminary)",
                   "computed_at": dt.datetime.now(dt.UTC).isoformat(), "water_method": WATER_METHOD},
    }  # fmt: skip


def _name(d: Any) -> str:
    return f"{d.name}（{d.code}）"


def _direction(amount: float, up: Any, down: Any) -> dict[str, str]:
    payer, payee = (down, up) if amount > 0 else (up, down)
    if amount == 0:
        return {"direction_zh": "—", "direction_en": "—"}
    return {
        "direction_zh": f"{_name(payer)} → {_name(payee)}",
        "direction_en": f"{payer.code} pays {payee.code}",
    }


def _net(net: float, up: Any, down: Any, unit: str) -> dict[str, Any]:
    payer, payee = (down, up) if net > 0 else (up, down)
    if net == 0:
        return {"transfer": 0.0, "amount": 0.0, "payer": None, "payee": None, "text_zh": "双方互不支付",
                "text_en": "no payment either way"}  # fmt: skip
    return {"transfer": net, "amount": abs(net), "payer": payer.code, "payee": payee.code,
            "text_zh": f"{_name(payer)} 向 {_name(payee)} 支付 {_fmt(abs(net))} {unit}",
            "text_en": f"{payer.name} ({payer.code}) pays {payee.name} ({payee.code}) {_fmt(abs(net))} {unit}"}  # fmt: skip


def _section(st: Station, sec: dict[str, Any], w: Water, year: int, need: int) -> dict[str, Any]:
    a = w.annual[year]
    a = a[a["section"] == st.code]
    return {"station": st.code, "name": st.name, "waterbody": st.water_body or "river",
            "upstream_division_code": st.upstream_division_code,
            "downstream_division_code": st.downstream_division_code, "target_class": sec["target_class"],
            "validity": [{"item": r.parameter, "n_months": int(r.n_months), "n_samples": int(r.n_samples),
                          "valid": bool(r.n_months >= need)} for r in a.itertuples(index=False)],
            "annual": {r.parameter: float(r.value) for r in a.itertuples(index=False)}}  # fmt: skip
