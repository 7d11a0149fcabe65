"""Choices of the zones domain: tiers, soft quotas, lifecycle states and the allowed transitions."""

from __future__ import annotations

from enum import StrEnum

from pioneer.registry.permissions import Role


class Tier(StrEnum):
    REGION = "region"  # 区域
    PROVINCE = "province"  # 省域（一省域一特色）
    CITY = "city"  # 市
    COUNTY = "county"  # 县


# Soft quotas of the seed (≈5 provinces, ≈50 cities, ≈100 counties): exceeding one is a warning, not an error.
QUOTAS: dict[Tier, int] = {Tier.PROVINCE: 5, Tier.CITY: 50, Tier.COUNTY: 100}

# Division kinds a zone of each tier may consist of.
TIER_KINDS: dict[Tier, frozenset[str]] = {
    Tier.REGION: frozenset({"province", "autonomous_region", "municipality", "sar", "prefecture"}),
    Tier.PROVINCE: frozenset({"province", "autonomous_region", "municipality"}),
    Tier.CITY: frozenset({"prefecture", "municipality"}),
    Tier.COUNTY: frozenset({"county", "municipal_district", "province_administered"}),
}


class State(StrEnum):
    DRAFT = "draft"  # 申报（草稿）
    RECOMMENDED = "recommended"  # 省级推荐
    UNDER_REVIEW = "under_review"  # 审核中
    APPROVED = "approved"  # 批复
    UNDER_CONSTRUCTION = "under_construction"  # 建设中
    SELF_ASSESSED = "self_assessed"  # 已自评估
    EVALUATED = "evaluated"  # 已评估
    MODEL = "model"  # 示范样板
    WITHDRAWN = "withdrawn"  # 撤回/退出

    @property
    def label_zh(self) -> str:
        return STATE_LABELS_ZH[self]


STATE_LABELS_ZH = {
    State.DRAFT: "申报",
    State.RECOMMENDED: "省级推荐",
    State.UNDER_REVIEW: "审核中",
    State.APPROVED: "已批复",
    State.UNDER_CONSTRUCTION: "建设中",
    State.SELF_ASSESSED: "已自评估",
    State.EVALUATED: "已评估",
    State.MODEL: "示范样板",
    State.WITHDRAWN: "已撤回",
}

TERMINAL = frozenset({State.MODEL, State.WITHDRAWN})
# States counted against the soft quotas: approved and everything after it (withdrawn zones do not count).
COUNTED = frozenset(
    {State.APPROVED, State.UNDER_CONSTRUCTION, State.SELF_ASSESSED, State.EVALUATED, State.MODEL}
)

PO, PROV, ZONE = Role.PROGRAMME_OFFICE, Role.PROVINCE, Role.ZONE

# (from, to) → roles that may make the transition. For a region-tier zone (spanning several provinces) the
# province's steps are taken by the programme office (see zones.service.allowed_roles).
TRANSITIONS: dict[tuple[State, State], frozenset[Role]] = {
    (State.DRAFT, State.RECOMMENDED): frozenset({PROV}),
    (State.RECOMMENDED, State.UNDER_REVIEW): frozenset({PO}),
    (State.UNDER_REVIEW, State.APPROVED): frozenset({PO}),
    (State.UNDER_REVIEW, State.DRAFT): frozenset({PO}),  # returned for revision (退回修改)
    (State.APPROVED, State.UNDER_CONSTRUCTION): frozenset({ZONE, PROV}),
    (State.UNDER_CONSTRUCTION, State.SELF_ASSESSED): frozenset({ZONE}),
    (State.SELF_ASSESSED, State.EVALUATED): frozenset({PO}),
    (State.EVALUATED, State.MODEL): frozenset({PO}),
    (State.DRAFT, State.WITHDRAWN): frozenset({ZONE, PROV}),
    (State.RECOMMENDED, State.WITHDRAWN): frozenset({PROV, PO}),
    (State.UNDER_REVIEW, State.WITHDRAWN): frozenset({PO}),
    (State.APPROVED, State.WITHDRAWN): frozenset({PO}),
    (State.UNDER_CONSTRUCTION, State.WITHDRAWN): frozenset({PO}),
    (State.SELF_ASSESSED, State.WITHDRAWN): frozenset({PO}),
    (State.EVALUATED, State.WITHDRAWN): frozenset({PO}),
}

# Transitions that need a reason (why the application goes back or ends).
REASON_REQUIRED = frozenset(
    {(State.UNDER_REVIEW, State.DRAFT)} | {k for k in TRANSITIONS if k[1] is State.WITHDRAWN}
)
