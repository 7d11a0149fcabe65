"""Choices of the divisions domain."""

from __future__ import annotations

from enum import StrEnum

from pioneer.standards.divisions import MUNICIPALITIES as MUNICIPALITIES  # the one home (GB/T 2260)


class Level(StrEnum):
    PROVINCE = "province"  # 省级
    PREFECTURE = "prefecture"  # 地级
    COUNTY = "county"  # 县级


class Status(StrEnum):
    IN_USE = "in_use"  # 在用
    ABOLISHED = "abolished"  # 弃用
    CHANGED = "changed"  # 变更: an earlier incarnation of a code (renamed or re-assigned)


class Kind(StrEnum):
    """The special cases of the hierarchy."""

    PROVINCE = "province"  # 省
    AUTONOMOUS_REGION = "autonomous_region"  # 自治区
    MUNICIPALITY = "municipality"  # 直辖市 (110000, 120000, 310000, 500000)
    SAR = "sar"  # 特别行政区 (810000 香港, 820000 澳门): no subdivisions in GB/T 2260
    TAIWAN = "taiwan"  # 710000 台湾省: no subdivisions in GB/T 2260
    PREFECTURE = "prefecture"  # 地级市、地区、自治州、盟
    COUNTY = "county"  # 市辖区、县、县级市、旗 … under a prefecture
    MUNICIPAL_DISTRICT = "municipal_district"  # 直辖市的区/县: parent is the municipality itself
    PROVINCE_ADMINISTERED = "province_administered"  # 省直辖县级行政单位 (e.g. 429004 仙桃市)


LEVEL_FROM_SOURCE = {"省级": Level.PROVINCE, "地级": Level.PREFECTURE, "县级": Level.COUNTY}
STATUS_FROM_SOURCE = {"在用": Status.IN_USE, "弃用": Status.ABOLISHED, "变更": Status.CHANGED}
SARS = ("810000", "820000")
TAIWAN = "710000"
