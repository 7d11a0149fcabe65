"""Dual-control progress: intensity against the five-year-plan (and NDC) targets, with the assessment's trajectory
classes (:func:`pioneer.assessment.progress.trajectory`: on track, moderately improving, stagnating,
deteriorating, insufficient data, no target) and linear projections to 2027 and 2030.

The intensities come from :func:`pioneer.standards.carbon.dual_control.intensity_table`; a plan target is a
cumulative reduction against its base year, turned into a target intensity (``target_intensity``) for the
division's own base-year value, then judged like any indicator target (direction: lower is better).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pioneer.assessment.progress import trajectory
from pioneer.indicators.choices import Direction
from pioneer.standards.carbon.dual_control import reduction_rate, target_intensity

INTENSITIES = ("co2_intensity", "energy_intensity", "water_intensity")
HORIZONS = (2027, 2030)
"""Years every intensity is projected to, with or without a target (Beautiful China 2027 and the 2030 peak)."""
PROGRESS_COLUMNS = ["division_code", "indicator", "plan", "base_year", "target_year", "year", "base_value",
                    "value", "target_reduction_pct", "target", "achieved_reduction_pct", "required_rate",
                    "actual_rate", "projected", "attained", "trajectory", "target_source", "target_confidence"]  # fmt: skip


def _long(table: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in INTENSITIES if c in table.columns]
    v = table.melt(
        id_vars=["division_code", "year"], value_vars=cols, var_name="indicator", value_name="value"
    )
    v["direction"] = Direction.LOWER.value
    return v


def progress(table: pd.DataFrame, targets: pd.DataFrame, *, year: int | None = None) -> pd.DataFrame:
    """Progress of each division's intensities toward each applicable target, and projections to ``HORIZONS``.

    Parameters
    ----------
    table : DataFrame
        :func:`~pioneer.standards.carbon.dual_control.intensity_table` output.
    targets : DataFrame
        :func:`~pioneer.standards.carbon.dual_control.targets_for` output (``division_code, indicator, plan,
        base_year, target_year, reduction_pct, source, confidence``).
    year : int, optional
        The latest year judged (default: each division's last year).

    Returns
    -------
    DataFrame with ``PROGRESS_COLUMNS``: ``target`` is the target intensity, ``achieved_reduction_pct`` the
    reduction reached by ``year`` against the base year, ``trajectory`` the assessment class. Rows with ``plan``
    = ``projection`` give the linear projection to a horizon year that has no target (class ``no_target``).
    """
    values = _long(table)
    values = values[values["value"].notna()]
    latest = values.groupby("division_code")["year"].max() if year is None else None
    frames = []
    groups = targets[targets["indicator"].isin(values["indicator"].unique())]
    horizon_rows: list[dict[str, Any]] = [
        {"indicator": ind, "plan": "projection", "base_year": int(b), "target_year": h, "reduction_pct": None,
         "source": "", "confidence": ""}
        for ind in values["indicator"].unique()
        for b in [2020 if (values["year"] == 2020).any() else int(values["year"].min())]
        for h in HORIZONS
    ]  # fmt: skip
    plans = groups[["indicator", "plan", "base_year", "target_year"]].drop_duplicates()
    jobs = [
        {str(k): v for k, v in r.items()} for r in plans.to_dict("records")
    ] + horizon_rows  # a few groups
    for job in jobs:
        ind, b, tyear = job["indicator"], int(job["base_year"]), int(job["target_year"])
        v = values[values["indicator"] == ind]
        cur_years = (
            latest if latest is not None else pd.Series(int(year or 0), index=v["division_code"].unique())
        )
        for y in sorted(set(int(x) for x in cur_years)):  # one pass per distinct latest year (usually one)
            divs = cur_years[cur_years == y].index
            vv = v[v["division_code"].isin(divs)]
            base = vv[vv["year"] == b].set_index("division_code")["value"]
            tg = groups[
                (groups["indicator"] == ind)
                & (groups["plan"] == job["plan"])
                & (groups["target_year"] == tyear)
            ]
            tg = tg[tg["division_code"].isin(divs)].copy()
            tg["target"] = target_intensity(
                tg["division_code"].map(base).astype("float64"), tg["reduction_pct"]
            )
            tg["comparator"] = "<="
            r = trajectory(vv, tg.dropna(subset=["target"]), year=y, baseline_year=b, target_year=tyear)
            r = r.merge(tg[["division_code", "reduction_pct", "source", "confidence"]], on="division_code",
                        how="left")  # fmt: skip
            r["plan"], r["base_year"], r["target_year"] = job["plan"], b, tyear
            r["base_value"] = r["baseline_value"]
            r["target_reduction_pct"] = r["reduction_pct"]
            r["achieved_reduction_pct"] = reduction_rate(r["value"], r["baseline_value"])
            r["target_source"], r["target_confidence"] = r["source"], r["confidence"]
            frames.append(r)
    if not frames:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for c in PROGRESS_COLUMNS:
        if c not in out.columns:
            out[c] = None
    return (
        out[PROGRESS_COLUMNS]
        .sort_values(["division_code", "indicator", "target_year", "plan"])
        .reset_index(drop=True)
    )
