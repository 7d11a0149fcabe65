"""Choices of the plans area: seed sections, project categories, funding sources, statuses, case workflow.

Source of the lists: the seed (the programme's founding opinion, as quoted in issue 8): §五 (十三) names the major
project categories (减污降碳协同, 环境品质提升, 生态保护修复, 现代化生态环境基础设施 …) and §五 (十四) the
financing channels (财政资金, 专项债, 绿色信贷/绿色债券, 社会资本 …). The seed's text is not in the repository:
the section *titles* are unconfirmed, so tasks are mapped to the section *numbers* （一）…（十五） only.
"""

from __future__ import annotations

from enum import StrEnum

from pioneer.registry.permissions import Role

# The seed's numbered items （一）…（十五）; a task maps to one of them or is a regional task (区域特色任务).
SEED_SECTIONS: tuple[str, ...] = tuple(
    f"（{n}）" for n in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                         "十一", "十二", "十三", "十四", "十五")
)  # fmt: skip
REGIONAL = "regional"


class PlanStatus(StrEnum):
    DRAFT = "draft"  # 编制中
    ADOPTED = "adopted"  # 已印发
    REVISED = "revised"  # 已修订


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"  # 未开始
    IN_PROGRESS = "in_progress"  # 推进中
    DONE = "done"  # 已完成
    DELAYED = "delayed"  # 滞后


class Category(StrEnum):
    """Major-project categories of the seed §五 (十三)."""

    POLLUTION_CARBON = "pollution_carbon"  # 减污降碳协同
    ENVIRONMENT_QUALITY = "environment_quality"  # 环境品质提升
    ECOLOGICAL_RESTORATION = "ecological_restoration"  # 生态保护修复
    INFRASTRUCTURE = "infrastructure"  # 现代化生态环境基础设施
    OTHER = "other"  # 其他


class FundingSource(StrEnum):
    """Financing channels of the seed §五 (十四); amounts in 万元 (10 000 CNY)."""

    FISCAL = "fiscal"  # 财政资金
    SPECIAL_BOND = "special_bond"  # 地方政府专项债券
    GREEN_CREDIT = "green_credit"  # 绿色信贷
    GREEN_BOND = "green_bond"  # 绿色债券
    SOCIAL_CAPITAL = "social_capital"  # 社会资本
    OTHER = "other"  # 其他


class ProjectStatus(StrEnum):
    PLANNED = "planned"  # 储备
    UNDER_CONSTRUCTION = "under_construction"  # 在建
    COMPLETED = "completed"  # 完工
    SUSPENDED = "suspended"  # 暂停


class CaseStatus(StrEnum):
    """Typical cases: the zone drafts and submits, the province recommends (or returns), the programme office
    returns, approves and publishes."""

    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已报送（待省级推荐）
    RECOMMENDED = "recommended"  # 省级推荐
    RETURNED = "returned"  # 退回修改
    APPROVED = "approved"  # 审核通过
    PUBLISHED = "published"  # 已发布


NAMES: dict[str, tuple[str, str]] = {
    "draft": ("编制中", "draft"),
    "adopted": ("已印发", "adopted"),
    "revised": ("已修订", "revised"),
    "not_started": ("未开始", "not started"),
    "in_progress": ("推进中", "in progress"),
    "done": ("已完成", "done"),
    "delayed": ("滞后", "delayed"),
    "pollution_carbon": ("减污降碳协同", "pollution and carbon reduction"),
    "environment_quality": ("环境品质提升", "environmental quality"),
    "ecological_restoration": ("生态保护修复", "ecological protection and restoration"),
    "infrastructure": ("现代化生态环境基础设施", "modern environmental infrastructure"),
    "other": ("其他", "other"),
    "fiscal": ("财政资金", "fiscal funds"),
    "special_bond": ("专项债", "special bonds"),
    "green_credit": ("绿色信贷", "green credit"),
    "green_bond": ("绿色债券", "green bonds"),
    "social_capital": ("社会资本", "social capital"),
    "planned": ("储备", "planned"),
    "under_construction": ("在建", "under construction"),
    "completed": ("完工", "completed"),
    "suspended": ("暂停", "suspended"),
    "submitted": ("已报送", "submitted"),
    "recommended": ("省级推荐", "recommended by the province"),
    "returned": ("退回修改", "returned"),
    "approved": ("审核通过", "approved"),
    "published": ("已发布", "published"),
    REGIONAL: ("区域特色任务", "regional task"),
}

# case workflow: (from, to) → the offices that take the step, as the zones' lifecycle and the plans' review: the
# zone submits (a province-tier zone's own editors are the province), the province recommends or returns with a
# reason, the programme office approves or returns and publishes. A region-tier zone's province steps fall to the
# programme office (pioneer.registry.zones.service.stand_in, through pioneer.plans.service.case_step_roles).
CASE_STEPS: dict[tuple[CaseStatus, CaseStatus], frozenset[Role]] = {
    (CaseStatus.DRAFT, CaseStatus.SUBMITTED): frozenset({Role.ZONE, Role.PROVINCE}),
    (CaseStatus.RETURNED, CaseStatus.SUBMITTED): frozenset({Role.ZONE, Role.PROVINCE}),
    (CaseStatus.SUBMITTED, CaseStatus.RECOMMENDED): frozenset({Role.PROVINCE}),
    (CaseStatus.SUBMITTED, CaseStatus.RETURNED): frozenset({Role.PROVINCE}),
    (CaseStatus.RECOMMENDED, CaseStatus.APPROVED): frozenset({Role.PROGRAMME_OFFICE}),
    (CaseStatus.RECOMMENDED, CaseStatus.RETURNED): frozenset({Role.PROGRAMME_OFFICE}),
    (CaseStatus.APPROVED, CaseStatus.PUBLISHED): frozenset({Role.PROGRAMME_OFFICE}),
}


def name(value: str, lang: str = "zh") -> str:
    """Display name of a choice value in ``lang`` (``zh`` or ``en``); unknown values are shown as given."""
    zh, en = NAMES.get(str(value), (str(value), str(value)))
    return en if lang.startswith("en") else zh
