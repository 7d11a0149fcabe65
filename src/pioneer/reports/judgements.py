"""Report blocks of the judgements (issue 16): 全国前列 / 改善幅度领先 with the rule, the significance of each trend
and over which years, and the city's air-quality attainment plan — all from the scorecard
(:func:`pioneer.assessment.service.zone_scorecard`), nothing recomputed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pioneer.indicators.choices import DOMAIN_NAMES
from pioneer.reports.document import Paragraph, Table, number


def _yn(x: Any, en: bool) -> str:
    if x is None:
        return "—"
    return ("yes" if x else "no") if en else ("是" if x else "否")


def judgement_blocks(card: dict[str, Any], *, en: bool, tab: Callable[[], int]) -> list[Any]:
    """Tables of one scorecard: verdicts (indicators with a value, domains, overall), trend significance,
    attainment plan (cities). ``tab`` numbers the tables."""
    out: list[Any] = []
    code = card["division_code"]
    names = {r["indicator"]: (r["name_en"] if en else r["name_zh"]) for r in card["indicators"]}
    v = card.get("verdicts")
    if v and v["items"]:
        rows = []
        for i in v["items"]:
            if i["value"] is None:  # no value, no verdict (missing ones are listed in the results table)
                continue
            dom = DOMAIN_NAMES.get(i["key"], (i["key"], i["key"]))  # type: ignore[call-overload]
            label = names.get(i["key"], i["key"]) if i["scope"] == "indicator" else (
                ("Overall score" if en else "总分") if i["scope"] == "overall" else
                f"{dom[1] if en else dom[0]}{' (domain score)' if en else '（领域得分）'}")  # fmt: skip
            rows.append([label, number(i["value"]), f"{number(i['rank'], 0)} / {number(i['n_ranked'], 0)}",
                         _yn(i["leading"], en), number(i.get("improvement")), _yn(i.get("leads_improvement"), en)])  # fmt: skip
        cols = (["Item", "Value", "Rank / compared", "National front rank", "Improvement", "Improvement leading"]
                if en else ["项目", "数值", "名次 / 参与比较", "处于全国前列", "改善幅度", "改善幅度领先"])  # fmt: skip
        cap = (f"Table {{n}}. Verdicts among the divisions of the tier — rule: {v['rule_en']}" if en
               else f"表 {{n}}  同级行政区中的判断（规则：{v['rule_zh']}）")  # fmt: skip
        out.append(Table(cols, rows, caption=cap.format(n=tab()), key=f"verdicts-{code}"))
        out.append(Paragraph("Improvement: change rate in % (indicators in % and scores: change in points), "
                             "better direction positive." if en else
                             "改善幅度：变化率（%）；以百分比计的指标和得分为变化的百分点；正值表示改善。", "note"))  # fmt: skip
    trends = [r for r in card["indicators"] if r.get("trend") and r["value"] is not None]
    if trends:
        rows = [[names[r["indicator"]], (r["trend"]["trend_en"] if en else r["trend"]["trend_zh"]),
                 f"{r['trend']['first_year']}–{r['trend']['last_year']}", number(r["trend"]["n"], 0),
                 number(r["trend"]["slope"], 3),
                 f"[{number(r['trend']['slope_low'], 3)}, {number(r['trend']['slope_high'], 3)}]",
                 number(r["trend"]["p_value"], 3)] for r in trends]  # fmt: skip
        cols = (["Indicator", "Trend", "Years", "n", "Theil–Sen slope / yr", "95 % interval", "p (Mann–Kendall, Hamed–Rao)"]
                if en else ["指标", "趋势", "年份", "年数", "Theil–Sen 斜率/年", "95% 置信区间", "p 值（Mann–Kendall，Hamed–Rao 修正）"])  # fmt: skip
        cap = "Table {n}. Significance of the trends" if en else "表 {n}  趋势的显著性"
        out.append(Table(cols, rows, caption=cap.format(n=tab()), key=f"trends-{code}"))
    a = card.get("attainment")
    if a and a["rows"]:
        rows = [[r["statistic"], r["phase"] + (" *" if r["in_force"] else ""), number(r["value"]), number(r["limit"]),
                 number(r["gap"], 1), number(r["required_rate_pct"], 1),
                 str(r["attainment_year_at_trend"]) if r["attainment_year_at_trend"] is not None else
                 {"attained": "—", "never-at-trend": "not at trend" if en else "按趋势不能达标",
                  "insufficient-data": "insufficient data" if en else "数据不足"}.get(r["attainment_status"], "—")]
                for r in a["rows"]]  # fmt: skip
        cols = (["Statistic", "Limit phase (* in force)", "Value", "Limit", "Gap", "Required %/yr", "Year at trend"]
                if en else ["统计量", "限值阶段（* 现行）", "数值", "限值", "差距", "所需年均降幅 %", "按趋势达标年份"])  # fmt: skip
        cap = (f"Table {{n}}. Air-quality attainment planning, {a['year']} → {a['target_year']}" if en
               else f"表 {{n}}  空气质量达标管理（{a['year']} → {a['target_year']} 年）")  # fmt: skip
        out.append(Table(cols, rows, caption=cap.format(n=tab()), key=f"attainment-{code}"))
    return out
