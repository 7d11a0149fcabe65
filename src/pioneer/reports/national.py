"""The national progress report for the programme office, built from data only: zones by tier and state, each
zone's overall score (:func:`pioneer.assessment.service.zone_scorecard`), the major-project pipeline
(:func:`pioneer.plans.service.pipeline`: totals by tier, province, category and funding source), projects behind
schedule and the published typical cases."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.orm import Session

from pioneer.assessment import service as assessment
from pioneer.clock import beijing_text
from pioneer.errors import PioneerError
from pioneer.plans import service as plans
from pioneer.plans.choices import name
from pioneer.registry.divisions import service as divisions
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.choices import State
from pioneer.reports import charts
from pioneer.reports.document import Figure, Heading, Paragraph, Report, Table, number
from pioneer.reports.labels import labels
from pioneer.reports.self_assessment import _Counter, report_as_of
from pioneer.web.i18n import code as code_name


def build(session: Session, year: int, *, lang: str = "zh", as_of: dt.date | None = None) -> Report:
    """The national progress report for ``year`` in ``lang`` (``zh`` default, or ``en``)."""
    t = labels(lang)
    en = lang.startswith("en")
    ui = "en" if en else "zh-CN"  # the web catalogue's language names (pioneer.web.i18n.code)
    now = dt.datetime.now(dt.UTC)
    rep = Report(t["nat_title"].format(year=year), t["nat_subtitle"].format(at=beijing_text(now, ui)),
                 "en" if en else "zh", generated_at=now)  # fmt: skip
    tab = _Counter()
    as_of = as_of or report_as_of(year)
    rep.add(Paragraph(t["generated"], "note"))

    def state_name(s: str) -> str:
        return code_name(ui, "state", s)

    all_zones = zones.list_zones(session)
    rep.add(Heading(t["n_overview"]))
    zf = pd.DataFrame([(z.tier, z.state) for z in all_zones], columns=["tier", "state"])
    counts = zf.groupby(["tier", "state"]).size().reset_index(name="n")
    rows = [[code_name(ui, "tier", r.tier), state_name(r.state), str(r.n)] for r in counts.itertuples()]
    rows.append([t["total"], "", str(len(zf))])
    rep.add(
        Table(
            [t["tier"], t["state"], t["count"]], rows, caption=t["zones_caption"].format(n=tab()), key="zones"
        )
    )

    rep.add(Heading(t["n_scores"]))
    srows = []
    for z in all_zones:
        if z.state == State.WITHDRAWN.value:
            continue
        for code in z.division_codes:
            card = assessment.zone_scorecard(session, code, year)
            n_ok = sum(r["value"] is not None for r in card["indicators"])
            dname = divisions.division(session, code).name
            srows.append([z.code, (z.name_en or z.name_zh) if en else z.name_zh, code_name(ui, "tier", z.tier), state_name(z.state),
                          f"{code} {dname}", number(card["overall"].get("overall_score")),
                          f"{n_ok}/{len(card['indicators'])}"])  # fmt: skip
    rep.add(Table([t["zone_code"], t["zone"], t["tier"], t["state"], t["divisions"], t["overall"], t["current"]],
                  srows, caption=t["scores_caption"].format(n=tab(), year=year), key="scores"))  # fmt: skip

    pipe = plans.pipeline(session, as_of=as_of)
    rep.add(Heading(t["n_pipeline"]))
    tot = pipe["total"]
    rep.add(Paragraph(t["pipeline_total"].format(projects=tot["projects"], total=number(tot["total_investment"]),
                                                 funding=number(tot["funding"]))))  # fmt: skip
    for key, col, label, cap in (("by_tier", "tier", t["tier"], "by_tier"), ("by_region", "region", t["region"], "by_region"),
                                 ("by_category", "category", t["category"], "by_category")):  # fmt: skip
        rows = [[_group_name(session, col, r[col], lang), str(r["projects"]), number(r["total_investment"])]
                for r in pipe[key]]  # fmt: skip
        rows.append([t["total"], str(tot["projects"]), number(tot["total_investment"])])
        rep.add(Table([label, t["projects"], t["investment"]], rows, caption=t[cap].format(n=tab()), key=key))
    rows = [
        [name(r["source"], lang), str(r["projects"]), number(r["amount"])] for r in pipe["by_funding_source"]
    ]
    rows.append([t["total"], "", number(tot["funding"])])
    rep.add(Table([t["source"], t["projects"], t["amount"]], rows, caption=t["by_source"].format(n=tab()),
                  key="by_funding_source"))  # fmt: skip
    if pipe["by_category"]:
        png = charts.amount_bars([name(r["category"], lang) for r in pipe["by_category"]],
                                 [r["total_investment"] for r in pipe["by_category"]], title=t["pipeline_chart"],
                                 unit=t["amount"])  # fmt: skip
        rep.add(Figure(png, t["pipeline_chart"]))

    rep.add(Heading(t["n_behind"]))
    late = pipe["behind_schedule"]
    if not late:
        rep.add(Paragraph(t["no_behind"]))
    else:
        rep.add(Table([t["code"], t["name"], t["zone"], t["investment"], t["reasons"]],
                      [[r["code"], r["name"], r["zone_code"], number(r["total_investment"]),
                        "；".join(t[f"reason_{x}"] for x in r["reasons"])] for r in late],
                      caption=t["project_caption"].format(n=tab(), as_of=as_of), key="behind"))  # fmt: skip

    rep.add(Heading(t["n_cases"]))
    cases = plans.list_cases(session, status="published")
    if not cases:
        rep.add(Paragraph(t["no_cases"]))
    for c in cases:
        rep.add(Heading(f"{c.title}（{c.zone_code}）" if not en else f"{c.title} ({c.zone_code})", 2),
                Paragraph(c.summary))  # fmt: skip
    return rep


def _group_name(session: Session, col: str, value: str, lang: str) -> str:
    if col == "region":
        try:
            return f"{divisions.division(session, value).name} {value}"
        except PioneerError:  # an unknown code is shown as is
            return value
    if col == "category":
        return name(value, lang)
    if col == "tier":
        return code_name("en" if lang.startswith("en") else "zh-CN", "tier", value)
    return value
