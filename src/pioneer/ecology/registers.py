"""The registers as data: each one names its table, its fields (Chinese and English header, kind, required,
allowed values, range), its natural key, and where its division comes from (its own field, or its parent's).

One description serves the Excel template, the import checks, the API and the export, so that the four can
never disagree (``service.problems`` is the only validator)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pioneer.db.base import Base
from pioneer.ecology import choices as ch
from pioneer.ecology import models as m
from pioneer.plans.service import LAT_RANGE, LON_RANGE

KINDS = ("text", "code6", "codes6", "int", "float", "date", "bool", "choice")


@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    kind: str = "text"
    required: bool = False
    choices: dict[str, str] = field(default_factory=dict)
    lo: float | None = None
    hi: float | None = None
    max_len: int = 256


@dataclass(frozen=True)
class Register:
    name: str  # API path segment and audit object type (``ecology.<name>``)
    sheet: str  # Excel sheet name
    title_en: str
    model: type[Base]
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # natural key (unique)
    division: str | None = None  # own field holding the GB/T 2260 code …
    parent: tuple[str, str] | None = None  # … or (parent register name, own field holding the parent's code)
    also_refers: tuple[
        str, ...
    ] = ()  # further fields holding a code of the parent register (not its division)

    @property
    def parent_fields(self) -> list[str]:
        """Every own field that names a row of the parent register."""
        return [self.parent[1], *self.also_refers] if self.parent else []

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]


LON = Field(
    "longitude", "经度", "longitude", "float", lo=LON_RANGE[0], hi=LON_RANGE[1]
)  # China's extent, WGS84
LAT = Field("latitude", "纬度", "latitude", "float", lo=LAT_RANGE[0], hi=LAT_RANGE[1])

REGISTERS: dict[str, Register] = {r.name: r for r in (
    Register("water_sources", "饮用水水源地", "drinking-water sources", m.WaterSource, (
        Field("code", "水源地编码", "source code", required=True, max_len=64),
        Field("name", "水源地名称", "name", required=True),
        Field("source_type", "水源类型", "type", "choice", True, ch.SOURCE_TYPES),
        Field("tier", "水源级别", "tier", "choice", True, ch.SOURCE_TIERS),
        Field("division_code", "所在行政区划代码", "division code", "code6", True),
        Field("served_divisions", "供水行政区划代码（逗号分隔）", "divisions served (comma-separated)", "codes6"),
        Field("population_served", "服务人口（人）", "population served (persons)", "int", lo=0),
        Field("section_code", "水质监测断面编码", "monitoring section code", max_len=64),
        LON, LAT,
        Field("note", "备注", "note", max_len=2000),
    ), key=("code",), division="division_code"),
    Register("water_source_zones", "水源保护区", "source protection zones", m.WaterSourceZone, (
        Field("source_code", "水源地编码", "source code", required=True, max_len=64),
        Field("zone", "保护区级别", "zone", "choice", True, ch.PROTECTION_ZONES),
        Field("water_area_km2", "水域面积（km²）", "water area (km²)", "float", lo=0),
        Field("land_area_km2", "陆域面积（km²）", "land area (km²)", "float", lo=0),
        Field("document", "划定批复文号", "approval document", max_len=2000),
    ), key=("source_code", "zone"), parent=("water_sources", "source_code")),
    Register("hw_units", "危险废物单位", "hazardous-waste units", m.HazardousWasteUnit, (
        Field("code", "统一社会信用代码", "unified social credit code", required=True, max_len=64),
        Field("name", "单位名称", "name", required=True),
        Field("role", "单位类别", "role", "choice", True, ch.HW_ROLES),
        Field("division_code", "所在行政区划代码", "division code", "code6", True),
        Field("in_system", "已在固体废物管理信息系统注册", "registered in the information system", "bool", True),
        Field("permit_number", "危险废物经营许可证编号", "licence number", max_len=64),
        LON, LAT,
    ), key=("code",), division="division_code"),
    Register("hw_filings", "危险废物年度申报", "hazardous-waste yearly filings", m.HazardousWasteFiling, (
        Field("unit_code", "统一社会信用代码", "unit code", required=True, max_len=64),
        Field("year", "年度", "year", "int", True, lo=2000, hi=2100),
        Field("generated_prev_year_t", "上一年度实际产生量（吨）", "generated in the previous year (t)", "float",
              lo=0),
        Field("plan_filed", "管理计划已备案", "management plan filed", "bool", True),
        Field("declared", "产生情况已申报", "generation declared", "bool", True),
        Field("annual_report", "经营年报已报送", "licence-holder annual report filed", "bool", True),
    ), key=("unit_code", "year"), parent=("hw_units", "unit_code")),
    Register("hw_manifests", "危险废物转移联单", "hazardous-waste transfer manifests", m.HazardousWasteManifest, (
        Field("code", "联单编号", "manifest number", required=True, max_len=64),
        Field("producer_code", "移出单位代码", "producer code", required=True, max_len=64),
        Field("receiver_code", "接受单位代码", "receiver code", required=True, max_len=64),
        Field("waste_code", "废物代码", "waste code", required=True, max_len=16),
        Field("quantity_t", "转移量（吨）", "quantity (t)", "float", True, lo=0),
        Field("transfer_date", "转移日期", "transfer date", "date", True),
        Field("electronic", "电子联单", "electronic manifest", "bool", True),
    ), key=("code",), parent=("hw_units", "producer_code"), also_refers=("receiver_code",)),
    Register("tailings_ponds", "尾矿库", "tailings ponds", m.TailingsPond, (
        Field("code", "尾矿库编码", "pond code", required=True, max_len=64),
        Field("name", "尾矿库名称", "name", required=True),
        Field("enterprise", "运营管理单位", "operator"),
        Field("division_code", "所在行政区划代码", "division code", "code6", True),
        Field("supervision_class", "环境监管级别", "supervision class", "choice", True, ch.SUPERVISION_CLASSES),
        Field("class_document", "分类分级清单依据", "classification list (document)", required=True, max_len=2000),
        Field("status", "运行状态", "status", "choice", True, ch.POND_STATUS),
        Field("capacity_10k_m3", "总库容（万m³）", "capacity (10⁴ m³)", "float", lo=0),
        Field("dam_height_m", "坝高（m）", "dam height (m)", "float", lo=0),
        Field("pollutants", "特征污染物", "characteristic pollutants", max_len=2000),
        LON, LAT,
    ), key=("code",), division="division_code"),
    Register("tailings_inspections", "尾矿库排查", "tailings inspections", m.TailingsInspection, (
        Field("pond_code", "尾矿库编码", "pond code", required=True, max_len=64),
        Field("inspected_on", "排查日期", "inspection date", "date", True),
        Field("inspector", "排查单位", "inspecting unit"),
        Field("findings", "排查结果", "findings", max_len=4000),
    ), key=("pond_code", "inspected_on"), parent=("tailings_ponds", "pond_code")),
    Register("tailings_hazards", "尾矿库隐患整改", "tailings hidden hazards", m.TailingsHazard, (
        Field("code", "隐患编号", "hazard number", required=True, max_len=64),
        Field("pond_code", "尾矿库编码", "pond code", required=True, max_len=64),
        Field("found_on", "发现日期", "found on", "date", True),
        Field("description", "隐患描述", "description", required=True, max_len=4000),
        Field("deadline", "整改期限", "deadline", "date", True),
        Field("rectified_on", "整改完成日期", "rectified on", "date"),
    ), key=("code",), parent=("tailings_ponds", "pond_code")),
    Register("hm_enterprises", "涉重金属企业", "key heavy-metal enterprises", m.HeavyMetalEnterprise, (
        Field("code", "统一社会信用代码", "unified social credit code", required=True, max_len=64),
        Field("name", "企业名称", "name", required=True),
        Field("division_code", "所在行政区划代码", "division code", "code6", True),
        Field("industry", "行业", "industry", max_len=128),
        LON, LAT,
    ), key=("code",), division="division_code"),
    Register("hm_emissions", "重金属排放量", "heavy-metal emissions", m.HeavyMetalEmission, (
        Field("enterprise_code", "统一社会信用代码", "enterprise code", required=True, max_len=64),
        Field("year", "年度", "year", "int", True, lo=2000, hi=2100),
        Field("metal", "重金属", "metal", "choice", True, ch.METALS),
        Field("amount_kg", "排放量（千克）", "emission (kg)", "float", True, lo=0),
    ), key=("enterprise_code", "year", "metal"), parent=("hm_enterprises", "enterprise_code")),
)}  # fmt: skip
"""Every register, parents before children (the import order)."""


def register(name: str) -> Register:
    """The register called ``name`` (a key of :data:`REGISTERS`)."""
    from pioneer.errors import InputError

    if name not in REGISTERS:
        raise InputError(f"未知台账 “{name}”（可选：{', '.join(REGISTERS)}）",
                         f"unknown register '{name}' ({', '.join(REGISTERS)})", value=name)  # fmt: skip
    return REGISTERS[name]
