"""The yearly compensation statement as a document for both parties (DOCX/PDF/HTML through
:mod:`pioneer.reports.render`) or as JSON: the same numbers as :func:`pioneer.compensation.settlement.statement`,
with every amount's arithmetic. Text is Chinese first with English beside it; times are 北京时间."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pioneer.clock import beijing_text
from pioneer.compensation.service import item_label
from pioneer.reports.document import Heading, Paragraph, Report, Table, number
from pioneer.reports.render import write as write_report


def to_report(st: dict[str, Any]) -> Report:
    """The statement as a :class:`~pioneer.reports.document.Report` (tables keyed for tests and the web)."""
    a, up, down = st["agreement"], st["parties"]["upstream"], st["parties"]["downstream"]
    at = beijing_text(st["inputs"]["computed_at"])
    kept = st.get("stored")
    saved = (
        (
            f" · 第 {kept['number']} 份已保存结算单，{kept['computed_by']} 计算 / stored statement no. {kept['number']}, "
            f"computed by {kept['computed_by']}"
        )
        if kept
        else ""
    )
    r = Report(title=f"{a['name']} {st['year']} 年度补偿结算单 / compensation statement {st['year']}",
               subtitle=f"协议 {a['code']} 第 {a['version']} 版 · 生成于 {at}{saved}",
               lang="zh")  # fmt: skip
    r.add(Heading("一、协议 / Agreement"),
          Table(["项目 / field", "内容 / value"], [
              ["上游 / upstream", f"{up['name']}（{up['code']}）"],
              ["下游 / downstream", f"{down['name']}（{down['code']}）"],
              ["流域 / basin", a["basin"]],
              ["期限 / period", f"{a['start_year']}–{a['end_year']}"],
              ["协议文本 / document", f"{a['document']['title']} {a['document'].get('number', '')} "
                                      f"{a['document'].get('signed', '')}".strip()],
              ["条款来源与可信度 / source, confidence", f"{a['document'].get('source', '')} · "
                                                 f"{a['document'].get('confidence', '')}"],
              ["金额单位 / unit", a["unit"]],
              ["数据有效性 / validity", f"每个所需项目全年至少 {a['min_months']} 个月有数据 / at least "
                                       f"{a['min_months']} month(s) with data per item"],
          ], key="agreement"))  # fmt: skip
    rows = []
    for s in st["sections"]:
        for v in s["validity"]:
            rows.append([f"{s['name']}（{s['station']}）", item_label(v["item"]), str(v["n_months"]), str(v["n_samples"]),
                         number(s["annual"].get(v["item"]), 4), "有效 / valid" if v["valid"] else "不足 / short"])  # fmt: skip
    r.add(Heading("二、断面数据与有效性 / Sections: data and validity"),
          Paragraph("年均值 = 各月均值的平均，低于检出限按检出限的一半计，按环办监测函〔2020〕82号修约（mg/L）。"
                    " / Annual value = mean of the monthly means; below-detection values count as half the limit; "
                    "rounded as the 2020 rule requires (mg/L).", "note"),
          Table(["断面 / section", "项目 / item", "有数据月数 / months", "样品数 / samples", "年均值 / annual mean",
                 "有效性 / validity"], rows, key="validity"))  # fmt: skip
    lines = [[str(x["term"]), x["label"], x["station"], x["explanation_zh"] + " / " + x["explanation_en"],
              number(x["transfer"], 4), x["direction_zh"]] for x in st["lines"]]  # fmt: skip
    r.add(Heading("三、各条款计算 / Terms"),
          Paragraph(f"金额符号：正数为下游向上游支付，负数为上游向下游支付（{a['unit']}）。 / Sign: "
                    f"{st['sign_convention']} ({a['unit']}).", "note"),
          Table(["条款 / term", "名称 / label", "断面 / section", "计算 / arithmetic", f"金额 / amount（{a['unit']}）",
                 "方向 / direction"], lines, key="lines"))  # fmt: skip
    for x in st["lines"]:
        if "monthly_classes" in x["details"]:
            d = x["details"]
            mrows = [[str(m + 1), d["monthly_classes"][m], "—" if d["compliant"][m] is None else
                      ("达标 / met" if d["compliant"][m] else "未达标 / missed"),
                      number(d.get("monthly_transfers", [None] * 12)[m], 4)] for m in range(12)]  # fmt: skip
            r.add(Table(["月份 / month", "水质类别 / class", f"目标 {d['target_class']} / target", "金额 / amount"],
                        mrows, caption=f"条款 {x['term']} · {x['station']} 逐月 / monthly", key=f"months-{x['term']}"))  # fmt: skip
    n = st["net"]
    r.add(Heading("四、结算 / Settlement"),
          Table(["合计 / total", "结果 / result"], [[number(n["transfer"], 4), f"{n['text_zh']} / {n['text_en']}"]],
                key="net"),
          Heading("五、说明 / Notes", 2),
          Paragraph("本结算单由平台根据协议版本与数据湖中的监测数据计算生成，不作人工修改；所用数据导入批次："
                    f"{', '.join(st['inputs']['lake_imports']) or '—'}；未检出且无检出限、未计入的数据 "
                    f"{st['inputs'].get('exclusions', {}).get('rows_nd_without_detection_limit', 0)} 条。 / Computed from the agreement version and the "
                    f"lake's water data ({st['inputs']['status']}).", "note"),
          Paragraph(st["inputs"]["water_method"], "note"))  # fmt: skip
    return r


def write(st: dict[str, Any], path: str | Path, fmt: str | None = None) -> Path:
    """Write the statement to ``path`` as docx, pdf, html (via the report renderer) or json, atomically."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "json":
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(st, ensure_ascii=False, indent=2, default=float), encoding="utf-8")
        tmp.replace(path)
        return path
    return write_report(to_report(st), path, fmt)
