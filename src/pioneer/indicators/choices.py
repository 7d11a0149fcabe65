"""Choices of the indicator catalogue: domains (the seed's five plus 美丽城市/美丽乡村/regional tasks), directions,
source kinds, tiers and confidence labels."""

from __future__ import annotations

from enum import StrEnum


class Domain(StrEnum):
    GREEN_LOW_CARBON = "green_low_carbon"  # 绿色低碳发展
    ENVIRONMENT_QUALITY = "environment_quality"  # 生态环境根本好转
    ECOLOGICAL_RESTORATION = "ecological_restoration"  # 生态保护修复
    ECOLOGICAL_SECURITY = "ecological_security"  # 生态安全底线
    INSTITUTIONAL_REFORM = "institutional_reform"  # 生态文明体制改革
    BEAUTIFUL_CITY = "beautiful_city"  # 美丽城市
    BEAUTIFUL_VILLAGE = "beautiful_village"  # 美丽乡村
    REGIONAL = "regional"  # 区域重大战略任务


DOMAIN_NAMES: dict[str, tuple[str, str]] = {
    Domain.GREEN_LOW_CARBON: ("绿色低碳发展", "Green and low-carbon development"),
    Domain.ENVIRONMENT_QUALITY: ("生态环境根本好转", "Fundamental improvement of the environment"),
    Domain.ECOLOGICAL_RESTORATION: ("生态保护修复", "Ecological protection and restoration"),
    Domain.ECOLOGICAL_SECURITY: ("生态安全底线", "Ecological security baseline"),
    Domain.INSTITUTIONAL_REFORM: ("生态文明体制改革", "Ecological-civilisation institutional reform"),
    Domain.BEAUTIFUL_CITY: ("美丽城市", "Beautiful cities"),
    Domain.BEAUTIFUL_VILLAGE: ("美丽乡村", "Beautiful villages"),
    Domain.REGIONAL: ("区域重大战略任务", "Regional strategy tasks"),
}


class Direction(StrEnum):
    HIGHER = "higher"  # 越大越好
    LOWER = "lower"  # 越小越好


class SourceKind(StrEnum):
    COMPUTED = "computed"  # computed by Pioneer from the measurement lake
    REPORTED = "reported"  # a reported statistic entered with its source document


class Tier(StrEnum):
    REGION = "region"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class Confidence(StrEnum):
    CONFIRMED = "confirmed"
    FROM_MEMORY_ONLY = "from-memory-only"  # needs a source
    PROPOSED = "proposed"  # Pioneer's proposal; needs a source


class Comparator(StrEnum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    APPROX = "≈"  # "左右": attainment is judged as reaching the value in the better direction
