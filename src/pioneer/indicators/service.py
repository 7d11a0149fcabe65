"""Services of the indicators area: compute indicators from the lake and store them; upload reported statistics.
Each runs in one transaction: on any error nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from sqlalchemy.orm import Session

from pioneer.indicators import bindings, store, template
from pioneer.standards.air.tables import ITEMS


def compute_air(session: Session, hourly: Any, years: Iterable[int], *, edition_key: str = "auto",
                inputs: dict[str, Any] | None = None) -> pd.DataFrame:  # fmt: skip
    """Compute the air indicators for every city in ``hourly`` and ``years`` and store them with lineage."""
    values = bindings.air_values(hourly, years, edition_key=edition_key, inputs=inputs)
    store.save_values(session, values, source_kind="computed")
    return values


def compute_air_from_lake(session: Session, *, division: str | None, years: Iterable[int], edition_key: str = "auto",
                          lake: Any = None, store_values: bool = True,
                          zone: tuple[str, Sequence[str]] | None = None) -> pd.DataFrame:  # fmt: skip
    """As :func:`compute_air`, reading hourly data from the measurement lake (best version of each value);
    the lineage lists the lake imports used. With ``zone = (zone_code, division_codes)`` the stations of all
    the zone's divisions are pooled into one group labelled ``zone_code`` (nothing stored: the app database
    keys values by division)."""
    from pioneer.lake import query, stationdays
    from pioneer.lake.storage import Lake

    years = sorted(set(int(y) for y in years))
    start, end = dt.datetime(min(years), 1, 1, 1), dt.datetime(max(years) + 1, 1, 1, 0)
    lake = lake if isinstance(lake, Lake) else Lake(lake)
    con = query.connect()
    t = query.versions(lake, "air", start=start, end=end, con=con)
    days = None  # the site-days kept at ingest, when every import has them (not for a zone's pooled stations)
    if zone is None and stationdays.present(lake):
        days = stationdays.site_days(lake, start=start.date(), end=dt.date(max(years), 12, 31), con=con)
        if division is not None:
            days = days.filter(days.id.startswith(query.division_prefix(division)))
    if division is not None:
        t = t.filter(t.city.startswith(query.division_prefix(division)))
    if zone is not None:
        t = t.filter(query.in_divisions(t.city, zone[1]))
        t = t.mutate(city=ibis.literal(zone[0]))
    imports = sorted(str(x) for x in t.import_id.to_pandas().dropna().unique())
    hourly = t.select("station", "city", "time", *ITEMS)
    inputs = {"lake_imports": imports, "status": "best"}
    if zone is not None:
        inputs["zone"] = {"code": zone[0], "divisions": list(zone[1]), "pooling": "union of stations"}
    values = bindings.air_values(hourly, years, edition_key=edition_key, inputs=inputs, days=days)
    if store_values:
        store.save_values(session, values, source_kind="computed")
    return values


def registry_stations(session: Session, medium: str) -> pd.DataFrame:
    """Registered stations of ``medium`` with their medium-specific attributes (:mod:`pioneer.registry.stations`):
    ``code, division_code, water_body, noise_zone_class``."""
    from pioneer.registry.stations.service import list_stations

    rows = [
        {"code": s.code, "division_code": s.division_code, "water_body": s.water_body,
         "noise_zone_class": s.noise_zone_class}
        for s in list_stations(session, medium=medium)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["code", "division_code", "water_body", "noise_zone_class"])


def _groups(codes: pd.Series, *, division: str | None, level: str,
            zone: tuple[str, Sequence[str]] | None) -> pd.Series:  # fmt: skip
    """Output division of each station's division code (null = not wanted): the zone code for stations within
    the zone's divisions, else the containing division of ``level``, within ``division`` when given."""
    if zone is not None:
        return pd.Series(zone[0], index=codes.index, dtype="object").where(
            bindings.within_any(codes, zone[1])
        )
    keep = (
        bindings.within_any(codes, [division]) if division is not None else pd.Series(True, index=codes.index)
    )
    return bindings.rollup(codes, level).where(keep)


def _lake_rows(lake: Any, medium: str, years: list[int]) -> tuple[pd.DataFrame, list[str]]:
    from pioneer.lake import query

    start, end = dt.datetime(min(years), 1, 1), dt.datetime(max(years) + 1, 1, 2)
    t = query.versions(lake, medium, start=start, end=end)
    cols = {"water": ["section", "division", "time", "item", "value", "flag", "raw", "unit"],
            "noise": ["point", "division", "zone_class", "time", "leq"]}[medium]  # fmt: skip
    df = t.select(*cols, "import_id").to_pandas()
    imports = sorted(str(x) for x in df["import_id"].dropna().unique())
    return df.drop(columns=["import_id"]), imports


def compute_water_from_lake(session: Session, *, division: str | None, years: Iterable[int], level: str = "city",
                            lake: Any = None, store_values: bool = True, min_sections: int = 5,
                            zone: tuple[str, Sequence[str]] | None = None) -> pd.DataFrame:  # fmt: skip
    """Surface-water good-class (I–III) and 劣V shares (环办〔2011〕22号 §3.2; GB 3838-2002 Table 1) of each
    division of ``level`` (or of ``zone``: the union of its sections) from the lake's water values, with the
    waterbody type (river/lake/reservoir) and division of each section from the registry."""
    years = sorted(set(int(y) for y in years))
    rows, imports = _lake_rows(lake, "water", years)
    stations = registry_stations(session, "water")
    stations["division_code"] = _groups(stations["division_code"], division=division, level=level, zone=zone)
    samples, excl = bindings.lake_water_samples(rows, stations.dropna(subset=["division_code"]))
    excl["rows_outside_selection"] = excl.pop("rows_unregistered")
    excl["sections_outside_selection_or_unregistered"] = excl.pop("unregistered_sections")
    inputs = _inputs(imports, zone, stations="registry water sections")
    if samples.empty:
        return pd.DataFrame(columns=bindings.EMPTY)
    values = bindings.water_values(ibis.memtable(samples.drop(columns=["_row"], errors="ignore")), years,
                                   inputs=inputs, exclusions=excl, min_sections=min_sections)  # fmt: skip
    if store_values:
        store.save_values(session, values, source_kind="computed")
    return values


def compute_noise_from_lake(session: Session, *, division: str | None, years: Iterable[int], level: str = "city",
                            lake: Any = None, store_values: bool = True,
                            zone: tuple[str, Sequence[str]] | None = None) -> pd.DataFrame:  # fmt: skip
    """Day and night functional-zone compliance rates (HJ 640-2012 §6; GB 3096-2008 Table 1 limits) of each
    division of ``level`` (or of ``zone``: the union of its points) from the lake's hourly L_Aeq, with each
    point's division and zone class from the registry."""
    years = sorted(set(int(y) for y in years))
    rows, imports = _lake_rows(lake, "noise", years)
    stations = registry_stations(session, "noise")
    stations["division_code"] = _groups(stations["division_code"], division=division, level=level, zone=zone)
    points, excl = bindings.lake_noise_points(rows, stations.dropna(subset=["division_code"]))
    excl["rows_outside_selection"] = excl.pop("rows_unregistered")
    excl["points_outside_selection_or_unregistered"] = excl.pop("unregistered_points")
    if points.empty:
        return pd.DataFrame(columns=bindings.EMPTY)
    values = bindings.noise_values(ibis.memtable(points), years, inputs=_inputs(imports, zone, stations="registry noise points"),
                                   exclusions=excl)  # fmt: skip
    if store_values:
        store.save_values(session, values, source_kind="computed")
    return values


def _inputs(imports: list[str], zone: tuple[str, Sequence[str]] | None, *, stations: str) -> dict[str, Any]:
    d: dict[str, Any] = {"lake_imports": imports, "status": "best", "metadata": stations}
    if zone is not None:
        d["zone"] = {"code": zone[0], "divisions": list(zone[1]), "pooling": "union of stations"}
    return d


MEDIA = ("air", "water", "noise")


def compute_from_lake(session: Session, *, division: str | None, years: Iterable[int], media: Iterable[str] = MEDIA,
                      edition_key: str = "auto", level: str = "city", lake: Any = None, store_values: bool = True,
                      zone: tuple[str, Sequence[str]] | None = None) -> pd.DataFrame:  # fmt: skip
    """Every computed indicator of ``media`` from the lake (air per city; water and noise per division of
    ``level``), stored with lineage unless ``store_values`` is False; one transaction (the caller's)."""
    years = list(years)
    parts = []
    for m in media:
        if m == "air":
            parts.append(compute_air_from_lake(session, division=division, years=years, edition_key=edition_key,
                                               lake=lake, store_values=store_values, zone=zone))  # fmt: skip
        elif m == "water":
            parts.append(compute_water_from_lake(session, division=division, years=years, level=level, lake=lake,
                                                 store_values=store_values, zone=zone))  # fmt: skip
        elif m == "noise":
            parts.append(compute_noise_from_lake(session, division=division, years=years, level=level, lake=lake,
                                                 store_values=store_values, zone=zone))  # fmt: skip
        else:
            raise ValueError(f"medium must be one of {MEDIA}, got {m!r}")
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=bindings.EMPTY)


def upload_reported(session: Session, path: str | Path, *, submitted_by: str | None = None) -> pd.DataFrame:
    """Validate a filled template (:func:`pioneer.indicators.template.read_template`) and store its values with
    the import record. Raises ``TemplateErrors`` before anything is written."""
    path = Path(path)
    rows = template.read_template(path)
    sha = template.file_sha256(path)
    import_id = f"rep-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{sha[:8]}"
    frame = template.reported_frame(rows, import_id=import_id, file_name=path.name)
    store.record_import(session, import_id=import_id, file_name=path.name, sha256=sha, n_rows=len(frame),
                        submitted_by=submitted_by)  # fmt: skip
    store.save_values(session, frame, source_kind="reported", import_id=import_id)
    return frame
