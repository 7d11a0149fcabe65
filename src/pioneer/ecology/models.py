"""App-database tables of the ecology registers. Every row carries a natural key (``code``, or a parent code
plus a year/date/zone) so that the Excel export re-imports unchanged; children point at their parent's code.

Units: areas km², population persons, quantities of hazardous waste t, heavy-metal emissions kg/a, tailings
capacity 10⁴ m³, dam height m."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pioneer.db.base import Base


class WaterSource(Base):
    """A centralised drinking-water source (集中式饮用水水源地) of the 名录."""

    __tablename__ = "ecology_water_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    source_type: Mapped[str] = mapped_column(String(16))  # river | lake | reservoir | groundwater
    tier: Mapped[str] = mapped_column(String(16))  # city | county | township
    division_code: Mapped[str] = mapped_column(String(6), index=True)  # where the intake lies
    served_divisions: Mapped[str] = mapped_column(Text, default="")  # GB/T 2260 codes, comma-separated
    population_served: Mapped[int | None] = mapped_column(Integer, nullable=True)
    section_code: Mapped[str | None] = mapped_column(String(64), nullable=True)  # lake section of its samples
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)  # intake, WGS84
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class WaterSourceZone(Base):
    """A protection zone (一级/二级/准保护区) of a source, with its approval document."""

    __tablename__ = "ecology_water_source_zone"
    __table_args__ = (UniqueConstraint("source_code", "zone", name="uq_ecology_water_source_zone"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_code: Mapped[str] = mapped_column(ForeignKey("ecology_water_source.code", ondelete="CASCADE"),
                                             index=True)  # fmt: skip
    zone: Mapped[str] = mapped_column(String(16))
    water_area_km2: Mapped[float | None] = mapped_column(Float, nullable=True)
    land_area_km2: Mapped[float | None] = mapped_column(Float, nullable=True)
    document: Mapped[str] = mapped_column(Text, default="")  # 划定批复文号


class HazardousWasteUnit(Base):
    """A hazardous-waste producer or licensed recovery/disposal unit (统一社会信用代码 as code)."""

    __tablename__ = "ecology_hw_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # producer | disposer | both
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    in_system: Mapped[bool] = mapped_column(Boolean, default=False)  # registered in 固体废物管理信息系统
    permit_number: Mapped[str] = mapped_column(String(64), default="")  # 危险废物经营许可证编号
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)


class HazardousWasteFiling(Base):
    """A unit's yearly filings in the information system: plan (管理计划备案), declaration (申报), annual report."""

    __tablename__ = "ecology_hw_filing"
    __table_args__ = (UniqueConstraint("unit_code", "year", name="uq_ecology_hw_filing"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("ecology_hw_unit.code", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    generated_prev_year_t: Mapped[float | None] = mapped_column(Float, nullable=True)  # 上一年度实际产生量
    plan_filed: Mapped[bool] = mapped_column(Boolean, default=False)
    declared: Mapped[bool] = mapped_column(Boolean, default=False)
    annual_report: Mapped[bool] = mapped_column(Boolean, default=False)


class HazardousWasteManifest(Base):
    """A transfer manifest (转移联单) from a producer to a receiver."""

    __tablename__ = "ecology_hw_manifest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # 联单编号
    producer_code: Mapped[str] = mapped_column(
        ForeignKey("ecology_hw_unit.code", ondelete="CASCADE"), index=True
    )
    receiver_code: Mapped[str] = mapped_column(
        ForeignKey("ecology_hw_unit.code", ondelete="CASCADE"), index=True
    )
    waste_code: Mapped[str] = mapped_column(String(16))  # 《国家危险废物名录》 code, e.g. 900-041-49
    quantity_t: Mapped[float] = mapped_column(Float)
    transfer_date: Mapped[dt.date] = mapped_column(Date)
    electronic: Mapped[bool] = mapped_column(Boolean, default=False)  # run as 电子转移联单


class TailingsPond(Base):
    """A tailings pond (尾矿库) with the environmental supervision class its provincial list assigns."""

    __tablename__ = "ecology_tailings_pond"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    enterprise: Mapped[str] = mapped_column(String(256), default="")
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    supervision_class: Mapped[str] = mapped_column(String(1))  # 1 | 2 | 3
    class_document: Mapped[str] = mapped_column(Text, default="")  # the provincial 分类分级环境监管清单
    status: Mapped[str] = mapped_column(String(16), default="operating")
    capacity_10k_m3: Mapped[float | None] = mapped_column(Float, nullable=True)
    dam_height_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    pollutants: Mapped[str] = mapped_column(Text, default="")  # 特征污染物
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)


class TailingsInspection(Base):
    """An environmental inspection (污染隐患排查) of a pond by a bureau."""

    __tablename__ = "ecology_tailings_inspection"
    __table_args__ = (UniqueConstraint("pond_code", "inspected_on", name="uq_ecology_tailings_inspection"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pond_code: Mapped[str] = mapped_column(ForeignKey("ecology_tailings_pond.code", ondelete="CASCADE"),
                                           index=True)  # fmt: skip
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(256), default="")
    findings: Mapped[str] = mapped_column(Text, default="")


class TailingsHazard(Base):
    """A hidden hazard (环境隐患) found at a pond, its rectification deadline and completion date."""

    __tablename__ = "ecology_tailings_hazard"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    pond_code: Mapped[str] = mapped_column(ForeignKey("ecology_tailings_pond.code", ondelete="CASCADE"),
                                           index=True)  # fmt: skip
    found_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date] = mapped_column(Date)
    rectified_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class HeavyMetalEnterprise(Base):
    """A key heavy-metal enterprise (涉重金属重点行业企业)."""

    __tablename__ = "ecology_hm_enterprise"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    industry: Mapped[str] = mapped_column(String(128), default="")
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)


class HeavyMetalEmission(Base):
    """An enterprise's annual emission of one heavy metal [kg/a]."""

    __tablename__ = "ecology_hm_emission"
    __table_args__ = (UniqueConstraint("enterprise_code", "year", "metal", name="uq_ecology_hm_emission"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_code: Mapped[str] = mapped_column(ForeignKey("ecology_hm_enterprise.code", ondelete="CASCADE"),
                                                 index=True)  # fmt: skip
    year: Mapped[int] = mapped_column(SmallInteger)
    metal: Mapped[str] = mapped_column(String(8))
    amount_kg: Mapped[float] = mapped_column(Float)
