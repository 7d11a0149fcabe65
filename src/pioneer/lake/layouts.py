"""Layouts: how a source file's columns map onto the glossary, declared as data (built-in or YAML mapping file).

A layout names the medium (air, water, noise), the shape (``wide``: one column per item; ``long``: item, value,
unit columns), the source column of each glossary name, the time convention, declared source units (converted
at ingest, never silently), missing-value markers, constant columns (e.g. the city of a one-city data set) and
source-station renames. See ``docs/lake.md`` for the mapping-file format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from pioneer.errors import InputError
from pioneer.lake.cells import DATE_FORMATS as DEFAULT_DATE_FORMATS
from pioneer.lake.cells import MISSING as DEFAULT_MISSING
from pioneer.lake.cells import TIME_FORMATS as DEFAULT_TIME_FORMATS
from pioneer.standards.air.tables import DAILY_MEAN_ITEMS, ITEMS
from pioneer.standards.noise import ZONE_CLASSES

MEDIA = ("air", "water", "noise", "air_daily")
"""``air_daily``: station-day values as published (24-h means and the O3 daily maximum 8-h value), not hours."""

HOURLY_MEDIA: dict[str, bool] = {"air": True, "noise": True, "water": False, "air_daily": False}
"""Whether a medium's values are hourly, so that a time must be a whole hour (rule ``not_on_hour``): air 1-h
values (HJ 663-2013) and noise hourly L_Aeq (GB 3096-2008 §3.5–3.7 and HJ 640-2012 form L_d and L_n from
hourly values; the layouts ``noise`` and ``noise-hourly`` alike); water samples and station-day values are
not. The default of a mapping file's ``time.hourly``."""

#: Air glossary items (1-h values), in the unit each is stored in.
AIR_ITEMS: dict[str, str] = {
    "so2": "ug/m3",
    "no2": "ug/m3",
    "co": "mg/m3",
    "o3": "ug/m3",
    "pm10": "ug/m3",
    "pm2_5": "ug/m3",
}

#: Station-day items (``air_daily``): the daily means of five items and the O3 daily maximum 8-h mean, in the unit
#: each is stored in (the names of the daily values of ``pioneer.standards.air.evaluation.daily_values``).
AIR_DAILY_ITEMS: dict[str, str] = {
    "so2": "ug/m3",
    "no2": "ug/m3",
    "co": "mg/m3",
    "pm10": "ug/m3",
    "pm2_5": "ug/m3",
    "o3_8h_max": "ug/m3",
}

RANGES_FILE = Path(__file__).parents[1] / "standards" / "data" / "plausible_ranges.csv"
"""The plausibility screens as data (medium, item, unit, low, high, confidence, edition, source): Pioneer's own
screens, not values from a standard (docs/standards/air.md, noise.md and water.md, "Plausible ranges"). The one
table: ``pioneer.standards.noise.LEQ_PLAUSIBLE`` reads the same rows (standards may not import the lake)."""


def _ranges(medium: str) -> dict[str, tuple[float, float]]:
    import csv

    with RANGES_FILE.open(encoding="utf-8", newline="") as f:
        return {
            r["item"]: (float(r["low"]), float(r["high"])) for r in csv.DictReader(f) if r["medium"] == medium
        }


#: Plausibility screens per air item, in the stored unit: [low, high] (``RANGES_FILE``). Chosen wide enough to
#: pass every real record we have seen (e.g. UCI Beijing maxima PM10 999, CO 10 mg/m³, O3 1071); a mapping file
#: may override them with ``ranges:``.
AIR_RANGES: dict[str, tuple[float, float]] = _ranges("air")
#: The same screens for station-day values (a daily mean cannot exceed the largest plausible hour).
AIR_DAILY_RANGES: dict[str, tuple[float, float]] = {
    **{k: v for k, v in AIR_RANGES.items() if k in AIR_DAILY_ITEMS},
    "o3_8h_max": AIR_RANGES["o3"],
}

#: Noise: equivalent continuous A-weighted level Leq in dB(A); plausibility screen (Pioneer's choice).
NOISE_RANGE: tuple[float, float] = _ranges("noise")["leq"]
#: Water: any value in its unit; plausibility screen (Pioneer's choice: 1e9, docs/standards/water.md).
WATER_RANGE: tuple[float, float] = _ranges("water")["value"]
#: Acoustic environment functional zone classes, GB 3096-2008 §4 (the one list, in pioneer.standards.noise).
NOISE_ZONE_CLASSES: tuple[str, ...] = ZONE_CLASSES

#: Accepted spellings of units → canonical spelling.
UNIT_SPELLINGS: dict[str, str] = {
    "ug/m3": "ug/m3",
    "µg/m3": "ug/m3",
    "μg/m3": "ug/m3",
    "µg/m³": "ug/m3",
    "μg/m³": "ug/m3",
    "ug/m³": "ug/m3",
    "微克/立方米": "ug/m3",
    "mg/m3": "mg/m3",
    "mg/m³": "mg/m3",
    "毫克/立方米": "mg/m3",
    "mg/l": "mg/L",
    "ug/l": "ug/L",
    "µg/l": "ug/L",
    "μg/l": "ug/L",
    "db(a)": "dB(A)",
    "dba": "dB(A)",
    "db": "dB(A)",
}

#: Explicit conversions (source unit, target unit) → factor. Only these are ever applied, and only when a
#: layout declares the source unit.
CONVERSIONS: dict[tuple[str, str], float] = {
    ("ug/m3", "mg/m3"): 0.001,
    ("mg/m3", "ug/m3"): 1000.0,
    ("ug/L", "mg/L"): 0.001,
    ("mg/L", "ug/L"): 1000.0,
}

#: The default missing markers (``DEFAULT_MISSING``) and time formats (``DEFAULT_TIME_FORMATS``) are those of
#: :mod:`pioneer.lake.cells`, the one home shared with the air calculator.

ITEM_ALIASES: dict[str, str] = {
    "pm2.5": "pm2_5",
    "pm25": "pm2_5",
    "pm2_5": "pm2_5",
    "pm10": "pm10",
    "so2": "so2",
    "no2": "no2",
    "co": "co",
    "o3": "o3",
    "二氧化硫": "so2",
    "二氧化氮": "no2",
    "一氧化碳": "co",
    "臭氧": "o3",
    "细颗粒物": "pm2_5",
    "可吸入颗粒物": "pm10",
}


def canonical_unit(unit: str) -> str:
    """Canonical spelling of ``unit`` (``µg/m³`` → ``ug/m3``); unknown spellings are returned stripped."""
    u = unit.strip()
    return UNIT_SPELLINGS.get(u.lower().replace(" ", ""), UNIT_SPELLINGS.get(u, u))


@dataclass(frozen=True)
class TimeSpec:
    """How the time of a row is written.

    ``column``: one text column parsed with ``formats``; or ``parts``: year/month/day/hour columns.
    ``label``: ``end`` (the source labels an hourly value by the hour it ends, the CNEMC convention) or ``start``
    (label = start of the hour; Pioneer adds one hour). ``hours``: ``0-23`` or ``1-24`` for the hour part.
    ``utc_offset``: the zone of times written without one, in hours east of UTC (China Standard Time = 8).
    ``from_name``: the time is not in the file but in its name — a ``strptime`` format matched against the file
    name's stem (``%Y-%m-%dT%H`` for ``2025-01-02T00.csv``); the time column is then added at read time.
    """

    column: str | None = "time"
    parts: Mapping[str, str] | None = None
    formats: tuple[str, ...] = DEFAULT_TIME_FORMATS
    label: str = "end"
    hours: str = "0-23"
    utc_offset: float = 8.0
    hourly: bool = True
    from_name: str | None = None


@dataclass(frozen=True)
class Layout:
    """A source layout (see module docstring); ``columns`` maps glossary name → source column name."""

    name: str
    medium: str
    shape: str
    columns: Mapping[str, str]
    time: TimeSpec = field(default_factory=TimeSpec)
    units: Mapping[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = DEFAULT_MISSING
    constants: Mapping[str, str] = field(default_factory=dict)
    station_names: Mapping[str, str] = field(default_factory=dict)
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    status: str = "preliminary"
    encoding: str | None = None
    sheet: str | None = None
    source: str = ""
    licence: str = ""
    description: str = ""
    optional: tuple[str, ...] = ()
    """Glossary columns that may be absent (read under their own name when present): ``city`` of ``wide``."""
    extras: Mapping[str, str] = field(default_factory=dict)
    """Value columns read and checked under the unit and screen of the named item, but not stored in the lake
    (the HJ 633-2012 literal-method inputs ``so2_24h`` … ``o3_8h`` of the air calculator)."""
    closed: bool = False
    """Every source column must be one of the layout's (else ``unknown_column``, the file is refused): the
    glossary layouts, whose column names are the glossary's. Archive layouts (CNEMC, UCI) and mapping files
    ignore the other columns of their sources."""

    def known_columns(self) -> set[str]:
        """The source columns a closed layout reads."""
        return {*self.columns.values(), *self.optional, *self.extras, *(self.time.parts or {}).values()}

    @property
    def key_column(self) -> str:
        return {"air": "station", "air_daily": "station", "water": "section", "noise": "point"}[self.medium]

    def item_columns(self) -> dict[str, str]:
        """Wide layouts: glossary item → source column."""
        meta = {
            self.key_column,
            "city",
            "city_name",
            "division",
            "zone_class",
            "item",
            "value",
            "unit",
            "time",
        }
        return {k: v for k, v in self.columns.items() if k not in meta}


UCI_STATIONS: dict[str, str] = {
    "Wanshouxigong": "1001A",
    "Dingling": "1002A",
    "Dongsi": "1003A",
    "Tiantan": "1004A",
    "Nongzhanguan": "1005A",
    "Guanyuan": "1006A",
    "Wanliu": "1007A",
    "Shunyi": "1008A",
    "Huairou": "1009A",
    "Changping": "1010A",
    "Aotizhongxin": "1011A",
    "Gucheng": "1012A",
}

_AIR_WIDE = {k: k for k in AIR_ITEMS}

_CNEMC_COLUMNS = {
    "station": "stationcode",
    "city_name": "area",
    "time": "timepoint",
    **{item: item for item in ITEMS},
}
"""CNEMC real-time archive columns (glossary name → archive column)."""

_CNEMC_DAILY_COLUMNS = {
    "station": "stationcode",
    "time": "timepoint",
    **{item: f"{item}_24h" for item in DAILY_MEAN_ITEMS},
    "o3_8h_max": "o3_8h",
}
"""CNEMC T00 files as station-day values: the 24-h means ending at T00 and ``o3_8h`` (the highest 8-h moving mean
of the 24 h ending at T00 — the day's O3 daily maximum 8-h value; checked on the data, docs/standards/air.md)."""

LITERAL_EXTRAS: dict[str, str] = {"so2_24h": "so2", "pm10_24h": "pm10", "pm2_5_24h": "pm2_5", "o3_8h": "o3"}
"""Columns of a ``wide`` air file the HJ 633-2012 literal method reads (24-h and 8-h means ending at the hour):
checked as the item they average, not stored."""

BUILTIN: dict[str, Layout] = {
    "long": Layout(
        name="long",
        medium="air",
        shape="long",
        columns={"station": "station", "time": "time", "item": "item", "value": "value", "unit": "unit"},
        optional=("city", "city_name"),
        closed=True,
        description="station,time,item,value,unit — one value per row; unit must be the glossary unit "
        "unless a mapping declares the conversion.",
    ),
    "wide": Layout(
        name="wide",
        medium="air",
        shape="wide",
        columns={"station": "station", "time": "time", **_AIR_WIDE},
        optional=("city", "city_name"),
        extras=LITERAL_EXTRAS,
        closed=True,
        description="station,time,so2,no2,co,o3,pm10,pm2_5 in glossary units (CO mg/m³), hour-end labels, CST.",
    ),
    "cnemc": Layout(
        name="cnemc",
        medium="air",
        shape="wide",
        columns=_CNEMC_COLUMNS,
        status="preliminary",
        source="CNEMC national real-time release (archive layout)",
        description="CNEMC real-time archive: timepoint (hour-end, CST), stationcode, area (city name), 1-h "
        "values; CO mg/m³; missing = empty, NA or /. 2026 files: `o3` holds the 1-h O3.",
    ),
    "cnemc-2022": Layout(
        name="cnemc-2022",
        medium="air",
        shape="wide",
        columns={**_CNEMC_COLUMNS, "o3": "o3_24h"},
        status="preliminary",
        source="CNEMC national real-time release (archive layout, 2022 files)",
        description="As `cnemc`, but in the 2022 archive files the O3 columns are swapped: the current 1-h O3 "
        "is in `o3_24h`. The date the archive changed is not confirmed: choose this layout explicitly.",
    ),
    "cnemc-daily": Layout(
        name="cnemc-daily",
        medium="air_daily",
        shape="wide",
        columns=_CNEMC_DAILY_COLUMNS,
        time=TimeSpec(column="timepoint", formats=("%Y-%m-%dT%H",), from_name="%Y-%m-%dT%H"),
        status="preliminary",
        source="China National Environmental Monitoring Centre real-time release (via the HeQinWill/CNEMC archive)",
        description="CNEMC T00 files, one per day (YYYY-MM-DDT00.csv): the time is the file name's hour-end "
        "label, so the values belong to the previous natural day; station-day values = so2_24h … pm2_5_24h "
        "(24-h means) and o3_8h (O3 daily max 8-h); the 1-h columns of the T00 hour are not stored.",
    ),
    "uci": Layout(
        name="uci",
        medium="air",
        shape="wide",
        columns={
            "station": "station",
            "so2": "SO2",
            "no2": "NO2",
            "co": "CO",
            "o3": "O3",
            "pm10": "PM10",
            "pm2_5": "PM2.5",
        },
        time=TimeSpec(
            column=None,
            parts={"year": "year", "month": "month", "day": "day", "hour": "hour"},
            label="start",
            hours="0-23",
        ),
        units={"co": "ug/m3"},
        missing=("NA", ""),
        constants={"city": "110000"},
        station_names=UCI_STATIONS,
        status="validated",
        source="UCI Machine Learning Repository, Beijing Multi-Site Air-Quality Data (Zhang et al. 2017, "
        "Proc. R. Soc. A 473: 20170457)",
        licence="CC BY 4.0",
        description="UCI Beijing 12-station layout: year,month,day,hour (0-23) — Pioneer reads hour h as the "
        "hour starting at h (label h+1, the source does not say); all pollutants in µg/m³, CO converted to "
        "mg/m³ (×0.001) because this layout declares it; NA = missing; station names → CNEMC codes; city 110000.",
    ),
    "water-long": Layout(
        name="water-long",
        medium="water",
        shape="long",
        columns={"section": "section", "time": "time", "item": "item", "value": "value", "unit": "unit"},
        time=TimeSpec(hourly=False),
        description="section,time,item,value,unit; detection-limit strings (ND, 未检出, <0.01, 0.01L) are kept "
        "as value + flag.",
    ),
    "water-wide": Layout(
        name="water-wide",
        medium="water",
        shape="wide",
        columns={"section": "section", "time": "time"},
        time=TimeSpec(hourly=False),
        description="section,time,<item>… — every other column is an item; units from the mapping's `units`.",
    ),
    "noise": Layout(
        name="noise",
        medium="noise",
        shape="wide",
        columns={"point": "point", "zone_class": "zone_class", "time": "time", "leq": "leq"},
        time=TimeSpec(hourly=HOURLY_MEDIA["noise"]),
        description="point,zone_class,time,leq — hourly L_Aeq in dB(A) (a whole hour, as `noise-hourly`), zone "
        "class per GB 3096-2008 §4.",
    ),
}

WATER_CARRIED: tuple[str, ...] = ("waterbody_type", "unit", "detection_limit", "city", "province", "division",
                                  "basin", "river", "drinking_source")  # fmt: skip
"""Columns of a water calculator file that are not parameters (``pioneer.standards.water.read_samples`` carries
them through): a wide file's other columns are its parameters."""

NOISE_PERIODS: dict[str, str] = {"day": "day", "night": "night", "昼间": "day", "夜间": "night", "昼": "day",
                                 "夜": "night"}  # fmt: skip
"""Spellings of a noise period (GB 3096-2008 §3.5/3.6: 昼间 06:00-22:00, 夜间 22:00-06:00), compared lower-cased."""

CALCULATOR: dict[str, Layout] = {
    "air-hourly": replace(BUILTIN["wide"], name="air-hourly", description="the air calculator's hourly input: "
                          "as `wide`, every item column required"),
    "air-hourly-city": replace(BUILTIN["wide"], name="air-hourly-city", columns={**BUILTIN["wide"].columns,
                               "city": "city"}, optional=(), extras={}, description="hourly input with the "
                               "station's city (6-digit code) on every row, every item column required"),
    "air-daily": Layout(
        name="air-daily",
        medium="air_daily",
        shape="wide",
        columns={"station": "station", "time": "time", **{k: k for k in AIR_DAILY_ITEMS}},
        time=TimeSpec(formats=DEFAULT_DATE_FORMATS, hourly=False),
        optional=("city",),
        extras={"o3_1h_max": "o3"},
        closed=True,
        description="the air calculator's daily input: station, time (a date), the daily values",
    ),
    "water-samples-long": Layout(
        name="water-samples-long", medium="water", shape="long",
        columns={"section": "section", "time": "time", "item": "parameter", "value": "value"},
        time=TimeSpec(hourly=False), optional=("unit",),
        description="the water calculator's long input: section, time, parameter (or item), value [, unit]; "
        "the other columns (waterbody_type, detection_limit, city …) are the calculator's own"),
    "water-samples-wide": Layout(
        name="water-samples-wide", medium="water", shape="wide",
        columns={"section": "section", "time": "time"}, time=TimeSpec(hourly=False),
        optional=WATER_CARRIED,
        description="the water calculator's wide input: section, time, one column per parameter (the columns "
        "of WATER_CARRIED are carried, not items)"),
    "noise-hourly": replace(BUILTIN["noise"], name="noise-hourly",
                            description="the noise calculator's hourly L_Aeq (HJ 640-2012, GB 3096-2008 §3.5-3.7: "
                            "day and night levels are energy means of hourly values, so a time is a whole hour)"),
    "noise-periods": Layout(
        name="noise-periods", medium="noise", shape="wide",
        columns={"point": "point", "period": "period", "leq": "leq"}, time=TimeSpec(column=None, hourly=False),
        description="the noise grade's input (HJ 640-2012 grid and road points): point, period (day|night|昼间|"
        "夜间), leq — one value per point and period"),
}  # fmt: skip
"""Layouts of the calculators' inputs (``pioneer air aqi|daily``, ``pioneer water classify|assess``, ``pioneer
noise assess|grade``): checked by the lake's checker (:func:`pioneer.lake.validate.check`), never stored; not
offered to ``pioneer ingest``."""


def sniff_layout(header: Sequence[str]) -> Layout | None:
    """The built-in layout whose columns a header carries (``None`` if none fits)."""
    cols = {c.strip() for c in header}
    if {"timepoint", "stationcode", "o3_24h"} <= cols:
        return BUILTIN["cnemc"]
    if {"stationcode", "o3_8h", "o3_8h_24h", "pm2_5_24h"} <= cols and "timepoint" not in cols:
        return BUILTIN["cnemc-daily"]
    if {"year", "month", "day", "hour", "PM2.5", "station"} <= cols:
        return BUILTIN["uci"]
    if {"point", "zone_class", "time", "leq"} <= cols:
        return BUILTIN["noise"]
    if {"section", "time", "item", "value"} <= cols:
        return BUILTIN["water-long"]
    if {"section", "time"} <= cols:
        return BUILTIN["water-wide"]
    if {"station", "time", "item", "value"} <= cols:
        return BUILTIN["long"]
    if {"station", "time"} <= cols and cols & set(AIR_ITEMS):
        return BUILTIN["wide"]
    return None


_MAPPING_KEYS = {
    "name",
    "base",
    "medium",
    "shape",
    "columns",
    "time",
    "units",
    "missing",
    "constants",
    "station_names",
    "ranges",
    "status",
    "encoding",
    "sheet",
    "source",
    "licence",
    "description",
}


def read_mapping(path: str | Path) -> Layout:
    """Read a YAML mapping file into a :class:`Layout` (optionally extending a built-in one with ``base:``)."""
    path = Path(path)
    where = str(path)
    try:
        doc: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            "映射文件无法读取或不是有效的 YAML", f"mapping file unreadable or not YAML: {exc}", file=where
        ) from None
    if not isinstance(doc, dict):
        raise InputError("映射文件应为键值表", "mapping file must be a YAML mapping", file=where)
    unknown = set(doc) - _MAPPING_KEYS
    if unknown:
        raise InputError(
            "映射文件含未知键", "unknown keys in mapping file", file=where, value=", ".join(sorted(unknown))
        )
    base = BUILTIN.get(str(doc.get("base", "")))
    if "base" in doc and base is None:
        raise InputError(
            "映射文件的 base 不是内置格式",
            "mapping 'base' is not a built-in layout",
            file=where,
            value=doc["base"],
        )
    medium = doc.get("medium", base.medium if base else "air")
    if medium not in MEDIA:
        raise InputError(
            "介质必须是 air、water 或 noise",
            "medium must be air, water or noise",
            file=where,
            column="medium",
            value=medium,
        )
    shape = doc.get("shape", base.shape if base else "wide")
    if shape not in ("wide", "long"):
        raise InputError("shape 必须是 wide 或 long", "shape must be wide or long", file=where, value=shape)
    t = doc.get("time", {}) or {}
    if isinstance(t, str):
        t = {"column": t}
    base_time = base.time if base else TimeSpec(hourly=HOURLY_MEDIA.get(medium, False))
    fmts = t.get("format", t.get("formats"))
    if isinstance(fmts, str):
        fmts = [fmts]
    label = t.get("label", base_time.label)
    hours = str(t.get("hours", base_time.hours))
    if label not in ("end", "start") or hours not in ("0-23", "1-24"):
        raise InputError(
            "time.label 须为 end/start，time.hours 须为 0-23/1-24",
            "time.label must be end/start and time.hours 0-23/1-24",
            file=where,
        )
    tz = t.get("timezone", t.get("utc_offset", base_time.utc_offset))
    time = TimeSpec(
        column=t.get("column", base_time.column if not t.get("parts") else None),
        parts=t.get("parts", base_time.parts),
        formats=tuple(fmts) if fmts else base_time.formats,
        label=label,
        hours=hours,
        utc_offset=_utc_offset(tz, where),
        hourly=bool(t.get("hourly", base_time.hourly)),
    )
    columns = dict(base.columns) if base else {}
    columns.update({str(k): str(v) for k, v in (doc.get("columns") or {}).items()})
    if time.column and "time" not in doc.get("columns", {}):
        columns["time"] = time.column
    units = {str(k): canonical_unit(str(v)) for k, v in (doc.get("units") or {}).items()}
    ranges = {str(k): (float(v[0]), float(v[1])) for k, v in (doc.get("ranges") or {}).items()}
    status = doc.get("status", base.status if base else "preliminary")
    if status not in ("preliminary", "validated"):
        raise InputError(
            "status 须为 preliminary 或 validated",
            "status must be preliminary or validated",
            file=where,
            value=status,
        )
    layout = Layout(
        name=str(doc.get("name", path.stem)),
        medium=medium,
        shape=shape,
        columns=columns,
        time=time,
        units={**(base.units if base else {}), **units},
        missing=tuple(str(m) for m in doc.get("missing", base.missing if base else DEFAULT_MISSING)),
        constants={
            **(base.constants if base else {}),
            **{k: str(v) for k, v in (doc.get("constants") or {}).items()},
        },
        station_names={
            str(k): str(v)
            for k, v in (doc.get("station_names") or (base.station_names if base else {})).items()
        },
        ranges=ranges,
        status=status,
        encoding=doc.get("encoding"),
        sheet=doc.get("sheet"),
        source=str(doc.get("source", base.source if base else "")),
        licence=str(doc.get("licence", base.licence if base else "")),
        description=str(doc.get("description", "")),
    )
    for src_unit_item, u in layout.units.items():
        target = AIR_ITEMS.get(src_unit_item) if medium == "air" else None
        if target and u != target and (u, target) not in CONVERSIONS:
            raise InputError(
                "声明的单位无法换算为术语表单位",
                "declared unit has no conversion to the glossary unit",
                file=where,
                column=f"units.{src_unit_item}",
                value=u,
            )
    return layout


def with_options(layout: Layout, **changes: Any) -> Layout:
    """A copy of ``layout`` with some fields replaced (``None`` values are ignored)."""
    return replace(layout, **{k: v for k, v in changes.items() if v is not None})


def _utc_offset(tz: object, where: str) -> float:
    if isinstance(tz, int | float):
        return float(tz)
    s = str(tz).strip().upper()
    if s in ("CST", "ASIA/SHANGHAI", "BEIJING", "UTC+8", "+08:00", "+0800", "+08"):
        return 8.0
    if s in ("UTC", "Z", "GMT", "+00:00"):
        return 0.0
    m = re.fullmatch(r"(?:UTC)?([+-])(\d{1,2}):?(\d{2})?", s)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        return sign * (int(m.group(2)) + int(m.group(3) or 0) / 60)
    raise InputError("无法识别的时区", "unrecognised time zone", file=where, column="time.timezone", value=tz)


def time_from_name(layout: Layout, file_name: str) -> str:
    """The time a layout with ``time.from_name`` reads from a file name (its stem parsed with that format),
    written in the layout's first time format. Raises a located ``InputError`` when the name does not fit."""
    import datetime as dt

    fmt = layout.time.from_name or ""
    stem = Path(file_name).stem
    try:
        stamp = dt.datetime.strptime(stem, fmt)
    except ValueError:
        raise InputError(
            f"文件名应为时间 {fmt}（如 2025-01-02T00.csv），数据时间取自文件名",
            f"the file name must be a time {fmt} (e.g. 2025-01-02T00.csv): this layout takes the time from it",
            file=file_name,
            column=layout.columns.get("time", "time"),
            value=stem,
        ) from None
    return stamp.strftime(layout.time.formats[0])


def with_name_time(table: Any, layout: Layout, file_name: str) -> Any:
    """``table`` (an Arrow table of text columns) with the time column a ``time.from_name`` layout reads from the
    file name (``time_from_name``); other layouts' tables are returned as they are. The one place every reader of
    files (ingest, uploads, calculators) adds it."""
    if not layout.time.from_name:
        return table
    import pyarrow as pa

    stamp = time_from_name(layout, file_name)
    return table.append_column(
        layout.columns["time"], pa.repeat(pa.scalar(stamp, pa.string()), table.num_rows)
    )
