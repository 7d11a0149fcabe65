"""The CNEMC national air stations: each station's city as a GB/T 2260 code, from the name CNEMC writes.

CNEMC's station list names the city (``area``) in words — 阿坝藏族羌族自治州, 阿克苏地区, 阿拉善盟, 北京市 — not by
code. A name is matched against the registry's divisions in force in the code year (2024 for the shipped table):
the prefecture-level divisions, and the four municipalities, which are province-level divisions (``110000``)
that national comparisons count among the cities. A few CNEMC areas are no such division (国家级新区, the
兵团 cities); each is decided once in ``registry/data/cnemc_areas.csv`` with its basis and confidence. Any other
name that matches no code, or more than one, is a located error (file, row, column ``area``) — never guessed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.errors import InputError
from pioneer.registry.divisions.choices import MUNICIPALITIES
from pioneer.registry.divisions.loader import division_rows
from pioneer.registry.errors import ImportFailedError
from pioneer.registry.permissions import Actor
from pioneer.registry.stations import service
from pioneer.registry.stations.models import Station

CODE_YEAR = 2024
"""GB/T 2260 code year the names are matched in (the newest year of the shipped division table)."""
STATION_COLUMNS = ("stationcode", "longitude", "latitude", "area", "positionname")
SOURCE = "CNEMC national real-time release, station list (via the HeQinWill/CNEMC archive), January 2025"


def area_decisions() -> pd.DataFrame:
    """The CNEMC areas decided by hand (``cnemc_areas.csv``): area, code ('' = no city), basis, confidence."""
    with resources.files("pioneer.registry").joinpath("data/cnemc_areas.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, comment="#")


def city_candidates(year: int = CODE_YEAR, divisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Divisions a CNEMC city name may denote, in force in ``year``: prefecture-level divisions and the four
    municipalities. Columns ``name, code``; a name may appear more than once (then it is ambiguous)."""
    d = division_rows() if divisions is None else divisions
    live = (d["start_year"] <= year) & (d["end_year"].isna() | (d["end_year"] > year))
    city = d["level"].eq("prefecture") | d["code"].isin(MUNICIPALITIES)
    return d.loc[live & city, ["name", "code"]].drop_duplicates().reset_index(drop=True)


def city_codes(
    areas: pd.Series, *, file: str = "stations.csv", candidates: pd.DataFrame | None = None
) -> pd.Series:
    """City code of each CNEMC area name (index kept; ``""`` for an area decided to be no city).

    Parameters
    ----------
    areas : Series of str
        CNEMC ``area`` names, one per station row (row numbers in errors count the header as row 1, in the
        order of the Series).
    candidates : DataFrame, optional
        ``city_candidates()`` by default.

    Raises
    ------
    ImportFailedError
        Listing every row whose name matches no code or several codes (column ``area``).
    """
    cand = city_candidates() if candidates is None else candidates
    decided = area_decisions().set_index("area")["code"]
    matches = cand.groupby("name")["code"].agg(list)
    names = areas.astype(str).str.strip()
    found = names.map(matches)
    n = found.map(lambda codes: len(codes) if isinstance(codes, list) else 0)  # one list per distinct name
    is_decided = names.isin(decided.index)
    rows = pd.Series(range(2, len(names) + 2), index=names.index)
    errors = [
        InputError("城市名称在 GB/T 2260（2024）中找不到对应的地级及以上行政区划", "city name matches no prefecture-level "
                   "or municipality code of GB/T 2260 (2024)", file=file, row=int(rows[i]), column="area", value=names[i])
        for i in names.index[(n == 0) & ~is_decided]
    ] + [
        InputError(f"城市名称对应多个行政区划代码（{'、'.join(found[i])}）", f"city name matches several codes "
                   f"({', '.join(found[i])})", file=file, row=int(rows[i]), column="area", value=names[i])
        for i in names.index[(n > 1) & ~is_decided]
    ]  # fmt: skip
    if errors:
        raise ImportFailedError(file, sorted(errors, key=lambda e: e.row or 0))
    single = found.map(lambda codes: codes[0] if isinstance(codes, list) else "")
    return single.where(~is_decided, names.map(decided)).astype(str)


def read_station_list(path: Path | str) -> pd.DataFrame:
    """A CNEMC station list (``stationcode,longitude,latitude,area,positionname``) with each station's city
    code in ``city`` (``""`` for the areas decided to be no city). Located errors as ``city_codes``."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("无法读取站点表", f"cannot read the station list ({exc})", file=path.name) from None
    missing = [c for c in STATION_COLUMNS if c not in frame.columns]
    if missing:
        raise ImportFailedError(path.name, [InputError("缺少必需的列", "required column missing", file=path.name,
                                                       row=1, column=c) for c in missing])  # fmt: skip
    frame = frame.apply(lambda col: col.str.strip())
    return frame.assign(city=city_codes(frame["area"], file=path.name))


def register_stations(session: Session, path: Path | str, /, *, actor: Actor) -> dict[str, int]:
    """Register every station of a CNEMC station list that the registry does not hold yet, with its city code
    as division (prefecture level; municipalities as ``xx0000``), through the ordinary station import (all or
    nothing, located errors, the actor's scope). Stations of areas decided to be no city are not registered.

    Returns counts: ``stations`` (in the list), ``registered`` (new), ``present`` (already held), ``no_city``.
    """
    import tempfile

    frame = read_station_list(path)
    held = set(session.scalars(select(Station.code)).all())
    new = frame[frame["city"].ne("") & ~frame["stationcode"].isin(held)]
    counts = {"stations": len(frame), "registered": len(new), "present": int(frame["stationcode"].isin(held).sum()),
              "no_city": int(frame["city"].eq("").sum())}  # fmt: skip
    if new.empty:
        return counts
    table = pd.DataFrame({"station_code": new["stationcode"], "name": new["positionname"], "medium": "air",
                          "division_code": new["city"], "longitude": new["longitude"], "latitude": new["latitude"],
                          "datum": "WGS84", "active_from": "", "active_to": "", "air_class": "national"})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / Path(path).name
        table.to_csv(staged, index=False)
        service.import_stations(session, staged, actor=actor, source=SOURCE)
    return counts
