"""Verdicts of the seed: "处于全国前列" (in the national front rank) and "改善幅度处于全国领先水平" (improvement leading
nationally), for any ranked set of divisions with values — one indicator, a domain score or the overall score.

The seed does not say how far "前列" reaches. Pioneer states the rule and lets the caller change it
(:class:`VerdictRule`; ``PIONEER_VERDICT_RULE``, ``--rule`` on the CLI):

* **Default: the best 10 % of the divisions of the tier with a value, at least one, rounded up, ties at the
  cut-off included** (``top-share:0.10``). Reason: the national office's own lists are of that size — the CNEMC
  monthly and annual releases name the best 20 of the 168 key cities (11.9 %) and the 城市环境空气质量变化程度排名
  方案 (2017) the 10 most improved; a share keeps the meaning for the 31 provinces, the 339 cities and the counties
  alike. Confidence: **assumed** (project rule; no text defines 前列).
* ``top-n:N``: the best N (ties at the cut-off included).

Standing (全国前列): divisions ranked by value in the indicator's better direction, ties shared (1, 2, 2, 4),
compared at ``decimals`` when given (the published precision). ``leading`` = rank ≤ cut-off; ``lagging`` (后列) =
rank from the worst ≤ cut-off and not leading (with few divisions the two would overlap; the front rank wins).

Improvement (改善幅度领先), as the national office ranks it (城市环境空气质量变化程度排名方案, 2017, as reported;
docs/standards/air.md): the change rate (I − I₀)/I₀ × 100 [%] against the baseline, rounded half-even to 0.1,
ranked in the better direction (for a lower-is-better value such as the composite index or the CWQI the most
negative rate is the most improved), equal rates tied. ``measure="difference"`` ranks the change in units instead
(scores, shares in %, where a rate of a rate misleads). ``leads_improvement`` needs a real improvement (> 0) and a
rank ≤ cut-off; ``lags_improvement`` (恶化幅度居前) a worsening and a rank from the worst ≤ cut-off, except for the
divisions flagged ``exempt`` — the 2017 方案 leaves out of the worsening list the cities whose every pollutant meets
grade II.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from pioneer.config import settings
from pioneer.errors import InputError
from pioneer.indicators.choices import Direction
from pioneer.standards.common import round_half_even

RATE_DECIMALS = 1
"""Change rates are compared at 0.1 % (the national releases publish 变化率 to one decimal)."""

VERDICT_NAMES = {
    "leading": ("处于全国前列", "In the national front rank"),
    "lagging": ("处于全国后列", "In the national rear rank"),
    "leads_improvement": ("改善幅度全国领先", "Improvement leading nationally"),
    "lags_improvement": ("恶化幅度居前", "Among the largest deteriorations"),
}


@dataclass(frozen=True)
class VerdictRule:
    """How far the front rank reaches: ``top_share`` (a share of the ranked divisions, rounded up, ≥ 1) or
    ``top_n``; divisions tied with the last one inside are included."""

    kind: Literal["top_share", "top_n"] = "top_share"
    share: float = 0.10
    n: int = 10

    def __post_init__(self) -> None:
        if self.kind not in ("top_share", "top_n"):
            raise ValueError(f"unknown verdict rule kind {self.kind!r}")
        if self.kind == "top_share" and not 0 < self.share <= 1:
            raise ValueError("share must lie in (0, 1]")
        if self.kind == "top_n" and self.n < 1:
            raise ValueError("n must be at least 1")

    def cutoff(self, n_ranked: int) -> int:
        """Last rank inside the front rank for ``n_ranked`` divisions with a value (0 when none)."""
        if n_ranked <= 0:
            return 0
        if self.kind == "top_n":
            return min(self.n, n_ranked)
        return max(1, min(n_ranked, math.ceil(self.share * n_ranked - 1e-9)))

    @property
    def text(self) -> str:
        return f"top-share:{self.share:g}" if self.kind == "top_share" else f"top-n:{self.n}"

    def describe(self) -> dict[str, str]:
        if self.kind == "top_share":
            pct = f"{100 * self.share:g}"
            return {"rule": self.text, "zh": f"同级有数值的行政区中前 {pct}%（向上取整，至少 1 个，并列计入）",
                    "en": f"the best {pct} % of the divisions of the tier with a value (rounded up, at least one, "
                          "ties included)"}  # fmt: skip
        return {"rule": self.text, "zh": f"同级有数值的行政区中前 {self.n} 名（并列计入）",
                "en": f"the best {self.n} divisions of the tier with a value (ties included)"}  # fmt: skip

    @classmethod
    def parse(cls, text: str) -> VerdictRule:
        """``top-share:0.1`` or ``top-n:20``; a bad text raises a bilingual :class:`InputError`."""
        kind, _, arg = text.strip().lower().partition(":")
        try:
            if kind == "top-share":
                return cls("top_share", share=float(arg))
            if kind == "top-n":
                return cls("top_n", n=int(arg))
        except ValueError:
            pass
        raise InputError("规则应为 top-share:比例（0–1）或 top-n:名次数", "rule must be top-share:SHARE (0–1) or "
                         "top-n:N", column="rule", value=text)  # fmt: skip


DEFAULT_RULE = VerdictRule()


def default_rule() -> VerdictRule:
    """``PIONEER_VERDICT_RULE`` (``top-share:…`` / ``top-n:…``) — the deployment's choice; else :data:`DEFAULT_RULE`."""
    text = settings().verdict_rule.strip()
    return VerdictRule.parse(text) if text else DEFAULT_RULE


def _sign(better: Any, index: pd.Index) -> pd.Series:
    d = pd.Series(better, index=index, dtype="object") if not isinstance(better, pd.Series) else better
    return pd.Series(np.where(d.astype(str) == Direction.LOWER.value, -1.0, 1.0), index=index)


def _ranks(key: pd.Series, groups: list[pd.Series] | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Competition ranks from the best (largest key) and from the worst, and the count with a key, per group."""
    frame = pd.DataFrame({"k": key})
    if groups:
        for i, g in enumerate(groups):
            frame[f"g{i}"] = g.to_numpy()
        gb = frame.groupby([f"g{i}" for i in range(len(groups))], dropna=False)["k"]
        best = gb.rank(method="min", ascending=False)
        worst = gb.rank(method="min", ascending=True)
        n = gb.transform("count")
    else:
        best = frame["k"].rank(method="min", ascending=False)
        worst = frame["k"].rank(method="min", ascending=True)
        n = pd.Series(frame["k"].notna().sum(), index=frame.index)
    return best.astype("Int64"), worst.astype("Int64"), n.astype("int64")


def _cutoffs(n: pd.Series, rule: VerdictRule) -> pd.Series:
    return pd.Series([rule.cutoff(int(k)) for k in n.to_numpy()], index=n.index, dtype="int64")


def standing_verdicts(frame: pd.DataFrame, *, value: str = "value", better: Any = "higher",
                      group: Sequence[str] = (), rule: VerdictRule | None = None,
                      decimals: int | None = None) -> pd.DataFrame:  # fmt: skip
    """全国前列 / 后列 of each row among the rows of its ``group`` (e.g. ``indicator, year``).

    Parameters
    ----------
    frame : rows with ``value`` (division values of one tier; NaN = no value, not ranked).
    better : ``"higher"`` / ``"lower"`` or a Series of them (the indicator's better direction).
    group : columns whose combinations are ranked separately.
    rule : :class:`VerdictRule` (default :func:`default_rule`).
    decimals : compare values at this precision (the published one), ties shared.

    Returns
    -------
    ``frame`` with ``rank`` (1 = best), ``rank_from_worst``, ``n_ranked``, ``cutoff``, ``leading``, ``lagging``
    (nullable booleans: NA without a value) and ``rule``.
    """
    rule = rule or default_rule()
    f = frame.copy()
    x = f[value].astype("float64")
    if decimals is not None:
        x = pd.Series(round_half_even(x.to_numpy(), decimals), index=f.index)
    key = _sign(better, f.index) * x
    best, worst, n = _ranks(key, [f[g] for g in group] if group else None)
    f["rank"], f["rank_from_worst"], f["n_ranked"] = best, worst, n
    f["cutoff"] = _cutoffs(n, rule)
    has = x.notna()
    f["leading"] = pd.array(np.where(has, best.fillna(0).to_numpy() <= f["cutoff"], False), dtype="boolean")
    # a division is never both: with few divisions the front rank wins (one division alone is the front rank)
    lag = (worst.fillna(0).to_numpy() <= f["cutoff"].to_numpy()) & ~f["leading"].fillna(False).to_numpy(
        dtype=bool
    )
    f["lagging"] = pd.array(np.where(has, lag, False), dtype="boolean")
    f.loc[~has, ["leading", "lagging"]] = pd.NA
    f["rule"] = rule.text
    return f


def change_rate(current: Any, baseline: Any) -> np.ndarray:
    """Change rate (x − x₀)/x₀ × 100 [%], rounded half-even to 0.1 (城市环境空气质量变化程度排名方案 2017, as
    reported: "综合指数同比变化率 … 大于0代表恶化、小于0代表改善"). NaN where x₀ ≤ 0 or a value is missing."""
    x = np.asarray(current, dtype="float64")
    x0 = np.asarray(baseline, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(x0 > 0, (x - x0) / x0 * 100.0, np.nan)
    return np.asarray(round_half_even(r, RATE_DECIMALS), dtype="float64")


def improvement_verdicts(frame: pd.DataFrame, *, value: str = "value", baseline: str = "baseline_value",
                         better: Any = "higher", measure: Literal["rate", "difference"] = "rate",
                         group: Sequence[str] = (), rule: VerdictRule | None = None,
                         exempt: str | None = None, decimals: Any = None) -> pd.DataFrame:  # fmt: skip
    """改善幅度领先 of each row among the rows of its ``group`` (module docstring for the rules).

    Returns ``frame`` with ``change`` (x − x₀, units), ``change_rate`` [%, 0.1; rate measure], ``improvement``
    (in the better direction: −rate for lower-is-better; %, or units with ``measure="difference"``),
    ``improvement_rank`` (1 = most improved, ties shared), ``worsening_rank``, ``n_ranked``, ``cutoff``,
    ``leads_improvement``, ``lags_improvement`` (NA without both values) and ``rule``. ``exempt`` names a
    boolean column of rows left out of the worsening list; ``decimals`` (an int or one per row) rounds the change
    of the difference measure before ranking.
    """
    rule = rule or default_rule()
    f = frame.copy()
    x, x0 = f[value].astype("float64"), f[baseline].astype("float64")
    f["change"] = x - x0
    s = _sign(better, f.index)
    if measure == "rate":
        f["change_rate"] = change_rate(x, x0)
        imp = s * f["change_rate"]
    elif measure == "difference":
        d = (
            f["change"]
            if decimals is None
            else pd.Series(
                round_half_even(f["change"].to_numpy(dtype="float64"), np.asarray(decimals)), index=f.index
            )
        )
        imp = s * d
    else:
        raise ValueError(f"measure must be 'rate' or 'difference', got {measure!r}")
    f["improvement"] = imp + 0.0  # −0.0 → 0.0
    best, worst, n = _ranks(f["improvement"], [f[g] for g in group] if group else None)
    f["improvement_rank"], f["worsening_rank"], f["n_ranked"] = best, worst, n
    f["cutoff"] = _cutoffs(n, rule)
    has = f["improvement"].notna()
    inside = best.fillna(0).to_numpy() <= f["cutoff"].to_numpy()
    worse_inside = worst.fillna(0).to_numpy() <= f["cutoff"].to_numpy()
    ex = f[exempt].fillna(False).astype(bool).to_numpy() if exempt else np.zeros(len(f), dtype=bool)
    f["leads_improvement"] = pd.array((has & inside & (f["improvement"] > 0)).to_numpy(), dtype="boolean")
    f["lags_improvement"] = pd.array(
        (has & worse_inside & (f["improvement"] < 0) & ~ex).to_numpy(), dtype="boolean"
    )
    f.loc[~has, ["leads_improvement", "lags_improvement"]] = pd.NA
    f["rule"] = rule.text
    return f


def verdict_lists(frame: pd.DataFrame, *, code: str = "division_code", flag: str = "leading",
                  order: str = "rank") -> list[str]:  # fmt: skip
    """Codes of the rows with ``flag`` true, in ``order`` (e.g. the leading list best first)."""
    hit = frame[frame[flag].fillna(False).astype(bool)]
    return [str(c) for c in hit.sort_values([order, code])[code]]


VERDICT_COLUMNS = [
    "scope", "key", "division_code", "year", "value", "baseline_value", "rank", "rank_from_worst", "n_ranked",
    "cutoff", "leading", "lagging", "measure", "change", "change_rate", "improvement", "improvement_rank",
    "worsening_rank", "n_improvement_ranked", "improvement_cutoff", "leads_improvement", "lags_improvement", "rule",
]  # fmt: skip
"""Columns of :func:`tier_verdicts`: one row per scope (``indicator`` / ``domain`` / ``overall``), key and division."""


def _both(frame: pd.DataFrame, *, better: Any, group: list[str], measure: Literal["rate", "difference"],
          decimals: Any, rule: VerdictRule) -> pd.DataFrame:  # fmt: skip
    """Standing and improvement verdicts of ``value`` / ``baseline_value`` with per-row comparison decimals."""
    f = frame.copy()
    dec = np.broadcast_to(np.asarray(decimals, dtype="int64"), (len(f),))
    f["_cmp"] = round_half_even(f["value"].to_numpy(dtype="float64"), dec) if len(f) else f["value"]
    s = standing_verdicts(f, value="_cmp", better=better, group=group, rule=rule)
    imp = improvement_verdicts(f, better=better, group=group, rule=rule, measure=measure,
                               decimals=dec if measure == "difference" else None)  # fmt: skip
    if measure == "difference" and len(f):
        imp["change"] = round_half_even(imp["change"].to_numpy(dtype="float64"), dec)
    imp = imp.rename(columns={"n_ranked": "n_improvement_ranked", "cutoff": "improvement_cutoff"})
    cols = ["change", "change_rate", "improvement", "improvement_rank", "worsening_rank", "n_improvement_ranked",
            "improvement_cutoff", "leads_improvement", "lags_improvement"]  # fmt: skip
    for c in cols:
        s[c] = imp[c] if c in imp.columns else np.nan
    s["measure"] = measure
    return s.drop(columns=["_cmp"])


def tier_verdicts(current: pd.DataFrame, baseline: pd.DataFrame | None, catalogue: Any, *,
                  rule: VerdictRule | None = None) -> pd.DataFrame:  # fmt: skip
    """Verdicts for every division of one tier, per indicator, domain and overall (:data:`VERDICT_COLUMNS`).

    ``current``: rows of :func:`pioneer.assessment.service.assessment_frame` for the year (``division_code,
    indicator, year, value, direction, score`` and, with a baseline year, ``baseline_value,
    improvement_status``); ``baseline``: the same frame for the baseline year (for the domain and overall
    scores then), or None.

    * Indicators: standing by value at the indicator's decimals, in its better direction; improvement as a
      change rate [%] — or, for indicators in %, as the change in percentage points (the national releases give
      优良天数比例 and shares "上升/下降 x 个百分点") — against the baseline under the same edition only.
    * Domains and overall: standing by the 0–100 score (1 decimal); improvement = change in score points
      between the two years, each scored against its own year's bounds.
    """
    from pioneer.assessment.scores import catalogue_frame, domain_scores, overall_scores

    rule = rule or default_rule()
    cat = catalogue_frame(catalogue)[["indicator", "unit", "decimals", "direction"]]
    cur = current.drop(columns=[c for c in ("unit", "decimals", "direction") if c in current.columns])
    ind = cur.merge(cat, on="indicator", how="left")
    if "baseline_value" not in ind.columns:
        ind["baseline_value"] = np.nan
    if "improvement_status" in ind.columns:
        ind["baseline_value"] = ind["baseline_value"].where(ind["improvement_status"] == "ok")
    parts = []
    for pct, g in ind.groupby(ind["unit"] == "%"):
        r = _both(g, better=g["direction"], group=["indicator"], measure="difference" if pct else "rate",
                  decimals=g["decimals"].fillna(2), rule=rule)  # fmt: skip
        parts.append(r.assign(scope="indicator", key=r["indicator"]))

    def scored(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        d = domain_scores(frame[["division_code", "year", "indicator", "score"]], catalogue)
        return d, overall_scores(d)

    dom, ov = scored(cur)
    year = int(cur["year"].iloc[0]) if len(cur) else None
    dom = dom.rename(columns={"domain_score": "value"})
    ov = ov.rename(columns={"overall_score": "value"})
    if baseline is not None and len(baseline):
        bdom, bov = scored(baseline)
        dom = dom.merge(bdom[["division_code", "domain", "domain_score"]].rename(
            columns={"domain_score": "baseline_value"}), on=["division_code", "domain"], how="left")  # fmt: skip
        ov = ov.merge(bov[["division_code", "overall_score"]].rename(columns={"overall_score": "baseline_value"}),
                      on="division_code", how="left")  # fmt: skip
    else:
        dom["baseline_value"], ov["baseline_value"] = np.nan, np.nan
    if len(dom):
        r = _both(dom, better="higher", group=["domain"], measure="difference", decimals=1, rule=rule)
        parts.append(r.assign(scope="domain", key=r["domain"]))
    if len(ov):
        r = _both(ov, better="higher", group=[], measure="difference", decimals=1, rule=rule)
        parts.append(r.assign(scope="overall", key="overall"))
    if not parts:
        return pd.DataFrame(columns=VERDICT_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].fillna(year) if "year" in out.columns else year
    return out[VERDICT_COLUMNS].sort_values(["scope", "key", "rank", "division_code"], na_position="last",
                                            ignore_index=True)  # fmt: skip


def verdict_lists_by_key(verdicts: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """The leading / lagging / improvement lists of every scope and key of :func:`tier_verdicts`
    (``{"leading": {"indicator:air_pm2_5": [codes best first]}, …}``)."""
    lists: dict[str, dict[str, list[str]]] = {k: {} for k in VERDICT_NAMES}
    for (scope, key), g in verdicts.groupby(["scope", "key"], sort=False):
        name = f"{scope}:{key}"
        lists["leading"][name] = verdict_lists(g, flag="leading", order="rank")
        lists["lagging"][name] = verdict_lists(g, flag="lagging", order="rank_from_worst")
        lists["leads_improvement"][name] = verdict_lists(
            g, flag="leads_improvement", order="improvement_rank"
        )
        lists["lags_improvement"][name] = verdict_lists(g, flag="lags_improvement", order="worsening_rank")
    return lists


def division_verdicts(
    verdicts: pd.DataFrame, division_code: str, *, lists: dict[str, dict[str, list[str]]] | None = None
) -> dict[str, Any]:
    """One division's verdicts from :func:`tier_verdicts`, with the leading and lagging lists of each key:
    ``{"rule", "rule_zh", "rule_en", "items": [...], "leading": {key: [codes]}, "lagging": …,
    "leads_improvement": …, "lags_improvement": …}``. ``lists``: :func:`verdict_lists_by_key` of the same
    ``verdicts`` when the caller holds it (the lists are the tier's, the same for every division)."""
    rule_text = str(verdicts["rule"].iloc[0]) if len(verdicts) else default_rule().text
    desc = VerdictRule.parse(rule_text).describe()
    mine = verdicts[verdicts["division_code"].astype(str) == str(division_code)]
    if lists is None:
        lists = verdict_lists_by_key(verdicts)
    lists = {k: {n: list(c) for n, c in v.items()} for k, v in lists.items()}  # the caller's stays as it is
    items = [{k: (None if (v is pd.NA or (isinstance(v, float) and np.isnan(v))) else
                  (bool(v) if isinstance(v, np.bool_) else v.item() if isinstance(v, np.generic) else v))
              for k, v in r.items()} for r in mine.to_dict("records")]  # fmt: skip
    return {"rule": rule_text, "rule_zh": desc["zh"], "rule_en": desc["en"], "items": items, **lists}
