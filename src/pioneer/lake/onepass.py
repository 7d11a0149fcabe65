"""One-pass ingest of a wide air CSV: parse once, check while parsing, write the lake's Parquet once.

:mod:`pioneer.lake.fast` calls :func:`one_pass` first for a UTF-8 or GB18030 wide air CSV on a local lake. Rows that break
(or may break) a rule do not stop it: their row numbers are collected (see 3.), and :func:`pioneer.lake.fast.recheck`
then re-reads just those rows as text and runs the general rules (:mod:`pioneer.lake.validate`) on them, so the
located errors always come from the general path — the route never writes an error message itself. It gives up
(returns ``None``; what it staged is deleted and the DuckDB route of :mod:`pioneer.lake.fast` runs, which in turn
hands doubtful files to the general path) when it cannot read the file as the general reader would (an open quote,
neither UTF-8 nor GB18030, a cell pyarrow cannot read, a wrong field count), when a stored value could differ (a missing city the
registry would fill in), or when a flagged row turns out to pass the general rules.

How (memory stays bounded: the file is read in pieces of :data:`PIECE` bytes):

1. **Pieces with row numbers.** The data part of the file (after the header line) is read sequentially and cut
   after the last line break *outside quotes* of each piece (the parity of the quote characters before each line
   break, :func:`_record_end`), so the pieces hold whole records, in order; a piece with a line break inside a
   quoted field is parsed with ``newlines_in_values`` as the general reader parses. Each piece is decoded as the
   general reader decodes the file (UTF-8, else GB18030: :meth:`_Run._clean`). The record index of a row is a
   running offset: ``row = offset + index + 2`` (header = row 1), as the general
   reader numbers them (pyarrow, blank lines skipped, the same options). A wrong number of fields fails the
   read → other routes.
2. **Parse** each piece with pyarrow's multithreaded CSV reader (in a background thread, a few pieces ahead):
   item columns ``float64`` with the layout's missing markers as nulls; station, city, city name and time
   as dictionary-encoded text, exactly as written. Dictionary values are few (stations, hours), so every key
   and time rule of the general path runs *on the distinct values*, with the general path's own SQL
   expressions (trim, ``NULLIF``, station renames, registry, the time parser with zones and ``24:00``) in a
   small DuckDB connection, and the stored station, city, city name and time are those expressions' results.
3. **Checks while parsing**: keys (empty/unknown station, 6-digit city code, registry membership and city) on
   the distinct values, time (empty, unparsable, not on the hour) on the distinct texts, values (non-finite,
   plausibility range after unit conversion; min/max per piece first, per row only when that fails). A row
   such a rule flags is *doubtful*: its number is kept, and it is never staged. Duplicate station-hours: an
   int32 map station × hour → the cell's first row number (rows whose station or time is doubtful are left
   out: a repeat of theirs has the same station and time, so it is doubtful too); a cell already set, or fewer
   new cells than rows, is a repeat, and then every row of the repeated station-hours (the first one
   included) is kept for the re-check — the general rules decide which of them (if any) are duplicates.
4. **Write once**: each checked piece is written (by a writer thread, in order) as one row group to the import's staging file of its
   partition year (``air-<year>.parquet``, pyarrow ``ParquetWriter``), rows in source order. The caller moves
   the files into their partitions and writes the provenance record (the commit point). Once a row is doubtful
   and ``accept_valid`` is off, the import will be rejected: the staged files are deleted, and the route only
   checks the rest of the file (the report needs every error). With ``accept_valid`` the stored rows are those
   staged minus the ones the general rules reject (:func:`drop_rows`: only a row of a repeated station-hour
   can be both, and only then is a staged file written again).

Number parsing: pyarrow reads a cell as a number only where DuckDB's ``TRY_CAST(… AS DOUBLE)`` (the general
path's parser) gives the same double — tested on generated spellings in ``tests/unit/lake/test_lake_onepass.py``;
a cell pyarrow cannot read (blanks inside a marker, ``1_000``…) makes the read fail → other routes.

Parquet encodings (values unchanged; see docs/performance.md "Lake ingest"): text columns dictionary-encoded
(from the dictionaries the reader built), item values dictionary-encoded (few distinct values; plain when a
page's dictionary grows too large), ``row`` and ``time`` DELTA_BINARY_PACKED (both readable by DuckDB and by
Spark's vectorised reader; BYTE_STREAM_SPLIT is not, in Spark 4.0), zstd level 1; min/max statistics for
``row``, ``time`` and the items (the columns a query prunes on), not for the dictionary-encoded text columns
(no pruning use in a time-ordered file, and pyarrow computes them slowly from dictionary arrays).
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pioneer.guard.codes import DIVISION_CODE_PATTERN, STATION_CODE_PATTERN
from pioneer.lake.layouts import AIR_ITEMS, AIR_RANGES, CONVERSIONS, Layout
from pioneer.lake.validate import _Sql, lit

STATION_CODE = re.compile(STATION_CODE_PATTERN)

#: Bytes of CSV read and parsed at a time (one row group of the stored file per piece).
PIECE = 1 << 24
#: Pieces being parsed or parsed ahead of the checks at most (memory: ≈ 2 × PIECE each).
AHEAD = 6
#: Parser threads (each parses whole pieces; the 2-core target machine).
WORKERS = 2
#: Checked pieces queued for the writer thread at most.
WRITE_AHEAD = 3
#: Checked rows held (not yet written) at most while the file is still being hashed for the import id.
MAX_WAITING = 4_000_000
#: At most this many station × hour cells in the first-row map (int32: 4 bytes each, ≤ 256 MB; pages never
#: touched cost no memory); beyond → other routes.
MAX_CELLS = 1 << 26
#: At most this many doubtful rows are collected (beyond: the other routes decide).
MAX_RECHECK = 1_000_000
#: Row numbers are kept in an int32 map: a file with more rows goes to the other routes.
MAX_ROW = (1 << 31) - 8
#: Writer options of the stored files (see module docstring).
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1

STOP = object()  # returned when ``import_id()`` said stop (the file is already imported)

_DICT = pa.dictionary(pa.int32(), pa.string())
_HOUR_US = 3_600_000_000


class _Doubt(Exception):
    """Not sure the general path would store the same: leave the file to the other routes."""


@dataclass
class Done:
    """What the route read and staged. ``files``: partition year → staged Parquet file, holding every row but
    the ``doubtful`` ones (none staged when rows were flagged and ``accept_valid`` is off). ``recheck``: the
    rows the general rules must see (ascending; ``None`` for a clean file) — the ``doubtful`` rows (a
    row-level rule flagged them: each must get an error, else the route gives up) and every row of a repeated
    station-hour. ``pieces``: (byte offset, byte length, index of the first row, rows) of each piece."""

    rows: int
    files: dict[int, Path]
    recheck: pa.Array | None = None
    doubtful: pa.Array | None = None
    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)
    encoding: str = "utf-8"
    """The file's encoding as the general reader decides it (``utf-8`` or ``gb18030``)."""


def one_pass(
    path: Path,
    *,
    lay: Layout,
    header: list[str],
    items: dict[str, str],
    data_start: int,
    stage: Path,
    import_id: Callable[[], str | None],
    known: Mapping[str, str] | None,
    ready: Callable[[], bool] | None = None,
    accept_valid: bool = False,
    encoding: str | None = None,
) -> Done | object | None:
    """Ingest ``path`` in one pass into ``stage`` (see module docstring): a :class:`Done`, ``None`` (not sure:
    use the other routes; files this call staged are removed) or :data:`STOP`. ``encoding``: ``utf-8`` or
    ``gb18030`` when known (forced, or from the header), ``None`` to decide as the general reader does."""
    t = lay.time
    if t.parts or not t.hourly or t.column is None or lay.columns.get("time") is None:
        return None
    if any(m != m.strip(" ") for m in lay.missing):
        return None  # a marker with blanks: the general path compares trimmed cells, pyarrow whole cells
    run = _Run(path, lay, header, items, data_start, stage, known, accept_valid, encoding)
    try:
        return run.go(import_id, ready or (lambda: True))
    except (_Doubt, pa.ArrowException, UnicodeDecodeError, duckdb.Error, OSError, ValueError, KeyError):
        return None
    finally:
        run.close()


class _Run:
    def __init__(
        self,
        path: Path,
        lay: Layout,
        header: list[str],
        items: dict[str, str],
        data_start: int,
        stage: Path,
        known: Mapping[str, str] | None,
        accept_valid: bool = False,
        encoding: str | None = None,
    ) -> None:
        self.path, self.lay, self.header, self.items = path, lay, header, items
        self.encoding = (
            encoding  # None: every piece so far was ASCII (the general reader's choice is still open)
        )
        self.accept_valid = accept_valid
        self.writing = True  # off once a row is doubtful without ``accept_valid`` (nothing will be stored)
        self.flagged: list[np.ndarray] = []  # row numbers a row-level rule flagged (doubtful)
        self.grouped: list[np.ndarray] = []  # row numbers of repeated station-hours
        self.n_flagged = 0
        self.pieces: list[tuple[int, int, int, int]] = []
        self.data_start, self.stage, self.known = data_start, stage, known
        self.con = duckdb.connect(config={"threads": 1})
        self.con.execute("SET enable_progress_bar = false")
        c = lay.columns
        self.st_col, self.time_col = c["station"], c["time"]
        self.has_city = "city" in c and "city" not in lay.constants
        self.ci_col = c["city"] if self.has_city else None
        self.cn_col = c.get("city_name")
        self.factors = {}
        for g in items:
            target = AIR_ITEMS[g]
            source = lay.units.get(g, target)
            self.factors[g] = 1.0 if source == target else CONVERSIONS[(source, target)]
        self.ranges = {g: lay.ranges.get(g, AIR_RANGES[g]) for g in items}
        # caches: raw dictionary value → stored value (computed once per distinct value)
        self.stations: dict[str, str | None] = {}  # raw → stored station
        self.cities: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str | None] = {}
        self.times: dict[str, int] = {}
        self.sid: dict[str, int] = {}  # stored station → dense number (duplicate map column)
        self.seen = np.zeros((0, 0), dtype=np.int32)  # station-hour → its first row number (0: not seen)
        self.h0 = 0
        self.marks = 0
        self.writers: dict[int, pq.ParquetWriter] = {}
        self.files: dict[int, Path] = {}
        self.stop = threading.Event()
        self.n = self.written = 0
        self.ident: str | None = None
        self.waiting: list[tuple[int, pa.Table]] = []
        needed = [self.st_col, self.time_col, *items.values()]
        types: dict[str, pa.DataType] = {self.st_col: _DICT, self.time_col: _DICT}
        for col in (self.ci_col, self.cn_col):
            if col is not None:
                needed.append(col)
                types[col] = _DICT
        types.update(dict.fromkeys(items.values(), pa.float64()))
        self.convert = pacsv.ConvertOptions(
            include_columns=list(dict.fromkeys(needed)),
            column_types=types,
            null_values=list(lay.missing),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        self.pool = ThreadPoolExecutor(WORKERS)
        self.wpool = ThreadPoolExecutor(1)  # the Parquet writer: one thread, pieces in order
        self.writes: deque[Future[None]] = deque()
        self.known = None if known is None else {k: str(v) for k, v in known.items()}
        if "city" in lay.constants:
            const = lay.constants["city"]
            if not self._sql1(f"regexp_full_match(x, {lit(DIVISION_CODE_PATTERN)})", [const])[0]:
                raise _Doubt
            self.const_city: str | None = const
        else:
            self.const_city = None

    # ---- driver --------------------------------------------------------------------------------------------
    def go(self, import_id: Callable[[], str | None], ready: Callable[[], bool]) -> Done | object | None:
        pending: deque[tuple[int, int, Future[pa.Table]]] = deque()
        for pos, size, view, multiline in self._pieces():
            pending.append((pos, size, self.pool.submit(self._parse, view, multiline)))
            while len(pending) >= AHEAD or (pending and pending[0][2].done()):
                if self._take(*pending.popleft(), import_id, ready) is STOP:
                    return STOP
        while pending:
            if self._take(*pending.popleft(), import_id, ready) is STOP:
                return STOP
        if self.n == 0:
            return None
        if self.writing and self._flush(import_id) is STOP:
            return STOP
        while self.writes:
            self.writes.popleft().result()
        for w in self.writers.values():
            w.close()
        self.writers.clear()
        done = Done(
            self.n, dict(sorted(self.files.items())), pieces=self.pieces, encoding=self.encoding or "utf-8"
        )
        if self.flagged or self.grouped:
            doubtful = np.unique(np.concatenate(self.flagged or [np.zeros(0, np.int64)]))
            done.recheck = pa.array(np.unique(np.concatenate([doubtful, *self.grouped])))
            done.doubtful = pa.array(doubtful)
        return done

    def _take(
        self,
        pos: int,
        size: int,
        fut: Future[pa.Table],
        import_id: Callable[[], str | None],
        ready: Callable[[], bool],
    ) -> object:
        """Check one parsed piece; write it (and what waited) once the import id is known."""
        tab = fut.result()
        self.pieces.append((pos, size, self.n, tab.num_rows))
        if tab.num_rows == 0:
            return None
        if self.n + tab.num_rows >= MAX_ROW:
            raise _Doubt  # row numbers beyond the first-row map's int32
        parts = self._check(tab, self.n)
        self.n += tab.num_rows
        if self.n_flagged > MAX_RECHECK:
            raise _Doubt  # too many rows to re-check: the other routes decide
        if self.flagged and not self.accept_valid and self.writing:
            self._abandon()  # rows will be rejected and nothing stored: stop writing, keep checking
        if not self.writing:
            return None
        self.waiting += parts
        if self.ident is None and not ready() and self.n - self.written < MAX_WAITING:
            return None  # the file is still being hashed: keep checking, write later
        return self._flush(import_id)

    def _abandon(self) -> None:
        """Discard what was staged (the import will be rejected) and write nothing more."""
        self.writing = False
        self.waiting.clear()
        while self.writes:
            self.writes.popleft().result()
        for w in self.writers.values():
            w.close()
        self.writers.clear()
        for f in self.files.values():
            f.unlink(missing_ok=True)
        self.files.clear()

    def _flush(self, import_id: Callable[[], str | None]) -> object:
        if self.ident is None:
            self.ident = import_id()  # waits for the file's sha256 (hashed meanwhile by the caller)
            if self.ident is None:
                return STOP
        for year, part in self.waiting:  # encoded by the writer thread while the next pieces are checked
            self.writes.append(self.wpool.submit(self._write, year, part, self.ident))
            while len(self.writes) > WRITE_AHEAD:
                self.writes.popleft().result()
        self.waiting.clear()
        self.written = self.n
        return None

    def close(self) -> None:
        self.stop.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.wpool.shutdown(wait=True, cancel_futures=True)
        for w in self.writers.values():
            w.close()
        if self.writers:  # gave up half-way: nothing staged may be committed
            for f in self.files.values():
                f.unlink(missing_ok=True)
            self.files.clear()
        self.con.close()

    # ---- reading and parsing -------------------------------------------------------------------------------
    def _pieces(self) -> Iterator[tuple[int, int, memoryview, bool]]:
        """The data part of the file in pieces of whole records (≈ :data:`PIECE` bytes) with their byte offsets and
        lengths in the file, decoded (:meth:`_clean`), and whether a record of the piece holds a line break inside
        a quoted field (then parsed with ``newlines_in_values``, as the general reader always parses). A piece ends
        at a line break outside quotes (:func:`_record_end`), so no record crosses a border."""
        with self.path.open("rb", buffering=0) as f:
            f.seek(self.data_start)
            pos = self.data_start
            carry = b""
            while not self.stop.is_set():
                block = f.read(PIECE)
                if not block:
                    if carry:
                        yield pos, len(carry), self._clean(carry, len(carry)), _record_end(carry, True)[1]
                    return
                data = carry + block if carry else block
                cut, multiline = _record_end(data)
                if cut == 0:
                    if len(data) > 4 * PIECE:
                        raise _Doubt  # an open quote (or no line break) over 64 MB: the general path reports it
                    carry = data
                    continue
                yield pos, cut, self._clean(data, cut), multiline
                pos += cut
                carry = data[cut:]

    def _clean(self, data: bytes, cut: int) -> memoryview:
        """The piece ``data[:cut]`` as UTF-8, decoded as the general reader decodes the whole file
        (:func:`pioneer.lake.readers.decode_csv`: strict UTF-8, else strict GB18030). The pieces are cut and the
        quotes tested on the file's bytes: in GB18030 as in UTF-8 the bytes of a line break and of a quote
        (0x0A, 0x0D, 0x22) never occur inside a multi-byte character. An ASCII piece reads alike in both; the
        first piece that is not ASCII decides, and a later piece that does not decode in the encoding decided
        (UTF-8 after a UTF-8 piece: the general reader would read the whole file as GB18030) is a doubt."""
        view = memoryview(data)[:cut]
        if data.isascii() or (cut < len(data) and bytes(view).isascii()):
            return view
        if self.encoding is None:
            try:
                str(view, "utf-8")
                self.encoding = "utf-8"
            except UnicodeDecodeError:
                self.encoding = "gb18030"  # every earlier piece was ASCII: the same text in GB18030
        if self.encoding == "gb18030":  # raises UnicodeDecodeError (not GB18030 either) → the general path
            return memoryview(str(view, "gb18030").encode("utf-8"))
        str(view, "utf-8")  # raises UnicodeDecodeError: not UTF-8 → the general path
        return view

    def _parse(self, view: memoryview, multiline: bool = False) -> pa.Table:
        """One piece as one block (one dictionary per text column), in a worker thread."""
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(view)),
            pacsv.ReadOptions(use_threads=False, block_size=len(view) + 1, column_names=self.header),
            pacsv.ParseOptions(newlines_in_values=multiline),
            self.convert,
        )

    # ---- checks (main thread) --------------------------------------------------------------------------------
    def _sql1(self, expr: str, values: list[str], col: str = "x") -> list[Any]:
        """``expr`` over a one-column table of ``values`` (column ``col``), in order."""
        self.con.register("vals", pa.table({col: pa.array(values, pa.string())}))
        try:
            return [r[0] for r in self.con.execute(f"SELECT {expr} FROM vals").fetchall()]
        finally:
            self.con.unregister("vals")

    def _map(self, cache: dict[str, Any], dictionary: pa.Array, expr: str, col: str = "x") -> list[Any]:
        raw = dictionary.to_pylist()  # distinct values of one piece (stations, hours), not data rows
        new = [v for v in dict.fromkeys(raw) if v not in cache]
        if new:
            cache.update(zip(new, self._sql1(expr, new, col), strict=True))
        return [cache[v] for v in raw]

    def _station_dict(self, dictionary: pa.Array) -> tuple[list[str | None], np.ndarray]:
        """Stored station per dictionary value, and which values break a key rule (``missing_key``,
        ``key_code``, ``unknown_station`` of the station list or the registry)."""
        lay = self.lay
        if lay.station_names:  # the general path: LEFT JOIN names ON name = trimmed text
            whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in lay.station_names.items())
            expr = f"(CASE trim(x) WHEN '' THEN NULL {whens} END)"
        else:
            expr = "NULLIF(trim(x), '')"
        stored = self._map(self.stations, dictionary, expr)
        # ``key_code`` on the distinct stored codes, in Python: the same pattern as the checker's RE2 (guard.codes,
        # tested alike); inside this struct query DuckDB 1.5.6 crashed (SIGSEGV) on a 60 000-row import
        known = self.known
        bad = np.array(
            [
                s is None or not STATION_CODE.fullmatch(s) or (known is not None and s not in known)
                for s in stored
            ],
            dtype=np.bool_,
        )
        return stored, bad

    def _check(self, tab: pa.Table, offset: int) -> list[tuple[int, pa.Table]]:
        """The piece's stored columns without its doubtful rows, split by partition year (nothing when not
        writing); the row numbers of doubtful rows and of repeated station-hours are collected; raises
        :class:`_Doubt` when unsure."""
        if any(c.num_chunks > 1 for c in tab.columns):
            tab = tab.unify_dictionaries()
        if any(c.null_count for c in tab.columns if pa.types.is_dictionary(c.type)):
            raise _Doubt  # text is read as written (never null); a null would be a reader surprise
        n = tab.num_rows
        cols: dict[str, pa.Array] = {}
        st = tab[self.st_col].combine_chunks()
        stations, st_bad = self._station_dict(st.dictionary)
        st_idx = st.indices.to_numpy(zero_copy_only=False)
        bad = np.zeros(n, dtype=np.bool_)  # doubtful rows of this piece
        if st_bad.any():
            bad |= st_bad[st_idx]
        cols["station"] = _dict_array(st.indices, stations)
        cols["city"] = self._city(tab, st, stations, st_bad, st_idx, n, bad)
        if self.cn_col is not None:
            cn = tab[self.cn_col].combine_chunks()
            names = self._map(self.names, cn.dictionary, "NULLIF(trim(x), '')")
            cols["city_name"] = _dict_array(cn.indices, names)
        else:
            cols["city_name"] = _null_dict(n)
        # time: the general path's expression on the distinct texts
        tm = tab[self.time_col].combine_chunks()
        ts, raw, _ = _Sql(self.con, self.lay, [self.time_col]).time_sql()
        us = self._map(
            self.times,
            tm.dictionary,
            f"CASE WHEN {raw} IS NULL OR {raw} = '' THEN NULL ELSE epoch_us({ts}) END",
            self.time_col,
        )
        t_bad = np.array([u is None for u in us], dtype=np.bool_)  # missing_key (time) / time
        us_dict = np.array([0 if u is None else u for u in us], dtype=np.int64)
        t_bad |= (us_dict % _HOUR_US) != 0  # not_on_hour
        t_idx = tm.indices.to_numpy(zero_copy_only=False)
        if t_bad.any():
            bad |= t_bad[t_idx]
        hours = np.where(t_bad, -1, us_dict // _HOUR_US)
        self._duplicates(stations, st_bad, st_idx, hours, t_idx, offset)
        for g, src in self.items.items():
            v = tab[src].combine_chunks()
            out = self._values(v, *self.ranges[g], self.factors[g])
            if out is not None:
                bad |= out
            cols[g] = v if self.factors[g] == 1.0 else pc.multiply(v, self.factors[g])
        keep = None
        if bad.any():
            rows = np.flatnonzero(bad).astype(np.int64) + (offset + 2)
            self.flagged.append(rows)
            self.n_flagged += len(rows)
            keep = ~bad
        if not self.writing or (self.flagged and not self.accept_valid):
            return []  # nothing will be stored
        cols["row"] = pa.array(np.arange(offset + 2, offset + 2 + n, dtype=np.int64))
        cols["time"] = pa.array(us_dict[t_idx], pa.timestamp("us"))
        whole = self._table(cols, n)
        # partition year = the data day's year: year(time − 1 h) for hour-end labels
        years = (us_dict - _HOUR_US).astype("datetime64[us]").astype("datetime64[Y]").astype(np.int64) + 1970
        if keep is None:
            distinct = np.unique(years[~t_bad]) if t_bad.any() else np.unique(years)
            if len(distinct) == 1:
                return [(int(distinct[0]), whole)]
            row_years = years[t_idx]
        else:
            whole = whole.filter(pa.array(keep))
            row_years = years[t_idx][keep]
            distinct = np.unique(row_years)
            if len(distinct) == 1:
                return [(int(distinct[0]), whole)]
        parts = [(int(y), whole.filter(pa.array(row_years == y))) for y in distinct]
        return [(y, part) for y, part in parts if part.num_rows]

    @staticmethod
    def _values(v: pa.Array, lo: float, hi: float, f: float) -> np.ndarray | None:
        """The rows whose value is not finite or, × the unit factor, outside [lo, hi] (the ``number`` and
        ``range`` rules); ``None`` when there are none. First on the raw value buffer (null slots included: a
        superset of the values, so passing there implies passing), exactly (nulls skipped) only when that
        fails."""
        if len(v) == v.null_count:
            return None
        raw = np.frombuffer(v.buffers()[1], dtype=np.float64, count=v.offset + len(v))[v.offset :]
        if np.isfinite(raw).all() and raw.min() * f >= lo and raw.max() * f <= hi:
            return None
        scaled = pc.multiply(v, f) if f != 1.0 else v
        hit = pc.or_(
            pc.invert(pc.is_finite(v)), pc.or_(pc.less(scaled, lo), pc.greater(scaled, hi))
        ).fill_null(False)
        out = hit.to_numpy(zero_copy_only=False)
        return out if out.any() else None

    def _city(
        self,
        tab: pa.Table,
        st: pa.DictionaryArray,
        stations: list[str | None],
        st_bad: np.ndarray,
        st_idx: Any,
        n: int,
        bad: np.ndarray,
    ) -> pa.Array:
        """The stored city; rows breaking ``city_code`` or ``city_mismatch`` are marked in ``bad``."""
        known = self.known
        if self.const_city is not None:
            if known is not None:
                wrong = np.array(
                    [not b and known[s] != self.const_city for s, b in zip(stations, st_bad, strict=True)],  # type: ignore[index]
                    dtype=np.bool_,
                )
                if wrong.any():
                    bad |= wrong[st_idx]  # city_mismatch
            return _const_dict(self.const_city, n)
        if self.ci_col is None:  # no city column: the registry's city, else none
            if known is None:
                return _null_dict(n)
            return _dict_array(st.indices, [None if s is None else known.get(s) for s in stations])
        ci = tab[self.ci_col].combine_chunks()
        checked = self._map(  # the stored city and whether it passes ``city_code``, once per distinct text
            self.cities,
            ci.dictionary,
            "{'c': NULLIF(trim(x), ''), 'ok': NULLIF(trim(x), '') IS NULL OR "
            f"regexp_full_match(NULLIF(trim(x), ''), {lit(DIVISION_CODE_PATTERN)})}}",
        )
        cities = [c["c"] for c in checked]
        ci_idx = None
        ci_bad = np.array([not c["ok"] for c in checked], dtype=np.bool_)
        if ci_bad.any():
            ci_idx = ci.indices.to_numpy(zero_copy_only=False)
            bad |= ci_bad[ci_idx]  # city_code
        if known is not None:
            if any(c is None for c in cities):
                raise _Doubt  # the registry's city would fill it in per row
            if ci_idx is None:
                ci_idx = ci.indices.to_numpy(zero_copy_only=False)
            k = len(cities)
            codes = st_idx.astype(np.int64) * k + ci_idx
            pairs = np.unique(codes)
            wrong = [
                p
                for p in pairs.tolist()
                if not st_bad[p // k] and not ci_bad[p % k] and known[stations[p // k]] != cities[p % k]  # type: ignore[index]
            ]  # city_mismatch, on the distinct station-city pairs
            if wrong:
                bad |= np.isin(codes, np.array(wrong, dtype=np.int64))
        return _dict_array(ci.indices, cities)

    def _duplicates(
        self, stations: list[str | None], st_bad: np.ndarray, st_idx: Any, hours: Any, t_idx: Any, offset: int
    ) -> None:
        """The ``duplicate`` rules: each row's station-hour gets its first row number in a map (rows whose
        station or time breaks a rule are left out: any repeat of theirs breaks the same rule). A repeat (a
        cell already set, or fewer new cells than rows) collects every row of the repeated station-hours."""
        sid_dict = np.array(
            [
                -1 if b else self.sid.setdefault(s, len(self.sid))
                for s, b in zip(stations, st_bad, strict=True)
            ],  # type: ignore[arg-type]
            dtype=np.int64,
        )
        sid = sid_dict[st_idx]
        h = hours[t_idx]
        rows = np.arange(offset + 2, offset + 2 + len(h), dtype=np.int32)
        if (sid_dict < 0).any() or (hours < 0).any():
            ok = (sid >= 0) & (h >= 0)
            sid, h, rows = sid[ok], h[ok], rows[ok]
            if not len(h):
                return
        lo, hi = int(h.min()), int(h.max())
        n_rows, width = self.seen.shape
        if self.seen.size == 0 or lo < self.h0 or hi >= self.h0 + n_rows or len(self.sid) > width:
            old_end = self.h0 + n_rows
            new_h0 = lo if self.seen.size == 0 else min(lo, self.h0)
            end = max(hi + 1, old_end)
            new_width = max(width, 1 << max(len(self.sid) - 1, 1).bit_length())
            if self.seen.size and end > old_end:  # hours grow as the file goes on: room for more at once
                end = max(end, old_end + n_rows // 2)
            if (end - new_h0) * new_width > MAX_CELLS:
                end = max(hi + 1, old_end)
                if (end - new_h0) * new_width > MAX_CELLS:
                    raise _Doubt
            grown = np.zeros((end - new_h0, new_width), dtype=np.int32)
            if self.seen.size:
                grown[self.h0 - new_h0 : self.h0 - new_h0 + n_rows, :width] = self.seen
            self.seen, self.h0 = grown, new_h0
        width = self.seen.shape[1]
        flat = self.seen.reshape(-1)  # a view: the array is C-contiguous
        cells = (h - self.h0) * width + sid
        prev = flat[cells]
        region = flat[(lo - self.h0) * width : (hi - self.h0 + 1) * width]
        before = int(np.count_nonzero(region))
        flat[cells] = rows
        if not prev.any() and int(np.count_nonzero(region)) - before == len(h):
            return  # no station-hour repeated
        # exact (rare): rows in file order per cell; the first row of each cell is kept in the map
        order = np.argsort(cells, kind="stable")
        sc = cells[order]
        starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
        counts = np.diff(np.r_[starts, len(sc)])
        first_prev = prev[order][starts]
        firsts = np.where(first_prev != 0, first_prev, rows[order][starts])
        flat[sc[starts]] = firsts
        repeated = (counts > 1) | (first_prev != 0)
        in_rep = np.repeat(repeated, counts)
        self.grouped.append(rows[order][in_rep].astype(np.int64))
        self.grouped.append(first_prev[repeated & (first_prev != 0)].astype(np.int64))

    # ---- writing -------------------------------------------------------------------------------------------
    def _table(self, cols: dict[str, pa.Array], n: int) -> pa.Table:
        # the general path's column order: present items, then the absent ones as NULL
        out = {k: cols[k] for k in ("row", "station", "city", "city_name", "time")}
        for g in self.items:
            out[g] = cols[g]
        for g in AIR_ITEMS:
            if g not in self.items:
                out[g] = pa.nulls(n, pa.float64())
        return pa.table(out)

    def _write(self, year: int, part: pa.Table, ident: str) -> None:
        n = part.num_rows
        part = (
            part.append_column("status", _const_dict(self.lay.status, n))
            .append_column("import_id", _const_dict(ident, n))
            .append_column("sheet", _const_dict("", n))
        )
        w = self.writers.get(year)
        if w is None:
            out = self.stage / f"air-{year}.parquet"
            self.files[year] = out
            w = self.writers[year] = _writer(out, part.schema)
        w.write_table(part, row_group_size=max(n, 1))


def _writer(out: Path, schema: pa.Schema) -> pq.ParquetWriter:
    return pq.ParquetWriter(
        out,
        schema,
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        # dictionary pages for text and values (few distinct), DELTA for the two ordered integer columns;
        # no BYTE_STREAM_SPLIT: Spark 4.0's vectorised reader does not read it (the PySpark query path)
        use_dictionary=[c for c in schema.names if c not in ("row", "time")],
        column_encoding={"row": "DELTA_BINARY_PACKED", "time": "DELTA_BINARY_PACKED"},
        write_statistics=["row", "time", *AIR_ITEMS],
        store_schema=False,  # readers see plain text columns, as in the files of the other routes
    )


def _record_end(data: bytes, at_end: bool = False) -> tuple[int, bool]:
    """(the end of the last whole record of ``data`` — just after its last line break outside quotes, or all of
    ``data`` when ``at_end`` —, whether a line break before that end lies inside a quoted field). Inside quotes =
    an odd number of quote characters before (a doubled quote ``""`` inside a field counts twice, so the parity
    is that of being inside quotes); vectorised over the bytes, no loop. Without quotes every line is a record."""
    if data.find(b'"') < 0:
        return (len(data) if at_end else data.rfind(b"\n") + 1), False
    b = np.frombuffer(data, dtype=np.uint8)
    inside = np.bitwise_xor.accumulate((b == 0x22).view(np.uint8))
    breaks = np.flatnonzero(b == 0x0A)
    if at_end:
        cut = len(data)
    else:
        outside = breaks[inside[breaks] == 0]
        cut = int(outside[-1]) + 1 if outside.size else 0
    return cut, bool(inside[breaks[breaks < cut]].any())


def drop_rows(files: dict[int, Path], rows: pa.Array) -> dict[int, Path]:
    """The staged files without the source rows ``rows`` (``--accept-valid``: rows the general rules reject
    that were staged — rows of a repeated station-hour). A file holding none of them is kept as it is;
    another is written again, row group by row group (same options, same order); an emptied one is removed."""
    out = {}
    for year, path in files.items():
        if not pc.any(pc.is_in(pq.read_table(path, columns=["row"])["row"], value_set=rows)).as_py():
            out[year] = path
            continue
        tmp = path.with_name(path.name + ".tmp")
        src = pq.ParquetFile(path)
        w = None
        kept = 0
        for k in range(src.num_row_groups):  # row groups (pieces), not data rows
            part = src.read_row_group(k)
            part = part.filter(pc.invert(pc.is_in(part["row"], value_set=rows)))
            if part.num_rows:
                w = w or _writer(tmp, part.schema)
                w.write_table(part, row_group_size=part.num_rows)
                kept += part.num_rows
        src.close()
        if w is not None:
            w.close()
            tmp.replace(path)
            out[year] = path
        else:
            path.unlink()
    return out


def _dict_array(indices: pa.Array, values: list[str | None]) -> pa.DictionaryArray:
    """Dictionary array of ``values[indices]``; a ``None`` value becomes a null row (Parquet writers do not
    take a null inside a dictionary)."""
    if all(v is not None for v in values):
        return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.string()))
    kept = [v for v in values if v is not None]
    remap = np.full(len(values), -1, dtype=np.int32)
    remap[[i for i, v in enumerate(values) if v is not None]] = np.arange(len(kept), dtype=np.int32)
    new = remap[indices.to_numpy(zero_copy_only=False)]
    return pa.DictionaryArray.from_arrays(pa.array(new, mask=new < 0), pa.array(kept, pa.string()))


def _const_dict(value: str, n: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int32)), pa.array([value], pa.string())
    )


def _null_dict(n: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), pa.array([], pa.string()))


__all__ = ["STOP", "Done", "drop_rows", "one_pass"]
