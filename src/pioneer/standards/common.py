"""Helpers shared by the standards modules: reading their CSV package data, and a vectorised choice of text."""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np
import pandas as pd


def read_table(name: str) -> pd.DataFrame:
    """A CSV of ``pioneer/standards/data`` as text columns (empty cells stay ``""``)."""
    with resources.files("pioneer.standards.data").joinpath(name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def select_obj(conds: list[Any], choices: list[Any], default: Any) -> np.ndarray:
    """``np.select`` for object choices (text, None): first true condition wins, else ``default``."""
    c = np.asarray(np.broadcast_arrays(*[np.asarray(x, dtype=bool) for x in conds]))
    lut = np.array([*choices, default], dtype=object)
    return np.asarray(lut[np.where(c.any(axis=0), c.argmax(axis=0), len(choices))], dtype=object)
