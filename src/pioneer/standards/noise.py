"""Environmental noise: GB 3096-2008 (声环境质量标准) and HJ 640-2012 (城市声环境常规监测).

Glossary (columns and units):

==================  ==============================================================================
``point``           monitoring point identifier (text)
``zone_class``      GB 3096-2008 functional-zone class: ``0``, ``1``, ``2``, ``3``, ``4a``, ``4b``
``time``            China Standard Time; an hourly Leq is labelled by the hour it **ends** (project
                    convention, ``docs/architecture.md``): 07:00 covers 06:00–07:00
``leq``             equivalent continuous A-weighted sound level L_Aeq [dB(A)]
``ld`` / ``ln``     day (06:00–22:00) / night (22:00–06:00) L_Aeq [dB(A)] (GB 3096-2008 §3.5–3.7)
``date``            the day a day/night period belongs to; a night belongs to the date on which it starts
``lmax``            (optional) maximum A-weighted sound level L_Amax of the hour [dB(A)], for the night-time
                    sudden-noise rule (GB 3096-2008 §5.4)
``existing_railway`` (optional, 4b points) True when the point lies by an existing railway trunk line crossing
                    a town (built or EIA-approved by 2010-12-31) and ``leq`` is the background level without
                    trains: limits 70/55 instead of 70/60 (GB 3096-2008 §5.3)
==================  ==============================================================================

Functions take a scalar, numpy array, pandas Series or Ibis column (and return the same kind); table
functions take and return Ibis tables.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pioneer.errors import InputError
from pioneer.standards.common import read_table, round_half_even, select_obj

__all__ = [
    "GB3096_LIMITS",
    "HJ640_GRADES",
    "LEQ_PLAUSIBLE",
    "ZONE_CLASSES",
    "ZONE_CLASS_PATTERN",
    "compliance_rates",
    "energy_mean",
    "hj640_level",
    "night_sudden_ok",
    "point_compliance",
    "point_period_levels",
    "read_points",
    "regional_mean",
    "traffic_mean",
    "zone_class",
    "zone_limit",
]


@cache
def _limits() -> pd.DataFrame:
    t = read_table("noise_gb3096_limits.csv")
    t["day_LAeq_dBA"] = t["day_LAeq_dBA"].astype(float)
    t["night_LAeq_dBA"] = t["night_LAeq_dBA"].astype(float)
    return t.set_index("zone_class")


#: GB 3096-2008 Table 1: zone class → day / night L_Aeq limits [dB(A)] (``noise_gb3096_limits.csv``).
GB3096_LIMITS: pd.DataFrame = _limits()


@cache
def _clauses() -> pd.DataFrame:
    return read_table("noise_gb3096_clauses.csv").set_index("rule")


#: GB 3096-2008 §5.3 and §5.4 (``noise_gb3096_clauses.csv``): the background limits by existing railway trunk
#: lines and the allowed excess of a night-time sudden noise's maximum level.
GB3096_CLAUSES: pd.DataFrame = _clauses()
_RAIL = {str(k): str(v) for k, v in GB3096_CLAUSES.loc["existing_railway_background"].items()}
EXISTING_RAILWAY_LIMITS: dict[str, float] = {
    "day": float(_RAIL["day_dBA"]),
    "night": float(_RAIL["night_dBA"]),
}
"""Day/night background limits [dB(A)] by existing railway trunk lines crossing towns (GB 3096-2008 §5.3)."""
NIGHT_SUDDEN_EXCESS: float = float(str(GB3096_CLAUSES.at["night_sudden_excess", "night_dBA"]))
"""Most a night-time sudden noise's L_Amax may exceed the zone's night limit [dB(A)] (GB 3096-2008 §5.4)."""


def _plausible() -> tuple[float, float]:
    t = read_table("plausible_ranges.csv")
    row = t[(t["medium"] == "noise") & (t["item"] == "leq")].iloc[0]
    return float(str(row["low"])), float(str(row["high"]))


LEQ_PLAUSIBLE: tuple[float, float] = _plausible()
"""Pioneer's plausibility screen for an hourly L_Aeq [dB(A)] (``plausible_ranges.csv``; not from a standard,
docs/standards/noise.md): the one table the lake's checker (``pioneer.lake.layouts.NOISE_RANGE``) reads too."""

ZONE_CLASSES: tuple[str, ...] = tuple(str(z) for z in GB3096_LIMITS.index)
"""GB 3096-2008 §4 functional-zone classes (0, 1, 2, 3, 4a, 4b), the rows of Table 1 — the one list the lake,
the registry and the calculators check against."""

ZONE_CLASS_PATTERN: str = "(?i)^(" + "|".join(ZONE_CLASSES) + ") ?类?$"
"""How a zone class may be written (after trimming blanks): a class of :data:`ZONE_CLASSES`, its letter in
either case, optionally followed by 类 as GB 3096-2008 §4 names the classes ("1类", "4a 类", "4B") — group 1 is
the class. Not a class: ``4`` or ``4类`` (§4 divides class 4 into 4a and 4b), ``一类``, ``Ⅰ``, full-width
digits, ``1.0``. Written for Python's ``re`` and DuckDB's RE2 alike (the lake's checker builds its SQL from
it); docs/standards/noise.md states the choice."""


def zone_class(written: Any) -> Any:
    """The GB 3096-2008 §4 functional-zone class written in ``written`` (:data:`ZONE_CLASS_PATTERN`).

    Parameters
    ----------
    written : str, numpy array, pandas Series or Ibis string column
        the zone class as a file writes it, e.g. ``"1"``, ``"1类"``, ``" 4A "``, ``"4b 类"``

    Returns
    -------
    The canonical class (``"1"``, ``"4a"`` …, an element of :data:`ZONE_CLASSES`) of the same kind; ``None``
    (scalar), ``<NA>`` (Series, array) or NULL (Ibis) where ``written`` is no class.

    Examples
    --------
    >>> zone_class("4A类"), zone_class("1 类"), zone_class("4类"), zone_class("5")
    ('4a', '1', None, None)
    """
    if isinstance(written, ir.Value):
        return written.strip().re_extract(ZONE_CLASS_PATTERN, 1).lower().nullif("")
    if np.ndim(written) == 0:
        m = None if pd.isna(written) else _ZONE_CLASS_RE.fullmatch(str(written).strip())
        return m.group(1).lower() if m else None
    s = pd.Series(written) if not isinstance(written, pd.Series) else written
    out = s.astype("string").str.strip().str.extract(ZONE_CLASS_PATTERN, expand=False).str.lower()
    return out if isinstance(written, pd.Series) else out.to_numpy()


_ZONE_CLASS_RE = re.compile(ZONE_CLASS_PATTERN)


@cache
def _grades() -> pd.DataFrame:
    g = read_table("noise_hj640_grades.csv")
    g["series"] = g["series"].replace("", np.nan).ffill()
    g["kind"] = np.where(g["series"].str.contains("regional"), "regional", "traffic")
    g["period"] = np.where(g["series"].str.contains("night"), "night", "day")
    g["upper"] = pd.to_numeric(g["upper_bound_incl"].replace("", np.nan))
    return g


#: HJ 640-2012 grade bands (``noise_hj640_grades.csv``): kind (regional|traffic) × period → 一级..五级.
HJ640_GRADES: pd.DataFrame = _grades()

_GRADES = ("一级", "二级", "三级", "四级", "五级")
_GRADE_WORDS = {"一级": "好", "二级": "较好", "三级": "一般", "四级": "较差", "五级": "差"}


_round_half_even = round_half_even  # GB/T 8170, exact (pioneer.standards.common)


def zone_limit(zone_class: Any, period: str, *, existing_railway: Any = False) -> Any:
    """L_Aeq limit [dB(A)] of a functional-zone class for ``period`` "day" or "night" (GB 3096-2008 Table 1).

    0: 50/40; 1: 55/45; 2: 60/50; 3: 65/55; 4a: 70/55; 4b: 70/60. The 4b values apply to railway trunk lines
    whose EIA was approved from 2011-01-01 (§5.2). With ``existing_railway`` (bool, or a column/array of
    them) a 4b point by an existing line crossing a town gets the §5.3 background limits 70/55
    (:data:`EXISTING_RAILWAY_LIMITS`); the flag has no effect on other classes.
    """
    col = {"day": "day_LAeq_dBA", "night": "night_LAeq_dBA"}[period]
    m = GB3096_LIMITS[col].to_dict()
    old = EXISTING_RAILWAY_LIMITS[period]
    if isinstance(zone_class, ir.Value):
        base = zone_class.cases(*m.items(), else_=None)
        if isinstance(existing_railway, ir.Value):
            return ibis.ifelse((zone_class == "4b") & existing_railway.fill_null(False), old, base)
        return ibis.ifelse(zone_class == "4b", old, base) if existing_railway else base
    if np.ndim(zone_class) == 0:
        if str(zone_class) not in m:
            raise KeyError(f"unknown zone class {zone_class!r} (GB3096_LIMITS, noise_gb3096_limits.csv)")
        return old if (str(zone_class) == "4b" and bool(existing_railway)) else m[str(zone_class)]
    z = pd.Series(np.asarray(zone_class)).astype(str)
    s = z.map(m).to_numpy(dtype=float)
    s = np.where(
        (z == "4b").to_numpy() & np.broadcast_to(np.asarray(existing_railway, dtype=bool), s.shape), old, s
    )
    return pd.Series(s, index=zone_class.index) if isinstance(zone_class, pd.Series) else s


def night_sudden_ok(lmax: Any, night_limit: Any) -> Any:
    """Whether a night-time sudden noise meets GB 3096-2008 §5.4: L_Amax − night limit ≤ 15 dB(A).

    ``lmax`` and ``night_limit`` in dB(A) (scalars, arrays or Ibis columns). NaN/NULL where ``lmax`` is
    missing. An excess of exactly 15 dB(A) complies ("不得高于15 dB(A)").
    """
    if isinstance(lmax, ir.Value):
        return lmax - night_limit <= NIGHT_SUDDEN_EXCESS
    lm = np.asarray(lmax, dtype=float)
    ok = (lm - np.asarray(night_limit, dtype=float)) <= NIGHT_SUDDEN_EXCESS + 1e-9
    out = np.asarray(np.where(np.isnan(lm), None, ok), dtype=object)
    return out.item() if out.ndim == 0 else out


def energy_mean(leq: ir.NumericColumn) -> ir.NumericScalar:
    """Energy (logarithmic) mean 10·lg(mean(10^(0.1·L_i))) of L_Aeq values [dB(A)] (GB 3096-2008 §3.5–3.7)."""
    return ((ibis.literal(10.0) ** (leq * 0.1)).mean()).log10() * 10


def point_period_levels(t: ir.Table, *, hour_label: str = "end", keys: tuple[str, ...] = ()) -> ir.Table:
    """Day and night L_Aeq per point and date from hourly L_Aeq (GB 3096-2008 §3.5–3.7, Annex C).

    Parameters
    ----------
    t : Ibis table ``point, zone_class, time, leq`` (+ ``keys``) with one row per hour.
    hour_label : "end" (default, the project's convention) or "start": which end of the hour ``time`` is.

    Returns
    -------
    ``point, zone_class, date, ld, ln, n_day_hours, n_night_hours``; ld/ln are energy means over the day
    (06–22, 16 h) and the following night (22–06, 8 h), rounded half-even to 0.1 dB. With an ``lmax`` column
    also ``lmax_night`` (highest hourly L_Amax of the night); an ``existing_railway`` column is carried.
    """
    start = t.time - ibis.interval(hours=1) if hour_label == "end" else t.time
    h = start.hour()
    is_day = (h >= 6) & (h < 22)
    # a night starting at 22:00 on date D runs to 06:00 on D+1 and belongs to D
    date = ibis.ifelse(h < 6, (start - ibis.interval(days=1)).date(), start.date())
    t = t.mutate(_day=is_day, date=date)
    extra = [c for c in ("existing_railway",) if c in t.columns]
    g = ["point", "zone_class", *extra, *keys, "date"]
    e = ibis.literal(10.0) ** (t.leq * 0.1)
    lmax = {"lmax_night": t.lmax.max(where=~t._day)} if "lmax" in t.columns else {}
    r = t.group_by(g).aggregate(
        _ed=e.mean(where=t._day), _en=e.mean(where=~t._day),
        n_day_hours=t._day.sum(), n_night_hours=(~t._day).sum(), **lmax,
    )  # fmt: skip
    return r.select(
        *g,
        *(["lmax_night"] if lmax else []),
        ld=_round_half_even(r._ed.log10() * 10, 1),
        ln=_round_half_even(r._en.log10() * 10, 1),
        n_day_hours=r.n_day_hours,
        n_night_hours=r.n_night_hours,
    )


def point_compliance(levels: ir.Table) -> ir.Table:
    """Day/night compliance of each point-time: L ≤ zone limit (GB 3096-2008 §5.1, Table 1; §5.3 for 4b points
    by existing railways when ``existing_railway`` is given).

    Adds ``day_limit``, ``night_limit``, ``day_ok``, ``night_ok`` (NULL where the period has no data). With
    ``lmax_night`` also ``night_sudden_limit`` (night limit + 15 dB(A)) and ``night_sudden_ok`` (§5.4). The
    sudden-noise result is reported beside ``night_ok``, which stays the L_Aeq judgement that HJ 640-2012
    compliance rates count.
    """
    rail = levels.existing_railway if "existing_railway" in levels.columns else False
    dl = zone_limit(levels.zone_class, "day", existing_railway=rail)
    nl = zone_limit(levels.zone_class, "night", existing_railway=rail)
    out = levels.mutate(day_limit=dl, night_limit=nl, day_ok=levels.ld <= dl, night_ok=levels.ln <= nl)
    if "lmax_night" in out.columns:
        out = out.mutate(night_sudden_limit=out.night_limit + NIGHT_SUDDEN_EXCESS,
                         night_sudden_ok=night_sudden_ok(out.lmax_night, out.night_limit))  # fmt: skip
    return out


def compliance_rates(results: ir.Table, *, by: tuple[str, ...] = ()) -> ir.Table:
    """Functional-zone day/night compliance rates (功能区声环境质量昼间/夜间达标率, HJ 640-2012 §6).

    Rate = compliant point-times / monitored point-times × 100 %, per ``by`` group and zone class,
    rounded half-even to 0.1 % (per-point-time definition: memory, confirmed by bureau tables).
    """
    r = results
    a = r.group_by([*by, "zone_class"]).aggregate(
        n_day=r.day_ok.count(),
        n_day_ok=r.day_ok.sum(),
        n_night=r.night_ok.count(),
        n_night_ok=r.night_ok.sum(),
    )
    tot = r.group_by(list(by)).aggregate(
        n_day=r.day_ok.count(), n_day_ok=r.day_ok.sum(), n_night=r.night_ok.count(), n_night_ok=r.night_ok.sum()
    ) if by else r.aggregate(
        n_day=r.day_ok.count(), n_day_ok=r.day_ok.sum(), n_night=r.night_ok.count(), n_night_ok=r.night_ok.sum()
    )  # fmt: skip
    tot = tot.mutate(zone_class=ibis.literal("all"))
    u = a.union(tot.select(a.columns))
    return u.mutate(
        day_rate=ibis.ifelse(
            u.n_day > 0, _round_half_even(u.n_day_ok.fill_null(0) * 100.0 / u.n_day, 1), None
        ),
        night_rate=ibis.ifelse(
            u.n_night > 0, _round_half_even(u.n_night_ok.fill_null(0) * 100.0 / u.n_night, 1), None
        ),
    )


def hj640_level(value: Any, *, kind: str, period: str) -> Any:
    """HJ 640-2012 grade 一级..五级 of a regional (grid) or road-traffic mean [dB(A)].

    Regional (城市区域声环境质量, §4.5) day ≤50.0 / 50.1–55.0 / 55.1–60.0 / 60.1–65.0 / >65.0; night
    ≤40 / 45 / 50 / 55 /> 55. Road traffic (道路交通, §5.5) day ≤68 / 70 / 72 / 74 / >74; night ≤58 / 60 /
    62 / 64 / >64. The mean is rounded half-even to 0.1 dB before grading, so 50.04 is 一级 and 50.05 is
    一级 (50.0) while 50.06 is 二级 (50.1).
    """
    g = HJ640_GRADES[(HJ640_GRADES.kind == kind) & (HJ640_GRADES.period == period)]
    if g.empty:
        raise KeyError(f"unknown HJ 640 series {kind!r}/{period!r} (HJ640_GRADES, noise_hj640_grades.csv)")
    uppers = g["upper"].dropna().tolist()
    if isinstance(value, ir.Value):
        x = _round_half_even(value, 1)
        return ibis.cases(
            (x.isnull(), ibis.null("string")), *[(x <= u, lab) for u, lab in zip(uppers, _GRADES, strict=False)],
            else_=_GRADES[-1],
        )  # fmt: skip
    x = _round_half_even(value, 1)
    out = select_obj([np.isnan(x), *[x <= u for u in uppers]], [None, *_GRADES[: len(uppers)]], _GRADES[-1])
    out = out.astype(object)
    if isinstance(value, pd.Series):
        return pd.Series(out, index=value.index, name=value.name)
    return out.item() if out.ndim == 0 else out


def regional_mean(t: ir.Table, *, by: tuple[str, ...] = ()) -> ir.Table:
    """Regional (grid) noise mean S = arithmetic mean of the valid grid-point L_Aeq (HJ 640-2012 §4.5; memory).

    ``t``: ``point, period (day|night), leq`` (+ ``by``). Returns mean (0.1 dB) and grade per period.
    """
    a = t.group_by([*by, "period"]).aggregate(n_points=t.point.nunique(), mean=t.leq.mean())
    a = a.mutate(mean=_round_half_even(a.mean, 1))
    lvl = ibis.ifelse(
        a.period == "day", hj640_level(a.mean, kind="regional", period="day"),
        hj640_level(a.mean, kind="regional", period="night"),
    )  # fmt: skip
    return a.mutate(level=lvl)


def traffic_mean(t: ir.Table, *, by: tuple[str, ...] = ()) -> ir.Table:
    """Road-traffic noise mean L = Σ l_i·L_i / Σ l_i over road sections (HJ 640-2012 §5.5; weighting memory).

    ``t``: ``point, period, leq, length`` [length in km or m; only ratios matter].
    """
    a = t.group_by([*by, "period"]).aggregate(
        n_points=t.point.nunique(), length=t.length.sum(), mean=(t.leq * t.length).sum() / t.length.sum()
    )
    a = a.mutate(mean=_round_half_even(a.mean, 1))
    lvl = ibis.ifelse(
        a.period == "day", hj640_level(a.mean, kind="traffic", period="day"),
        hj640_level(a.mean, kind="traffic", period="night"),
    )  # fmt: skip
    return a.mutate(level=lvl)


def read_points(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Validate the hourly noise layout ``point, zone_class, time, leq`` (+ extra columns carried through).

    Optional columns: ``lmax`` [dB(A)] (empty = not measured) and ``existing_railway`` (是/否, yes/no,
    true/false, 1/0, empty = no; only 4b points may say yes).

    Raises
    ------
    InputError
        located at file/row/column: missing column, unknown zone class, unparseable time, L_Aeq not a number
        or outside :data:`LEQ_PLAUSIBLE`, L_Amax not a number or outside 0–200 dB(A), L_Amax below L_Aeq,
        existing_railway not a yes/no value or set on a point that is not 4b, duplicate point-hour with
        different values.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    df["_row"] = np.arange(len(df)) + 2
    for col in ("point", "zone_class", "time", "leq"):
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )

    def bad(mask: pd.Series, zh: str, en: str, col: str) -> None:
        idx = np.flatnonzero(mask.to_numpy(dtype=bool))
        if idx.size:
            i = int(idx[0])
            raise InputError(
                zh, en, file=file, row=int(df["_row"].iloc[i]), column=col, value=df[col].iloc[i]
            )

    z = zone_class(df["zone_class"])  # GB 3096-2008 §4: the one reading of a written class
    bad(z.isna(), "未知的声环境功能区类别（应为 0/1/2/3/4a/4b）",
        "unknown functional-zone class (0, 1, 2, 3, 4a or 4b)", "zone_class")  # fmt: skip
    df["zone_class"] = z
    leq = pd.to_numeric(df["leq"], errors="coerce")
    bad(leq.isna(), "无法解析的等效声级", "L_Aeq cannot be parsed", "leq")
    lo, hi = LEQ_PLAUSIBLE
    bad(
        (leq < lo) | (leq > hi),
        f"等效声级应在 {lo:g}～{hi:g} dB(A) 之间（合理范围）",
        f"L_Aeq must lie between {lo:g} and {hi:g} dB(A) (the plausible range)",
        "leq",
    )
    df["leq"] = leq.astype(float)
    if "lmax" in df.columns:
        raw = df["lmax"].astype("string").str.strip().fillna("")
        lmax = pd.to_numeric(raw.where(raw != ""), errors="coerce").astype("float64")
        bad((raw != "") & lmax.isna(), "无法解析的最大声级", "L_Amax cannot be parsed", "lmax")
        bad((lmax < 0) | (lmax > 200), "最大声级应在 0～200 dB(A) 之间", "L_Amax must lie between 0 and 200 dB(A)",
            "lmax")  # fmt: skip
        bad(lmax < leq, "最大声级不能低于等效声级", "L_Amax cannot be below L_Aeq", "lmax")
        df["lmax"] = lmax.astype(float)
    if "existing_railway" in df.columns:
        yes = {"是", "yes", "y", "true", "1", "既有"}
        no = {"否", "no", "n", "false", "0", "新建", ""}
        raw = df["existing_railway"].astype("string").str.strip().str.lower().fillna("")
        bad(
            ~raw.isin(yes | no),
            "既有铁路标记应为 是/否",
            "existing_railway must be yes or no",
            "existing_railway",
        )
        flag = raw.isin(yes)
        bad(flag & (z != "4b"), "仅 4b 类点位可标记既有铁路（GB 3096-2008 第5.3条）",
            "only 4b points can be marked as by an existing railway (GB 3096-2008 §5.3)", "existing_railway")  # fmt: skip
        df["existing_railway"] = flag.astype(bool)
    tt = pd.to_datetime(df["time"].astype("string").str.strip(), errors="coerce", format="mixed")
    bad(tt.isna(), "无法解析的时间", "time cannot be parsed", "time")
    df["time"] = tt.astype("datetime64[us]")
    df["point"] = df["point"].astype(str).str.strip()
    dup = df.duplicated(["point", "time"], keep=False)
    if dup.any():
        varies = df[dup].groupby(["point", "time"])["leq"].transform("nunique") > 1
        if varies.any():
            pos = np.flatnonzero(dup.to_numpy())[varies.to_numpy()]
            i = int(pos[-1])
            raise InputError("同一点位、时间有不同的重复值", "duplicate point-hour with different values", file=file,
                             row=int(df["_row"].iloc[i]), column="leq", value=df["leq"].iloc[i])  # fmt: skip
        df = df.drop_duplicates(["point", "time"])
    return df.reset_index(drop=True)
