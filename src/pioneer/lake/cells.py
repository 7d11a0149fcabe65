"""How a cell of an input table is read: the missing-value markers, the time and date formats, and the DuckDB SQL
that turns a time text into China Standard Time.

The one home of these rules: the lake's checker (:mod:`pioneer.lake.validate`, through the layouts' defaults),
its one-pass and fast readers, and the air calculator's input reader (:mod:`pioneer.commands.air_input`) all
import them, so a cell is missing, or a time readable, for every one of them alike. The choices (``null`` is
missing, ``2025/03/01 02:00`` is a time, a trailing zone is honoured) are stated in docs/lake.md, "Cells".
"""

from __future__ import annotations

from collections.abc import Iterable

MISSING: tuple[str, ...] = ("", "NA", "N/A", "NaN", "nan", "null", "NULL", "-", "—", "/")
"""Cells meaning "no value": empty cells and dashes (users), ``NA`` and ``/`` (CNEMC), ``null`` (database
exports), ``NaN`` (pandas). Compared after trimming blanks."""

TIME_FORMATS: tuple[str, ...] = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H",
    "%Y/%m/%d %H",
    "%Y%m%d%H",
)
"""Time formats tried in order (DuckDB ``strptime`` syntax), all year first so none is ambiguous. A trailing
zone (``Z``, ``+08:00``, ``+0800``) is read separately, and an hour ``24`` is 00 of the next day."""

DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
"""Date formats (daily values), tried in order."""


NUMBER_PATTERN = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
"""A number as a measurement cell may write it: decimal digits, an optional point and exponent. Not numbers
(so refused, never read as a value): ``inf``, ``Infinity``, ``1e309`` (beyond a double: infinite), ``1_000``
and ``0x10`` (programming-language spellings DuckDB's cast accepts), ``1,000`` (thousands separator). ``NaN``
is a missing marker (:data:`MISSING`)."""


def number_sql(text: str) -> str:
    """SQL: the trimmed text expression ``text`` as a finite ``DOUBLE``, or NULL when it is not a number in the
    sense of :data:`NUMBER_PATTERN` (callers report a non-missing cell that gives NULL as "not a number")."""
    cast = f"TRY_CAST({text} AS DOUBLE)"
    return f"(CASE WHEN regexp_full_match({text}, {sql_text(NUMBER_PATTERN)}) AND isfinite({cast}) THEN {cast} END)"


def sql_text(value: object) -> str:
    """A DuckDB string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_list(values: Iterable[object]) -> str:
    """A DuckDB list literal of strings (for ``IN (SELECT unnest(…))``, ``try_strptime`` format lists)."""
    return "[" + ", ".join(sql_text(v) for v in values) + "]"


def is_missing_sql(text: str, missing: Iterable[str] = MISSING) -> str:
    """SQL: whether the (trimmed) text expression ``text`` is NULL or a missing marker."""
    return f"({text} IS NULL OR {text} IN ({', '.join(sql_text(m) for m in missing)}))"


ZONE_OFFSET_MINUTES: tuple[int, int] = (-12 * 60, 14 * 60)
"""The zone offsets a time may carry, in minutes east of UTC: UTC−12:00 to UTC+14:00, the range of the zones in
use (ISO 8601 itself allows ±99:59; Pioneer's choice, docs/lake.md "Cells"). ``+25:00`` is refused."""


def time_sql(text: str, formats: Iterable[str] = TIME_FORMATS, *, utc_offset: float = 8.0) -> str:
    """SQL: the trimmed time text ``text`` as a China Standard Time ``TIMESTAMP`` (NULL when unreadable).

    ``formats`` are tried in order on the text without its trailing zone; a text without zone is in
    ``utc_offset`` hours east of UTC (China Standard Time = 8); an hour ``24`` (``… 24``, ``…T24:00``) is read
    as 00:00 of the next day. Times stay as labelled (no hour-start/hour-end shift here).
    """
    tz = f"regexp_extract({text}, '(Z|[+-]\\d\\d:?\\d\\d)$')"
    body = f"(CASE WHEN {tz} <> '' THEN left({text}, length({text}) - length({tz})) ELSE {text} END)"
    is24 = f"regexp_matches({body}, '[ T]24(:?00(:?00)?)?$')"
    body24 = f"(CASE WHEN {is24} THEN regexp_replace({body}, '([ T])24', '\\100') ELSE {body} END)"
    parsed = f"(try_strptime({body24}, {sql_list(formats)}) + CASE WHEN {is24} THEN INTERVAL 1 DAY ELSE INTERVAL 0 DAY END)"
    hh, mm = f"CAST(substr({tz}, 2, 2) AS INTEGER)", f"CAST(right({tz}, 2) AS INTEGER)"
    # a zone offset is at most 14 hours (UTC−12:00 … UTC+14:00, the zones in use) with minutes below 60;
    # any other (e.g. +25:00) leaves the time unreadable (NULL), refused where times are checked
    lo, hi = ZONE_OFFSET_MINUTES
    signed = f"((CASE WHEN left({tz}, 1) = '-' THEN -1 ELSE 1 END) * ({hh} * 60 + {mm}))"
    offset = (
        f"(CASE WHEN {tz} = '' THEN {round(utc_offset * 60)} WHEN {tz} = 'Z' THEN 0 "
        f"WHEN {mm} < 60 AND {signed} BETWEEN {lo} AND {hi} THEN {signed} END)"
    )
    full = f"({parsed} + to_minutes(480 - {offset}))"
    # most texts carry neither a zone nor an hour 24: one regex test, then a plain strptime (the full expression
    # evaluates its regexes several times per row, ≈4× slower on a 400k-row file)
    special = f"regexp_matches({text}, '(Z|[+-]\\d\\d:?\\d\\d|[ T]24(:?00(:?00)?)?)$')"
    plain = f"(try_strptime({text}, {sql_list(formats)}) + to_minutes({480 - round(utc_offset * 60)}))"
    return f"(CASE WHEN {special} THEN {full} ELSE {plain} END)"


YEARS: tuple[int, int] = (1970, 2100)
"""Years a measurement time may carry (Pioneer's choice: China's monitoring network began in the 1970s; no data
are dated beyond the 2100 horizon of any plan). A year 9999 used to hold the lake's writer lock for 46 s."""


def bounded_time_sql(ts: str) -> str:
    """SQL: the ``TIMESTAMP`` expression ``ts`` (from :func:`time_sql`), NULL — an unreadable time, refused where
    times are checked — when its year lies outside :data:`YEARS`."""
    return f"(CASE WHEN year({ts}) BETWEEN {YEARS[0]} AND {YEARS[1]} THEN {ts} END)"
