"""Allowed values of the ecology registers (code → Chinese label); English labels in ``LABELS_EN``."""

from __future__ import annotations

SOURCE_TYPES = {"river": "河流型", "lake": "湖泊型", "reservoir": "水库型", "groundwater": "地下水型"}
SOURCE_TIERS = {"city": "地级及以上城市", "county": "县级", "township": "乡镇级"}
PROTECTION_ZONES = {"first": "一级保护区", "second": "二级保护区", "quasi": "准保护区"}
HW_ROLES = {"producer": "产生单位", "disposer": "利用处置（经营）单位", "both": "产生及利用处置单位"}
POND_STATUS = {"operating": "运行", "idle": "停用", "closed": "已闭库", "rehabilitated": "已销库"}
SUPERVISION_CLASSES = {"1": "一级环境监管", "2": "二级环境监管", "3": "三级环境监管"}
METALS = {"pb": "铅", "hg": "汞", "cd": "镉", "cr": "铬", "as": "砷", "tl": "铊", "sb": "锑"}
HAZARD_STATUS = {"done": "已整改", "open": "整改中", "overdue": "逾期未整改"}

LABELS_EN = {
    "river": "river", "lake": "lake", "reservoir": "reservoir", "groundwater": "groundwater",
    "city": "prefecture city and above", "county": "county", "township": "township",
    "first": "first-level zone", "second": "second-level zone", "quasi": "quasi-protection zone",
    "producer": "producer", "disposer": "licensed recovery/disposal unit", "both": "producer and disposer",
    "operating": "operating", "idle": "idle", "closed": "closed", "rehabilitated": "decommissioned",
    "1": "class 1 supervision", "2": "class 2 supervision", "3": "class 3 supervision",
    "pb": "lead", "hg": "mercury", "cd": "cadmium", "cr": "chromium", "as": "arsenic", "tl": "thallium",
    "sb": "antimony", "done": "rectified", "open": "being rectified", "overdue": "overdue",
}  # fmt: skip
