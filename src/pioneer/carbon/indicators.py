"""The ``carbon`` binding: catalogue indicators computed from a dual-control series (and, for CO2, from an
energy-balance account), stored as ``computed`` values with lineage back to the imported files.

This is the carbon counterpart of :mod:`pioneer.indicators.bindings` (air, water, noise) and
:mod:`pioneer.ecology.indicators`: the catalogue names each indicator's binding (``source: {kind: computed,
binding: carbon.<column>, standard: carbon}``, listed in :data:`pioneer.indicators.catalogue.BINDINGS`), and
:data:`BINDINGS` here says which column of the dual-control table
(:func:`pioneer.standards.carbon.dual_control.intensity_table` and ``versus_base``) computes it, in which unit.

Methods (docs/standards/carbon.md §2): intensity = total / GDP at comparable prices of the price base (the
value's edition, ``price-base 2020``); annual reduction (1 − I_t / I_{t−1}) × 100; cumulative reduction vs 2020
(1 − I_t / I_2020) × 100. CO2 is energy-activity CO2 by the provincial inventory guideline (2011 or 2025 edition,
recorded in the account), direct plus net imported electricity and heat; process emissions are not part of it.

Every stored value carries an ``import_id`` (the series file, recorded as an indicator import with its SHA-256)
and ``lineage.inputs.imports`` (the series and, when CO2 came from an account, the account file), so that
``pioneer explain`` lists the files a value was computed from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd

PRICE_BASE = "price-base "
"""Prefix of a dual-control value's edition: the price base of its GDP at comparable prices (``price-base 2020``)."""

BINDINGS: dict[str, tuple[str, str, str, float, str]] = {
    # catalogue code: (binding, column of the dual-control table, catalogue unit, scale to that unit, method)
    "carbon_intensity_reduction": ("carbon.co2_intensity_reduction", "co2_intensity_reduction", "%", 1.0,
                                   "(1 − I_t / I_{t−1}) × 100, I = CO2 / GDP at comparable prices"),
    "co2_emissions_energy": ("carbon.co2_t", "co2_t", "10^4 t", 1e-4,
                             "energy-activity CO2 (provincial inventory guideline)"),
    "co2_intensity": ("carbon.co2_intensity", "co2_intensity", "t/10^4 yuan", 1.0, "CO2 / GDP at comparable prices"),
    "co2_intensity_reduction_vs_2020": ("carbon.co2_intensity_reduction_vs_base", "co2_intensity_reduction_vs_base",
                                        "%", 1.0, "(1 − I_t / I_2020) × 100"),
    "energy_consumption_total": ("carbon.energy_tce", "energy_tce", "10^4 tce", 1e-4,
                                 "energy consumption (as reported, converted by the declared unit)"),
    "energy_intensity": ("carbon.energy_intensity", "energy_intensity", "tce/10^4 yuan", 1.0,
                         "energy / GDP at comparable prices"),
    "energy_intensity_reduction_vs_2020": ("carbon.energy_intensity_reduction_vs_base",
                                           "energy_intensity_reduction_vs_base", "%", 1.0, "(1 − I_t / I_2020) × 100"),
    "water_use_total": ("carbon.water_1e4m3", "water_1e4m3", "10^8 m3", 1e-4,
                        "water use (as reported, converted by the declared unit)"),
    "water_intensity": ("carbon.water_intensity", "water_intensity", "m3/10^4 yuan", 1.0,
                        "water use / GDP at comparable prices"),
}  # fmt: skip
"""Catalogue code → (binding name, dual-control column, unit, scale, method) of every carbon-bound indicator."""

INDICATOR_MAP = {
    code: (col, unit, scale, method) for code, (_b, col, unit, scale, method) in BINDINGS.items()
}
"""Catalogue code → (column, unit, scale, method) (the older shape, kept for callers)."""


def indicator_values(table: pd.DataFrame, vb: pd.DataFrame, *, inputs: dict[str, Any]) -> pd.DataFrame:
    """The dual-control table as indicator values (``division_code, indicator, year, value, unit, edition, method,
    lineage``) for :func:`pioneer.indicators.store.save_values`. The price base is the value's edition, so values
    at different price bases are never compared with each other (``assessment.progress.improvement``)."""
    t = table.merge(vb.drop(columns=["price_base"]), on=["division_code", "year"], how="left")
    if (t["base_year"] != 2020).any():  # the *_vs_2020 indicators need the 2020 base
        t = t.drop(columns=[c for c in t.columns if c.endswith("_vs_base")])
    parts = []
    for code, (binding, col, unit, scale, method) in BINDINGS.items():
        if col not in t.columns:
            continue
        f = pd.DataFrame({"division_code": t["division_code"], "indicator": code, "year": t["year"],
                          "value": t[col] * scale, "unit": unit, "edition": PRICE_BASE + t["price_base"],
                          "method": method})  # fmt: skip
        f = f[f["value"].notna()]
        lineage = [{"binding": binding, "standard": "carbon", "inputs": dict(inputs), "formula": method,
                    "price_base": pb, "command": "pioneer carbon dual-control"}
                   for pb in t.loc[f.index, "price_base"]]  # fmt: skip
        f["lineage"] = pd.Series(lineage, index=f.index, dtype=object)
        parts.append(f)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _import_id(kind: str, sha: str) -> str:
    return f"carbon-{kind}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{sha[:8]}"


def store_values(session: Any, values: pd.DataFrame, *, uploads: dict[str, tuple[bytes, str]] | None = None,
                 submitted_by: str | None = None) -> int:  # fmt: skip
    """Save dual-control indicator values in the caller's transaction as ``computed`` values.

    ``uploads``: the files the values come from (``{"series": (bytes, name), "emissions": (bytes, name)}``);
    each is recorded as an indicator import (file name, SHA-256, rows), the series import becomes every value's
    ``import_id`` and all import ids go to ``lineage.inputs.imports`` (listed by ``pioneer explain``)."""
    from pioneer.indicators import store

    if values.empty:
        return 0
    v = values.copy()
    ids: dict[str, str] = {}
    for kind, (data, name) in (uploads or {}).items():
        sha = hashlib.sha256(data).hexdigest()
        ids[kind] = _import_id(kind, sha)
        store.record_import(session, import_id=ids[kind], file_name=str(name)[:255], sha256=sha, n_rows=len(v),
                            submitted_by=submitted_by)  # fmt: skip
    if ids:
        v["lineage"] = [
            {**lin, "inputs": {**lin.get("inputs", {}), "imports": sorted(ids.values()),
                               "import_kinds": {k: i for k, i in ids.items()}}}
            for lin in v["lineage"]
        ]  # fmt: skip
    return store.save_values(session, v, source_kind="computed", import_id=ids.get("series"))


# region-tier zones: the pooling rule lives with the other dual-control rules (standards layer)
from pioneer.standards.carbon.pooling import pooled_values as pooled_values  # noqa: E402
