"""Choices of the stations domain and the column glossary of the import files."""

from __future__ import annotations

from enum import StrEnum

from pioneer.standards.noise import ZONE_CLASSES


class Medium(StrEnum):
    AIR = "air"
    WATER = "water"  # 断面
    NOISE = "noise"


class AirClass(StrEnum):
    NATIONAL = "national"  # 国控
    PROVINCIAL = "provincial"  # 省控
    CONTROL = "control"  # 对照点 (background / reference point)


class WaterBody(StrEnum):
    RIVER = "river"
    LAKE = "lake"
    RESERVOIR = "reservoir"


#: GB 3096-2008 §4 acoustic functional-zone classes (members C0 … C4B), from the one list in standards/noise.
NoiseZoneClass = StrEnum("NoiseZoneClass", {f"C{z.upper()}": z for z in ZONE_CLASSES})  # type: ignore[misc]


class Datum(StrEnum):
    WGS84 = "WGS84"
    CGCS2000 = "CGCS2000"
    GCJ02 = "GCJ02"  # encrypted "Mars" coordinates of Chinese web maps
    BD09 = "BD09"


# A coarse bounding box of China's territory (degrees): westernmost ≈73.5°E, easternmost ≈135.1°E,
# southernmost ≈3.8°N (曾母暗沙), northernmost ≈53.6°N, widened by about 0.3°. A box check, not a boundary test.
CHINA_BOUNDS = {"lon_min": 73.2, "lon_max": 135.4, "lat_min": 3.5, "lat_max": 53.9}

# Import columns (glossary name → accepted header spellings).
COLUMNS: dict[str, tuple[str, ...]] = {
    "station_code": ("station_code", "code", "站点编码", "站点代码", "点位编码"),
    "name": ("name", "站点名称", "点位名称", "名称"),
    "medium": ("medium", "介质", "类别"),
    "division_code": ("division_code", "行政区划代码", "区划代码"),
    "longitude": ("longitude", "lon", "经度"),
    "latitude": ("latitude", "lat", "纬度"),
    "datum": ("datum", "坐标系"),
    "active_from": ("active_from", "启用日期"),
    "active_to": ("active_to", "停用日期"),
    "air_class": ("air_class", "空气站类型"),
    "water_body": ("water_body", "水体类型"),
    "basin": ("basin", "流域"),
    "cross_boundary": ("cross_boundary", "跨界断面"),
    "upstream_division_code": ("upstream_division_code", "上游行政区划代码"),
    "downstream_division_code": ("downstream_division_code", "下游行政区划代码"),
    "noise_zone_class": ("noise_zone_class", "声环境功能区类别"),
}
REQUIRED = ("station_code", "name", "medium", "division_code", "longitude", "latitude", "datum")
