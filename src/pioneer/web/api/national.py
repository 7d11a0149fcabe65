"""National air quality by period from the lake's station-day values: the period statistics of every station and
city (``pioneer air period`` over the lake) and the month's national release (168-city rankings, set means).
Public reads, like the rankings."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any

import ibis
from fastapi import APIRouter, Query
from fastapi.responses import Response

from pioneer.assessment.national import period_table, station_days_of_lake
from pioneer.errors import InputError
from pioneer.guard.cells import neutral_frame
from pioneer.lake.storage import Lake
from pioneer.web import national
from pioneer.web.api.common import MEDIA, ErrorBody, files

router = APIRouter(tags=["air"])
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody}}

Month = Annotated[
    str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM; default: latest")
]


def _month(month: str | None) -> str:
    have = national.months()
    if month is None:
        if not have:
            raise InputError("数据湖中没有站点日数据", "the lake holds no station-day values", column="month")
        return have[-1]
    if month not in have:
        raise InputError(
            "该月没有站点日数据", "no station-day values for this month", column="month", value=month
        )
    return month


@router.get("/air/months", responses=ERRORS)
def read_months() -> dict[str, Any]:
    """Months with station-day values in the lake (oldest first) and the latest."""
    have = national.months()
    return {"months": have, "latest": have[-1] if have else None}


@router.get("/air/national", responses=ERRORS)
def read_national(month: Month = None) -> dict[str, Any]:
    """The month's national release: 168-city composite-index ranking (ties shared; best/worst 20 by ``rank`` and
    ``rank_from_worst``), PM2.5 ranking, means of the 339 cities and of the regional sets, change against the
    same month of the previous year (empty when the lake lacks it), source note (real-time, unaudited)."""
    return national.release_public(_month(month))


@router.get("/air/period", responses={**ERRORS, **files("csv")})
def read_period(
    start: Annotated[dt.date, Query(alias="from", description="first day YYYY-MM-DD")],
    end: Annotated[dt.date, Query(alias="to", description="last day YYYY-MM-DD")],
    level: Annotated[str, Query(pattern="^(station|city|all)$")] = "city",
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    """Period statistics (HJ 663 评价时段) of every station and/or city from the lake's station-day values: the
    columns of ``pioneer air period`` (validity per month, GB 3095 Table 4; edition in force on the last day)."""
    if end < start:
        raise InputError("结束日期早于起始日期", "'to' is before 'from'", column="to", value=str(end))
    if (end - start).days > 3 * 366:
        raise InputError("时段最长 3 年", "a period spans at most 3 years", column="to", value=str(end))
    con = ibis.duckdb.connect()
    table = period_table(
        station_days_of_lake(Lake(), start=start, end=end, con=con), start=start, end=end, con=con
    )
    if level != "all":
        table = table[table["level"] == level]
    table = table.rename(columns={"period_start": "from", "period_end": "to"})
    table["from"], table["to"] = start.isoformat(), end.isoformat()
    if format == "csv":
        buf = io.StringIO()
        neutral_frame(table).to_csv(buf, index=False)  # names are text: no cell may start a formula
        return Response(("\ufeff" + buf.getvalue()).encode("utf-8"), media_type=MEDIA["csv"],
                        headers={"Content-Disposition": f'attachment; filename="air-period-{start}-{end}.csv"'})  # fmt: skip
    return {"from": start.isoformat(), "to": end.isoformat(), "results": national.records(table),
            "source_zh": national.SOURCE_ZH, "source_en": national.SOURCE_EN}  # fmt: skip
