"""N-party pooled funds (赤水河 云贵川): the fund file (YAML, shipped example ``chishui-2018``) read with located
errors, and its year settled by :func:`pioneer.standards.compensation.pooled_fund` from each section's compliance.

Compliance fₖ of a section is entered (``--compliance 清水铺=0.6667``) or taken as 1 (met) when not given; the
terms, sources and what was not found are in the file's comments and ``docs/standards/compensation.md``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from pioneer.errors import InputError
from pioneer.registry.errors import ImportFailedError
from pioneer.standards import compensation as formulas

EXAMPLES = {"chishui-2018": "chishui_yunnan_guizhou_sichuan_2018.yaml"}


def example_text(name: str) -> str:
    if name not in EXAMPLES:
        raise InputError(f"没有名为 “{name}” 的资金示例（可选：{', '.join(EXAMPLES)}）",
                         f"no fund example named '{name}' (choose from {', '.join(EXAMPLES)})")  # fmt: skip
    return (
        resources.files("pioneer.compensation").joinpath("data", EXAMPLES[name]).read_text(encoding="utf-8")
    )


def parse_fund(text: str, *, file: str = "fund.yaml") -> dict[str, Any]:
    """The fund terms, every problem located (``parties.530000.allocation``, ``sections[2].stake``)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportFailedError(
            file, [InputError("YAML 语法错误", f"YAML syntax error: {exc}", file=file)]
        ) from None
    problems: list[InputError] = []

    def bad(col: str, zh: str, en: str, value: object = None) -> None:
        problems.append(InputError(zh, en, file=file, column=col, value=value))

    if not isinstance(raw, dict):
        raise ImportFailedError(
            file, [InputError("文件内容须为键值结构", "the file must be a mapping", file=file)]
        )
    for k in ("code", "pool", "parties", "sections"):
        if k not in raw:
            bad(k, "缺少字段", "field required")
    if not isinstance(raw.get("pool", 0), int | float) or not raw.get("pool", 1) > 0:
        bad("pool", "资金总额须为正数", "the pool must be a positive number", raw.get("pool"))
    parties = raw.get("parties") or {}
    for p, v in parties.items() if isinstance(parties, dict) else ():
        for k in ("contribution", "allocation"):
            x = (v or {}).get(k)
            if not isinstance(x, int | float) or not x > 0:
                bad(f"parties.{p}.{k}", "比例须为正数", "ratio must be a positive number", x)
    for i, s in enumerate(raw.get("sections") or [], start=1):
        if not isinstance(s.get("stake"), int | float) or s["stake"] < 0:
            bad(
                f"sections[{i}].stake", "扣减基数须为非负数", "the stake must be a number ≥ 0", s.get("stake")
            )
        for side in ("bear", "to"):
            for p in s.get(side) or {}:
                if p not in parties:
                    bad(f"sections[{i}].{side}", "不是资金的参与方", "not a party of the fund", p)
        if not s.get("bear"):
            bad(f"sections[{i}].bear", "须写明扣减由谁承担", "who bears the deduction is required")
    if problems:
        raise ImportFailedError(file, problems)
    return raw


def read_fund(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    return parse_fund(path.read_text(encoding="utf-8"), file=path.name)


def settle(fund: dict[str, Any], compliance: dict[str, float] | None = None) -> dict[str, Any]:
    """Each party's contribution, allocation, forfeits, receipts and net for one year; ``compliance``: section →
    fₖ ∈ [0, 1] (an unknown section or a value outside [0, 1] is a located error)."""
    compliance = dict(compliance or {})
    names = [s["section"] for s in fund["sections"]]
    errs = [InputError("未知的断面", "unknown section of the fund", column="--compliance", value=k)
            for k in compliance if k not in names]  # fmt: skip
    errs += [InputError("达标比例须在 0–1 之间", "compliance must lie in [0, 1]", column="--compliance", value=f"{k}={v}")
             for k, v in compliance.items() if not 0 <= v <= 1]  # fmt: skip
    if errs:
        raise ImportFailedError(fund.get("code", "fund"), errs)
    rules = [{**s, "compliance": compliance.get(s["section"], 1.0)} for s in fund["sections"]]
    parties = fund["parties"]
    res = formulas.pooled_fund(float(fund["pool"]), {p: v["contribution"] for p, v in parties.items()},
                               {p: v["allocation"] for p, v in parties.items()}, rules)  # fmt: skip
    lines = []
    for r in rules:
        d = float(r["stake"]) * (1 - r["compliance"])
        lines.append({"section": r["section"], "stake": r["stake"], "compliance": r["compliance"], "deduction": d,
                      "bear": r.get("bear") or {}, "to": r.get("to") or {},
                      "explanation": f"{r['stake']:g} × (1 − {r['compliance']:.4g}) = {d:.4f}"})  # fmt: skip
    return {"code": fund["code"], "unit": fund.get("unit", "万元"), "pool": fund["pool"],
            "parties": {p: {"name": parties[p].get("name", p), **res[p]} for p in parties},
            "unallocated": res["(fund)"]["unallocated"], "sections": lines, "document": fund.get("document", {})}  # fmt: skip


def compliance_from_lake(
    session: Any, terms: dict[str, Any], year: int, *, lake: Any = None
) -> dict[str, Any]:
    """Each section's compliance fₖ for ``year`` from the lake: the share of the fund's ``items`` whose annual
    mean (:func:`pioneer.standards.water.period_values`, as for the two-party statements) meets ``target_class``
    (GB 3838-2002 Table 1 single-item class, :func:`pioneer.standards.water.item_classes`) — the assumed reading
    of "部分达标". A section must be a registered water station (its ``station``, default its name), and every
    item needs data in ``min_months`` months (default 12); otherwise a
    :class:`~pioneer.compensation.service.StatementError` lists every section and item (nothing computed).

    Returns ``{"compliance": {section: f}, "details": {section: [{item, value, class, met, n_months}]}}``.
    """
    import ibis
    from sqlalchemy import select

    from pioneer.compensation.service import StatementError, class_code, item_label
    from pioneer.compensation.settlement import read_water
    from pioneer.errors import PioneerError
    from pioneer.registry.stations.models import Station
    from pioneer.standards import water

    need = int(terms.get("min_months", 12))
    target = class_code(terms.get("target_class", "II"))
    items = [water.parameter_code(x) for x in terms.get("items", [])]
    stations, errors = {}, []
    for s in terms["sections"]:
        code = s.get("station", s["section"])
        st = session.scalar(select(Station).where(Station.code == code))
        if st is None or st.medium != "water":
            errors.append(PioneerError(f"断面 “{code}” 不在站点名录中（须为水质断面）",
                                       f"section '{code}' is not a registered water station"))  # fmt: skip
        else:
            stations[s["section"]] = st
    if errors:
        raise StatementError("资金的考核断面未登记", "the fund's sections are not registered", errors)
    w = read_water(list(stations.values()), [year], lake)
    for st in stations.values():
        for it in items:
            n = w.months(year, st.code, it)
            if n < need:
                errors.append(PioneerError(
                    f"断面 {st.code} {year} 年 {item_label(it)} 有数据的月份 {n} 个，少于要求的 {need} 个",
                    f"section {st.code}, {year}, {it}: {n} month(s) with data, fewer than the required {need}"))  # fmt: skip
    if errors:
        raise StatementError(f"{year} 年数据不足，无法结算资金 {terms['code']}",
                             f"{year}: not enough valid data to settle fund {terms['code']}", errors)  # fmt: skip
    a = w.annual[year]
    a = a[a["section"].isin([st.code for st in stations.values()]) & a["parameter"].isin(items)]
    cls = water.item_classes(ibis.memtable(a)).select(
        "section", "parameter", "value", "water_class", "n_months"
    )
    c = cls.to_pandas()
    out: dict[str, float] = {}
    details: dict[str, list[dict[str, Any]]] = {}
    for name, st in stations.items():
        rows = c[c["section"] == st.code]
        met = rows["water_class"] <= target
        out[name] = float(met.sum()) / len(items)
        details[name] = [{"item": r.parameter, "value": float(r.value), "class": water.CLASS_LABELS[int(r.water_class) - 1],
                          "met": bool(r.water_class <= target), "n_months": int(r.n_months)}
                         for r in rows.itertuples(index=False)]  # fmt: skip
    return {"compliance": out, "details": details, "lake_imports": w.imports}
