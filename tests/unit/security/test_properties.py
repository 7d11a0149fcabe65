"""Hypothesis property tests of the parsing and writing rules: the number rule (``lake.cells.number_sql``)
against an independent Python reading, the formula rule's renderings against each other and against what a
spreadsheet would evaluate, upload names, declared Excel dimensions."""

from __future__ import annotations

import math
import re

import duckdb
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from pioneer.guard.cells import TRIGGERS, neutral, neutral_frame, neutral_sql, neutral_table
from pioneer.guard.excel import declared_size
from pioneer.guard.files import MAX_NAME, upload_name
from pioneer.lake.cells import number_sql

CON = duckdb.connect()
DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def reference_number(text: str) -> float | None:
    """Independent reading: ASCII decimal notation only, finite."""
    if not DECIMAL.fullmatch(text) or not text.isascii():
        return None
    value = float(text)
    return value if math.isfinite(value) else None


NUMBERISH = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet="0123456789+-.eE_,x ", max_size=12),
    st.sampled_from(["inf", "Infinity", "-inf", "nan", "1e309", "1_000", "0x1F", "١٢", "３"]),
)


@settings(max_examples=300, deadline=None)
@given(NUMBERISH)
def test_number_rule_matches_reference(text):
    got = CON.execute(f"SELECT {number_sql('x')} FROM (SELECT ?::VARCHAR AS x)", [text]).fetchone()[0]
    want = reference_number(text)
    if want is None:
        assert got is None, (text, got)
    else:
        assert got is not None and math.isclose(got, want, rel_tol=1e-15, abs_tol=0.0), (text, got, want)


CELLS = st.one_of(
    st.text(max_size=20), st.sampled_from(["=1+1", "-2", "+x", "@A1", "\t=1", "-", "=", "-1e3"])
)


@settings(max_examples=300, deadline=None)
@given(CELLS)
def test_formula_rule_renderings_agree_and_neutralise(value):
    written = neutral(value)
    assert neutral_frame(pd.DataFrame({"c": [value]}))["c"][0] == written
    assert neutral_table(pa.table({"c": [value]}))["c"][0].as_py() == written
    assert (
        CON.execute(f"SELECT {neutral_sql('x')} FROM (SELECT ?::VARCHAR AS x)", [value]).fetchone()[0]
        == written
    )
    # what a spreadsheet would evaluate: more than one character starting with a trigger, not a plain number
    dangerous = len(written) > 1 and written[0] in TRIGGERS and reference_number(written) is None
    assert not dangerous
    assert written in (value, "'" + value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_upload_names_are_safe(name):
    safe = upload_name(name)
    assert safe and len(safe) <= MAX_NAME and safe not in (".", "..")
    assert "/" not in safe and "\\" not in safe and not any(ord(c) < 32 or ord(c) == 127 for c in safe)


@given(st.integers(1, 16384), st.integers(1, 1048576), st.integers(1, 16384), st.integers(1, 1048576))
def test_declared_size(c1, r1, c2, r2):
    def letters(n: int) -> str:
        s = ""
        while n:
            n, rem = divmod(n - 1, 26)
            s = chr(65 + rem) + s
        return s

    assert declared_size(f"{letters(c1)}{r1}:{letters(c2)}{r2}") == (abs(c2 - c1) + 1, abs(r2 - r1) + 1)
