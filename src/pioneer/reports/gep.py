"""The GEP account as a document (DOCX/PDF/HTML): results per county and city, composition by item, trend by
year, GEP/GDP and the "两山" indicators — built from the tables of :mod:`pioneer.standards.gep`."""

from __future__ import annotations

import pandas as pd

from pioneer.reports.charts import amount_bars, chart_style, figure_png
from pioneer.reports.document import Figure, Heading, Paragraph, Report, Table, number
from pioneer.standards.gep import CATEGORIES

E8 = 1e8  # 亿元


def trend_chart(series: dict[str, tuple[list[int], list[float]]], *, title: str = "GEP") -> bytes:
    """GEP by year [亿元], one line per series (whole-year ticks): the report's and the web page's trend chart."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    with plt.rc_context(chart_style()):
        fig, ax = plt.subplots(figsize=(7, 3.4))
        for label, (years, gep) in series.items():
            ax.plot(years, gep, marker="o", label=label)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("年份 / year")
        ax.set_ylabel("亿元")
        ax.set_title(title)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        return figure_png(fig)


def gep_report(accounts: pd.DataFrame, values: pd.DataFrame, *, edition: str) -> Report:
    """``accounts``: :func:`~pioneer.standards.gep.two_mountains_indicators` rows with ``level``; ``values``:
    :func:`~pioneer.standards.gep.item_values` rows (input divisions)."""
    r = Report(title=f"生态产品总值（GEP）核算 / gross ecosystem product ({edition})",
               subtitle="由 Pioneer 根据输入的实物量与价格计算 / computed from the quantities and prices entered",
               lang="zh")  # fmt: skip
    cols = ["层级 / level", "区划 / division", "年份 / year", *[f"{zh} / {en}（亿元）" for zh, en in CATEGORIES.values()],
            "GEP（亿元）", "GEP/GDP", "两山转化值 / conversion（亿元）", "转化率 / rate (%)"]  # fmt: skip
    rows = [[a.level, a.division_code, str(a.year), *[number(getattr(a, c) / E8, 4) for c in CATEGORIES],
             number(a.gep / E8, 4), number(getattr(a, "gep_gdp_ratio", None), 4), number(a.conversion_value / E8, 4),
             number(a.conversion_rate, 2)] for a in accounts.itertuples(index=False)]  # fmt: skip
    r.add(Heading("一、核算结果 / Accounts"), Table(cols, rows, key="accounts"),
          Paragraph("两山转化值 = 物质供给 + 文化服务（陈梅等 2021，secondary）；转化率 = 转化值 / GEP（assumed）。 / Conversion "
                    "value = material + cultural services; rate = conversion value / GEP.", "note"))  # fmt: skip
    r.add(Heading("二、构成（各区划最近一年）/ Composition (latest year of each division)"))
    latest = values[values["year"] == values.groupby("division_code")["year"].transform("max")]
    for (code, year), v in latest.groupby(["division_code", "year"]):
        items = v.groupby("item_cn", sort=False)["value"].sum().sort_values(ascending=False) / E8
        r.add(Figure(amount_bars(list(items.index), list(items.values), title=f"{code} {year} 各项价值", unit="亿元"),
                     caption=f"{code} {year}：各核算项目价值 / value by item (亿元)"))  # fmt: skip
    src = values[["component", "price", "price_source", "price_confidence"]].drop_duplicates()
    r.add(Table(["核算指标 / component", "价格 / price", "来源 / source", "可信度 / confidence"],
                [[x.component, number(x.price, 4), x.price_source, str(x.price_confidence)]
                 for x in src.itertuples(index=False)], caption="价格及来源 / prices and sources", key="prices"))  # fmt: skip
    if accounts["year"].nunique() > 1:
        series = {f"{c}": (list(g["year"]), list(g["gep"] / E8)) for c, g in
                  accounts[accounts["level"] == "input"].sort_values("year").groupby("division_code")}  # fmt: skip
        r.add(
            Heading("三、变化趋势 / Trend"),
            Figure(
                trend_chart(series),
                caption="GEP 逐年（输入区划）/ by year (input divisions)",
            ),
        )
    return r
