"""Exceptional events (sand and dust first): day flags with their source and who set them, every statistic with and
without the flagged days, and three-year moving averages of annual statistics.

What the texts say (``docs/standards/air.md``; ``standards/data/air_exceptional_events.csv``):

* 环办监测〔2016〕120号 《受沙尘天气过程影响城市空气质量评价补充规定》 (faithful): CNEMC, on satellite remote
  sensing, the national dust-storm network and the meteorological dust bulletins, deducts the affected data "在数据
  审核过程中 … 并作为评价、考核和排名依据".
* CNEMC reporting practice (national report 2021-07, faithful): "PM10、PM2.5 浓度、综合质量指数扣除沙尘天气影响；
  优良天数比例、重度及以上天数比例保留沙尘" — the ``headline`` value of each statistic follows that treatment.
* HJ 663-2026 defines exceptional events and a three-year sliding average (news reports only): its text could not
  be read (the official PDF is image-only). **Assumed here**: a flagged day is a whole city-day; a "without" statistic
  leaves the flagged days out and is computed on the remaining valid days (no validity minimum is re-applied — the
  deduction is an evaluation choice on measured days); the three-year average of year t is the arithmetic mean of the
  annual values of t − 2, t − 1 and t, given only when all three exist, rounded half-even to the statistic's decimals.

Statistics with and without the flagged days (:func:`with_and_without`) are taken from daily city values
(``pioneer air daily`` output: ``level, id, date, pm10, pm2_5, aqi``): the annual means of PM10 and PM2.5 are the
means of the valid daily values (0 decimals; PM2.5 also at 0.1), the good-day ratio the share of valid AQI days with
AQI ≤ 100 and the heavy-day ratio of AQI > 200 (%, 0.1): a quick view of what the flags change.
:func:`period_with_and_without` gives the full HJ 663 period evaluation (percentiles and composite index included)
with and without the flagged days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pioneer.assessment.events_models import DayFlag
from pioneer.clock import BEIJING
from pioneer.db.base import stored_time
from pioneer.errors import InputError, InputErrors
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.registry.permissions import Actor, Role, require
from pioneer.standards.air.period import STATION_DAY_ITEMS
from pioneer.standards.common import read_table, round_half_even

FLAG_KINDS = ("sand_dust",)
"""Kinds of flag: ``sand_dust`` (沙尘). Other exceptional events of HJ 663-2026 await its text."""
FLAG_COLUMNS = ["division_code", "date", "kind", "source", "note"]
FLAG_ROLES = frozenset({Role.PROGRAMME_OFFICE, Role.PROVINCE})
"""Who may set flags: the programme office and the provincial departments (CNEMC leads the national deduction)."""


def treatment() -> pd.DataFrame:
    """``kind, statistic, treatment`` (``deduct`` / ``keep``) of the national practice, with source and confidence."""
    return read_table("air_exceptional_events.csv")


def read_flags(path: Any) -> pd.DataFrame:
    """Day flags from a UTF-8 CSV ``division_code, date, kind, source[, note]``; every problem an :class:`InputError`
    with file, row, column and reason (zh/en), all raised together, nothing kept: missing columns, a code that is not
    6 digits, a date that is not YYYY-MM-DD, an unknown kind, an empty source, a duplicate (code, date, kind)."""
    from pathlib import Path

    name = Path(path).name
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("无法读取 CSV 文件", f"cannot read the CSV file: {exc}", file=name) from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in FLAG_COLUMNS[:4] if c not in df.columns]
    if missing:
        raise InputError(f"缺少列：{', '.join(missing)}", f"missing columns: {', '.join(missing)}", file=name,
                         column=missing[0])  # fmt: skip
    if "note" not in df.columns:
        df["note"] = ""
    df = df[FLAG_COLUMNS].map(lambda x: x.strip())
    rows = np.arange(len(df)) + 2
    errors: list[InputError] = []

    def flag(mask: pd.Series, column: str, zh: str, en: str) -> None:
        for i in np.flatnonzero(mask.to_numpy(dtype=bool)):
            errors.append(
                InputError(zh, en, file=name, row=int(rows[i]), column=column, value=df[column].iloc[i])
            )

    flag(~df["division_code"].str.fullmatch(DIVISION_CODE_PATTERN), "division_code", "行政区划代码应为 6 位数字",
         "division code must be 6 digits")  # fmt: skip
    day = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    flag(day.isna(), "date", "日期应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
    flag(~df["kind"].isin(FLAG_KINDS), "kind", f"未知的事件类型（应为 {'、'.join(FLAG_KINDS)}）",
         f"unknown kind (one of {', '.join(FLAG_KINDS)})")  # fmt: skip
    flag(df["source"] == "", "source", "缺少依据来源", "the source of the flag is missing")
    flag(df.duplicated(["division_code", "date", "kind"]), "date", "重复的行政区、日期和类型",
         "duplicate division, date and kind")  # fmt: skip
    if errors:
        raise InputErrors(errors) if len(errors) > 1 else errors[0]
    return df.assign(date=day.dt.date)


def store_flags(session: Session, flags: pd.DataFrame, *, actor: Actor, at: dt.datetime | None = None) -> int:
    """Store ``flags`` (:func:`read_flags`) as set by ``actor`` (scope over every code, role in :data:`FLAG_ROLES`),
    replacing a stored flag of the same division, date and kind. All or nothing; returns the rows written."""
    codes = sorted(set(flags["division_code"]))
    require(actor, FLAG_ROLES, codes, "设置例外事件日标记 / set exceptional-event day flags")
    at = at or dt.datetime.now(BEIJING)
    with session.begin_nested():
        for kind, g in flags.groupby("kind"):
            for code, h in g.groupby("division_code"):
                session.execute(delete(DayFlag).where(DayFlag.kind == kind, DayFlag.division_code == code,
                                                      DayFlag.date.in_(list(h["date"]))))  # fmt: skip
        session.add_all([DayFlag(division_code=r.division_code, date=r.date, kind=r.kind, source=r.source,
                                 note=r.note, set_by=actor.username, set_at=at)
                         for r in flags.itertuples(index=False)])  # fmt: skip
        session.flush()
    return len(flags)


def stored_flags(
    session: Session, *, divisions: Iterable[str] | None = None, year: int | None = None
) -> pd.DataFrame:
    """Stored flags: ``division_code, date, kind, source, note, set_by, set_at``."""
    q = select(DayFlag).order_by(DayFlag.division_code, DayFlag.date)
    if divisions is not None:
        q = q.where(DayFlag.division_code.in_(list(divisions)))
    if year is not None:
        q = q.where(DayFlag.date >= dt.date(year, 1, 1), DayFlag.date <= dt.date(year, 12, 31))
    rows = [{"division_code": f.division_code, "date": f.date, "kind": f.kind, "source": f.source, "note": f.note,
             "set_by": f.set_by, "set_at": stored_time(f.set_at, BEIJING)} for f in session.scalars(q)]  # fmt: skip
    return pd.DataFrame(rows, columns=[*FLAG_COLUMNS, "set_by", "set_at"])


STATISTICS = ("pm10_annual_mean", "pm2_5_annual_mean", "pm2_5_mean_1dp", "good_day_ratio", "heavy_day_ratio")


def _stats(d: pd.DataFrame) -> pd.DataFrame:
    g = d.groupby("id")
    valid_aqi = d["aqi"].notna()
    out = pd.DataFrame({
        "n_days": g["date"].nunique(),
        "pm10_annual_mean": g["pm10"].mean(),
        "pm2_5_annual_mean": g["pm2_5"].mean(),
        "pm2_5_mean_1dp": g["pm2_5"].mean(),
        "n_aqi_days": valid_aqi.groupby(d["id"]).sum(),
        "good_days": (valid_aqi & (d["aqi"] <= 100)).groupby(d["id"]).sum(),
        "heavy_days": (valid_aqi & (d["aqi"] > 200)).groupby(d["id"]).sum(),
    })  # fmt: skip
    n = out["n_aqi_days"].where(out["n_aqi_days"] > 0)
    out["good_day_ratio"] = 100 * out["good_days"] / n
    out["heavy_day_ratio"] = 100 * out["heavy_days"] / n
    for col, dec in (("pm10_annual_mean", 0), ("pm2_5_annual_mean", 0), ("pm2_5_mean_1dp", 1), ("good_day_ratio", 1),
                     ("heavy_day_ratio", 1)):  # fmt: skip
        out[col] = round_half_even(out[col].to_numpy(dtype="float64"), dec)
    return out


def with_and_without(
    daily: pd.DataFrame, flags: pd.DataFrame, *, year: int, kind: str = "sand_dust"
) -> pd.DataFrame:
    """Each city's statistics of ``year`` with all days (``<statistic>_all``) and without the days flagged ``kind``
    (``<statistic>_without``), the number of flagged days, and the ``<statistic>_headline`` the national practice
    publishes (:func:`treatment`: PM and the composite index without, the day ratios with). Module docstring."""
    need = ["id", "date", "pm10", "pm2_5", "aqi"]
    missing = [c for c in need if c not in daily.columns]
    if missing:
        raise InputError(f"日数据缺少列：{', '.join(missing)}", f"daily values miss columns: {', '.join(missing)}",
                         column=missing[0])  # fmt: skip
    d = daily[daily["level"].astype(str) == "city"] if "level" in daily.columns else daily
    d = d.assign(id=d["id"].astype(str), date=pd.to_datetime(d["date"]).dt.date)
    d = d[pd.to_datetime(d["date"]).dt.year == year]
    for c in ("pm10", "pm2_5", "aqi"):
        d[c] = pd.to_numeric(d[c], errors="coerce")
    f = flags[flags["kind"] == kind][["division_code", "date"]].drop_duplicates()
    f = f.assign(
        division_code=f["division_code"].astype(str), date=pd.to_datetime(f["date"]).dt.date, _flag=True
    )
    d = d.merge(f.rename(columns={"division_code": "id"}), on=["id", "date"], how="left")
    d["_flag"] = d["_flag"].fillna(False).astype(bool)
    a, w = _stats(d), _stats(d[~d["_flag"]])
    out = pd.DataFrame(index=a.index)
    out["year"], out["kind"] = year, kind
    out["n_flagged_days"] = d.groupby("id")["_flag"].sum().reindex(a.index).astype("int64")
    rule = dict(zip(treatment()["statistic"], treatment()["treatment"], strict=True))
    for s in STATISTICS:
        out[f"{s}_all"] = a[s]
        out[f"{s}_without"] = w[s].reindex(a.index)
        base = s if s != "pm2_5_mean_1dp" else "pm2_5_annual_mean"
        out[f"{s}_headline"] = out[f"{s}_without"] if rule.get(base) == "deduct" else out[f"{s}_all"]
    return out.reset_index().rename(columns={"index": "id"})


def moving_average_3y(values: pd.DataFrame, *, value: str = "value", decimals: Any = None,
                      keys: tuple[str, ...] = ("division_code", "indicator")) -> pd.DataFrame:  # fmt: skip
    """Three-year moving average of annual values (HJ 663-2026 三年滑动平均 as reported; the rule is assumed, module
    docstring): for year t the mean of t − 2, t − 1, t when all three are present, else NaN (``n_years`` says how
    many there were). ``decimals``: an int or a column name of per-row decimals (rounded half-even)."""
    v = values.dropna(subset=[value]).sort_values([*keys, "year"]).copy()
    v["year"] = v["year"].astype("int64")
    out = []
    for _, g in v.groupby(list(keys), sort=False):
        s = g.set_index("year")[value]
        full = s.reindex(range(int(s.index.min()), int(s.index.max()) + 1))
        roll = full.rolling(3, min_periods=1)
        m = g[[*keys, "year"]].copy()
        m["n_years"] = roll.count().reindex(g["year"]).to_numpy().astype("int64")
        m["moving_average_3y"] = full.rolling(3, min_periods=3).mean().reindex(g["year"]).to_numpy()
        out.append(m.assign(**{value: g[value].to_numpy()}))
    if not out:
        return pd.DataFrame(columns=[*keys, "year", value, "n_years", "moving_average_3y"])
    r = pd.concat(out, ignore_index=True)
    if decimals is not None:
        dec = r.merge(values[[*keys, "year", decimals]], on=[*keys, "year"])[decimals] if isinstance(decimals, str) \
            else decimals  # fmt: skip
        r["moving_average_3y"] = round_half_even(r["moving_average_3y"].to_numpy(dtype="float64"),
                                                 np.asarray(dec, dtype="int64") if isinstance(decimals, str) else dec)  # fmt: skip
    return r[[*keys, "year", value, "n_years", "moving_average_3y"]]


EVALUATION_ITEMS = STATION_DAY_ITEMS
"""Daily values the full HJ 663 chain needs (``pioneer air daily`` output)."""
PERIOD_STATISTICS = ("pm10_annual_mean", "pm2_5_annual_mean", "pm2_5_mean_1dp", "co_p95", "o3_8h_p90",
                     "composite_index", "good_day_ratio", "heavy_day_ratio")  # fmt: skip


def period_with_and_without(daily: pd.DataFrame, flags: pd.DataFrame, *, start: dt.date, end: dt.date,
                            kind: str = "sand_dust", edition_key: str = "auto") -> pd.DataFrame:  # fmt: skip
    """Each city's HJ 663 period statistics (``standards.air.period.period_statistics``: means, CO p95, O3 MDA8
    p90, composite index, good-day and heavy-day ratios) with all days (``<statistic>_all``), without the days
    flagged ``kind`` (``<statistic>_without``) and as the national practice publishes them (``_headline``,
    :func:`treatment`: PM and the composite index without, day ratios with; the percentiles are not in the
    treatment table and have no headline).

    A flagged day is taken out as data removed in the audit (环办监测〔2016〕120号 "在数据审核过程中将有关数据进行
    扣除"): the period's validity rule (GB 3095 Table 4, ``period.month_requirements``) then applies to the remaining
    days as to any missing day — so a statistic "without" may be NULL when the deduction leaves a month short
    (Pioneer's reading; stated in docs/standards/judgements.md). ``daily``: ``pioneer air daily`` output
    (``level, id, date`` and :data:`EVALUATION_ITEMS`; ``o3_1h_max`` optional), city rows are used.
    """
    import ibis

    from pioneer.standards.air.editions import period_limits_phase
    from pioneer.standards.air.evaluation import daily_report
    from pioneer.standards.air.period import daily_report_station_days, period_statistics
    from pioneer.standards.air.tables import categories

    missing = [c for c in ("id", "date", *EVALUATION_ITEMS) if c not in daily.columns]
    if missing:
        raise InputError(f"日数据缺少列：{', '.join(missing)}", f"daily values miss columns: {', '.join(missing)}",
                         column=missing[0])  # fmt: skip
    d = daily[daily["level"].astype(str) == "city"] if "level" in daily.columns else daily
    d = d.assign(id=d["id"].astype(str), date=pd.to_datetime(d["date"]))
    has_1h = "o3_1h_max" in d.columns
    cols = [*EVALUATION_ITEMS, *(["o3_1h_max"] if has_1h else [])]
    d = d[["id", "date", *cols]].assign(**{c: pd.to_numeric(d[c], errors="coerce") for c in cols})
    f = flags[flags["kind"] == kind][["division_code", "date"]].drop_duplicates()
    f = f.assign(id=f["division_code"].astype(str), date=pd.to_datetime(f["date"]), _flag=True)
    d = d.merge(f[["id", "date", "_flag"]], on=["id", "date"], how="left")
    d["_flag"] = d["_flag"].fillna(False).astype(bool)
    ed, _ = period_limits_phase(end, edition_key)
    heavy = [f"days_{c.name_zh}" for c in categories(ed) if c.level >= 5]
    con = ibis.duckdb.connect()

    def statistics(frame: pd.DataFrame) -> pd.DataFrame:
        t = ibis.memtable(frame.drop(columns="_flag").assign(site_level="city"))
        t = t.mutate(date=t.date.cast("date"))
        if not has_1h:
            t = t.mutate(o3_1h_max=ibis.null("float64"))
        reported = (daily_report_station_days if not has_1h else daily_report)(t, edition_key=ed)
        s = con.execute(period_statistics(t, start=start, end=end, edition_key=ed, reported=reported))
        n = s["aqi_valid_days"].where(s["aqi_valid_days"] > 0)
        s["heavy_day_ratio"] = round_half_even((100 * s[heavy].sum(axis=1) / n).to_numpy(dtype="float64"), 1)
        return s.set_index("id")

    a, w = statistics(d), statistics(d[~d["_flag"]])
    out = pd.DataFrame(index=a.index)
    out["from"], out["to"], out["kind"], out["edition"] = start, end, kind, ed
    out["n_flagged_days"] = d.groupby("id")["_flag"].sum().reindex(a.index).fillna(0).astype("int64")
    rule = dict(zip(treatment()["statistic"], treatment()["treatment"], strict=True))
    for s in PERIOD_STATISTICS:
        out[f"{s}_all"] = a[s]
        out[f"{s}_without"] = w[s].reindex(a.index)
        base = s if s != "pm2_5_mean_1dp" else "pm2_5_annual_mean"
        if base in rule:
            out[f"{s}_headline"] = out[f"{s}_without"] if rule[base] == "deduct" else out[f"{s}_all"]
    return out.reset_index()
