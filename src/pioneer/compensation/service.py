"""Compensation agreements (create, new version, read, list) and yearly statements from the lake's water data.

Writes take the registry's :class:`~pioneer.registry.permissions.Actor`; an agreement binds both parties, so the
actor must cover the upstream *and* the downstream division (:func:`pioneer.registry.permissions.require`: a
province editor alone cannot enter a cross-province agreement, the programme office can). Each write is reported
to ``record`` — the caller's audit writer, as in :mod:`pioneer.plans.service` — and nothing is written when a check
fails (every problem of a submission is located and listed: :class:`~pioneer.registry.errors.ImportFailedError`).

A statement is computed, never stored: from the agreement version it cites, the registry's sections and the lake's
best version of each water value (:func:`pioneer.lake.query.versions`), through :mod:`pioneer.standards.water`
(annual and monthly means, GB 3838-2002 classes) and :mod:`pioneer.standards.compensation` (the formulas).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ibis
import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.compensation.models import Agreement, AgreementVersion
from pioneer.compensation.schemas import TERM_PARAMETERS, AgreementCreate, TermKind
from pioneer.errors import InputError, NotFoundError, PioneerError
from pioneer.registry.divisions.service import division
from pioneer.registry.errors import ImportFailedError, UnknownDivisionError
from pioneer.registry.permissions import Actor, Role, require
from pioneer.registry.stations.models import Station
from pioneer.standards import compensation as formulas
from pioneer.standards import divisions, water

Record = Callable[[str, str, str, str | None, dict | None, dict | None], None]
EDITORS = frozenset({Role.PROVINCE, Role.PROGRAMME_OFFICE})
CLASS_CODES = (
    {label: k for k, label in enumerate(water.CLASS_LABELS, start=1)}
    | {str(k): k for k in range(1, 7)}
    | {"劣Ⅴ": 6, "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5}
)
OBJECT = "compensation_agreement"


class AgreementNotFoundError(NotFoundError):
    """An unknown agreement or version (HTTP 404)."""


class StatementError(PioneerError):
    """A year that cannot be settled; ``errors`` lists every section and item concerned (nothing is produced)."""

    def __init__(self, message_zh: str, message_en: str, errors: list[PioneerError] | None = None) -> None:
        self.errors = errors or []
        detail_zh = "\n".join(e.message_zh for e in self.errors)
        detail_en = "\n".join(e.message_en for e in self.errors)
        super().__init__(f"{message_zh}\n{detail_zh}".strip(), f"{message_en}\n{detail_en}".strip())


def _no_record(*_args: Any) -> None:
    return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---- validation ------------------------------------------------------------------------------------------------
def class_code(label: Any) -> int | None:
    """Class code 1..6 of ``I``..``V``/``劣V`` (also Roman numerals Ⅰ…Ⅴ and ``1``..``6``); None if unknown."""
    text = str(label).strip()
    return CLASS_CODES.get(text.upper(), CLASS_CODES.get(text))


def item_label(code: str) -> str:
    """``化学需氧量（cod）``: the GB 3838-2002 Table 1 name of a parameter code, with the code."""
    t = water.GB3838_TABLE1
    rows = t[t["code"] == code]
    return f"{rows['item_cn'].iloc[0]}（{code}）" if len(rows) else code


def _item(name: str) -> str | None:
    try:
        return water.parameter_code(name)
    except KeyError:
        return None


def agreement_problems(session: Session, data: AgreementCreate, *, file: str | None = None
                       ) -> tuple[list[InputError], dict[str, Any]]:  # fmt: skip
    """Every located problem of ``data`` and its normalised snapshot (item names as parameter codes).

    Checks: both parties are GB/T 2260 codes in the registry and differ; end year ≥ start year; each section is a
    registered water station whose upstream and downstream divisions lie within the agreement's parties
    (:func:`pioneer.standards.divisions.covers`); target classes; each term has its kind's parameters
    (:data:`~pioneer.compensation.schemas.TERM_PARAMETERS`) with positive amounts; item names are known water
    parameters; a P-index term finds a positive baseline for every weighted item at every section.
    """
    problems: list[InputError] = []

    def bad(column: str, zh: str, en: str, value: object = None) -> None:
        problems.append(InputError(zh, en, file=file, column=column, value=value))

    snap = data.model_dump(mode="json")
    for side in ("upstream", "downstream"):
        try:
            division(session, getattr(data, side))
        except UnknownDivisionError:
            bad(side, "行政区划代码不存在", "unknown division code", getattr(data, side))
    if data.upstream == data.downstream:
        bad("downstream", "上下游须为不同的行政区", "upstream and downstream must differ", data.downstream)
    if data.end_year < data.start_year:
        bad("end_year", "结束年份早于开始年份", "end year before start year", data.end_year)
    seen: set[str] = set()
    for i, s in enumerate(data.sections, start=1):
        col = f"sections[{i}]"
        if s.station in seen:
            bad(f"{col}.station", "断面重复", "section listed twice", s.station)
        seen.add(s.station)
        st = session.scalar(select(Station).where(Station.code == s.station))
        if st is None or st.medium != "water":
            bad(f"{col}.station", "未知的断面（须为站点名录中的水质断面）", "unknown section (must be a registered water "
                "station)", s.station)  # fmt: skip
        elif not st.upstream_division_code or not st.downstream_division_code:
            bad(f"{col}.station", "该断面在站点名录中没有上下游行政区", "the station has no upstream/downstream "
                "divisions in the registry", s.station)  # fmt: skip
        elif not (divisions.covers(data.upstream, st.upstream_division_code)
                  and divisions.covers(data.downstream, st.downstream_division_code)):  # fmt: skip
            bad(f"{col}.station", f"断面上下游（{st.upstream_division_code}→{st.downstream_division_code}）不在协议双方"
                "范围内", f"the section's upstream/downstream ({st.upstream_division_code}→"
                f"{st.downstream_division_code}) lie outside the agreement's parties", s.station)  # fmt: skip
        code = class_code(s.target_class)
        if code is None:
            bad(
                f"{col}.target_class",
                "目标类别须为 I–V 或 劣V",
                "target class must be I–V or 劣V",
                s.target_class,
            )
        else:
            snap["sections"][i - 1]["target_class"] = water.CLASS_LABELS[code - 1]
        base = {}
        for name, v in s.baselines.items():
            it = _item(name)
            if it is None:
                bad(f"{col}.baselines", "未知的监测项目", "unknown water parameter", name)
            elif not v > 0:
                bad(f"{col}.baselines.{name}", "基准值须为正数", "baseline must be positive", v)
            else:
                base[it] = v
        snap["sections"][i - 1]["baselines"] = base
    for j, t in enumerate(data.terms, start=1):
        col = f"terms[{j}]"
        required, optional = TERM_PARAMETERS[t.kind]
        given = {k for k, v in t.model_dump().items() if v is not None and k not in ("kind", "label")}
        for k in required:
            if k not in given:
                bad(f"{col}.{k}", f"{t.kind.value} 条款缺少参数（公开资料中未找到的参数须按协议文本填写）",
                    f"{t.kind.value} term needs this parameter (values not found in published sources must be "
                    "entered from the signed agreement)")  # fmt: skip
        for k in sorted(given - set(required) - set(optional)):
            bad(
                f"{col}.{k}",
                f"该参数不适用于 {t.kind.value} 条款",
                f"parameter does not apply to a {t.kind.value} term",
            )
        for k in ("amount", "amount_per_class", "amount_per_point", "amount_per_month", "pool", "k0", "cap"):
            v = getattr(t, k)
            if v is not None and not v > 0:
                bad(f"{col}.{k}", "须为正数", "must be positive", v)
        norm = snap["terms"][j - 1]
        for k in ("weights", "reference"):
            if getattr(t, k) is None:
                continue
            out = {}
            for name, v in getattr(t, k).items():
                it = _item(name)
                if it is None:
                    bad(f"{col}.{k}", "未知的监测项目", "unknown water parameter", name)
                elif v < 0 or (k == "reference" and v == 0):
                    bad(f"{col}.{k}.{name}", "须为正数", "must be positive", v)
                else:
                    out[it] = v
            norm[k] = out
        for k in ("items", "class_items"):
            if getattr(t, k) is None:
                continue
            codes = [_item(x) for x in getattr(t, k)]
            for name, c in zip(getattr(t, k), codes, strict=True):
                if c is None:
                    bad(f"{col}.{k}", "未知的监测项目", "unknown water parameter", name)
            norm[k] = [c for c in codes if c]
        if t.kind is TermKind.INDEX_CHANGE and t.items and t.reference is not None:
            missing = [x for x in norm.get("items", []) if x not in norm.get("reference", {})]
            for x in missing:
                bad(f"{col}.reference", "缺少该项目的参照值", "no reference value for this item", x)
        if t.kind is TermKind.P_INDEX and t.weights:
            for i, s in enumerate(snap["sections"], start=1):
                for it in norm.get("weights", {}):
                    if it not in s["baselines"]:
                        bad(f"sections[{i}].baselines", "缺少基准值（P 值的 Ci0）", "missing baseline (C0 of the "
                            "P-index)", it)  # fmt: skip
    return problems, snap


# ---- agreements ------------------------------------------------------------------------------------------------
def agreement(session: Session, code: str) -> Agreement:
    found = session.scalar(select(Agreement).where(Agreement.code == code))
    if found is None:
        raise AgreementNotFoundError(f"未知的补偿协议 “{code}”", f"unknown compensation agreement '{code}'")
    return found


def version_data(session: Session, code: str, version: int | None = None) -> tuple[int, dict[str, Any]]:
    """The terms of ``version`` (default: the current one) of agreement ``code``."""
    a = agreement(session, code)
    v = a.version if version is None else version
    found = session.scalar(
        select(AgreementVersion).where(AgreementVersion.agreement_id == a.id, AgreementVersion.version == v)
    )
    if found is None:
        raise AgreementNotFoundError(
            f"补偿协议 “{code}” 没有第 {v} 版", f"agreement '{code}' has no version {v}"
        )
    return v, found.data


def list_agreements(session: Session, *, division_code: str | None = None) -> list[Agreement]:
    """Agreements, optionally those with a party within (or containing) ``division_code``."""
    q = select(Agreement).order_by(Agreement.code)
    rows = list(session.scalars(q))
    if division_code is None:
        return rows
    return [a for a in rows if any(divisions.covers(division_code, p) or divisions.covers(p, division_code)
                                   for p in (a.upstream_division_code, a.downstream_division_code))]  # fmt: skip


def public(a: Agreement, data: dict[str, Any]) -> dict[str, Any]:
    return {"code": a.code, "name": a.name, "basin": a.basin, "upstream_division_code": a.upstream_division_code,
            "downstream_division_code": a.downstream_division_code, "start_year": a.start_year,
            "end_year": a.end_year, "version": a.version, "data": data}  # fmt: skip


def _checked(session: Session, data: AgreementCreate, actor: Actor, action: str, file: str | None) -> dict:
    require(actor, EDITORS, [data.upstream, data.downstream], action)
    problems, snap = agreement_problems(session, data, file=file)
    if problems:
        raise ImportFailedError(file or data.code, problems)
    return snap


def create_agreement(session: Session, data: AgreementCreate, /, *, actor: Actor, record: Record = _no_record,
                     note: str = "", file: str | None = None) -> Agreement:  # fmt: skip
    """Enter a new agreement as version 1 (all checks first; nothing written on any problem)."""
    if session.scalar(select(Agreement.id).where(Agreement.code == data.code)) is not None:
        raise ImportFailedError(file or data.code, [InputError("协议编号已存在（修改请提交新版本）", "agreement code "
                                                            "exists (submit a new version to change it)",
                                                            file=file, column="code", value=data.code)])  # fmt: skip
    snap = _checked(session, data, actor, "录入补偿协议 / enter compensation agreement", file)
    a = Agreement(code=data.code, name=data.name, basin=data.basin, upstream_division_code=data.upstream,
                  downstream_division_code=data.downstream, start_year=data.start_year, end_year=data.end_year,
                  version=1, created_at=_now(), updated_at=_now())  # fmt: skip
    a.versions.append(AgreementVersion(version=1, data=snap, created_by=actor.username, note=note,
                                       created_at=_now()))  # fmt: skip
    session.add(a)
    session.flush()
    record("create", OBJECT, a.code, a.upstream_division_code, None, {"version": 1, **snap})
    return a


def update_agreement(session: Session, code: str, data: AgreementCreate, /, *, actor: Actor,
                     record: Record = _no_record, note: str = "", file: str | None = None) -> Agreement:  # fmt: skip
    """Write a new version of agreement ``code`` (earlier versions stay as they were)."""
    a = agreement(session, code)
    if data.code != code:
        raise ImportFailedError(file or code, [InputError("协议编号不能修改", "the agreement code cannot change",
                                                          file=file, column="code", value=data.code)])  # fmt: skip
    # the actor must cover the parties before and after the change
    require(
        actor,
        EDITORS,
        [a.upstream_division_code, a.downstream_division_code],
        "修改补偿协议 / edit agreement",
    )
    snap = _checked(session, data, actor, "修改补偿协议 / edit agreement", file)
    _, before = version_data(session, code)
    a.version += 1
    a.name, a.basin, a.upstream_division_code, a.downstream_division_code = (data.name, data.basin,
                                                                              data.upstream, data.downstream)  # fmt: skip
    a.start_year, a.end_year, a.updated_at = data.start_year, data.end_year, _now()
    a.versions.append(AgreementVersion(version=a.version, data=snap, created_by=actor.username, note=note,
                                       created_at=_now()))  # fmt: skip
    session.flush()
    record("update", OBJECT, a.code, a.upstream_division_code, {"version": a.version - 1, **before},
           {"version": a.version, **snap})  # fmt: skip
    return a


def versions(session: Session, code: str) -> list[AgreementVersion]:
    return list(agreement(session, code).versions)


# ---- statements ------------------------------------------------------------------------------------------------
def _fmt(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "—"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _lake_samples(session: Session, stations: list[Station], first_year: int, year: int, lake: Any
                  ) -> tuple[pd.DataFrame, list[str]]:  # fmt: skip
    from pioneer.indicators import bindings
    from pioneer.lake import query

    t = query.versions(
        lake, "water", start=dt.datetime(first_year, 1, 1), end=dt.datetime(year, 12, 31, 23, 59, 59)
    )
    t = t.filter(t.section.isin([s.code for s in stations]))
    rows = t.select(
        "section", "division", "time", "item", "value", "flag", "raw", "unit", "import_id"
    ).to_pandas()
    imports = sorted(str(x) for x in rows["import_id"].dropna().unique())
    meta = pd.DataFrame([(s.code, s.division_code, s.water_body or "river") for s in stations],
                        columns=["code", "division_code", "water_body"])  # fmt: skip
    samples, _ = bindings.lake_water_samples(rows.drop(columns=["import_id"]), meta)
    return samples.drop(columns=["_row"], errors="ignore"), imports


def _annual(samples: ibis.Table, year: int) -> pd.DataFrame:
    return water.period_values(samples, period=str(year)).to_pandas()


def _classes(values: ibis.Table, items: dict[str, list[str]], keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """Section class (2011 method, single factor) over each section's own class items."""
    pairs = pd.DataFrame([(s, i) for s, its in items.items() for i in its], columns=["section", "parameter"])
    if pairs.empty:
        return pd.DataFrame(columns=["section", *keys, "water_class", "class_label"])
    v = values.join(ibis.memtable(pairs), ["section", "parameter"])
    _, sections = water.section_results(v, keys=keys)
    return sections.to_pandas()


def statement(session: Session, code: str, year: int, *, version: int | None = None, lake: Any = None
              ) -> dict[str, Any]:  # fmt: skip
    """The settlement of agreement ``code`` for ``year``: validity, values, each term's transfer, the net amount.

    Raises
    ------
    StatementError
        for a year outside the agreement's period, or a section whose year (or the previous year, for an
        index-change term) does not have ``min_months`` months of data for an item a term needs — every such
        section and item is listed; nothing is produced.
    """
    v, data = version_data(session, code, version)
    if not data["start_year"] <= year <= data["end_year"]:
        raise StatementError(f"{year} 年不在协议期限（{data['start_year']}–{data['end_year']}）内",
                             f"{year} is outside the agreement's period ({data['start_year']}–{data['end_year']})")  # fmt: skip
    unit, min_months = data["unit"], int(data["min_months"])
    up, down = (division(session, data[k]) for k in ("upstream", "downstream"))
    stations = [session.scalar(select(Station).where(Station.code == s["station"])) for s in data["sections"]]
    missing = [s["station"] for s, st in zip(data["sections"], stations, strict=True) if st is None]
    if missing:
        raise StatementError("断面已不在站点名录中", "section no longer in the registry",
                             [PioneerError(f"未知的断面 “{m}”", f"unknown section '{m}'") for m in missing])  # fmt: skip
    stations = [s for s in stations if s is not None]
    kinds = {TermKind(t["kind"]) for t in data["terms"]}
    first = year - 1 if TermKind.INDEX_CHANGE in kinds else year
    samples, imports = _lake_samples(session, stations, first, year, lake)
    t = ibis.memtable(samples) if len(samples) else None
    annual = {y: (_annual(t, y) if t is not None else pd.DataFrame(
        columns=["section", "parameter", "value", "n_months", "n_samples"])) for y in range(first, year + 1)}  # fmt: skip
    problems: list[PioneerError] = []

    def needs(y: int, section: str, items: list[str], why: str) -> None:
        a = annual[y]
        a = a[a["section"] == section].set_index("parameter")
        for it in items:
            n = int(a["n_months"].get(it, 0)) if it in a.index else 0
            if n < min_months:
                why_zh, _, why_en = why.partition(" / ")
                problems.append(PioneerError(
                    f"断面 {section} {y} 年 {item_label(it)} 有数据的月份 {n} 个，少于协议要求的 {min_months} 个（{why_zh}）",
                    f"section {section}, {y}, {it}: {n} month(s) with data, fewer than the agreement's "
                    f"{min_months} ({why_en})"))  # fmt: skip

    # which items each term needs, per section; default class items: the 2011 evaluation items with a valid year
    sec_rows = {s["station"]: s for s in data["sections"]}
    cur = annual[year]
    valid_items = {
        s: set(cur[(cur["section"] == s) & (cur["n_months"] >= min_months)]["parameter"]) for s in sec_rows
    }
    class_items: dict[int, dict[str, list[str]]] = {}
    for j, term in enumerate(data["terms"]):
        kind = TermKind(term["kind"])
        for s in sec_rows:
            if kind is TermKind.P_INDEX:
                needs(year, s, list(term["weights"]), "P 值 / P-index")
            elif kind is TermKind.INDEX_CHANGE:
                for y in (year - 1, year):
                    needs(y, s, term["items"], "关键污染物指数 / key-pollutant index")
            else:
                explicit = term.get("class_items")
                if explicit:
                    if kind is TermKind.CLASS_STEPS:
                        needs(year, s, explicit, "水质类别 / water class")
                    chosen = list(explicit)
                else:
                    chosen = sorted(valid_items[s] & set(water.EVALUATION_ITEMS_2011)) if kind is \
                        TermKind.CLASS_STEPS else sorted(set(cur[cur["section"] == s]["parameter"]) &
                                                         set(water.EVALUATION_ITEMS_2011))  # fmt: skip
                    measured = sorted(
                        set(cur[cur["section"] == s]["parameter"]) & set(water.EVALUATION_ITEMS_2011)
                    )
                    if not chosen and measured:
                        needs(year, s, measured, "水质类别 / water class")
                    elif not chosen:
                        problems.append(PioneerError(f"断面 {s} {year} 年没有可评价的项目", f"section {s}: no item to "
                                                     f"evaluate in {year}"))  # fmt: skip
                if kind is not TermKind.CLASS_STEPS and chosen:
                    a = cur[(cur["section"] == s) & cur["parameter"].isin(chosen)]
                    n = int(a["n_months"].max()) if len(a) else 0
                    if n < min_months:
                        problems.append(PioneerError(
                            f"断面 {s} {year} 年有数据的月份 {n} 个，少于协议要求的 {min_months} 个（逐月类别）",
                            f"section {s}, {year}: {n} month(s) with data, fewer than the agreement's {min_months} "
                            "(monthly classes)"))  # fmt: skip
                class_items.setdefault(j, {})[s] = chosen
    if problems:
        raise StatementError(f"{year} 年数据不足，无法结算协议 {code}", f"{year}: not enough valid data to settle "
                             f"agreement {code}", problems)  # fmt: skip

    def name_of(d: Any) -> str:
        return f"{d.name}（{d.code}）"

    lines: list[dict[str, Any]] = []
    sections_out = []
    for st in stations:
        s = st.code
        a = cur[cur["section"] == s]
        sections_out.append({
            "station": s, "name": st.name, "waterbody": st.water_body or "river",
            "upstream_division_code": st.upstream_division_code,
            "downstream_division_code": st.downstream_division_code, "target_class": sec_rows[s]["target_class"],
            "validity": [{"item": r.parameter, "n_months": int(r.n_months), "n_samples": int(r.n_samples),
                          "valid": bool(r.n_months >= min_months)} for r in a.itertuples(index=False)],
            "annual": {r.parameter: float(r.value) for r in a.itertuples(index=False)},
        })  # fmt: skip
    for j, term in enumerate(data["terms"]):
        kind = TermKind(term["kind"])
        label = term.get("label") or kind.value
        if kind in (TermKind.CLASS_STEPS, TermKind.MONTHLY_COMPLIANCE, TermKind.COMPLIANT_SHARE):
            items = class_items[j]
            if kind is TermKind.CLASS_STEPS:
                cls = _classes(ibis.memtable(cur), items).set_index("section")
            else:
                months = [water.period_values(t, period=f"{year}-{m:02d}").mutate(month=ibis.literal(m))
                          for m in range(1, 13)] if t is not None else []  # fmt: skip
                mon = _classes(ibis.union(*months), items, keys=("month",)) if months else pd.DataFrame(
                    columns=["section", "month", "water_class", "class_label"])  # fmt: skip
        for st in stations:
            s = st.code
            target = class_code(sec_rows[s]["target_class"])
            assert target is not None
            base = {"term": j + 1, "kind": kind.value, "label": label, "station": s}
            if kind is TermKind.P_INDEX:
                w = term["weights"]
                its = list(w)
                c = [sections_out[[x["station"] for x in sections_out].index(s)]["annual"][i] for i in its]
                c0 = [sec_rows[s]["baselines"][i] for i in its]
                k = [w[i] for i in its]
                terms_ = formulas.p_index_terms(c, c0, k)
                p = formulas.p_index(c, c0, k, k0=term["k0"])
                thr = term.get("threshold") or 1.0
                amt = formulas.p_index_transfer(p, amount=term["amount"], threshold=thr)
                parts = " + ".join(
                    f"{_fmt(ki)}×{_fmt(ci)}/{_fmt(c0i)}" for ki, ci, c0i in zip(k, c, c0, strict=True)
                )
                cmp_zh = "≤" if p <= thr else ">"
                lines.append({**base, "transfer": float(amt), "details": {
                    "items": its, "annual_means": c, "baselines": c0, "weights": k, "weighted_ratios":
                    [float(x) for x in terms_], "k0": term["k0"], "P": p, "threshold": thr},
                    "explanation_zh": f"P = {_fmt(term['k0'])} × ({parts}) = {_fmt(term['k0'])} × "
                                      f"{_fmt(float(terms_.sum()))} = {_fmt(p)} {cmp_zh} {_fmt(thr)}",
                    "explanation_en": f"P = {_fmt(term['k0'])} × ({parts}) = {_fmt(p)} "
                                      f"{'≤' if p <= thr else '>'} {_fmt(thr)}"})  # fmt: skip
            elif kind is TermKind.CLASS_STEPS:
                wc = float(cls["water_class"].get(s, np.nan)) if s in cls.index else np.nan
                steps = formulas.class_steps(wc, target)
                amt = formulas.class_step_transfer(wc, target, amount_per_class=term["amount_per_class"],
                                                   cap=term.get("cap"))  # fmt: skip
                lab = water.CLASS_LABELS[int(wc) - 1]
                lines.append({**base, "transfer": float(amt), "details": {
                    "class_items": items[s], "water_class": lab, "target_class": sec_rows[s]["target_class"],
                    "steps": steps, "amount_per_class": term["amount_per_class"], "cap": term.get("cap")},
                    "explanation_zh": f"年均值水质 {lab} 类，目标 {sec_rows[s]['target_class']} 类：{_fmt(steps)} 个类别 × "
                                      f"{_fmt(term['amount_per_class'])} {unit}" + (f"（上限 {_fmt(term['cap'])}）"
                                                                                  if term.get("cap") else ""),
                    "explanation_en": f"annual class {lab}, target {sec_rows[s]['target_class']}: {_fmt(steps)} "
                                      f"step(s) × {_fmt(term['amount_per_class'])} {unit}"})  # fmt: skip
            elif kind is TermKind.INDEX_CHANGE:
                its, ref = term["items"], term["reference"]
                w = term.get("weights") or {}
                ws = [w.get(i, 1.0) for i in its]
                idx = {}
                for y in (year - 1, year):
                    a = annual[y]
                    a = a[a["section"] == s].set_index("parameter")["value"]
                    idx[y] = formulas.pollutant_index([a[i] for i in its], [ref[i] for i in its], ws)
                pts = formulas.index_change_points(idx[year], idx[year - 1])
                whole = term.get("whole_points")
                whole = True if whole is None else whole
                amt = formulas.index_change_transfer(pts, amount_per_point=term["amount_per_point"],
                                                     cap=term.get("cap"), whole_points=whole)  # fmt: skip
                lines.append({**base, "transfer": float(amt), "details": {
                    "items": its, "reference": [ref[i] for i in its], "weights": ws, "index_before": idx[year - 1],
                    "index": idx[year], "change_points": pts, "whole_points": whole,
                    "amount_per_point": term["amount_per_point"], "cap": term.get("cap")},
                    "explanation_zh": f"指数 {year - 1} 年 {_fmt(idx[year - 1])} → {year} 年 {_fmt(idx[year])}，同比"
                                      f" {_fmt(pts, 2)} 个百分点 × {_fmt(term['amount_per_point'])} {unit}"
                                      + ("（只计整百分点）" if whole else "（按比例）")
                                      + (f"，上限 {_fmt(term['cap'])}" if term.get("cap") else ""),
                    "explanation_en": f"index {_fmt(idx[year - 1])} ({year - 1}) → {_fmt(idx[year])} ({year}): "
                                      f"{_fmt(pts, 2)} points × {_fmt(term['amount_per_point'])} {unit}"
                                      + (" (whole points)" if whole else " (proportional)")
                                      + (f", cap {_fmt(term['cap'])}" if term.get("cap") else "")})  # fmt: skip
            else:
                m = mon[mon["section"] == s].set_index("month")["water_class"].astype(float)
                classes = np.array([m.get(k, np.nan) for k in range(1, 13)], dtype=float)
                ok = formulas.monthly_compliance(classes, target)
                month_labels = ["—" if np.isnan(c) else water.CLASS_LABELS[int(c) - 1] for c in classes]
                n_ok, n_bad = int(np.nansum(ok)), int(np.sum(ok == 0))
                n_none = int(np.isnan(ok).sum())
                if kind is TermKind.MONTHLY_COMPLIANCE:
                    per = formulas.monthly_transfers(ok, amount_per_month=term["amount_per_month"])
                    amt = float(per.sum())
                    rule_zh = (
                        f"达标 {n_ok} 个月 × {_fmt(term['amount_per_month'])} − 未达标 {n_bad} 个月 × "
                        f"{_fmt(term['amount_per_month'])} {unit}；无数据 {n_none} 个月不计"
                    )
                    rule_en = (
                        f"{n_ok} compliant month(s) × {_fmt(term['amount_per_month'])} − {n_bad} "
                        f"non-compliant × {_fmt(term['amount_per_month'])} {unit}; {n_none} month(s) "
                        "without data count 0"
                    )
                    extra: dict[str, Any] = {
                        "monthly_transfers": [float(x) for x in per],
                        "amount_per_month": term["amount_per_month"],
                    }
                else:
                    share = formulas.compliant_month_share(ok)
                    amt = formulas.share_transfer(share, pool=term["pool"])
                    rule_zh = f"达标月份比例 {n_ok}/{n_ok + n_bad} × 资金 {_fmt(term['pool'])} {unit}"
                    rule_en = f"compliant share {n_ok}/{n_ok + n_bad} × pool {_fmt(term['pool'])} {unit}"
                    extra = {"share": share, "pool": term["pool"]}
                lines.append({**base, "transfer": float(amt), "details": {
                    "class_items": items[s], "monthly_classes": month_labels, "compliant": [
                        None if np.isnan(x) else bool(x) for x in ok], "target_class": sec_rows[s]["target_class"],
                    "months_compliant": n_ok, "months_not_compliant": n_bad, "months_without_data": n_none, **extra},
                    "explanation_zh": rule_zh, "explanation_en": rule_en})  # fmt: skip
    for line in lines:
        x = line["transfer"]
        payer, payee = (down, up) if x > 0 else (up, down)
        line["direction_zh"] = "—" if x == 0 else f"{name_of(payer)} → {name_of(payee)}"
        line["direction_en"] = "—" if x == 0 else f"{payer.code} pays {payee.code}"
    net = float(sum(line["transfer"] for line in lines))
    payer, payee = (down, up) if net > 0 else (up, down)
    return {
        "agreement": {"code": code, "name": data["name"], "basin": data["basin"], "version": v, "unit": unit,
                      "document": data["document"], "start_year": data["start_year"], "end_year": data["end_year"],
                      "min_months": min_months},
        "year": year,
        "parties": {"upstream": {"code": up.code, "name": up.name}, "downstream": {"code": down.code,
                                                                                  "name": down.name}},
        "sign_convention": formulas.SIGN_CONVENTION,
        "sections": sections_out,
        "lines": lines,
        "net": {"transfer": net, "amount": abs(net), "payer": None if net == 0 else payer.code,
                "payee": None if net == 0 else payee.code,
                "text_zh": "双方互不支付" if net == 0 else f"{name_of(payer)} 向 {name_of(payee)} 支付 {_fmt(abs(net))} "
                                                    f"{unit}",
                "text_en": "no payment either way" if net == 0 else f"{payer.name} ({payer.code}) pays {payee.name} "
                                                                   f"({payee.code}) {_fmt(abs(net))} {unit}"},
        "inputs": {"lake_imports": imports, "status": "best (validated where available, else preliminary)",
                   "computed_at": _now().isoformat(), "water_method": "GB 3838-2002 Table 1; 环办〔2011〕22号 "
                   "single-factor class; annual value = mean of monthly means, below-detection values as half the "
                   "limit, rounded to the 2020 rule's decimals (环办监测函〔2020〕82号)"},
    }  # fmt: skip


def agreements_of(session: Session, code: str) -> list[Agreement]:
    """Agreements where ``code`` is (or contains) a party — for a division's or a basin's page."""
    return list_agreements(session, division_code=code)


__all__ = [
    "AgreementNotFoundError",
    "StatementError",
    "agreement",
    "agreement_problems",
    "agreements_of",
    "class_code",
    "create_agreement",
    "item_label",
    "list_agreements",
    "public",
    "statement",
    "update_agreement",
    "version_data",
    "versions",
]
