"""Improvement versus a baseline year and trajectory toward a target year (SDG-dashboard classes).

Improvement compares like with like: a value computed under one standard edition is never compared with a value
computed under another. Values carry ``edition`` (null for reported statistics, which have none); where the
editions differ the result is ``edition-mismatch`` and the caller must recompute the baseline under the current
edition (:func:`pioneer.indicators.bindings.compute` with ``edition_key``), as the service does.

Trajectory (after the SDSN Sustainable Development Report dashboards): with the direction sign s (+1 higher is
better, −1 lower is better), years b (baseline) < t (latest) < T (target year):

    actual   = s · (x_t − x_b) / (t − b)           average annual change in the better direction
    required = s · (target − x_b) / (T − b)        average annual change needed from the baseline

Classes (thresholds as in the SDR: "on track" ≥ the required rate, "moderately improving" ≥ 50 % of it):

* ``on_track``             — the target is already met at t and actual ≥ 0 (maintaining), or actual ≥ required;
* ``moderately_improving`` — 0.5 · required ≤ actual < required;
* ``stagnating``           — 0 ≤ actual < 0.5 · required;
* ``deteriorating``        — actual < 0;
* ``insufficient_data`` (a value missing, or t ≤ b) and ``no_target`` (no target for T) are stated, never guessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pioneer.assessment.scores import is_attained
from pioneer.indicators.choices import Direction

TRAJECTORY_CLASSES = ("on_track", "moderately_improving", "stagnating", "deteriorating")
MODERATE_SHARE = 0.5
"""Share of the required annual change above which progress counts as moderate (SDR dashboards)."""


def _sign(direction: pd.Series) -> pd.Series:
    return pd.Series(np.where(direction == Direction.LOWER.value, -1.0, 1.0), index=direction.index)


def _pair(values: pd.DataFrame, *, year: int, baseline_year: int) -> pd.DataFrame:
    keys = ["division_code", "indicator"]
    cols = [*keys, "value"] + (["edition"] if "edition" in values.columns else [])
    cur = values[values["year"] == year][cols + (["direction"] if "direction" in values.columns else [])]
    base = values[values["year"] == baseline_year][cols].rename(
        columns={"value": "baseline_value", "edition": "baseline_edition"})  # fmt: skip
    m = cur.merge(base, on=keys, how="left")
    m["year"], m["baseline_year"] = year, baseline_year
    return m


def improvement(values: pd.DataFrame, *, year: int, baseline_year: int) -> pd.DataFrame:
    """Change of each (division, indicator) from ``baseline_year`` to ``year``.

    ``values``: ``division_code, indicator, year, value, direction`` and optionally ``edition``. Returns
    ``change`` (x_t − x_b, indicator units), ``relative_change`` (% of |x_b|, null when x_b = 0),
    ``improvement`` (change in the better direction: s·(x_t − x_b)), ``improved`` (bool) and
    ``improvement_status``: ``ok``, ``missing-baseline``, ``missing-value`` or ``edition-mismatch`` (then all
    results are null).
    """
    m = _pair(values, year=year, baseline_year=baseline_year)
    if "edition" not in m.columns:
        m["edition"], m["baseline_edition"] = None, None
    same = m["edition"].fillna("") == m["baseline_edition"].fillna("")
    status = np.select(
        [m["value"].isna(), m["baseline_value"].isna(), ~same],
        ["missing-value", "missing-baseline", "edition-mismatch"],
        default="ok",
    )
    m["improvement_status"] = status
    ok = pd.Series(status == "ok", index=m.index)
    change = (m["value"] - m["baseline_value"]).where(ok)
    m["change"] = change
    base_abs = m["baseline_value"].abs()
    m["relative_change"] = (100 * change / base_abs.where(base_abs > 0)).where(ok)
    m["improvement"] = _sign(m["direction"]) * change
    m["improved"] = (m["improvement"] > 0).astype("object").where(ok, None)
    return m


def trajectory(values: pd.DataFrame, targets: pd.DataFrame, *, year: int, baseline_year: int,
               target_year: int) -> pd.DataFrame:  # fmt: skip
    """Trajectory class of each (division, indicator) toward its target for ``target_year`` (module docstring).

    ``values``: ``division_code, indicator, year, value, direction``; ``targets``: ``division_code, indicator,
    comparator, target`` already chosen for ``target_year`` (e.g. from
    :func:`pioneer.assessment.scores.applicable_targets`). Returns ``actual_rate, required_rate, rate_ratio,
    projected`` (linear projection to ``target_year``), ``attained``, ``trajectory``.
    """
    m = _pair(values, year=year, baseline_year=baseline_year)
    tcols = ["division_code", "indicator", "comparator", "target"]
    m = m.merge(targets[tcols].drop_duplicates(["division_code", "indicator"]), on=["division_code", "indicator"],
                how="left")  # fmt: skip
    s = _sign(m["direction"])
    span = float(year - baseline_year)
    slope = (m["value"] - m["baseline_value"]) / span if span > 0 else m["value"] * np.nan
    m["actual_rate"] = s * slope
    m["required_rate"] = s * (m["target"] - m["baseline_value"]) / float(target_year - baseline_year)
    m["rate_ratio"] = m["actual_rate"] / m["required_rate"].where(m["required_rate"] > 0)
    m["projected"] = m["value"] + slope * (target_year - year)
    m["attained"] = is_attained(m["value"], m["comparator"], m["target"], m["direction"])
    a, r = m["actual_rate"], m["required_rate"]
    met = m["attained"].fillna(False).astype(bool)
    missing = m["value"].isna() | m["baseline_value"].isna() | (span <= 0)
    m["trajectory"] = np.select(
        [missing, m["target"].isna(), a < 0, met | (a >= r), a >= MODERATE_SHARE * r],
        ["insufficient_data", "no_target", "deteriorating", "on_track", "moderately_improving"],
        default="stagnating",
    )
    return m
