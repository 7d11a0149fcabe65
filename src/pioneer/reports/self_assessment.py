"""The zone self-assessment report (自评估报告), built from data only.

Sources of every number: :func:`pioneer.assessment.service.zone_scorecard` (values, targets, attainment, scores,
standing, improvement and trajectory) and :func:`pioneer.assessment.service.explain` (lineage), the indicator
store (values by year for the trend chart), :mod:`pioneer.plans.service` (plans, projects, funding, schedule,
cases). Nothing is typed in; a missing value is shown as ``—`` and counted in the completeness line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from pioneer.assessment import service as assessment
from pioneer.clock import beijing_text
from pioneer.errors import PioneerError
from pioneer.indicators.store import read_values
from pioneer.plans import service as plans
from pioneer.plans.choices import name
from pioneer.registry.divisions import service as divisions
from pioneer.registry.zones import service as zones
from pioneer.reports import charts
from pioneer.reports.document import Figure, Heading, Paragraph, Report, Table, number
from pioneer.reports.judgements import judgement_blocks
from pioneer.reports.labels import count_name, labels
from pioneer.web.i18n import code as code_name


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def default_baseline(session: Session, division_code: str, year: int) -> int | None:
    """The earliest year before ``year`` with a stored value for the division (``None`` if there is none)."""
    v = read_values(session, divisions=[division_code])
    earlier = v.loc[v["year"] < year, "year"]
    return int(earlier.min()) if len(earlier) else None


def report_as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The date at which the project schedule is judged: the end of ``year`` or today, whichever is earlier."""
    today = today or dt.date.today()
    return min(dt.date(year, 12, 31), today)


def _ind_name(r: dict[str, Any], lang: str) -> str:
    return r["name_en"] if lang.startswith("en") else r["name_zh"]


def _yes_no(x: Any, t: dict[str, str]) -> str:
    return "—" if x is None else (t["yes"] if bool(x) else t["no"])


def scorecards(
    session: Session, zone_code: str, year: int, *, baseline_year: int | None = None
) -> list[dict]:
    """The scorecard of each of the zone's divisions (what the report shows; the tests compare with it)."""
    z = zones.zone(session, zone_code)
    out = []
    for code in z.division_codes:
        base = baseline_year if baseline_year is not None else default_baseline(session, code, year)
        out.append(assessment.zone_scorecard(session, code, year, baseline_year=base))
    return out


def _division_name(session: Session, code: str, lang: str) -> str:
    try:
        d = divisions.division(session, code)
        return f"{d.name} {code}" if not lang.startswith("en") else f"{code} ({d.name})"
    except PioneerError:  # an unknown code is shown as the code
        return code


def _trend_figure(session: Session, card: dict, division: str, t: dict[str, str], lang: str) -> Figure | None:
    rows = [r for r in card["indicators"] if r["value"] is not None]
    if not rows:
        return None
    v = read_values(session, divisions=[card["division_code"]], indicators=[r["indicator"] for r in rows])
    edition = {r["indicator"]: r.get("edition") or "" for r in rows}
    v = v[v["edition"].fillna("") == v["indicator"].map(edition).fillna("")].dropna(subset=["value"])
    unit = {r["indicator"]: r["unit"] for r in rows}
    v = v[v["year"] <= card["year"]]
    multi = v.groupby("indicator")["year"].nunique()
    v = v[v["indicator"].isin(multi[multi >= 2].index)]
    if v.empty:
        return None
    best_unit = v["indicator"].map(unit).value_counts().index[0]
    v = v[v["indicator"].map(unit) == best_unit].sort_values("year")
    by_code = {r["indicator"]: r for r in rows}
    series = {f"{_ind_name(by_code[c], lang)}": (list(g["year"].astype(int)), list(g["value"].astype(float)))
              for c, g in v.groupby("indicator")}  # fmt: skip
    targets = {_ind_name(by_code[c], lang): (int(by_code[c]["target_year"]), float(by_code[c]["target"]))
               for c in v["indicator"].unique() if by_code[c].get("target") is not None
               and by_code[c].get("target_year") is not None}  # fmt: skip
    png = charts.trajectory_lines(series, targets, title=t["traj_chart"].format(division=division) + f" ({best_unit})",
                                  xlabel=t["year_axis"])  # fmt: skip
    return Figure(png, t["traj_chart"].format(division=division))


def build(session: Session, zone_code: str, year: int, *, baseline_year: int | None = None, lang: str = "zh",
          as_of: dt.date | None = None) -> Report:  # fmt: skip
    """The self-assessment report of ``zone_code`` for ``year`` in ``lang`` (``zh`` default, or ``en``)."""
    t = labels(lang)
    en = lang.startswith("en")
    z = zones.zone(session, zone_code)
    zone_name = (z.name_en or z.name_zh) if en else z.name_zh
    now = dt.datetime.now(dt.UTC)
    ui = "en" if en else "zh-CN"  # the web catalogue's language names (pioneer.web.i18n.code)
    rep = Report(title=t["sa_title"].format(zone=zone_name, year=year),
                 subtitle=t["sa_subtitle"].format(code=z.code, year=year, at=beijing_text(now, ui)),
                 lang="en" if en else "zh", generated_at=now)  # fmt: skip
    tab = _Counter()
    cards = scorecards(session, zone_code, year, baseline_year=baseline_year)
    as_of = as_of or report_as_of(year)

    # 1 overview
    rep.add(Paragraph(t["generated"], "note"), Heading(t["s_overview"]))
    rep.add(Table([t["field"], t["value"]], [
        [t["zone_code"], z.code], [t["zone_name"], zone_name], [t["tier"], code_name(ui, "tier", z.tier)],
        [t["state"], code_name(ui, "state", z.state)],
        [t["divisions"], "、".join(_division_name(session, c, lang) for c in z.division_codes)],
        [t["theme"], z.theme or "—"], [t["year"], str(year)],
        [t["baseline"], ", ".join(str(c["baseline_year"]) for c in cards if c["baseline_year"]) or "—"],
    ], key="overview"))  # fmt: skip

    # 2 indicator results
    rep.add(Heading(t["s_results"]))
    for card in cards:
        div = _division_name(session, card["division_code"], lang)
        rows = card["indicators"]
        ordered = sorted(rows, key=lambda r: (r["value"] is None, r["domain"], r["indicator"]))
        rep.add(Table(
            [t["indicator"], t["code"], t["unit"], t["current"], t["target"], t["target_year"], t["attained"], t["score"]],
            [[_ind_name(r, lang), r["indicator"], r["unit"], number(r["value"]),
              "—" if r.get("target") is None else f"{r.get('comparator') or ''}{number(r['target'])}",
              "—" if r.get("target_year") is None else str(int(r["target_year"])),
              t["missing"] if r["value"] is None else _yes_no(r.get("attained"), t), number(r.get("score"))]
             for r in ordered],
            caption=t["results_caption"].format(n=tab(), division=div, year=year), key=f"results-{card['division_code']}",
        ))  # fmt: skip
        doms = card["domains"]
        rep.add(Table([t["domain"], t["score"], t["status"]],
                      [[d["name_en"] if en else d["name_zh"], number(d.get("domain_score")),
                        code_name(ui, "status", d.get("domain_status"))]
                       for d in doms], caption=t["domains_caption"].format(n=tab()),
                      key=f"domains-{card['division_code']}"))  # fmt: skip
        ov = card["overall"]
        rep.add(Paragraph(t["overall_text"].format(score=number(ov.get("overall_score")),
                                                   status=code_name(ui, "status", ov.get("overall_status")))))  # fmt: skip
        scored = [r for r in ordered if r["value"] is not None]
        if scored:
            png = charts.score_bars([_ind_name(r, lang) for r in scored], [r.get("score") for r in scored],
                                    title=t["score_chart"].format(division=div), xlabel=t["score_axis"])  # fmt: skip
            rep.add(Figure(png, t["score_chart"].format(division=div)))

    # 3 trajectory
    rep.add(Heading(t["s_trajectory"]))
    for card in cards:
        div = _division_name(session, card["division_code"], lang)
        if card["baseline_year"] is None:
            rep.add(Paragraph(t["no_baseline"].format(year=year)))
            continue
        rows = [r for r in card["indicators"] if r["value"] is not None]
        rep.add(Table(
            [t["indicator"], t["code"], f"{t['baseline_value']} ({card['baseline_year']})", f"{t['current']} ({year})",
             t["change"], t["actual_rate"], t["required_rate"], t["trajectory"]],
            [[_ind_name(r, lang), r["indicator"], number(r.get("baseline_value")), number(r["value"]), number(r.get("change")),
              number(r.get("actual_rate")), number(r.get("required_rate")),
              (r.get("trajectory_en") if en else r.get("trajectory_zh")) or "—"] for r in rows],
            caption=t["traj_caption"].format(n=tab(), horizon=card["horizon"]), key=f"trajectory-{card['division_code']}",
        ))  # fmt: skip
        fig = _trend_figure(session, card, div, t, lang)
        if fig is not None:
            rep.add(fig)

    # 4 national standing
    rep.add(Heading(t["s_standing"]))
    for card in cards:
        rows = [r for r in card["indicators"] if r["value"] is not None]
        rep.add(Table([t["indicator"], t["code"], t["current"], t["rank"], t["n_peers"], t["percentile"], t["level"]],
                      [[_ind_name(r, lang), r["indicator"], number(r["value"]), number(r.get("rank"), 0),
                        number(r.get("n_peers"), 0), number(r.get("percentile"), 1), code_name(ui, "level", card["level"])]
                       for r in rows],
                      caption=t["standing_caption"].format(n=tab()), key=f"standing-{card['division_code']}"))  # fmt: skip
        for note in card["notes"]:
            rep.add(Paragraph(note["en"] if en else note["zh"], "note"))
        for block in judgement_blocks(card, en=en, tab=tab):
            rep.add(block)
        for block in judgement_blocks(card, en=en, tab=tab):
            rep.add(block)

    # 5 plans and projects
    rep.add(Heading(t["s_plans"]))
    current = {r["indicator"]: r["value"] for c in cards for r in c["indicators"] if r["value"] is not None}
    plan_list = plans.list_plans(session, zone_code)
    if not plan_list:
        rep.add(Paragraph(t["no_plan"]))
    for p in plan_list:
        rep.add(Heading(f"{t['plan']}：{p.title}" if not en else f"{t['plan']}: {p.title}", 2))
        rep.add(Paragraph(f"{t['period']} {p.start_year}–{p.end_year} · {t['status']} {name(p.status, lang)}"
                          + (f" · {t['document']} {p.document}" if p.document else "")))  # fmt: skip
        if p.goals:
            goals = pd.DataFrame([{"indicator": g.indicator, "comparator": g.comparator, "target": g.target_value,
                                   "target_year": g.target_year} for g in p.goals])  # fmt: skip
            goals["current"] = goals["indicator"].map(current)
            goals["met"] = _meets(goals["current"], goals["comparator"], goals["target"])
            rep.add(Table([t["indicator"], t["target"], t["target_year"], t["current"], t["attained"]],
                          [[r["indicator"], f"{r['comparator']}{number(r['target'])}", str(r["target_year"]),
                            number(r["current"]), t["missing"] if pd.isna(r["current"]) else _yes_no(r["met"], t)]
                           for r in goals.to_dict("records")],
                          caption=t["goal_caption"].format(n=tab()), key=f"goals-{p.id}"))  # fmt: skip
        if p.tasks:
            rep.add(Table([t["task"], t["section"], t["unit_resp"], t["deadline"], t["status"]],
                          [[k.title, name(k.seed_section, lang) if k.seed_section == "regional" else k.seed_section,
                            k.responsible_unit or "—", str(k.deadline or "—"), name(k.status, lang)] for k in p.tasks],
                          caption=t["task_caption"].format(n=tab()), key=f"tasks-{p.id}"))  # fmt: skip
    projects = plans.list_projects(session, zone_code=zone_code)
    if not projects:
        rep.add(Paragraph(t["no_projects"]))
    else:
        late = plans.behind_schedule(session, as_of=as_of)
        late = dict(zip(late["code"], late["reasons"], strict=True)) if len(late) else {}
        rows = []
        for p in projects:
            last = p.progress[-1] if p.progress else None
            warn = "；".join(t[f"reason_{x}"] for x in late[p.code]) if p.code in late else t["on_schedule"]
            rows.append([p.code, p.name, name(p.category, lang), number(p.total_investment),
                         number(last.invested_to_date if last else None), number(last.percent_complete if last else None),
                         name(p.status, lang), warn])  # fmt: skip
        rep.add(Table([t["code"], t["name"], t["category"], t["investment"], t["invested"], t["complete"], t["status"],
                       t["warning"]], rows, caption=t["project_caption"].format(n=tab(), as_of=as_of),
                      key="projects"))  # fmt: skip
        fund = pd.DataFrame(
            [(f.source, f.amount) for p in projects for f in p.funding], columns=["source", "amount"]
        )
        agg = fund.groupby("source", sort=False)["amount"].sum()
        agg = agg.reindex([s for s in plans.FUNDING if s in agg.index])
        total = float(agg.sum())
        frows = [
            [name(s, lang), number(a), number(100 * a / total if total else None, 1)] for s, a in agg.items()
        ]
        frows.append([t["total"], number(total), "100" if total else "—"])
        rep.add(Table([t["source"], t["amount"], t["share"]], frows, caption=t["funding_caption"].format(n=tab()),
                      key="funding"))  # fmt: skip

    # 6 cases
    rep.add(Heading(t["s_cases"]))
    cases = [
        c for c in plans.list_cases(session, zone_code=zone_code) if c.status in ("approved", "published")
    ]
    if not cases:
        rep.add(Paragraph(t["no_cases"]))
    for c in cases:
        rep.add(Heading(c.title, 2), Paragraph(c.summary))
        if c.body:
            rep.add(Paragraph(c.body))

    # appendix: data quality and lineage
    rep.add(Heading(t["s_appendix"]))
    for card in cards:
        rows = card["indicators"]
        n_ok = sum(r["value"] is not None for r in rows)
        rep.add(Paragraph(t["quality"].format(n_all=len(rows), n_ok=n_ok, n_missing=len(rows) - n_ok)))
        for r in rows:
            if r.get("id") is not None:
                rep.add(_lineage_table(session, r, year, t, ui, tab()))
    return rep


def _lineage_table(session: Session, r: dict, year: int, t: dict[str, str], ui: str, n: int) -> Table:
    """One value's lineage as a two-column table a reader can follow: what the value is, where it comes from
    (source kind, standard editions, method, valid-data counts, inputs, imports with their SHA-256)."""
    e = assessment.explain(session, int(r["id"]))
    lineage = e.get("lineage") or {}
    en = ui == "en"
    name_ = _ind_name(r, "en" if en else "zh")
    standards = "、".join(str(v) for v in (lineage.get("standards") or {}).values())
    counts = "；".join(f"{count_name(k, ui)} {v}" for k, v in (lineage.get("counts") or {}).items())
    inputs = "；".join(f"{t.get('input_' + k, k)}：{v}" for k, v in (lineage.get("inputs") or {}).items())
    imports = "；".join(f"{i['file_name']}（SHA-256 {i['sha256'][:16]}…）" for i in e.get("imports", []))
    rows = [
        [t["number"], f"{number(e['value'])} {e.get('unit') or ''}".strip()],
        [t["value_id"], f"{int(r['id'])}（{t['explain_hint'].format(id=int(r['id']))}）"],
        [t["source_kind"], code_name(ui, "source_kind", e.get("source_kind"))],
        [t["edition"], (e.get("edition") or "—") + (f"（{standards}）" if standards else "")],
        [t["method"], e.get("method") or "—"],
        [t["counts"], counts or "—"],
        [t["inputs"], "；".join(x for x in (inputs, e.get("source_document") or "", imports) if x) or "—"],
    ]
    return Table([t["field"], t["value"]], rows, key=f"lineage-{r['indicator']}",
                 caption=t["lineage_caption"].format(n=n, indicator=f"{name_}（{r['indicator']}，{year}）"))  # fmt: skip


def _meets(current: pd.Series, comparator: pd.Series, target: pd.Series) -> pd.Series:
    """Whether each current value meets its goal (``<``, ``<=``, ``>``, ``>=``); NaN where there is no value."""
    ops = {"<": current < target, "<=": current <= target, ">": current > target, ">=": current >= target}
    out = pd.Series(pd.NA, index=current.index, dtype="object")
    for op, mask in ops.items():
        sel = (comparator == op) & current.notna()
        out[sel] = mask[sel]
    return out
