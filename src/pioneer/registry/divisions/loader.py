"""Turn the packaged areacodes history (``registry/data/areacodes.parquet``, CC0, see SOURCES.md) into the
rows of ``registry_division`` and ``registry_division_successor`` — vectorised pandas, no row loops."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from pioneer.registry.divisions.choices import (
    LEVEL_FROM_SOURCE,
    MUNICIPALITIES,
    SARS,
    STATUS_FROM_SOURCE,
    TAIWAN,
    Kind,
    Level,
)


def read_areacodes() -> pd.DataFrame:
    """The source table as shipped: code, province_name, parent_name, name, level, status, start_year,
    end_year, successors (the source's 新代码 column, e.g. ``130108[2001];130111``)."""
    with resources.files("pioneer.registry").joinpath("data/areacodes.parquet").open("rb") as fh:
        return pd.read_parquet(fh)


def division_rows(source: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per code incarnation with level, kind, status, years, parent and province codes.

    Hierarchy (GB/T 2260 code structure): a prefecture's parent is ``xx0000``; a county's parent is its
    prefecture ``xxxx00``, except where the source says 直辖 (no prefecture above it): then the parent is the
    province — districts and counties of the four municipalities, and 省直辖县级行政单位 (``xx90xx``).
    """
    src = read_areacodes() if source is None else source
    code = src["code"]
    level = src["level"].map(LEVEL_FROM_SOURCE)
    direct = src["parent_name"].eq("直辖")
    province_code = code.str[:2] + "0000"
    prefecture_code = code.str[:4] + "00"
    parent = pd.Series(pd.NA, index=src.index, dtype="object")
    parent = parent.mask(level.eq(Level.PREFECTURE), province_code)
    parent = parent.mask(level.eq(Level.COUNTY) & direct, province_code)
    parent = parent.mask(level.eq(Level.COUNTY) & ~direct, prefecture_code)

    kind = pd.Series(Kind.COUNTY.value, index=src.index, dtype="object")
    is_prov = level.eq(Level.PROVINCE)
    kind = kind.mask(level.eq(Level.PREFECTURE), Kind.PREFECTURE.value)
    kind = kind.mask(is_prov, Kind.PROVINCE.value)
    kind = kind.mask(is_prov & src["name"].str.endswith("自治区"), Kind.AUTONOMOUS_REGION.value)
    kind = kind.mask(is_prov & code.isin(MUNICIPALITIES), Kind.MUNICIPALITY.value)
    kind = kind.mask(is_prov & code.isin(SARS), Kind.SAR.value)
    kind = kind.mask(is_prov & code.eq(TAIWAN), Kind.TAIWAN.value)
    county_direct = level.eq(Level.COUNTY) & direct
    in_municipality = province_code.isin(MUNICIPALITIES)
    kind = kind.mask(county_direct & in_municipality, Kind.MUNICIPAL_DISTRICT.value)
    kind = kind.mask(county_direct & ~in_municipality, Kind.PROVINCE_ADMINISTERED.value)

    out = pd.DataFrame(
        {
            "code": code,
            "name": src["name"],
            "level": level.astype(str),
            "kind": kind,
            "status": src["status"].map(STATUS_FROM_SOURCE).astype(str),
            "start_year": src["start_year"].astype("int64"),
            "end_year": src["end_year"].astype("Int64"),
            "parent_code": parent,
            "province_code": province_code,
            "source_parent_name": src["parent_name"],
        }
    )
    out.insert(0, "id", range(1, len(out) + 1))
    return out


def successor_rows(divisions: pd.DataFrame, source: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 新代码 column exploded into edges (division_id, successor_code, year, full).

    Source rule (areacodes README): codes are separated by ``;``; ``code[YYYY]`` means the change happened in
    year YYYY, otherwise in the record's 变更/弃用 year. For a record still in use every entry is a transfer of
    part of its territory (``full`` false); for an abolished or changed record the entries dated in its end year
    are its successors (``full`` true) and earlier-dated ones are earlier partial transfers.
    """
    src = read_areacodes() if source is None else source
    edges = pd.DataFrame({"division_id": divisions["id"], "raw": src["successors"].str.split(";")})
    edges = edges.explode("raw").dropna(subset=["raw"])
    edges = edges[edges["raw"].str.len() > 0]
    parts = edges["raw"].str.extract(r"^(?P<successor_code>\d{6})(?:\[(?P<year>\d{4})\])?$")
    if parts["successor_code"].isna().any():
        bad = edges.loc[parts["successor_code"].isna(), "raw"].tolist()
        raise ValueError(f"unparsable successor entries in areacodes: {bad[:5]}")
    end_year = edges["division_id"].map(divisions.set_index("id")["end_year"])
    status = edges["division_id"].map(divisions.set_index("id")["status"])
    year = pd.to_numeric(parts["year"]).astype("Int64").fillna(end_year)
    # A record in use with an undated entry cannot occur in the source; fall back to its start year.
    year = year.fillna(edges["division_id"].map(divisions.set_index("id")["start_year"]))
    full = status.ne("in_use") & year.eq(end_year).fillna(False)
    out = pd.DataFrame(
        {
            "division_id": edges["division_id"],
            "successor_code": parts["successor_code"],
            "year": year.astype("int64"),
            "full": full.astype(bool),
        }
    ).reset_index(drop=True)
    out.insert(0, "id", range(1, len(out) + 1))
    return out
