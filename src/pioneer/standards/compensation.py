"""Formulas of horizontal (upstream–downstream) water eco-compensation agreements, as pure functions.

The schemes implemented (sources and confidence in ``docs/standards/compensation.md``):

* **P-index** of the Xin'an River agreements (皖浙 新安江流域水环境补偿): P = k0 · Σ kᵢ · Cᵢ/Cᵢ₀ over CODMn,
  NH3-N, TP and TN, k0 the water-quality stability coefficient (水质稳定系数), kᵢ the indicator weights
  (指标权重系数), Cᵢ the annual mean and Cᵢ₀ the agreed baseline. The *structure* (four pollutants, k0, weights,
  0.25 each in the early rounds) is from secondary sources; the equation itself was **not read** in an agreement
  text — it is the documented reading (confidence: secondary). k0 and Cᵢ₀ are agreement parameters.
* **Class steps**, two-way (黄河流域（豫鲁段）横向生态保护补偿协议 2021, "水质基本补偿": annual mean class III →
  no payment; each class better → downstream pays upstream a fixed amount; each class worse → upstream pays).
* **Key-pollutant index change** (the same agreement's "水质变化补偿": each percentage point the index falls year on
  year → downstream pays a fixed amount, each point it rises → upstream pays; capped). How the agreement builds
  the index was **not found**; here it is Σ wᵢ·Cᵢ/Rᵢ with reference values Rᵢ and weights entered by the user.
* **Monthly compliance**, two-way per month (渌水流域横向生态保护补偿协议 2019, 赣湘: a month in which the section
  meets its target class → downstream pays upstream a fixed amount, otherwise upstream pays downstream), and the
  **share of compliant months** of a fund.

Sign convention (every function here): a **positive transfer is paid by the downstream party to the upstream
party**, a negative one by the upstream party to the downstream party. Amounts are in the agreement's currency
unit (万元 in the shipped examples). Water classes are the codes 1..6 = I..劣V of
:mod:`pioneer.standards.water`; a smaller code is better water.

Functions take scalars, numpy arrays or pandas Series (``numeric``) and return the same kind; they import nothing
of Pioneer's but :mod:`pioneer.errors`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SIGN_CONVENTION",
    "class_step_transfer",
    "class_steps",
    "compliant_month_share",
    "fund_shares",
    "index_change_points",
    "index_change_transfer",
    "monthly_compliance",
    "monthly_transfers",
    "p_index",
    "p_index_terms",
    "p_index_transfer",
    "pollutant_index",
    "pooled_fund",
    "share_transfer",
]

SIGN_CONVENTION = "positive = downstream pays upstream; negative = upstream pays downstream"


def _like(template: Any, out: np.ndarray) -> Any:
    if isinstance(template, pd.Series):
        return pd.Series(out, index=template.index, name=template.name)
    if np.ndim(template) == 0:
        return float(out)
    return out


# ---- Xin'an River P-index ------------------------------------------------------------------------------------
def p_index_terms(concentration: Any, baseline: Any, weight: Any) -> np.ndarray:
    """Weighted ratios kᵢ · Cᵢ/Cᵢ₀ of the P-index (one per pollutant).

    Parameters
    ----------
    concentration : array_like
        annual means Cᵢ [mg/L], one per pollutant.
    baseline : array_like
        agreed baselines Cᵢ₀ [mg/L], same order; must be > 0.
    weight : array_like
        indicator weights kᵢ [-], same order.

    Raises
    ------
    ValueError
        for a baseline ≤ 0 or NaN, or arrays of different lengths.
    """
    c, c0, k = (np.asarray(x, dtype=float) for x in (concentration, baseline, weight))
    if not (c.shape == c0.shape == k.shape):
        raise ValueError("concentration, baseline and weight must have the same length")
    if np.any(~(c0 > 0)):
        raise ValueError("every baseline C0 must be a positive number")
    return np.asarray(k * c / c0)


def p_index(concentration: Any, baseline: Any, weight: Any, *, k0: float) -> float:
    """Xin'an River eco-compensation index P = k0 · Σ kᵢ · Cᵢ/Cᵢ₀.

    Parameters
    ----------
    concentration, baseline, weight : array_like
        see :func:`p_index_terms` (CODMn, NH3-N, TP, TN in the 皖浙 agreements).
    k0 : float
        water-quality stability coefficient 水质稳定系数 [-] (an agreement parameter; the values quoted for the
        rounds, 0.85/0.89/0.90, are **unconfirmed**).

    Notes
    -----
    Documented reading, confidence **secondary**: the agreements' P value "由四项污染物指标和水质稳定系数、指标权重
    系数为主要内容" (歙县生态环境执法监测站, news), weights 25 % each before 2017. P ≤ 1 means the water met the
    agreed standard (:func:`p_index_transfer`). No rounding is applied here.

    Examples
    --------
    >>> round(p_index([1.8, 0.12, 0.03, 1.1], [2.0, 0.15, 0.04, 1.2], [0.25] * 4, k0=0.85), 6)
    0.715417
    """
    return float(k0 * p_index_terms(concentration, baseline, weight).sum())


def p_index_transfer(p: Any, *, amount: float, threshold: float = 1.0) -> Any:
    """Signed transfer of a P-index scheme: ``+amount`` when P ≤ ``threshold``, ``−amount`` when P > it.

    The 皖浙 rule as reported (secondary, two newspapers agree): water better than the basic standard → 浙江
    (downstream) pays 安徽 (upstream) the amount; worse → 安徽 pays 浙江. The boundary case P = 1 counts as meeting
    the standard ("P ≤ 1"): the exact wording was **not found** (assumed). NaN stays NaN.
    """
    v = np.asarray(p, dtype=float)
    out = np.where(np.isnan(v), np.nan, np.where(v <= threshold, amount, -amount))
    return _like(p, out)


# ---- class steps (豫鲁 水质基本补偿) -----------------------------------------------------------------------------
def class_steps(water_class: Any, target_class: int) -> Any:
    """Number of class steps by which a section is better (> 0) or worse (< 0) than its target class.

    ``target_class − water_class`` on the codes 1..6 (I..劣V, GB 3838-2002 §4): target III, class II → +1,
    I → +2, IV → −1, 劣V → −3. NaN (no class) stays NaN.
    """
    if not 1 <= int(target_class) <= 6:
        raise ValueError("target_class must be a class code 1..6 (I..劣V)")
    c = np.asarray(water_class, dtype=float)
    return _like(water_class, int(target_class) - c)


def class_step_transfer(water_class: Any, target_class: int, *, amount_per_class: float,
                        cap: float | None = None) -> Any:  # fmt: skip
    """Signed transfer of a two-way class-step scheme: steps × ``amount_per_class`` (optionally capped at ±cap).

    黄河流域（豫鲁段）2021 (新华社 2021-05-09, secondary): "水质年均值在Ⅲ类基础上每改善一个水质类别，山东省给予河南省
    6000万元补偿资金；…每恶化一个水质类别，河南省给予山东省6000万元". Target III, class II → +6000 万元.
    """
    out = np.asarray(class_steps(water_class, target_class), dtype=float) * amount_per_class
    if cap is not None:
        out = np.clip(out, -cap, cap)
    return _like(water_class, out)


# ---- key-pollutant index and its year-on-year change (豫鲁 水质变化补偿) ----------------------------------------
def pollutant_index(concentration: Any, reference: Any, weight: Any = None) -> float:
    """Key-pollutant index Σ wᵢ · Cᵢ/Rᵢ (weights default to 1).

    Parameters
    ----------
    concentration : array_like
        annual means Cᵢ [mg/L].
    reference : array_like
        reference concentrations Rᵢ [mg/L] > 0, entered with the agreement.
    weight : array_like, optional
        wᵢ [-].

    Notes
    -----
    The 豫鲁 agreement's "关键污染物（COD、氨氮、总磷）指数" is named in the reports but its construction was
    **not found**; this sum of (weighted) single-factor ratios is the assumed form, and the references/weights
    are the user's (confidence: assumed).
    """
    c, r = np.asarray(concentration, dtype=float), np.asarray(reference, dtype=float)
    w = np.ones_like(c) if weight is None else np.asarray(weight, dtype=float)
    if not (c.shape == r.shape == w.shape):
        raise ValueError("concentration, reference and weight must have the same length")
    if np.any(~(r > 0)):
        raise ValueError("every reference value must be a positive number")
    return float((w * c / r).sum())


def index_change_points(index_now: Any, index_before: Any) -> Any:
    """Year-on-year change of an index in percent: (I_t − I_t−1) / I_t−1 × 100 [%]; negative = improvement."""
    now, before = np.asarray(index_now, dtype=float), np.asarray(index_before, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(before > 0, (now - before) / before * 100.0, np.nan)
    return _like(index_now, out)


def index_change_transfer(change_points: Any, *, amount_per_point: float, cap: float | None = None,
                          whole_points: bool = True) -> Any:  # fmt: skip
    """Signed transfer for an index change: −points × ``amount_per_point``, capped at ±``cap``.

    豫鲁 2021 (secondary): "指数每同比下降1个百分点，山东省给予河南省100万元补偿；每同比上升1个百分点，河南省给予
    山东省100万元补偿，该项补偿上限为4000万元". With ``whole_points`` only whole points count (−2.7 points → 2
    points); otherwise the change counts in proportion. Which the agreement does was **not found** — it is an
    agreement parameter.
    """
    pts = np.asarray(change_points, dtype=float)
    counted = np.trunc(pts) if whole_points else pts
    out = -counted * amount_per_point
    if cap is not None:
        out = np.clip(out, -cap, cap)
    out = np.where(out == 0, 0.0, out)  # no −0.0
    return _like(change_points, out)


# ---- monthly compliance (渌水) and the share of compliant months ----------------------------------------------
def monthly_compliance(water_class: Any, target_class: int) -> Any:
    """Whether each month's class meets the target (class code ≤ target: "达到或优于"); NaN where no class."""
    c = np.asarray(water_class, dtype=float)
    out = np.where(np.isnan(c), np.nan, (c <= int(target_class)).astype(float))
    return _like(water_class, out)


def monthly_transfers(compliant: Any, *, amount_per_month: float) -> Any:
    """Signed transfer per month of a two-way monthly scheme: +amount for a compliant month, −amount otherwise.

    渌水 2019 (人民日报/新华社 reports, secondary): "若当月水质类别达到或优于国家考核目标Ⅲ类，由湖南省补偿100万元给
    江西省，反之，则由江西省补偿湖南省 … 月核算、年清缴". A month without a class (NaN) gives 0: the agreement's
    treatment of missing months was **not found** (assumed; the statement lists such months).
    """
    m = np.asarray(compliant, dtype=float)
    out = np.where(np.isnan(m), 0.0, np.where(m > 0, amount_per_month, -amount_per_month))
    return _like(compliant, out)


def compliant_month_share(compliant: Any) -> float:
    """Share of compliant months among months with a class [0–1]; NaN months are left out (NaN if none)."""
    m = np.asarray(compliant, dtype=float)
    m = m[~np.isnan(m)]
    return float(m.mean()) if m.size else float("nan")


def share_transfer(share: float, *, pool: float) -> float:
    """Transfer of a share-of-compliant-months scheme: ``pool × share`` paid by downstream to upstream.

    A generic reading of the schemes that pay a fund in proportion to the compliant months (confidence: assumed;
    enter the pool of the agreement). NaN share → NaN.
    """
    return float(pool * share)


# ---- N-party pooled funds (赤水河 云贵川 2018–2020) -----------------------------------------------------------
def fund_shares(pool: float, ratios: dict[str, float]) -> dict[str, float]:
    """Split ``pool`` by ``ratios`` (any positive numbers: 1:5:4 → 0.1, 0.5, 0.4 of the pool).

    赤水河流域横向生态补偿 (新华社 2018-03-25, 李平; secondary): "云南、贵州、四川出资比例为1:5:4，补偿资金分配比例为
    3:4:3" of a fund of 2 亿元 — used both for the contributions and for the allocation.
    """
    if not ratios or any(not v > 0 for v in ratios.values()):
        raise ValueError("every ratio must be a positive number")
    total = float(sum(ratios.values()))
    return {k: float(pool) * float(v) / total for k, v in ratios.items()}


def pooled_fund(pool: float, contribution_ratios: dict[str, float], allocation_ratios: dict[str, float],
                rules: list[dict[str, Any]] | None = None) -> dict[str, dict[str, float]]:  # fmt: skip
    """The general N-party pooled fund: each party pays its contribution and receives its allocation, less what
    it forfeits for its sections, plus what it receives from others' forfeits.

    For party *i*: contribution cᵢ = pool · rᵢ/Σr; allocation aᵢ = pool · sᵢ/Σs; for each section rule
    *k* with the amount at stake Sₖ and the section's compliance fₖ ∈ [0, 1], the deduction Dₖ = Sₖ · (1 − fₖ) is
    borne by the responsible parties in the shares ``bear`` and paid to the parties in the shares ``to`` (no
    ``to``: kept in the fund, unallocated); net nᵢ = aᵢ − cᵢ − Σₖ Dₖ·bearₖᵢ + Σₖ Dₖ·toₖᵢ.

    Parameters
    ----------
    pool : float
        the fund [agreement unit, 万元].
    contribution_ratios, allocation_ratios : dict
        party → ratio (positive; normalised here).
    rules : list of dict
        ``{"section": name, "stake": Sₖ, "compliance": fₖ, "bear": {party: share}, "to": {party: share}}``;
        shares of ``bear``/``to`` are normalised to 1.

    Notes
    -----
    赤水河 2018 (secondary, the wording of the news release): "若赤水河清水铺断面水质部分达标或完全未达标，云南省扣减
    相应资金拨付给贵州省和四川省，两省分配比例均为50%；若鲢鱼溪断面部分达标或完全未达标，贵州省扣减相应资金拨付给四川省；
    茅台镇上游新增断面 … 贵州省和四川省各承担50%的资金扣减任务". **Not found**: the amount "相应资金" at stake per section
    (the "各段补偿权重") and how "部分达标" scales it; here Sₖ is an agreement parameter and fₖ the share of the
    assessed items (CODMn, NH3-N, TP) whose annual mean meets class II (assumed); where the 茅台镇 deduction goes
    is not stated (kept in the fund here). Returns per party: contribution, allocation, forfeited, received, net
    (positive = the party receives from the fund on balance), and ``"(fund)"`` → unallocated.

    Examples
    --------
    All sections compliant (2 亿元, 1:5:4 and 3:4:3): 云南 6000 − 2000 = +4000, 贵州 8000 − 10000 = −2000,
    四川 6000 − 8000 = −2000 — "贵州省和四川省各出资2000万元补偿上游的云南省" (新华社 2020-12-15).

    >>> r = pooled_fund(20000, {"YN": 1, "GZ": 5, "SC": 4}, {"YN": 3, "GZ": 4, "SC": 3})
    >>> [r[p]["net"] for p in ("YN", "GZ", "SC")]
    [4000.0, -2000.0, -2000.0]
    """
    contrib, alloc = fund_shares(pool, contribution_ratios), fund_shares(pool, allocation_ratios)
    parties = list(dict.fromkeys([*contrib, *alloc]))
    out = {p: {"contribution": contrib.get(p, 0.0), "allocation": alloc.get(p, 0.0), "forfeited": 0.0,
               "received": 0.0} for p in parties}  # fmt: skip
    unallocated = 0.0
    for rule in rules or []:
        f = float(rule["compliance"])
        if not 0.0 <= f <= 1.0:
            raise ValueError(f"compliance of {rule.get('section', '?')} must lie in [0, 1]")
        d = float(rule["stake"]) * (1.0 - f)
        for side, key in (("bear", "forfeited"), ("to", "received")):
            shares = rule.get(side) or {}
            if side == "bear" and not shares:
                raise ValueError(f"rule {rule.get('section', '?')}: who bears the deduction is required")
            if side == "to" and not shares:
                unallocated += d
                continue
            for p, x in fund_shares(d, shares).items() if d > 0 else ((p, 0.0) for p in shares):
                out.setdefault(p, {"contribution": 0.0, "allocation": 0.0, "forfeited": 0.0, "received": 0.0})
                out[p][key] += x
    for v in out.values():
        v["net"] = v["allocation"] - v["contribution"] - v["forfeited"] + v["received"]
    out["(fund)"] = {"unallocated": unallocated}
    return out
