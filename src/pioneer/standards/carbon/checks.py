"""The one located-error check of the carbon readers: raise at the first row where a condition holds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pioneer.errors import InputError


def first_bad(df: pd.DataFrame, mask: Any, column: str, zh: str, en: str, file: str | None, *,
              value_col: str | None = None) -> None:  # fmt: skip
    """Raise an :class:`~pioneer.errors.InputError` (zh/en, file, row from ``df["_row"]``, ``column``, the cell's
    value from ``value_col`` or ``column``) at the first row where ``mask`` is true; missing counts as false."""
    m = pd.Series(
        np.asarray(mask, dtype=object) if not isinstance(mask, pd.Series) else mask.to_numpy(dtype=object)
    )
    idx = np.flatnonzero(m.fillna(False).to_numpy(dtype=bool))
    if idx.size:
        i = int(idx[0])
        col = value_col or column
        v = df[col].iloc[i] if col in df.columns else None
        raise InputError(zh, en, file=file, row=int(df["_row"].iloc[i]), column=column, value=v)
