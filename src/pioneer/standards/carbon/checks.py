"""The one located-error check of the carbon readers: raise at the first row where a condition holds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pioneer.errors import InputError


def first_bad(df: pd.DataFrame, mask: Any, column: str, zh: str, en: str, file: str | None, *,
              value_col: str | None = None) -> None:  # fmt: skip
    """Raise an :class:`~pioneer.errors.InputError` (zh/en, file, row from ``df["_row"]``, ``column``, the cell's
    value from ``value_col`` or ``column``; the file from ``df["_file"]`` when rows carry it) at the first row where ``mask`` is true; missing counts as false."""
    m = pd.Series(
        np.asarray(mask, dtype=object) if not isinstance(mask, pd.Series) else mask.to_numpy(dtype=object)
    )
    idx = np.flatnonzero(m.fillna(False).to_numpy(dtype=bool))
    if idx.size:
        i = int(idx[0])
        col = value_col or column
        v = df[col].iloc[i] if col in df.columns else None
        where = (
            str(df["_file"].iloc[i]) if "_file" in df.columns else file
        )  # the row's own sheet of a workbook
        raise InputError(zh, en, file=where, row=int(df["_row"].iloc[i]), column=column, value=v)
