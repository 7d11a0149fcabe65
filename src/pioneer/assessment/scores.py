"""Target attainment and normalised 0–100 scores (floor → 0, target → 100), domain and overall scores.

Method (as the Yale EPI and the SDSN SDG Index rescale indicators; documented in ``docs/indicators.md``):

    score = 100 · (x − floor) / (target − floor), clipped to [0, 100]

which serves both directions (for lower-is-better indicators target < floor). Bounds come, in this order, from
the catalogue's ``scoring`` block, else: target = the indicator's national target for the assessment horizon,
or the best 2.5 % value (97.5th percentile in the better direction) of the divisions of the same level in that
year; floor = the worst 2.5 % value of that distribution (SDG Index: censoring the bottom 2.5 % of observations).
Distribution-based bounds need at least ``MIN_DISTRIBUTION`` values; otherwise the score is missing, with the
reason stated. Percentiles are linear (numpy "linear", Hyndman–Fan type 7).

Scores cannot invert (a better value never scores lower): the floor must lie strictly on the worse side of the
target. Where it does not — a national target that every peer already beats, say forest cover 66–90 % against a
target of 26 % — the floor becomes the worst observed value of the distribution if that is worse than the target,
and otherwise there is no floor at all: every value that reaches the target scores 100 (a value short of it,
e.g. a zone scored against such peers, gets no score, ``no-bounds``). Property-tested in
``tests/unit/assessment/test_scores_monotone.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from pioneer.indicators.catalogue import Catalogue, Indicator
from pioneer.indicators.choices import Direction

MIN_DISTRIBUTION = 5
"""Fewest same-level values from which a distribution-based floor or target is taken."""
CENSOR_SHARE = 2.5
"""Percent of the distribution censored at each end for distribution-based bounds (SDG Index)."""
MIN_DOMAIN_COVERAGE = 0.5
"""A domain score needs scores for at least this share of the domain's assessed indicators."""


def is_attained(value: Any, comparator: Any, target: Any, direction: Any) -> Any:
    """Whether values meet targets (vectorised over Series): ``<``, ``<=``, ``>``, ``>=``; ``≈`` ("左右") counts as
    met when the value reaches the target in the indicator's better direction. NaN where value or target is
    missing."""
    v = pd.Series(value, dtype="float64")
    t = pd.Series(target, dtype="float64", index=v.index)
    c = pd.Series(comparator, dtype="object", index=v.index)
    d = pd.Series(direction, dtype="object", index=v.index)
    approx_hi = (c == "≈") & (d == Direction.HIGHER.value)
    approx_lo = (c == "≈") & (d == Direction.LOWER.value)
    met = np.select(
        [c == "<", c == "<=", c == ">", c == ">=", approx_hi, approx_lo],
        [v < t, v <= t, v > t, v >= t, v >= t, v <= t],
        default=False,
    )
    out = pd.Series(met, index=v.index, dtype="object")
    out[v.isna() | t.isna() | c.isna()] = None
    return out


def catalogue_frame(catalogue: Catalogue, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per indicator: code, domain, direction, unit, decimals, scoring floor/target/basis."""
    wanted = set(codes) if codes is not None else None
    rows = [
        {
            "indicator": i.code, "domain": str(i.domain), "direction": str(i.direction), "unit": i.unit,
            "decimals": i.decimals,
            "cat_floor": i.scoring.floor if i.scoring else np.nan,
            "cat_target": i.scoring.target if i.scoring else np.nan,
            "cat_basis": i.scoring.basis if i.scoring else None,
        }
        for i in catalogue.indicators if wanted is None or i.code in wanted
    ]  # fmt: skip
    return pd.DataFrame(rows)


def national_targets(catalogue: Catalogue) -> pd.DataFrame:
    """National targets of the catalogue: ``indicator, target_year, comparator, target, target_source,
    target_confidence, division_code`` (division_code empty = national)."""
    rows = [
        {"indicator": i.code, "division_code": "", "target_year": t.year, "comparator": str(t.comparator),
         "target": t.value, "target_source": t.source, "target_confidence": str(t.confidence)}
        for i in catalogue.indicators for t in i.targets if t.scope == "national"
    ]  # fmt: skip
    cols = ["indicator", "division_code", "target_year", "comparator", "target", "target_source",
            "target_confidence"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def applicable_targets(values: pd.DataFrame, targets: pd.DataFrame, *, horizon: int) -> pd.DataFrame:
    """For each (division, indicator) of ``values`` the target to judge against: the division's own target for
    ``horizon`` if there is one, else the national target for ``horizon``, else the earliest national target
    after the values' year. Returns ``values`` with ``target_year, comparator, target, target_source,
    target_scope`` (null where no target exists — never invented)."""
    v = values.copy()
    t = targets.copy()
    t["division_code"] = t["division_code"].fillna("")
    own = t[(t.division_code != "") & (t.target_year == horizon)]
    nat = t[t.division_code == ""]
    cols = ["target_year", "comparator", "target", "target_source"]
    m = v.merge(own[["division_code", "indicator", *cols]], on=["division_code", "indicator"], how="left")
    m["target_scope"] = pd.Series("division", index=m.index, dtype="object").where(m["target"].notna(), None)
    nat_h = nat[nat.target_year == horizon][["indicator", *cols]].rename(columns={c: f"n_{c}" for c in cols})
    m = m.merge(nat_h, on="indicator", how="left")
    later = nat[nat.target_year >= horizon].sort_values("target_year").drop_duplicates("indicator")
    later = later[["indicator", *cols]].rename(columns={c: f"l_{c}" for c in cols})
    m = m.merge(later, on="indicator", how="left")
    for pref, scope in (("n_", "national"), ("l_", "national-later")):
        use = m["target"].isna() & m[f"{pref}target"].notna()
        for c in cols:
            m[c] = m[c].where(~use, m[f"{pref}{c}"])
        m["target_scope"] = m["target_scope"].where(~use, scope)
    return m.drop(columns=[f"{p}{c}" for p in ("n_", "l_") for c in cols])


def attainment(
    values: pd.DataFrame, targets: pd.DataFrame, catalogue: Catalogue, *, horizon: int
) -> pd.DataFrame:
    """Target attainment and distance to target.

    ``values``: ``division_code, indicator, year, value``. Adds the applicable target (see
    :func:`applicable_targets`), ``attained`` (bool, null without value or target) and ``distance`` — how far the
    value still is from the target in the indicator's units, ≥ 0, 0 when attained (null without target).
    """
    cat = catalogue_frame(catalogue)[["indicator", "direction"]]
    m = applicable_targets(values, targets, horizon=horizon).merge(cat, on="indicator", how="left")
    m["attained"] = is_attained(m["value"], m["comparator"], m["target"], m["direction"])
    v, t = m["value"].astype("float64"), m["target"].astype("float64")
    gap = np.where(m["direction"] == Direction.HIGHER.value, t - v, v - t)
    m["distance"] = np.clip(gap, 0, None)
    return m


def score_bounds(
    values: pd.DataFrame, catalogue: Catalogue, targets: pd.DataFrame, *, horizon: int
) -> pd.DataFrame:
    """Floor and target of the 0–100 score per ``indicator, level, year`` (module docstring for the rules).

    ``values`` needs ``indicator, level, year, value``. Returns ``indicator, level, year, floor, target_bound,
    floor_basis, target_basis, n_distribution``.
    """
    cat = catalogue_frame(catalogue)
    v = values.dropna(subset=["value"])
    g = v.groupby(["indicator", "level", "year"])["value"]
    dist = pd.DataFrame({
        "n_distribution": g.size(),
        "p_lo": g.quantile(CENSOR_SHARE / 100),
        "p_hi": g.quantile(1 - CENSOR_SHARE / 100),
        "v_min": g.min(),
        "v_max": g.max(),
    }).reset_index()  # fmt: skip
    keys = values[["indicator", "level", "year"]].drop_duplicates()
    b = keys.merge(dist, on=["indicator", "level", "year"], how="left").merge(cat, on="indicator", how="left")
    b["n_distribution"] = b["n_distribution"].fillna(0).astype("int64")
    nat = national_targets(catalogue)
    nat = nat[nat.target_year >= horizon].sort_values("target_year").drop_duplicates("indicator")
    b = b.merge(nat[["indicator", "target", "target_year", "target_source"]], on="indicator", how="left")
    higher = b["direction"] == Direction.HIGHER.value
    enough = b["n_distribution"] >= MIN_DISTRIBUTION
    best = np.where(higher, b["p_hi"], b["p_lo"])
    worst = np.where(higher, b["p_lo"], b["p_hi"])
    has_cat = b["cat_floor"].notna()
    has_nat = b["target"].notna()
    b["floor"] = np.where(has_cat, b["cat_floor"], np.where(enough, worst, np.nan))
    b["target_bound"] = np.where(has_cat, b["cat_target"], np.where(has_nat, b["target"],
                                 np.where(enough, best, np.nan)))  # fmt: skip
    dist_txt = f"{100 - CENSOR_SHARE:g}th/{CENSOR_SHARE:g}th percentile of " + b["level"].astype(str) + \
        "-level values in " + b["year"].astype(str) + " (n=" + b["n_distribution"].astype(str) + ")"  # fmt: skip
    b["floor_basis"] = np.where(has_cat, "catalogue: " + b["cat_basis"].fillna(""),
                                np.where(enough, "worst " + dist_txt, "undetermined: fewer than "
                                         f"{MIN_DISTRIBUTION} values"))  # fmt: skip
    nat_txt = "national target " + b["target_year"].astype("Int64").astype(str) + " (" + \
        b["target_source"].fillna("") + ")"  # fmt: skip
    b["target_basis"] = np.where(has_cat, "catalogue: " + b["cat_basis"].fillna(""),
                                 np.where(has_nat, nat_txt, np.where(enough, "best " + dist_txt,
                                          f"undetermined: no target and fewer than {MIN_DISTRIBUTION} values")))  # fmt: skip
    # no inversion: the floor must be strictly worse than the target (module docstring)
    sign = np.where(higher, 1.0, -1.0)
    inverted = b["floor"].notna() & b["target_bound"].notna() & (sign * (b["target_bound"] - b["floor"]) <= 0)
    observed_worst = pd.Series(np.where(higher, b["v_min"], b["v_max"]), index=b.index)
    usable = inverted & observed_worst.notna() & (sign * (b["target_bound"] - observed_worst) > 0)
    b.loc[usable, "floor"] = observed_worst[usable]
    b.loc[usable, "floor_basis"] = "worst observed value of " + b["level"].astype(str) + "-level values in " + \
        b["year"].astype(str) + " (the floor first found was not worse than the target)"  # fmt: skip
    none = inverted & ~usable
    b.loc[none, "floor"] = np.nan
    b.loc[none, "floor_basis"] = "none: every value meets the target, which scores 100"
    b["all_meet_target"] = none
    return b[["indicator", "level", "year", "floor", "target_bound", "floor_basis", "target_basis",
              "n_distribution", "all_meet_target", "direction"]]  # fmt: skip


def scores(values: pd.DataFrame, catalogue: Catalogue, targets: pd.DataFrame | None = None, *,
           horizon: int = 2027) -> pd.DataFrame:  # fmt: skip
    """0–100 score of each value: 100·(x − floor)/(target − floor) clipped to [0, 100].

    ``values``: ``division_code, level, indicator, year, value``. A missing value (NaN) gives a missing score
    with ``score_status`` = ``missing-value``; undetermined bounds give ``no-bounds``. Nothing is imputed.
    """
    targets = national_targets(catalogue) if targets is None else targets
    return scores_with_bounds(values, score_bounds(values, catalogue, targets, horizon=horizon))


def scores_with_bounds(values: pd.DataFrame, bounds: pd.DataFrame) -> pd.DataFrame:
    """0–100 scores of ``values`` (``indicator, level, year, value``) against given ``bounds`` (the output of
    :func:`score_bounds`, e.g. taken from a peer group the scored rows do not belong to, as for zones)."""
    m = values.merge(bounds.drop(columns=[c for c in ("direction",) if c in values.columns]),
                     on=["indicator", "level", "year"], how="left")  # fmt: skip
    raw = 100 * (m["value"] - m["floor"]) / (m["target_bound"] - m["floor"])
    m["score"] = raw.clip(0, 100)
    # no floor because every peer meets the target: reaching the target scores 100, falling short has no score
    sign = np.where(m["direction"] == Direction.LOWER.value, -1.0, 1.0)
    meets = sign * (m["value"] - m["target_bound"]) >= 0
    full = m["all_meet_target"].fillna(False).astype(bool) & m["value"].notna()
    m.loc[full & meets, "score"] = 100.0
    m["score_status"] = np.select(
        [m["value"].isna(), full & meets, m["floor"].isna() | m["target_bound"].isna()],
        ["missing-value", "ok", "no-bounds"],
        default="ok",
    )
    return m.drop(columns=["all_meet_target"])


def domain_scores(scored: pd.DataFrame, catalogue: Catalogue, *,
                  min_coverage: float = MIN_DOMAIN_COVERAGE) -> pd.DataFrame:  # fmt: skip
    """Domain score = arithmetic mean of the domain's indicator scores (equal weights within a domain).

    Every indicator row present in ``scored`` counts as assessed; a domain's score is reported only when at
    least ``min_coverage`` of its assessed indicators have a score (else null, ``domain_status`` =
    ``insufficient-data``). Returns ``division_code, year, domain, domain_score, n_indicators, n_scored,
    coverage, missing`` (the codes without a score).
    """
    cat = catalogue_frame(catalogue)[["indicator", "domain"]]
    s = scored.drop(columns=[c for c in ("domain",) if c in scored.columns]).merge(
        cat, on="indicator", how="left"
    )
    s = s.assign(_has=s["score"].notna(), _missing=s["indicator"].where(s["score"].isna()))
    g = s.groupby(["division_code", "year", "domain"])
    d = g.agg(domain_score=("score", "mean"), n_indicators=("indicator", "size"), n_scored=("_has", "sum"))
    d = d.reset_index()
    d["missing"] = _joined(s, ["division_code", "year", "domain"], "_missing", d)
    d["coverage"] = d["n_scored"] / d["n_indicators"]
    ok = d["coverage"] >= min_coverage
    d["domain_score"] = d["domain_score"].where(ok)
    d["domain_status"] = np.where(ok, "ok", "insufficient-data")
    return d


def overall_scores(domains: pd.DataFrame, *, weights: Mapping[str, float] | None = None,
                   allow_partial: bool = False) -> pd.DataFrame:  # fmt: skip
    """Overall score = weighted mean of domain scores (default: equal weights over the domains assessed).

    A division missing a weighted domain score gets no overall score unless ``allow_partial``; then the weights
    are renormalised over the domains present and ``overall_status`` says ``partial`` and which are missing.
    """
    d = domains.copy()
    if weights is None:
        d["weight"] = 1.0
    else:
        unknown = set(weights) - set(d["domain"].unique())
        d["weight"] = d["domain"].map(lambda k: float(weights.get(str(k), 0.0)))
        del unknown  # weights for domains absent from this assessment simply do not apply
    d = d[d["weight"] > 0]
    d = d.assign(_wx=d["weight"] * d["domain_score"], _w_ok=d["weight"].where(d["domain_score"].notna(), 0.0),
                 _miss=d["domain"].where(d["domain_score"].isna()))  # fmt: skip
    g = d.groupby(["division_code", "year"])
    o = g.agg(_wx=("_wx", "sum"), _w_ok=("_w_ok", "sum"), _w=("weight", "sum"), n_domains=("domain", "size"))
    o = o.reset_index()
    o["missing_domains"] = _joined(d, ["division_code", "year"], "_miss", o)
    complete = o["missing_domains"] == ""
    value = o["_wx"] / o["_w_ok"].replace(0.0, np.nan)
    o["overall_score"] = value.where(complete | allow_partial)
    o["overall_status"] = np.where(complete, "ok", np.where(allow_partial & (o["_w_ok"] > 0), "partial",
                                                            "insufficient-data"))  # fmt: skip
    return o.drop(columns=["_wx", "_w_ok", "_w"])


def _joined(rows: pd.DataFrame, keys: list[str], column: str, groups: pd.DataFrame) -> pd.Series:
    """Comma-joined sorted non-null ``column`` values of ``rows`` per ``keys``, aligned with ``groups``
    ("" where a group has none). Only the rows with a value are grouped."""
    present = rows[rows[column].notna()][[*keys, column]].astype({column: str}).sort_values([*keys, column])
    joined = present.groupby(keys, sort=False)[column].agg(",".join).rename("_joined").reset_index()
    return groups[keys].merge(joined, on=keys, how="left")["_joined"].fillna("").set_axis(groups.index)


def indicator_for(catalogue: Catalogue, code: str) -> Indicator | None:
    return catalogue.get(code)
