"""Service API of the assessment (called by the web layer, the CLI and the reports).

* :func:`assessment_frame` — every indicator value of a level and year with target, attainment, score,
  standing, improvement and trajectory;
* :func:`zone_scorecard` — one division's scorecard (indicators, domain scores, overall score, notes);
* :func:`ranking` — one indicator across the divisions of a level (ranks hideable);
* :func:`explain` / :func:`explain_indicator` — the chain of a number down to its data.

Editions: the value of a year is the one computed under the edition in force for that year (air: 2026 from the
year 2026 on, HJ 663-2026 §… in force 2026-03-01); a baseline is taken under the same edition as the current
value. When the baseline under that edition has not been computed, the improvement is reported as
``edition-mismatch`` with the command that recomputes it — never compared across editions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.assessment.editions import current_edition
from pioneer.assessment.progress import improvement, trajectory
from pioneer.assessment.scores import (
    applicable_targets,
    attainment,
    domain_scores,
    national_targets,
    overall_scores,
    scores,
)
from pioneer.assessment.standing import (
    RANKS_NOTE_EN,
    RANKS_NOTE_ZH,
    division_level,
    hide_ranks_default,
    in_level,
    standing,
)
from pioneer.assessment.trends import TREND_NAMES, annual_trends
from pioneer.assessment.verdicts import (
    VerdictRule,
    default_rule,
    division_verdicts,
    improvement_verdicts,
    standing_verdicts,
    tier_verdicts,
    verdict_lists_by_key,
)
from pioneer.indicators.catalogue import Catalogue, default_catalogue
from pioneer.indicators.choices import DOMAIN_NAMES
from pioneer.indicators.models import IndicatorImport, IndicatorValue
from pioneer.indicators.store import read_targets, read_values
from pioneer.standards.divisions import MUNICIPALITIES
from pioneer.web.i18n import TRAJECTORY_NAMES

DEFAULT_HORIZON = 2027


def _select_edition(
    values: pd.DataFrame, catalogue: Catalogue, year: int, baseline_year: int | None
) -> pd.DataFrame:
    std = {i.code: (i.source.standard or "") for i in catalogue.indicators}
    v = values.copy()
    v["_std"] = v["indicator"].map(std).fillna("")
    want = current_edition("air", year)
    cur = v[(v["year"] == year) & ((v["_std"] != "air") | (v["edition"] == want))]
    parts = [cur]
    if baseline_year is not None:
        base = v[v["year"] == baseline_year]
        # same edition as the current value where it exists, else the baseline's own (→ edition-mismatch)
        same = base.merge(
            cur[["division_code", "indicator", "edition"]], on=["division_code", "indicator", "edition"]
        )
        rest = base[~base.set_index(["division_code", "indicator"]).index.isin(
            same.set_index(["division_code", "indicator"]).index)]  # fmt: skip
        rest = rest.sort_values("edition").drop_duplicates(["division_code", "indicator"])
        parts += [same, rest]
    return pd.concat(parts, ignore_index=True).drop(columns=["_std"])


def assessment_frame(
    session: Session,
    year: int,
    *,
    level: str,
    baseline_year: int | None = None,
    horizon: int = DEFAULT_HORIZON,
    indicators: Iterable[str] | None = None,
    hide_ranks: bool | None = None,
    catalogue: Catalogue | None = None,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """All values of ``level`` divisions in ``year`` with target, attainment, score, standing, improvement
    (vs ``baseline_year``) and trajectory (to ``horizon``). ``values`` may be given instead of reading the
    database (benchmarks, tests)."""
    cat = catalogue or default_catalogue()
    years = [year] + ([baseline_year] if baseline_year is not None else [])
    v = values if values is not None else read_values(session, indicators=indicators, years=years)
    if indicators is not None:
        v = v[v["indicator"].isin(list(indicators))]
    v = v[in_level(v["division_code"].astype(str), level)].copy()
    if "edition" not in v.columns:
        v["edition"] = ""
    v["edition"] = v["edition"].fillna("")
    v = _select_edition(v, cat, year, baseline_year)
    v["level"] = level
    direction = {i.code: str(i.direction) for i in cat.indicators}
    v["direction"] = v["indicator"].map(direction)
    targets = national_targets(cat)
    if values is None:
        targets = pd.concat([targets, read_targets(session)], ignore_index=True)
    cur = v[v["year"] == year].copy()
    att = attainment(cur.drop(columns=["direction"]), targets, cat, horizon=horizon)
    sc = scores(cur[["division_code", "level", "indicator", "year", "value"]], cat, targets, horizon=horizon)
    st = standing(
        cur[["division_code", "indicator", "year", "value", "direction", "level"]], hide_ranks=hide_ranks
    )
    keys = ["division_code", "indicator"]
    out = att.merge(sc[[*keys, "score", "score_status", "floor", "target_bound", "floor_basis", "target_basis"]],
                    on=keys, how="left")  # fmt: skip
    out = out.merge(st[[*keys, "rank", "percentile", "n_peers", "ranks_hidden"]], on=keys, how="left")
    if baseline_year is not None:
        imp = improvement(v, year=year, baseline_year=baseline_year)
        out = out.merge(imp[[*keys, "baseline_value", "baseline_edition", "change", "relative_change", "improved",
                             "improvement_status"]], on=keys, how="left")  # fmt: skip
        tgt = applicable_targets(cur[[*keys, "year", "value"]], targets, horizon=horizon)
        tr = trajectory(v, tgt[[*keys, "comparator", "target"]], year=year, baseline_year=baseline_year,
                        target_year=int(horizon) if horizon > year else year + 1)  # fmt: skip
        out = out.merge(
            tr[[*keys, "actual_rate", "required_rate", "projected", "trajectory"]], on=keys, how="left"
        )
    return out


def zone_scorecard(
    session: Session,
    division_code: str,
    year: int,
    *,
    baseline_year: int | None = None,
    horizon: int = DEFAULT_HORIZON,
    level: str | None = None,
    indicators: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
    hide_ranks: bool | None = None,
    catalogue: Catalogue | None = None,
    rule: VerdictRule | None = None,
    shared: dict | None = None,
) -> dict[str, Any]:
    """Scorecard of one division: every assessed indicator (the catalogue's indicators for the division's tier
    unless ``indicators`` is given) — missing ones listed as missing, never estimated — with domain and overall
    scores, the notes a reader needs (ranks policy, values needing a source) and ``verdicts`` (全国前列 /
    改善幅度领先 among the divisions of its level, :func:`verdicts_of`).

    ``shared``: a dict the caller keeps while the stored values do not change (the web app: one per data
    version); the level-wide work — the assessment frames of the year and the baseline, the tier's verdicts and
    their lists, the same for every division of the level — is kept there and reused by the next division."""
    cat = catalogue or default_catalogue()
    lv = level or str(division_level(division_code))
    tier = "city" if lv == "city" else lv
    wanted = (
        list(indicators) if indicators is not None else [i.code for i in cat.indicators if tier in i.tiers]
    )
    key = ("level", year, lv, baseline_year, horizon, tuple(wanted), hide_ranks, id(cat), rule and rule.text)
    level_wide = shared.get(key) if shared is not None else None
    if level_wide is None:
        level_wide = _level_wide(session, year, lv, baseline_year, horizon, wanted, hide_ranks, cat, rule)
        if shared is not None:
            shared[key] = level_wide
    frame, tier, lists = level_wide
    mine = frame[frame["division_code"] == division_code]
    grid = pd.DataFrame({"division_code": division_code, "indicator": wanted, "year": year})
    mine = grid.merge(mine.drop(columns=["year"]), on=["division_code", "indicator"], how="left")
    mine["data_status"] = np.where(mine["value"].isna(), "missing", "ok")
    header = {"division_code": division_code, "year": year, "level": lv, "baseline_year": baseline_year,
              "horizon": horizon}  # fmt: skip
    card = scorecard(mine, header, catalogue=cat, weights=weights, hide_ranks=hide_ranks)
    tr = division_trends(session, division_code, wanted, up_to=year, catalogue=cat).set_index("indicator")
    for r in card["indicators"]:
        r["trend"] = _jsonable(tr.loc[r["indicator"]].to_dict()) if r["indicator"] in tr.index else None
        if r["trend"] is not None:
            r["trend"]["trend_zh"], r["trend"]["trend_en"] = TREND_NAMES[str(r["trend"]["trend"])]
    if (
        lv == "city" or division_code in MUNICIPALITIES
    ):  # 城市空气质量达标管理 (municipalities are cities too): the plan to the horizon, or the next year
        from pioneer.assessment.attainment import division_plan

        card["attainment"] = division_plan(
            session, division_code, year=year, target_year=max(horizon, year + 1)
        )
    card["verdicts"] = verdicts_of(tier, division_code, hide_ranks=hide_ranks, lists=lists)
    return card


def _level_wide(session: Session, year: int, lv: str, baseline_year: int | None, horizon: int, wanted: list[str],
                hide_ranks: bool | None, cat: Catalogue, rule: VerdictRule | None) -> tuple:  # fmt: skip
    """What :func:`zone_scorecard` computes for the whole level: the year's assessment frame, the tier's
    verdicts (against the baseline year's frame) and their leading/lagging lists."""
    frame = assessment_frame(session, year, level=lv, baseline_year=baseline_year, horizon=horizon,
                             indicators=wanted, hide_ranks=hide_ranks, catalogue=cat)  # fmt: skip
    base = None
    if baseline_year is not None:
        base = assessment_frame(session, baseline_year, level=lv, horizon=horizon, indicators=wanted,
                                hide_ranks=hide_ranks, catalogue=cat)  # fmt: skip
    tier = tier_verdicts(frame, base, cat, rule=rule)
    return frame, tier, verdict_lists_by_key(tier)


def division_trends(session: Session, division_code: str, indicators: Iterable[str], *, up_to: int,
                    catalogue: Catalogue | None = None) -> pd.DataFrame:  # fmt: skip
    """Trend significance of each indicator of one division over every stored year ≤ ``up_to``
    (:func:`pioneer.assessment.trends.annual_trends`: Hamed–Rao Mann–Kendall, Theil–Sen slope with its 95 %
    interval), each year's value taken under the edition in force for that year (as the value itself is)."""
    cat = catalogue or default_catalogue()
    v = read_values(session, indicators=list(indicators), divisions=[division_code])
    std = {i.code: i.source.standard for i in cat.indicators}
    v["edition"] = v["edition"].fillna("")
    keep = [current_edition(std.get(str(i)), int(y)) in (None, e)
            for i, y, e in zip(v["indicator"], v["year"], v["edition"], strict=True)]  # fmt: skip
    v = v[pd.Series(keep, index=v.index, dtype=bool)] if len(v) else v
    v = v.assign(direction=v["indicator"].map({i.code: str(i.direction) for i in cat.indicators}))
    return annual_trends(v, up_to=up_to)


def verdicts_of(
    verdicts: pd.DataFrame, division_code: str, *, hide_ranks: bool | None = None,
    lists: dict[str, dict[str, list[str]]] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A division's verdicts (:func:`pioneer.assessment.verdicts.division_verdicts`, ``lists`` passed on), rank
    numbers blanked when ranks are hidden — the flags and the leading/lagging lists stay (they are the seed's
    requirement)."""
    v = division_verdicts(verdicts, division_code, lists=lists)
    if hide_ranks_default() if hide_ranks is None else hide_ranks:
        for item in v["items"]:
            for k in ("rank", "rank_from_worst", "improvement_rank", "worsening_rank"):
                item[k] = None
    return v


def verdicts(session: Session, year: int, *, level: str, baseline_year: int | None = None,
             horizon: int = DEFAULT_HORIZON, indicators: Iterable[str] | None = None, rule: VerdictRule | None = None,
             catalogue: Catalogue | None = None, values: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """全国前列 and 改善幅度领先 for every division of ``level`` in ``year``, per indicator (the catalogue's
    indicators of the tier unless ``indicators``), domain and overall
    (:func:`pioneer.assessment.verdicts.tier_verdicts`; rule :func:`pioneer.assessment.verdicts.default_rule`)."""
    cat = catalogue or default_catalogue()
    tier = "city" if level == "city" else level
    wanted = (
        list(indicators) if indicators is not None else [i.code for i in cat.indicators if tier in i.tiers]
    )
    cur = assessment_frame(session, year, level=level, baseline_year=baseline_year, horizon=horizon,
                           indicators=wanted, hide_ranks=False, catalogue=cat, values=values)  # fmt: skip
    base = None
    if baseline_year is not None:
        base = assessment_frame(session, baseline_year, level=level, horizon=horizon, indicators=wanted,
                                hide_ranks=False, catalogue=cat, values=values)  # fmt: skip
    return tier_verdicts(cur, base, cat, rule=rule)


def scorecard(
    mine: pd.DataFrame,
    header: Mapping[str, Any],
    *,
    catalogue: Catalogue,
    weights: Mapping[str, float] | None = None,
    hide_ranks: bool | None = None,
) -> dict[str, Any]:
    """A scorecard from the assessed rows of one division or zone (one row per assessed indicator, missing ones
    included): indicator rows with names, domain and overall scores, notes. ``header`` is copied in front."""
    cat = catalogue
    dom = domain_scores(mine[["division_code", "year", "indicator", "score"]], cat)
    overall = overall_scores(dom, weights=weights)
    hide = hide_ranks_default() if hide_ranks is None else hide_ranks
    rows = []
    for r in mine.to_dict("records"):
        ind = cat.indicator(str(r["indicator"]))
        r = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
        r.update(name_zh=ind.name_zh, name_en=ind.name_en, domain=str(ind.domain), unit=ind.unit,
                 direction=str(ind.direction), needs_source=ind.needs_source)  # fmt: skip
        if "trajectory" in r and r["trajectory"] is not None:
            r["trajectory_zh"], r["trajectory_en"] = TRAJECTORY_NAMES[str(r["trajectory"])]
        if hide:
            r["rank"] = None
        rows.append(_jsonable(r))
    notes = [{"zh": RANKS_NOTE_ZH, "en": RANKS_NOTE_EN}]
    if any(r["needs_source"] for r in rows):
        notes.append({"zh": "标注 * 的指标定义或目标值尚未核对原文，仅供参考",
                      "en": "Indicators marked * have a definition or target not yet checked against its source"})  # fmt: skip
    domains = [
        _jsonable(
            {
                **{str(k): x for k, x in d.items()},
                "name_zh": DOMAIN_NAMES[d["domain"]][0],
                "name_en": DOMAIN_NAMES[d["domain"]][1],
            }
        )
        for d in dom.to_dict("records")
    ]
    ov = (
        overall.to_dict("records")[0]
        if len(overall)
        else {"overall_score": None, "overall_status": "insufficient-data"}
    )
    return {
        **header, "ranks_hidden": hide, "indicators": rows, "domains": domains,
        "overall": _jsonable(ov), "weights": dict(weights) if weights else "equal", "notes": notes,
    }  # fmt: skip


def ranking(session: Session, indicator: str, level: str, year: int, *, hide_ranks: bool | None = None,
            catalogue: Catalogue | None = None, values: pd.DataFrame | None = None,
            rule: VerdictRule | None = None) -> pd.DataFrame:  # fmt: skip
    """``indicator`` across the divisions of ``level`` in ``year``: value, score, rank (hideable), percentile,
    peers, ``leading`` (全国前列) and ``lagging`` under ``rule`` (:mod:`pioneer.assessment.verdicts`); sorted best
    first. Divisions without a value are listed last with no rank."""
    f = assessment_frame(session, year, level=level, indicators=[indicator], hide_ranks=hide_ranks,
                         catalogue=catalogue, values=values)  # fmt: skip
    asc = f["direction"].iloc[0] == "lower" if len(f) else True
    cat = catalogue or default_catalogue()
    ind = cat.get(indicator)
    v = standing_verdicts(f.drop(columns=["rank"]), better=f["direction"], rule=rule,
                          decimals=ind.decimals if ind else None)  # fmt: skip
    f = f.assign(leading=v["leading"], lagging=v["lagging"], verdict_rule=v["rule"])
    f = f.sort_values("value", ascending=asc, na_position="last")
    cols = ["division_code", "indicator", "year", "value", "unit", "edition", "id", "score", "rank", "percentile",
            "n_peers", "ranks_hidden", "target", "attained", "leading", "lagging", "verdict_rule"]  # fmt: skip
    return f[[c for c in cols if c in f.columns]].reset_index(drop=True)


def explain(session: Session, value_id: int, *, catalogue: Catalogue | None = None,
            lake: Any = None) -> dict[str, Any]:  # fmt: skip
    """The chain of one stored value: indicator definition and its sources, the value, the standard edition,
    the method, counts and inputs (lineage), ``import_ids`` — every import its lineage names (the reported
    template's ``import_id``, the file imports of ``lineage.inputs.imports`` (the carbon binding's series and account)
    and the lake imports of ``lineage.inputs.lake_imports``) — and ``imports``, one
    record per id: template uploads from the app database (``kind`` = ``template``), lake imports from the
    lake's provenance (``kind`` = ``lake``: file, sha256, who, when, rows, status), ``kind`` = ``missing`` for
    an id found in neither (e.g. a lake since rebuilt)."""
    cat = catalogue or default_catalogue()
    row = session.get(IndicatorValue, value_id)
    if row is None:
        raise KeyError(value_id)
    ind = cat.get(row.indicator)
    lake_ids = [str(i) for i in (row.lineage or {}).get("inputs", {}).get("lake_imports", [])]
    file_ids = [
        str(i) for i in (row.lineage or {}).get("inputs", {}).get("imports", [])
    ]  # e.g. carbon binding
    ids = sorted({*([row.import_id] if row.import_id else []), *lake_ids, *file_ids})
    found: dict[str, dict[str, Any]] = {}
    if ids:
        for imp in session.execute(select(IndicatorImport).where(IndicatorImport.id.in_(ids))).scalars():
            found[imp.id] = {"id": imp.id, "kind": "template", "file_name": imp.file_name, "sha256": imp.sha256,
                             "n_rows": imp.n_rows, "submitted_by": imp.submitted_by,
                             "created_at": str(imp.created_at)}  # fmt: skip
    if lake_ids:
        found.update(_lake_imports(lake, set(lake_ids) - set(found)))
    imports = [found.get(i, {"id": i, "kind": "missing"}) for i in ids]
    return _jsonable({
        "value_id": row.id, "division_code": row.division_code, "indicator": row.indicator, "year": row.year,
        "value": row.value, "unit": row.unit, "edition": row.edition or None, "source_kind": row.source_kind,
        "method": row.method, "source_document": row.source_document, "import_id": row.import_id,
        "lineage": row.lineage, "import_ids": ids, "imports": imports,
        "definition": None if ind is None else {
            "name_zh": ind.name_zh, "name_en": ind.name_en, "domain": str(ind.domain), "direction": str(ind.direction),
            "source": ind.source.model_dump(mode="json"), "confidence": str(ind.confidence),
            "needs_source": ind.needs_source, "frameworks": [f.model_dump(mode="json") for f in ind.frameworks],
            "targets": [t.model_dump(mode="json") for t in ind.targets],
        },
    })  # fmt: skip


def _lake_imports(lake: Any, ids: set[str]) -> dict[str, dict[str, Any]]:
    """Provenance of the lake imports ``ids`` (the configured lake unless ``lake`` is given); {} without a lake."""
    if not ids:
        return {}
    from pioneer.lake.storage import Lake

    try:
        records = (lake or Lake()).records()
    except (OSError, ValueError):
        return {}
    return {
        str(r["import_id"]): {
            "id": str(r["import_id"]), "kind": "lake", "file_name": r.get("file"), "sha256": r.get("sha256"),
            "n_rows": r.get("rows_accepted"), "submitted_by": r.get("who"), "created_at": r.get("finished_at"),
            "status": r.get("status"),
        }
        for r in records if str(r.get("import_id")) in ids
    }  # fmt: skip


def _indicator_verdict(
    frame: pd.DataFrame, division_code: str, *, rule: VerdictRule | None
) -> dict[str, Any]:
    """How the indicator's 全国前列 / 改善幅度领先 verdicts of ``division_code`` come about: the rule, the cut-off,
    the rank among the divisions with a value and the leading/lagging lists (:mod:`pioneer.assessment.verdicts`)."""
    rule = rule or default_rule()
    f = frame.copy()
    if "baseline_value" not in f.columns:
        f["baseline_value"] = np.nan
    ok = (
        f["improvement_status"] == "ok"
        if "improvement_status" in f.columns
        else pd.Series(False, index=f.index)
    )
    f["baseline_value"] = f["baseline_value"].where(ok)
    st = standing_verdicts(f, better=f["direction"], rule=rule)
    pct = str(f["unit"].iloc[0]) == "%" if "unit" in f.columns and len(f) else False
    imp = improvement_verdicts(f, better=f["direction"], rule=rule, measure="difference" if pct else "rate")
    me = f["division_code"] == division_code
    s, i = st[me].iloc[0], imp[me].iloc[0]

    def val(x: Any) -> Any:
        return None if x is pd.NA or (isinstance(x, float) and np.isnan(x)) else x

    return _jsonable({
        "rule": rule.text, "rule_zh": rule.describe()["zh"], "rule_en": rule.describe()["en"],
        "n_ranked": val(s["n_ranked"]), "cutoff": val(s["cutoff"]), "rank": val(s["rank"]),
        "leading": val(s["leading"]), "lagging": val(s["lagging"]),
        "leading_list": [str(c) for c in st[st["leading"].fillna(False).astype(bool)].sort_values("rank")["division_code"]],
        "improvement_measure": "difference" if pct else "rate", "improvement": val(i["improvement"]),
        "improvement_rank": val(i["improvement_rank"]), "leads_improvement": val(i["leads_improvement"]),
        "improvement_leading_list": [str(c) for c in imp[imp["leads_improvement"].fillna(False).astype(bool)]
                                     .sort_values("improvement_rank")["division_code"]],
    })  # fmt: skip


def explain_indicator(session: Session, division_code: str, indicator: str, year: int, *,
                      baseline_year: int | None = None, horizon: int = DEFAULT_HORIZON,
                      rule: VerdictRule | None = None) -> dict[str, Any]:  # fmt: skip
    """Explain a division's indicator in a year: the stored value's chain (:func:`explain`) plus how its score,
    target attainment, standing, verdicts (全国前列 / 改善幅度领先 under ``rule``) and (with ``baseline_year``)
    improvement and trajectory were computed."""
    lv = str(division_level(division_code))
    f = assessment_frame(
        session, year, level=lv, baseline_year=baseline_year, horizon=horizon, indicators=[indicator]
    )
    mine = f[f["division_code"] == division_code]
    if mine.empty or pd.isna(mine["id"].iloc[0]):
        raise KeyError((division_code, indicator, year))
    r = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in mine.iloc[0].to_dict().items()}
    chain = explain(session, int(str(r["id"])))
    chain["assessment"] = _jsonable({
        "score": r.get("score"), "score_status": r.get("score_status"),
        "score_formula": "score = clip(100·(x − floor)/(target − floor), 0, 100)",
        "floor": r.get("floor"), "floor_basis": r.get("floor_basis"), "target_bound": r.get("target_bound"),
        "target_basis": r.get("target_basis"),
        "target": r.get("target"), "comparator": r.get("comparator"), "target_year": r.get("target_year"),
        "target_scope": r.get("target_scope"), "attained": r.get("attained"), "distance": r.get("distance"),
        "rank": r.get("rank"), "percentile": r.get("percentile"), "n_peers": r.get("n_peers"), "level": lv,
        "ranks_hidden": r.get("ranks_hidden"),
        "baseline_year": baseline_year, "baseline_value": r.get("baseline_value"),
        "baseline_edition": r.get("baseline_edition"), "change": r.get("change"),
        "improvement_status": r.get("improvement_status"), "trajectory": r.get("trajectory"),
        "actual_rate": r.get("actual_rate"), "required_rate": r.get("required_rate"),
    })  # fmt: skip
    chain["assessment"]["verdict"] = _indicator_verdict(f, division_code, rule=rule)
    if r.get("improvement_status") == "edition-mismatch":
        chain["assessment"]["action"] = (
            f"pioneer compute --division {division_code} --year {baseline_year} --edition {r.get('edition')}"
        )
    return chain


def _jsonable(d: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, np.generic):
            v = v.item()
        if v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            v = None
        out[str(k)] = v
    return out
