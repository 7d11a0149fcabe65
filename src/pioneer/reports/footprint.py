"""The product carbon-footprint report (GB/T 24067-2024 / ISO 14067): functional unit, system boundary, factors
with their sources, results by stage and line, allocation rules, data quality and uncertainty — the contents a
certification dossier asks of a CFP study report (ISO 14067 §7), built once as a
:class:`~pioneer.reports.document.Report` and rendered to DOCX or PDF by :mod:`pioneer.reports.render`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pioneer.clock import BEIJING
from pioneer.reports.charts import amount_bars
from pioneer.reports.document import Figure, Heading, Paragraph, Report, Table, number
from pioneer.standards.carbon.footprint import STAGE_NAMES, boundary, summary, uncertainty

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "产品碳足迹报告：{product}", "subtitle": "依据 GB/T 24067-2024（ISO 14067:2018）· 生成于 {at}（北京时间）",
        "goal": "1 目的与功能单位", "fu": "功能单位：{fu}；本物料清单对应 {n} 个功能单位。",
        "boundary": "系统边界：{b}。", "result": "2 碳足迹结果", "total": "碳足迹：{v} kgCO2e/功能单位。",
        "by_stage": "表 1 各生命周期阶段排放", "lines": "表 2 各清单行排放与所用因子", "fig": "图 1 各阶段排放（kgCO2e/功能单位）",
        "alloc": "3 分配", "alloc_none": "所有清单行均未分配（分配系数 1）。", "dq": "4 数据质量与不确定性",
        "unc": "不确定性按简单误差传递计算（各行相互独立：u = √Σ(Eᵢ·uᵢ)²，扩展不确定度 U = k·u，k = 2）：u = {u} kgCO2e"
               "（相对 {r}%），U = {U} kgCO2e。未给出不确定度的清单行占排放的 {m}%，未计入 u。",
        "dq_table": "表 3 按数据质量分类的排放占比", "notes": "5 说明",
        "note_fuel": "包装因子库中的燃料因子只含燃烧排放的 CO2，不含上游（开采、加工、运输）排放；electricity 因子为生态环境部、国家统计局发布的"
                     "全国/区域电力平均二氧化碳排放因子（统计核算口径），electricity_cfp 因子为生态环境部、国家统计局、国家能源局发布的电力碳足迹因子"
                     "（生命周期口径，适用于产品碳足迹）；材料、运输和废弃处理因子未找到可引用的公开因子库，来自用户因子库（注明来源）。",
        "cols_stage": ["阶段", "kgCO2e/功能单位", "占比 %"],
        "cols_lines": ["行", "阶段", "物料/活动", "活动量", "单位", "因子 kgCO2e/单位", "分配", "kgCO2e/功能单位", "因子来源", "置信度"],
        "cols_alloc": ["行", "物料/活动", "分配系数", "分配规则"], "cols_dq": ["数据质量", "kgCO2e/功能单位", "占比 %"],
        "boundaries": {"cradle-to-gate": "从摇篮到大门（部分碳足迹）", "cradle-to-grave": "从摇篮到坟墓"},
    },
    "en": {
        "title": "Product carbon footprint: {product}", "subtitle": "GB/T 24067-2024 (ISO 14067:2018) · generated {at} (Beijing time)",
        "goal": "1 Goal and functional unit", "fu": "Functional unit: {fu}; the bill of materials covers {n} functional units.",
        "boundary": "System boundary: {b}.", "result": "2 Carbon footprint", "total": "Carbon footprint: {v} kgCO2e per functional unit.",
        "by_stage": "Table 1 Emissions by life-cycle stage", "lines": "Table 2 Emissions and factors by line",
        "fig": "Figure 1 Emissions by stage (kgCO2e per functional unit)", "alloc": "3 Allocation",
        "alloc_none": "No line is allocated (share 1).", "dq": "4 Data quality and uncertainty",
        "unc": "Uncertainty by simple error propagation (independent lines: u = √Σ(Eᵢ·uᵢ)², expanded U = k·u, k = 2): "
               "u = {u} kgCO2e ({r} % relative), U = {U} kgCO2e. Lines without an uncertainty carry {m} % of the "
               "emissions and are not in u.",
        "dq_table": "Table 3 Share of emissions by data quality", "notes": "5 Notes",
        "note_fuel": "Fuel factors of the packaged library are combustion CO2 only (no upstream extraction, refining or "
                     "transport); 'electricity' factors are the national/regional average CO2 factors published by MEE and NBS "
                     "(statistical accounting), 'electricity_cfp' factors the electricity carbon-footprint factors published by "
                     "MEE, NBS and NEA (life cycle, the fitting ones for a product footprint); materials, transport and end-of-life "
                     "factors come from the user's library with their sources (no citable public library was found).",
        "cols_stage": ["stage", "kgCO2e/FU", "share %"],
        "cols_lines": ["line", "stage", "item", "activity", "unit", "factor kgCO2e/unit", "allocation", "kgCO2e/FU",
                       "factor source", "confidence"],
        "cols_alloc": ["line", "item", "share", "rule"], "cols_dq": ["data quality", "kgCO2e/FU", "share %"],
        "boundaries": {"cradle-to-gate": "cradle-to-gate (partial CFP)", "cradle-to-grave": "cradle-to-grave"},
    },
}  # fmt: skip


@dataclass(frozen=True)
class Study:
    """What the report needs besides the computed lines: the product and its functional unit."""

    product: str
    functional_unit: str
    units_produced: float


def footprint_report(result: pd.DataFrame, study: Study, *, lang: str = "zh") -> Report:
    """The CFP study report of :func:`pioneer.standards.carbon.footprint.footprint` results."""
    t = TEXT["en" if lang.startswith("en") else "zh"]
    now = dt.datetime.now(BEIJING)
    rep = Report(title=t["title"].format(product=study.product),
                 subtitle=t["subtitle"].format(at=now.strftime("%Y-%m-%d %H:%M")), lang=lang)  # fmt: skip
    b = boundary(result["stage"])
    b_text = t["boundaries"].get(b, b)
    if b.startswith("partial:"):  # the stages present, named in the report's language
        stages = b.split(":", 1)[1].split("+")
        names = [STAGE_NAMES[k] for k in stages] if t is TEXT["zh"] else stages
        b_text = (
            ("部分碳足迹（含：" + "、".join(names) + "）")
            if t is TEXT["zh"]
            else f"partial CFP ({', '.join(names)})"
        )
    rep.add(Heading(t["goal"]), Paragraph(t["fu"].format(fu=study.functional_unit, n=number(study.units_produced, 4))),
            Paragraph(t["boundary"].format(b=b_text)))  # fmt: skip
    u = uncertainty(result["kgco2e_per_fu"], result["u_kgco2e_per_fu"])
    s = summary(result)
    st = s[s["group"] == "stage"]
    stage_label = (lambda k: f"{STAGE_NAMES[k]} {k}") if t is TEXT["zh"] else (lambda k: k)
    rep.add(Heading(t["result"]), Paragraph(t["total"].format(v=number(u["total"], 3)), style="lead"))
    rep.add(Table(t["cols_stage"], [[stage_label(str(r.key)), number(r.kgco2e_per_fu, 3), number(r.share_pct, 1)]
                                    for r in st.itertuples()], caption=t["by_stage"], key="stages"))  # fmt: skip
    rep.add(Figure(amount_bars([stage_label(k) for k in st["key"]], list(st["kgco2e_per_fu"]), title=t["fig"],
                               unit="kgCO2e"), caption=t["fig"]))  # fmt: skip
    cells = ["line", "stage", "item", "activity", "factor_unit", "factor_kgco2e", "allocation", "kgco2e_per_fu",
             "factor_source", "factor_confidence"]  # fmt: skip
    shown = result[cells].astype(object)
    for c, digits in (("activity", 4), ("factor_kgco2e", 4), ("allocation", 4), ("kgco2e_per_fu", 4)):
        shown[c] = shown[c].map(lambda x, d=digits: number(x, d))
    shown["stage"] = shown["stage"].map(lambda k: stage_label(str(k)))
    rows = shown.astype(str).values.tolist()  # the report lists every BOM line
    rep.add(Table(t["cols_lines"], rows, caption=t["lines"], key="lines"))
    alloc = result[result["allocation"] < 1]
    rep.add(Heading(t["alloc"]))
    if alloc.empty:
        rep.add(Paragraph(t["alloc_none"]))
    else:
        rep.add(Table(t["cols_alloc"], [[str(r.line), str(r.item), number(r.allocation, 4), str(r.allocation_rule)]
                                        for r in alloc.itertuples()], key="allocation"))  # fmt: skip
    dq = s[s["group"] == "data_quality"]
    rep.add(Heading(t["dq"]),
            Paragraph(t["unc"].format(u=number(u["u"], 3), r=number(100 * u["relative"], 1), U=number(u["expanded"], 3),
                                      m=number(100 * u["unquantified_share"], 1))),
            Table(t["cols_dq"], [[str(r.key), number(r.kgco2e_per_fu, 3), number(r.share_pct, 1)] for r in dq.itertuples()],
                  caption=t["dq_table"], key="data_quality"),
            Heading(t["notes"]), Paragraph(t["note_fuel"], style="note"))  # fmt: skip
    return rep
