"""Measurement lake queries and exports (``pioneer.lake.query``): one version per key (``best`` = validated
where one exists, else preliminary), filtered by division subtree, site and time. Signed-in users only: the
lake holds unpublished measurements."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Annotated, Any

import anyio
import anyio.to_thread
import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from pioneer.guard.cells import neutral_table
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.lake import query
from pioneer.web import auth
from pioneer.web.api.common import MEDIA, ErrorBody, Limit, Page, files
from pioneer.web.deps import CurrentUser

router = APIRouter(tags=["lake"])
ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 422: {"model": ErrorBody}}
Medium = Annotated[str, Path(pattern="^(air|water|noise)$")]
DIVISION_COLUMN = {"air": "city", "water": "division", "noise": "division"}
SITE_COLUMN = {"air": "station", "water": "section", "noise": "point"}
MAX_EXPORT_ROWS = 2_000_000


def _filtered(medium: str, division: str | None, site: str | None, start: dt.datetime | None,
              end: dt.datetime | None, status: str):  # fmt: skip
    t = query.versions(None, medium, status=status, start=start, end=end, con=_connection())
    if division is not None:
        t = t.filter(t[DIVISION_COLUMN[medium]].startswith(query.division_prefix(division)))
    if site is not None:
        t = t.filter(t[SITE_COLUMN[medium]] == site)
    return t.order_by([SITE_COLUMN[medium], "time"])


_local = threading.local()


def _connection():
    """This worker thread's DuckDB backend (``query.connect``), opened once: a query reads the lake's files as
    listed at that moment, so reusing the connection sees every import."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = query.connect()
    return con


LAKE_QUERIES = 2
"""Lake queries (DuckDB scans) that run at once in one server process; more wait for a free place without
holding a worker thread, so a burst of lake queries cannot starve the pages and lists of their threads."""
_limiter: list[anyio.CapacityLimiter] = []


def _lake_limiter() -> anyio.CapacityLimiter:
    if not _limiter:
        _limiter.append(anyio.CapacityLimiter(LAKE_QUERIES))
    return _limiter[0]


async def _off_loop(fn, *args):
    """``fn(*args)`` in a worker thread (off the event loop), at most ``LAKE_QUERIES`` at once."""
    return await anyio.to_thread.run_sync(fn, *args, limiter=_lake_limiter())


DivisionFilter = Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN, description="division subtree")]
SiteFilter = Annotated[str | None, Query(max_length=64, description="station / section / point code")]
StatusFilter = Annotated[str, Query(pattern="^(best|validated|preliminary|all)$")]


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    out = table.to_pylist()
    for r in out:
        if isinstance(r.get("time"), dt.datetime):
            r["time"] = r["time"].isoformat()
    return out


@router.get("/lake/{medium}", responses=ERRORS)
async def lake_query(
    medium: Medium,
    user: CurrentUser,
    division: DivisionFilter = None,
    site: SiteFilter = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    status: StatusFilter = "best",
    page: Page = 1,
    limit: Limit = 100,
) -> dict[str, Any]:
    """Rows of one medium (hour-end labels, CST), paged: ``{"meta": {page, limit, found}, "results"}``."""
    auth.restrict(user, auth.Action.VIEW)
    return await _off_loop(_page, medium, division, site, start, end, status, page, limit)


def _page(medium: str, division: str | None, site: str | None, start: dt.datetime | None,
          end: dt.datetime | None, status: str, page: int, limit: int) -> dict[str, Any]:  # fmt: skip
    t = _filtered(medium, division, site, start, end, status)
    # one scan: the page with the count of the whole selection beside each row (a window over all of it)
    site_col = SITE_COLUMN[medium]
    chunk = t.mutate(_found=t[site_col].count().over()).limit(limit, offset=(page - 1) * limit).to_pyarrow()
    # past the last page: the count alone
    found = int(chunk.column("_found")[0].as_py()) if chunk.num_rows else int(t.count().execute())
    return {"meta": {"page": page, "limit": limit, "found": found}, "results": _rows(chunk.drop(["_found"]))}


@router.get("/lake/{medium}/export", responses={**ERRORS, **files("csv", "parquet")}, response_class=Response)
async def lake_export(
    medium: Medium,
    user: CurrentUser,
    division: DivisionFilter = None,
    site: SiteFilter = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    status: StatusFilter = "best",
    format: Annotated[str, Query(pattern="^(csv|parquet)$")] = "csv",
) -> Response:
    """The whole selection as CSV (UTF-8 with BOM, for Excel) or Parquet (at most 2 000 000 rows)."""
    auth.restrict(user, auth.Action.VIEW)
    return await _off_loop(_export, medium, division, site, start, end, status, format)


def _export(medium: str, division: str | None, site: str | None, start: dt.datetime | None,
            end: dt.datetime | None, status: str, format: str) -> Response:  # fmt: skip
    table = _filtered(medium, division, site, start, end, status).limit(MAX_EXPORT_ROWS).to_pyarrow()
    buf = io.BytesIO()
    if format == "parquet":
        pq.write_table(table, buf, compression="zstd")
        media = MEDIA["parquet"]
    else:
        buf.write(b"\xef\xbb\xbf")
        buf.write(neutral_table(table).to_pandas().to_csv(index=False).encode("utf-8"))
        media = MEDIA["csv"]
    name = f"{medium}-{division or 'all'}.{format}"
    return Response(
        buf.getvalue(), media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
