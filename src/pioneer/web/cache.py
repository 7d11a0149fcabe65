"""The public response cache: anonymous GETs of the public read endpoints answered from memory, keyed by the
*data version* of the database.

What is cached (``PUBLIC_PATHS``): the overview page and map data, zone pages and a zone's scorecards and
trends, rankings (page, JSON and downloads), the indicator catalogue, assessments — only for requests that carry
no credentials (no ``Authorization`` header, no session cookie) and only answers ``200`` that set no cookie.
Those answers are what the public sees (published data only: ``services.visible_zones`` of an anonymous user),
identical for every anonymous visitor with the same path, query, language and ``Accept-Encoding``. A request
with credentials is never answered from this cache and its answer is never stored; it is marked
``Cache-Control: private, no-store``.

The data version (:class:`DataVersion`) changes at every committed write that can change such an answer:

* an in-process counter, raised when a transaction that executed ``INSERT``/``UPDATE``/``DELETE`` on the app's
  engine commits (every write of the web app itself, in this process);
* for a SQLite file database, the *file change counter* of the database header (bytes 24–27, "incremented
  whenever the database file is unlocked after having been modified", sqlite.org/fileformat2.html §1.3.7): it
  sees commits of every process — other uvicorn workers, ``pioneer`` commands, tests writing through their own
  engine — and when it moves, the fingerprint below (with the sum of the values) says whether public data
  changed, so another worker's login keeps the version (:meth:`DataVersion.sqlite_counter`). Writes of the
  private tables (``PRIVATE_TABLES``: sessions, tokens, the login throttle, audit, jobs) never raise the
  in-process counter. In WAL mode that counter is not maintained, so then (and for PostgreSQL or an in-memory SQLite) a SQL
  fingerprint of the tables the public answers read is used instead, read at every request: count and largest
  id of values, targets, zone transitions and divisions, count and latest ``updated_at`` of zones. Its limit: on
  a SQLite database without the counter, a value replaced under the same key by *another process* keeps count
  and largest id when the deleted row had the largest id (PostgreSQL sequences never reuse ids);
* for PostgreSQL, once the serving app listens (:class:`Listener`, started by :class:`PublicCache`): the number
  of notifications received on the channel ``pioneer_data_version``, which statement-level triggers on those
  tables send at every committed write of any client (migration ``0930_data_version_notify``; PostgreSQL
  delivers a notification at commit, never for a rolled-back write) — one counter read instead of the
  fingerprint's counts (≈ 40 ms per request on a national registry). Until the listener is connected, when its
  connection fails, or when the triggers are missing, the fingerprint is read as before.

Order of reads: the version is read before the answer is computed, so an answer is never stored under a newer
version than the data it was computed from.

Answers carry a strong ``ETag`` (blake2b of the body) and ``Cache-Control: no-cache`` (a browser may keep them
but must revalidate; ``If-None-Match`` is answered ``304``), ``Vary: Accept-Encoding, Cookie, Authorization``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import itertools
import os
import re
import stat
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import Engine, event, func, select
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles

from pioneer.assessment.standing import hide_ranks_default
from pioneer.web.deps import LANG_COOKIE, SESSION_COOKIE
from pioneer.web.i18n import language

PUBLIC_PATHS = re.compile(
    r"^/(?:|rankings|zones|indicators|zones/[^/]+"
    r"|api/v1/(?:overview|rankings|indicators|indicators/[^/]+|assessments|zones/[^/]+/(?:indicators|trends)))$"
)
# a national registry has ≈ 300 zone pages, their scorecards and trends, searches …: MAX_BYTES bounds the memory
MAX_ENTRIES = 8192
MAX_BYTES = 64 * 1024 * 1024
_WRITES = ("insert", "update", "delete", "replace", "upsert", "merge", "create", "drop", "alter")
# Tables no public answer or assessment reads: signing in, API tokens, the login throttle, the audit log and the
# job queue. A transaction that writes only these keeps the data version (a login must not make every page cold).
PRIVATE_TABLES = ("web_session", "web_api_token", "web_login_attempt", "web_audit", "web_job")
_PRIVATE_NAMES = "|".join(PRIVATE_TABLES)
_PRIVATE_WRITE = re.compile(
    rf"\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+\"?(?:{_PRIVATE_NAMES})\"?[\s(]",
    re.IGNORECASE,
)


class DataVersion:
    """A tuple that changes whenever a committed write may have changed a public answer (see module doc)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.generation = 0
        self._counter = itertools.count(1)
        url = engine.url
        # the URL is part of the version: two databases in one process (tests) never share one
        self.url = url.render_as_string(hide_password=True)
        db = url.database if url.get_backend_name() == "sqlite" else None
        self.sqlite_file = Path(db) if db and db != ":memory:" and not db.startswith("file:") else None
        self.listener: Listener | None = None
        self.private_commits = 0  # this process's commits that wrote private tables only
        self._private = itertools.count(1)
        self._lock = threading.Lock()
        self._raw: int | None = None  # the header counter last seen …
        self._fingerprint: tuple | None = None  # … the fingerprint then …
        self._effective: int | None = None  # … and the counter the version carries
        event.listen(engine, "before_cursor_execute", self._mark)
        event.listen(engine, "commit", self._committed)
        event.listen(engine, "rollback", self._rolled_back)

    def _mark(self, conn, cursor, statement: str, parameters, context, executemany) -> None:
        if statement.lstrip()[:8].lower().startswith(_WRITES):
            if _PRIVATE_WRITE.match(statement):
                conn.info.setdefault("pioneer_wrote", False)  # private, unless the transaction writes more
            else:
                conn.info["pioneer_wrote"] = True

    def _committed(self, conn) -> None:
        wrote = conn.info.pop("pioneer_wrote", None)
        if wrote:
            self.generation = next(self._counter)  # atomic (commits happen in the threadpool)
        elif wrote is False:
            self.private_commits = next(self._private)

    def _rolled_back(self, conn) -> None:
        conn.info.pop("pioneer_wrote", None)

    def sqlite_counter(self) -> tuple | None:
        """:meth:`header_counter` as the version carries it. The counter moves at every commit of any process,
        signing in and API tokens included; when it has moved, the fingerprint of the public tables (with the
        sum of the values, so a value replaced under a reused id is seen) says whether public data changed: if
        not, the version stays. The app's own writes of public data are counted apart (:attr:`generation`),
        whatever table they touch. Another process's writes are therefore seen in the tables the fingerprint
        covers — those PostgreSQL's triggers notify (migration ``0930_data_version_notify``) — the same rule on
        both databases."""
        raw = self.header_counter()
        if raw is None:
            return None
        with self._lock:
            if raw[0] != self._raw:
                fingerprint = self.fingerprint(values_total=True)
                if fingerprint != self._fingerprint:
                    self._effective = raw[0]
                self._raw, self._fingerprint = raw[0], fingerprint
            return (self._effective,)

    def header_counter(self) -> tuple | None:
        """The SQLite file change counter, or ``None`` when the database is not a SQLite file or the counter
        cannot be trusted (WAL mode: header byte 18 = 2)."""
        if self.sqlite_file is None:
            return None
        try:
            fd = os.open(self.sqlite_file, os.O_RDONLY)
        except OSError:
            return None
        try:
            head = os.pread(fd, 28, 0)
        finally:
            os.close(fd)
        if len(head) < 28 or head[18] == 2:  # byte 18 = 2: WAL mode, the counter is not maintained
            return None
        return (int.from_bytes(head[24:28], "big"),)

    def fingerprint(self, *, values_total: bool = False) -> tuple:
        """Count and largest id / latest update of the tables the public answers read (one SQL statement);
        ``values_total``: also the sum of the indicator values (a scan; read only when the SQLite counter moved)."""
        from pioneer.indicators.models import IndicatorTarget, IndicatorValue
        from pioneer.registry.divisions.models import Division
        from pioneer.registry.zones.models import Zone, ZoneTransition

        parts = []
        for table, last in ((IndicatorValue, IndicatorValue.id), (IndicatorTarget, IndicatorTarget.id),
                            (ZoneTransition, ZoneTransition.id), (Division, Division.id), (Zone, Zone.updated_at)):  # fmt: skip
            parts += [select(func.count()).select_from(table).scalar_subquery(),
                      select(func.max(last)).scalar_subquery()]  # fmt: skip
        if values_total:
            parts.append(select(func.sum(IndicatorValue.value)).scalar_subquery())
        with self.engine.connect() as conn:
            return tuple(conn.execute(select(*parts)).one())

    def listen(self) -> None:
        """On PostgreSQL: start the :class:`Listener` (once); elsewhere nothing."""
        if self.listener is None and self.engine.url.get_backend_name() == "postgresql":
            self.listener = Listener(self.engine)

    def __call__(self) -> tuple:
        counter = self.sqlite_counter()
        if counter is None and self.listener is not None and self.listener.ready:
            return (self.url, self.generation, ("notified", self.listener.received))
        return (self.url, self.generation, counter if counter is not None else self.fingerprint())


NOTIFY_CHANNEL = "pioneer_data_version"
NOTIFY_TRIGGER = (
    "pioneer_data_version_indicator_value"  # one of migration 0930's triggers: they are installed
)


class Listener:
    """A daemon thread with a PostgreSQL connection of its own (psycopg, autocommit) that ``LISTEN``s on
    ``pioneer_data_version`` and counts the notifications (:attr:`received`). :attr:`ready` is true while it
    listens; every (re)connection counts as a change too (writes may have been missed meanwhile)."""

    RETRY_S = 2.0

    def __init__(self, engine: Engine) -> None:
        self.url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.received = 0
        self.ready = False
        self.absent = False  # the triggers are not installed: never ready
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="data-version-listener", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    found = conn.execute(
                        "SELECT count(*) FROM pg_trigger WHERE tgname = %s", (NOTIFY_TRIGGER,)
                    )
                    if not (found.fetchone() or (0,))[0]:
                        self.absent = True
                        return
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.received += 1
                    self.ready = True
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            self.received += 1
            except Exception:  # connection lost or refused: the fingerprint is read until it is back
                pass
            finally:
                if self.ready:
                    self.received += 1
                self.ready = False
            self._stop.wait(self.RETRY_S)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


_versions: dict[int, DataVersion] = {}


def data_version_of(engine: Engine) -> DataVersion:
    """The (one) :class:`DataVersion` watching ``engine``."""
    found = _versions.get(id(engine))
    if found is None or found.engine is not engine:
        found = _versions[id(engine)] = DataVersion(engine)
    return found


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((v for k, v in headers if k == name), None)


def _cookie(raw: bytes | None, name: str) -> str | None:
    """The cookie as the app reads it (Starlette's parser: the last of repeated names wins)."""
    return cookie_parser(raw.decode("latin-1")).get(name) if raw else None


class PublicCache:
    """Pure ASGI middleware answering anonymous GETs of ``PUBLIC_PATHS`` from memory (see module doc)."""

    def __init__(self, app, version: DataVersion) -> None:
        self.app = app
        self.version = version
        version.listen()
        self.entries: OrderedDict[tuple, tuple[list[tuple[bytes, bytes]], bytes, bytes]] = OrderedDict()
        self.size = 0
        self.seen: tuple | None = None
        self.pending: dict[tuple, asyncio.Future] = {}
        self.hits = self.misses = 0

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not PUBLIC_PATHS.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        cookies = _header(headers, b"cookie")
        # any credential, even an empty or repeated session cookie, makes the request private
        if _header(headers, b"authorization") is not None or (cookies and SESSION_COOKIE.encode() in cookies):
            await self.app(scope, receive, self._private(send))
            return
        version = self.version()
        if version != self.seen:  # the data changed: every stored answer is stale
            self.clear()
            self.seen = version
        query = scope.get("query_string", b"")
        lang_q = re.search(rb"(?:^|&)lang=([^&]*)", query)
        lang = language(lang_q.group(1).decode("latin-1") if lang_q else _cookie(cookies, LANG_COOKIE))
        gzip = b"gzip" in (_header(headers, b"accept-encoding") or b"")
        key = (scope["path"], query, lang, gzip, hide_ranks_default(), dt.date.today().year)
        hit = self.entries.get(key)
        if hit is None and (pending := self.pending.get((version, key))) is not None:
            hit = await asyncio.shield(pending)  # the same answer is being computed: wait for it
        if hit is not None:
            self.hits += 1
            if key in self.entries:
                self.entries.move_to_end(key)
            await self._answer(send, hit, _header(headers, b"if-none-match"))
            return
        self.misses += 1
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self.pending[(version, key)] = future
        entry = None
        try:
            entry = await self._compute(scope, receive, send, headers)
        finally:
            self.pending.pop((version, key), None)
            future.set_result(entry)
        if entry is not None and self.seen == version:  # not stored if the data changed meanwhile
            self.entries[key] = entry
            self.size += len(entry[1])
            while len(self.entries) > MAX_ENTRIES or self.size > MAX_BYTES:
                _, (_, old, _) = self.entries.popitem(last=False)
                self.size -= len(old)

    async def _compute(self, scope, receive, send, headers) -> tuple | None:
        """Run the app; answer the client; return the entry to store (``None``: not storable)."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if start.get("status") != 200 or any(k == b"set-cookie" for k, _ in start.get("headers", [])):
            await send(start)  # not stored: errors, answers setting a cookie (``?lang=``)
            await send({"type": "http.response.body", "body": body})
            return None
        out = [(k, v) for k, v in start["headers"] if k not in (b"content-length", b"vary", b"cache-control")]
        etag = b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
        entry = ([*out, (b"etag", etag), (b"cache-control", b"no-cache"),
                  (b"vary", b"Accept-Encoding, Cookie, Authorization")], body, etag)  # fmt: skip
        await self._answer(send, entry, _header(headers, b"if-none-match"))
        return entry

    @staticmethod
    async def _answer(send, entry: tuple, if_none_match: bytes | None) -> None:
        headers, body, etag = entry
        if if_none_match is not None and etag in [t.strip() for t in if_none_match.split(b",")]:
            keep = [(k, v) for k, v in headers if k in (b"etag", b"cache-control", b"vary")]
            await send({"type": "http.response.start", "status": 304, "headers": keep})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*headers, (b"content-length", str(len(body)).encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _private(send):
        async def send_private(message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k not in (b"cache-control", b"vary")]
                message = {**message, "headers": [*kept, (b"cache-control", b"private, no-store"),
                                                  (b"vary", b"Accept-Encoding, Cookie, Authorization")]}  # fmt: skip
            await send(message)

        return send_private


class CachedStaticFiles(StaticFiles):
    """Starlette's ``StaticFiles`` answering plain GETs from memory: each file is read once per version
    (path, mtime, size) and, when it is text (CSS, JS, JSON, GeoJSON, SVG) of 2 KiB or more, gzip-compressed
    once — instead of a thread hop, a file read and a level-9 gzip of e.g. the 1 MB ECharts bundle on every
    request. ``ETag``/``Last-Modified`` and ``If-None-Match``/``If-Modified-Since`` as ``StaticFiles`` (the gzip
    form has its own ETag); ``HEAD``, ``Range`` requests and files over 8 MiB go to ``StaticFiles`` itself."""

    MAX_FILE = 8 * 1024 * 1024

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.files: dict[str, tuple] = {}

    async def get_response(self, path: str, scope) -> Response:
        if scope["method"] != "GET" or any(k == b"range" for k, _ in scope["headers"]):
            return await super().get_response(path, scope)
        try:
            full_path, st = self.lookup_path(path)
        except (OSError, ValueError):
            return await super().get_response(path, scope)
        if st is None or not stat.S_ISREG(st.st_mode) or st.st_size > self.MAX_FILE:
            return await super().get_response(path, scope)
        version = (st.st_mtime_ns, st.st_size)
        entry = self.files.get(full_path)
        if entry is None or entry[0] != version:
            entry = self.files[full_path] = await anyio.to_thread.run_sync(self._load, full_path, st, version)
        _, plain, packed = entry
        request = Headers(scope=scope)
        headers, body = (
            packed if packed is not None and "gzip" in request.get("accept-encoding", "") else plain
        )
        if self.is_not_modified(Headers(headers), request):
            return NotModifiedResponse(Headers(headers))
        return Response(body, headers=headers)

    @staticmethod
    def _load(full_path: str, st: os.stat_result, version: tuple) -> tuple:
        base = dict(FileResponse(full_path, stat_result=st).headers)
        base.pop("content-length", None)
        body = Path(full_path).read_bytes()
        kind = base.get("content-type", "")
        packed = None
        if len(body) >= 2048 and (
            kind.startswith("text/") or any(w in kind for w in ("javascript", "json", "xml"))
        ):
            etag = base.get("etag", '""')
            packed = ({**base, "content-encoding": "gzip", "vary": "Accept-Encoding", "etag": etag[:-1] + '-gzip"'},
                      gzip.compress(body, 9, mtime=0))  # fmt: skip
            base["vary"] = "Accept-Encoding"
        return version, (base, body), packed
