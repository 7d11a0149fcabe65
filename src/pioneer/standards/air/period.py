"""Evaluation by period (HJ 663 评价时段): a month, quarter, half-year, calendar year or any date range.

The chain is the annual one of ``evaluation`` with the period as a parameter: daily values per site → daily AQI
(``aqi.report``) → period statistics (means, HJ 663 Appendix A percentiles, compliance, composite index, good-day
ratio, days per AQI category, primary-pollutant days). ``annual_statistics`` (below) is this function for a
calendar year, so a year and a "period" from 1 January to 31 December give the same numbers.

Daily values come either from hours (``evaluation.daily_values``) or from station-day values as CNEMC publishes
them (``sites_daily``: the stations' daily values and, per city, their arithmetic mean — HJ 663 城市浓度 "城市点位
浓度的算术平均值", the clause ``evaluation.city_hourly`` cites for hours).

Validity per period length (GB 3095-2012/2026 Table 4, 数据统计的有效性规定): the annual rule "每年至少有324个日平
均浓度值，每月至少有27个日平均浓度值（二月至少有25个日平均浓度值）". Pioneer applies its monthly part to every
period — each calendar month in it needs 27 daily values (February 25), the annual count of 324 only to a whole
calendar year — and, for a month cut by the period's ends, allows the same number of missing days as the whole
month (``month_requirements``). The same rule holds the O3 MDA8 values of the percentile (HJ 663-2013 applies the
annual rule to them). Choices and their confidence: docs/standards/air.md § "Evaluation by period".
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from pioneer.standards.air.aqi import POLLUTANT_NAMES_ZH
from pioneer.standards.air.editions import period_limits_phase
from pioneer.standards.air.evaluation import (
    ANNUAL_CHECKS,
    ANNUAL_MEAN_ITEMS,
    COMPOSITE_TERMS,
    MIN_DAYS_FEBRUARY,
    MIN_DAYS_PER_MONTH,
    MIN_DAYS_PER_YEAR,
    PERCENTILES,
    aqi_day_valid,
    daily_report,
    largest,
    largest_needed,
    percentile_of_largest,
    percentile_of_sorted,
)
from pioneer.standards.air.exact import DECIMALS, SCALE, round_half_even_div, round_scaled, scaled
from pioneer.standards.air.tables import DAILY_MEAN_ITEMS, categories, limits

STATION_DAY_ITEMS = (*DAILY_MEAN_ITEMS, "o3_8h_max")
"""The daily values a station-day table carries (CNEMC publishes no O3 daily maximum 1-h value in its T00 files)."""
PRIMARY_KEYS = ("so2", "no2", "pm10", "co", "o3_1h_max", "o3_8h_max", "pm2_5")
"""Daily-report item keys that can be named primary pollutant (``aqi.report_items``)."""
PERIOD_KINDS = ("month", "quarter", "half", "year")


def period_bounds(kind: str, year: int, number: int = 1) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar period: ``month`` 1–12, ``quarter`` 1–4, ``half`` 1–2 or ``year``."""
    size = {"month": 1, "quarter": 3, "half": 6, "year": 12}.get(kind)
    if size is None:
        raise ValueError(f"unknown period kind {kind!r}; PERIOD_KINDS has {PERIOD_KINDS}")
    if not 1 <= number <= 12 // size:
        raise ValueError(f"{kind} number must be within 1–{12 // size}")
    first = (number - 1) * size + 1
    last = first + size - 1
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def month_requirements(start: dt.date, end: dt.date) -> pd.DataFrame:
    """Daily values each calendar month of ``start … end`` needs for a period statistic to be valid.

    GB 3095 Table 4: 27 daily values in a month, 25 in February. A month cut by the period's ends keeps the same
    allowance of missing days as the whole month: required = days in the period − (month length − 27 or 25),
    at least 1 (Pioneer's generalisation — the text has no rule for part months; confidence *assumed*).

    Returns one row per month: ``ym`` (year × 100 + month), ``days`` in the period, ``required``.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    rows = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        length = calendar.monthrange(y, m)[1]
        first = max(start, dt.date(y, m, 1))
        last = min(end, dt.date(y, m, length))
        days = (last - first).days + 1
        full = MIN_DAYS_FEBRUARY if m == 2 else MIN_DAYS_PER_MONTH
        rows.append({"ym": y * 100 + m, "days": days, "required": max(1, days - (length - full))})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return pd.DataFrame(rows, columns=["ym", "days", "required"])


def is_calendar_year(start: dt.date, end: dt.date) -> bool:
    """Whether the period is one whole calendar year (then the annual count of 324 days applies too)."""
    return start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31)


# period_limits_phase: the edition and GB 3095 phase of a period live with the editions (editions.py)


def sites_daily(station_days: ir.Table) -> ir.Table:
    """Stations and cities stacked as sites from station-day values (HJ 663 城市浓度).

    ``station_days`` has ``station, city, date`` and ``STATION_DAY_ITEMS`` [µg/m³, CO mg/m³; NULL = not
    published]. A city's daily value of an item is the arithmetic mean of its stations' daily values of that item
    (HJ 663 "城市点位浓度的算术平均值"; every station with a value counts — no minimum share of stations is
    applied, as for hours). Station and city values are rounded half to even to the reporting precision (µg/m³
    to integers, CO to 0.1 mg/m³; GB/T 8170) — the one rounding ``evaluation.daily_values`` gives daily values
    before the daily AQI. Stations without a city (``city`` empty or NULL) are kept as stations only.

    Returns ``site_level`` (station|city), ``id``, ``date``, the items, and ``o3_1h_max`` (NULL: not published).
    """
    t = station_days
    values = {
        i: ibis.ifelse(t[i].cast("float64").isnan(), None, t[i].cast("float64")) for i in STATION_DAY_ITEMS
    }
    station = t.select(site_level=ibis.literal("station"), id=t.station, date=t.date, **values)
    placed = t.filter(t.city.notnull() & (t.city != ""))
    city = placed.group_by([placed.city, placed.date]).aggregate(
        **{
            i: ibis.ifelse(placed[i].cast("float64").isnan(), None, placed[i].cast("float64")).mean()
            for i in STATION_DAY_ITEMS
        }  # fmt: skip
    )
    city = city.select(site_level=ibis.literal("city"), id=city.city, date=city.date,
                       **{i: city[i] for i in STATION_DAY_ITEMS})  # fmt: skip
    sites = station.union(city)
    rounded = {
        i: round_scaled(scaled(sites[i]), _decimals(i)).cast("float64") / SCALE for i in STATION_DAY_ITEMS
    }
    return sites.mutate(**rounded, o3_1h_max=ibis.null("float64"))


def _decimals(column: str) -> int:
    return DECIMALS["o3" if column.startswith("o3") else column]


def daily_report_station_days(daily: ir.Table, *, edition_key: str) -> ir.Table:
    """Daily AQI of station-day values without the O3 daily maximum 1-h value (``evaluation.daily_report``).

    HJ 633-2012 §5.1.2 forms the daily AQI from seven items, the O3 daily maximum 1-h value among them; CNEMC's
    station-day files do not carry it. The AQI here is the maximum over the six items present (SO2, NO2, PM10,
    CO, PM2.5 daily means and O3 MDA8), and the unpublished item is not counted as missing (it is absent by the
    source, not by a failed measurement), so the day counts in the day statistics. The result can only be lower
    than the official daily AQI, and only on a day whose O3 1-h IAQI exceeds every other sub-index (then the
    category and primary pollutant can differ too); HJ 633-2026 has no O3 1-h daily item, so there it is exact.
    """
    reported = daily_report(daily, edition_key=edition_key)
    listed = reported.missing_items.re_replace(r"(^|,)o3_1h_max(,|$)", r"\1").re_replace(r",$", "")
    return reported.mutate(missing_items=listed)


def period_statistics(
    daily: ir.Table,
    *,
    start: dt.date,
    end: dt.date,
    edition_key: str = "auto",
    limit_class: int = 2,
    reported: ir.Table | None = None,
    pollutant_days: bool = True,
) -> ir.Table:
    """Statistics of a period per site (HJ 663 评价时段; GB 3095 Table 4 validity, see the module docstring).

    Parameters
    ----------
    daily : Ibis table
        ``site_level, id, date`` and the daily values ``so2, no2, co, pm10, pm2_5, o3_8h_max`` (rounded, as
        ``evaluation.daily_values`` or ``sites_daily`` give them) [µg/m³, CO mg/m³].
    start, end : datetime.date
        First and last day of the period (inclusive).
    edition_key : {"auto", "2012", "2026"}
        ``period_limits_phase``: one edition for the whole period — its limits and its AQI for every day.
    limit_class : {1, 2}
        GB 3095 limit class of the compliance columns (the composite index always uses class 2).
    reported : Ibis table, optional
        The daily report of ``daily`` under that edition, when already computed.
    pollutant_days : bool
        Add ``primary_days_<item>`` (days with AQI > 50 whose primary pollutants include the item) and
        ``over_days_<item>`` (the same among days with AQI > 100), and ``pm2_5_mean_1dp``.

    Returns one row per ``site_level, id``: ``<item>_annual_mean`` (the period mean of SO2, NO2, PM10, PM2.5, CO;
    the name is the annual command's), ``<item>_valid_days``, ``so2_p98 … o3_8h_p90`` (HJ 663-2013 Appendix A),
    ``<item>_compliant``, ``compliant``, ``composite_index`` (城市环境空气质量排名技术规定: Σ Cᵢ/Sᵢ with class-2
    limits — annual limits for the means, 24-h for CO p95, 8-h for O3 p90 — rounded once to 0.01),
    ``aqi_valid_days``, ``good_day_ratio`` [%, 0.1], ``days_<category>``, ``edition``, ``limits``,
    ``period_start``, ``period_end``. A statistic whose item fails the validity rule is NULL.
    """
    return _statistics(daily, start=start, end=end, years=None, edition_key=edition_key, limit_class=limit_class,
                       reported=reported, pollutant_days=pollutant_days)  # fmt: skip


def _statistics(
    daily: ir.Table,
    *,
    start: dt.date,
    end: dt.date,
    years: tuple[int, ...] | None,
    edition_key: str,
    limit_class: int,
    reported: ir.Table | None,
    pollutant_days: bool,
) -> ir.Table:
    """``period_statistics`` of ``start … end``; with ``years`` (calendar years sharing one edition and limit
    phase, within ``start … end``), the annual statistics of each of them in one query, keyed by ``_year``."""
    ed, phase = period_limits_phase(end, edition_key)
    lo, hi = ibis.literal(start), ibis.literal(end)
    d = daily.filter((daily.date >= lo) & (daily.date <= hi))
    own = reported is None
    if reported is None:  # (not ``own``: mypy narrows on the expression only)
        reported = daily_report(d, edition_key=ed)  # one edition for the whole period, so periods compare
    else:
        reported = reported.filter((reported.date >= lo) & (reported.date <= hi))
    keys = ["site_level", "id"]
    if years is None:
        months = month_requirements(start, end)
        n_months = len(months)
        min_days = MIN_DAYS_PER_YEAR if is_calendar_year(start, end) else 0
    else:  # each calendar year is a period of its own: its 12 months, and the annual count of 324 days
        keys.append("_year")
        d = d.mutate(_year=d.date.year()).filter(lambda t: t._year.isin(list(years)))
        reported = reported.mutate(_year=reported.date.year()).filter(lambda t: t._year.isin(list(years)))
        months = pd.concat([month_requirements(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in years])
        n_months, min_days = 12, MIN_DAYS_PER_YEAR
    right = [f"{k}_right" for k in keys]
    items = (*ANNUAL_MEAN_ITEMS, "o3_8h_max")
    r = reported.mutate(_valid=aqi_day_valid(reported))
    day_aggs: dict[str, Any] = {"aqi_valid_days": r._valid.cast("int64").sum(),
                                "_good": (r._valid & (r.aqi <= 100)).cast("int64").sum()}  # fmt: skip
    for c in categories(ed):
        day_aggs[f"days_{c.name_zh}"] = (r._valid & (r.level == c.level)).cast("int64").sum()
    if pollutant_days:
        listed = ibis.literal(",") + r.primary_pollutant.fill_null("") + ibis.literal(",")
        for k in PRIMARY_KEYS:
            named = r._valid & listed.contains(f",{POLLUTANT_NAMES_ZH[k]},")  # the report's names are Chinese
            day_aggs[f"primary_days_{k}"] = (named & (r.aqi > 50)).cast("int64").sum()
            day_aggs[f"over_days_{k}"] = (named & (r.aqi > 100)).cast("int64").sum()
    # one wide pass per site (no long table of item rows): per item the valid days, their sum and largest or
    # sorted values (scaled integers), with the day counts of the report when it is computed here (it keeps the
    # daily values); and per calendar month the days with a value, from a relation of its own: one shared by
    # both passes would be a CTE, which DuckDB materialises (a decade's 7.5 M site-days, past the memory limit)
    base = r if own else d
    v = {i: scaled(base[i]) for i in items}
    m = daily.select("site_level", "id", "date", *items).filter((daily.date >= lo) & (daily.date <= hi))
    if years is not None:
        m = m.mutate(_year=m.date.year()).filter(lambda t: t._year.isin(list(years)))
    per_month = m.group_by([*keys, (m.date.year() * 100 + m.date.month()).name("ym")]).aggregate(
        **{f"_n_{i}": scaled(m[i]).count() for i in items})  # fmt: skip
    # the requirement as a literal CASE (no in-memory table: the expression runs on any connection, e.g. COPY)
    required = per_month.ym.cases(
        *[(int(m), int(r)) for m, r in zip(months["ym"], months["required"], strict=True)]
    )
    months_ok = per_month.group_by(keys).aggregate(
        **{f"_months_{i}": (per_month[f"_n_{i}"] >= required).cast("int64").sum() for i in items})  # fmt: skip
    # a site has one value per date, so at most ``span`` per period: on DuckDB the percentile needs only the
    # largest few (``largest``, a heap per group); elsewhere (Spark) every value is collected and sorted
    top = _on_duckdb(daily)
    span = max(366 if calendar.isleap(y) else 365 for y in years) if years else (end - start).days + 1
    sums: dict[str, Any] = {}
    for i in items:
        sums[f"_days_{i}"] = v[i].count()
        sums[f"_total_{i}"] = v[i].sum()
        sums[f"_xs_{i}"] = (
            largest(v[i], largest_needed(span, PERCENTILES[i])) if top else v[i].collect().sort()
        )
    stats = base.group_by(keys).aggregate(**sums, **(day_aggs if own else {}))
    pick = percentile_of_largest if top else percentile_of_sorted
    stats = stats.mutate(**{f"_p100_{i}": pick(stats[f"_xs_{i}"], stats[f"_days_{i}"], PERCENTILES[i])
                            for i in items})  # fmt: skip
    stats = stats.drop(*[f"_xs_{i}" for i in items])
    stats = stats.filter(ibis.or_(*[stats[f"_days_{i}"] > 0 for i in items]))  # a site with some value
    stats = stats.left_join(months_ok, keys).drop(*right)

    wide_aggs: dict[str, Any] = {}
    for i in items:
        key = "o3_8h" if i == "o3_8h_max" else i
        n, total = stats[f"_days_{i}"], stats[f"_total_{i}"]
        valid = (n >= min_days) & (stats[f"_months_{i}"].fill_null(0) == n_months) & (n > 0)
        unit = SCALE // 10 ** _decimals(i)
        if i in ANNUAL_MEAN_ITEMS:
            mean = round_half_even_div(total, n * unit) * unit
            wide_aggs[f"{i}_annual_mean"] = ibis.ifelse(valid, mean, None)
        wide_aggs[f"{key}_valid_days"] = ibis.ifelse(n > 0, n, None)
        p100 = stats[f"_p100_{i}"]  # computed before the join: the expressions below read a column
        wide_aggs[f"{key}_p{PERCENTILES[i]}"] = ibis.ifelse(valid, round_half_even_div(p100, unit * 100) * unit,
                                                            None)  # fmt: skip
        if pollutant_days and i == "pm2_5":  # PM2.5 to 0.1 µg/m³ as the national releases give it since 2024
            mean_1dp = round_half_even_div(total, n * (SCALE // 10)) * (SCALE // 10)
            wide_aggs["pm2_5_mean_1dp"] = ibis.ifelse(valid, mean_1dp, None)
    order = [c for c in wide_aggs if c != "pm2_5_mean_1dp"] + (["pm2_5_mean_1dp"] if pollutant_days else [])
    wide = stats.select(*keys, **{c: wide_aggs[c] for c in order}, **{c: stats[c] for c in day_aggs if own})
    wide = wide.mutate(**{c: wide[c].cast("float64") / SCALE for c in wide.columns
                          if c.endswith("_annual_mean") or "_p9" in c or c == "pm2_5_mean_1dp"})  # fmt: skip

    def limit(item: str, period: str, cls: int) -> float:
        return float(limits(phase, item, period)[cls - 1])

    checks = {
        item: [wide[column] <= limit(item, period, limit_class) for column, period in statistics]
        for item, statistics in ANNUAL_CHECKS.items()
    }
    compliant = {f"{item}_compliant": ibis.and_(*conds) for item, conds in checks.items()}
    wide = wide.mutate(**compliant)
    all_ok = ibis.and_(*[wide[c] for c in compliant])
    total = ibis.literal(0.0)
    for column, item, period in COMPOSITE_TERMS:
        total = total + wide[column] / limit(item, period, 2)
    composite = round_half_even_div(scaled(total), SCALE // 100).cast("float64") / 100
    wide = wide.mutate(compliant=all_ok, composite_index=composite)

    days = wide if own else r.group_by(keys).aggregate(**day_aggs)
    ratio = ibis.ifelse(days.aqi_valid_days > 0,
                        round_half_even_div(days._good * 1000, days.aqi_valid_days).cast("float64") / 10, None)  # fmt: skip
    days = days.mutate(good_day_ratio=ratio).drop("_good")
    if own:  # the day counts last, as the join below places them
        counts = [c for c in day_aggs if c != "_good"]
        out = days.select(*[c for c in days.columns if c not in counts and c != "good_day_ratio"], *counts,
                          "good_day_ratio")  # fmt: skip
    else:
        out = wide.left_join(days, keys).drop(*right)
    return out.mutate(edition=ibis.literal(ed), limits=ibis.literal(phase), period_start=lo, period_end=hi)


def _on_duckdb(t: ir.Table) -> bool:
    """The expression runs on DuckDB: its tables are DuckDB's or in memory (Ibis's default backend)."""
    backends, _ = t._find_backends()
    return all(b.name == "duckdb" for b in backends)


def annual_statistics(
    daily: ir.Table,
    *,
    year: int,
    edition_key: str = "auto",
    limit_class: int = 2,
    reported: ir.Table | None = None,
) -> ir.Table:
    """Annual evaluation per site (HJ 663 annual items; GB 3095 Table 4 validity: ≥324 days and every month ≥27,
    February ≥25; compliance against GB 3095 Table 1 of the edition and phase; composite index; good-day ratio;
    days per AQI category) — ``period.period_statistics`` for the calendar year ``year``.

    ``daily`` is the output of ``daily_values`` (with rounded daily values). Returns one row per ``site_level, id``.
    The whole year is judged under one edition (``annual_limits_phase``): its limits, and its AQI for every day's
    category, so that two years compare like with like. ``reported``: the daily report already computed from
    ``daily`` under that edition (``daily_report(daily, edition_key=annual_limits_phase(year, key)[0])``), to
    avoid computing it twice; by default it is computed here.
    """
    out = period_statistics(daily, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), edition_key=edition_key,
                            limit_class=limit_class, reported=reported, pollutant_days=False)  # fmt: skip
    out = out.mutate(year=ibis.literal(year))
    head = [c for c in out.columns if c not in ("period_start", "period_end", "year", "edition", "limits")]
    return out.select(*head, "year", "edition", "limits")


def annual_statistics_years(
    daily: ir.Table, *, years: list[int] | tuple[int, ...], edition_key: str = "auto", limit_class: int = 2
) -> ir.Table:
    """``annual_statistics`` of several calendar years at once: the same rows as the union of
    ``annual_statistics(daily, year=y)`` over ``years`` (each year judged on its own: its 12 months, its 324
    days, the edition and limit phase ``annual_limits_phase`` gives it), computed as one query per edition and
    phase instead of one per year — one compilation and one scan of the site-days for a decade."""
    groups: dict[tuple[str, str], list[int]] = {}
    for y in sorted(set(years)):
        groups.setdefault(period_limits_phase(dt.date(y, 12, 31), edition_key), []).append(y)
    parts = []
    for group in groups.values():
        out = _statistics(daily, start=dt.date(group[0], 1, 1), end=dt.date(group[-1], 12, 31), years=tuple(group),
                          edition_key=edition_key, limit_class=limit_class, reported=None, pollutant_days=False)  # fmt: skip
        out = out.mutate(year=out._year.cast("int64"))
        head = [
            c
            for c in out.columns
            if c not in ("period_start", "period_end", "_year", "year", "edition", "limits")
        ]
        parts.append(out.select(*head, "year", "edition", "limits"))
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


__all__ = [
    "PERIOD_KINDS",
    "annual_statistics",
    "annual_statistics_years",
    "daily_report_station_days",
    "month_requirements",
    "period_bounds",
    "period_limits_phase",
    "period_statistics",
    "sites_daily",
]
