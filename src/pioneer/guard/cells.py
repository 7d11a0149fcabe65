"""Formula injection ("CSV injection", CWE-1236): a text cell that a spreadsheet would take for a formula is
written with a leading apostrophe, in every CSV and XLSX file Pioneer writes.

Rule (OWASP, *CSV Injection*, owasp.org/www-community/attacks/CSV_Injection, "prepend each cell field that
begins with one of = + - @ TAB CR with a single quote"; ASVS 4.0.3 V5.3.10): a **text** cell whose first
character is one of ``= + - @ \\t \\r`` and that has more than one character gets ``'`` in front (a lone ``-``
— a missing marker — cannot be a formula). Text that is a plain decimal number (``-3.5``,
``+12``, ``-1e-3``) is left alone: a spreadsheet reads it as that number, never as a formula, and a measurement
file's negative values stay numbers. Numeric, date and boolean cells are never touched.

One rule, four renderings for the writers' engines — the regular expressions below are the rule's only home:
:func:`neutral` (one value: openpyxl rows), :func:`neutral_frame` (pandas), :func:`neutral_table` (Arrow),
:func:`neutral_ibis` (an Ibis column), :func:`neutral_sql` (DuckDB SQL text).
"""

from __future__ import annotations

from typing import Any

TRIGGERS = "=+-@\t\r"
TRIGGER_RE = r"(?s)^[=+\-@\t\r]."  # a lone "-" or "=" (a missing marker, a dash) is no formula
NUMBER_RE = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
QUOTE = "'"


def neutral(value: Any) -> Any:
    """``value`` as it may be written to a cell: text a spreadsheet would evaluate gets a leading ``'``.

    Parameters
    ----------
    value : any
        A cell value; only ``str`` is ever changed.

    Examples
    --------
    >>> neutral("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> neutral("-3.5"), neutral(-3.5), neutral("Haidian")
    ('-3.5', -3.5, 'Haidian')
    """
    import re

    if isinstance(value, str) and len(value) > 1 and value[0] in TRIGGERS and not re.match(NUMBER_RE, value):
        return QUOTE + value
    return value


def neutral_row(values: list[Any]) -> list[Any]:
    """:func:`neutral` on every cell of one row (openpyxl ``append``)."""
    return [neutral(v) for v in values]


def neutral_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame with :func:`neutral` applied to its text columns (vectorised)."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        text = s.where(s.map(lambda v: isinstance(v, str)), None) if pd.api.types.is_object_dtype(s) else s
        text = text.astype("string")
        hit = (text.str.match(TRIGGER_RE) & ~text.str.match(NUMBER_RE)).fillna(False).astype(bool)
        if hit.any():
            out.loc[hit, col] = QUOTE + text[hit]
    return out


def neutral_table(table: Any) -> Any:
    """An Arrow table with :func:`neutral` applied to its string columns (vectorised, ``pyarrow.compute``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        col = table.column(i)
        hit = pc.and_(pc.match_substring_regex(col, TRIGGER_RE),
                      pc.invert(pc.match_substring_regex(col, NUMBER_RE)))  # fmt: skip
        if pc.any(hit).as_py():
            fixed = pc.if_else(hit, pc.binary_join_element_wise(QUOTE, col, ""), col)
            table = table.set_column(i, field, fixed.cast(field.type))
    return table


def neutral_sql(expr: str) -> str:
    """A DuckDB SQL expression of a ``VARCHAR`` expression ``expr`` with the rule applied."""
    return (f"CASE WHEN regexp_matches({expr}, '{_sql(TRIGGER_RE)}') AND NOT regexp_matches({expr}, "
            f"'{_sql(NUMBER_RE)}') THEN '''' || {expr} ELSE {expr} END")  # fmt: skip


def _sql(pattern: str) -> str:
    return pattern.replace("\t", "\\t").replace("\r", "\\r").replace("'", "''")


def neutral_ibis(value: Any) -> Any:
    """An Ibis string column with :func:`neutral` applied (any Ibis engine, e.g. DuckDB's streamed ``COPY``)."""
    import ibis

    hit = value.re_search(TRIGGER_RE) & ~value.re_search(NUMBER_RE)
    return ibis.ifelse(hit.fill_null(False), QUOTE + value, value)
