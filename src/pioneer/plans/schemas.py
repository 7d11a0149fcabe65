"""Pydantic schemas of the plans area (API bodies and answers): ``XCreate``, ``XUpdate``, ``XPublic``."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pioneer.db import stored_time
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.plans.choices import CaseStatus, Category, FundingSource, PlanStatus, ProjectStatus, TaskStatus


class GoalIn(BaseModel):
    indicator: str = Field(min_length=1, max_length=64)
    target_year: int = Field(ge=2000, le=2100)
    comparator: str = Field(pattern=r"^(<|<=|>|>=)$")
    target_value: float
    note: str = Field(default="", max_length=2000)


class GoalPublic(GoalIn):
    model_config = ConfigDict(from_attributes=True)
    id: int


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=2000)
    seed_section: str = Field(min_length=1, max_length=16, description="（一）…（十五） or 'regional'")
    responsible_unit: str = Field(default="", max_length=256)
    deadline: dt.date | None = None
    status: TaskStatus = TaskStatus.NOT_STARTED


class TaskPublic(TaskIn):
    model_config = ConfigDict(from_attributes=True)
    id: int


class PlanCreate(BaseModel):
    zone_code: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=256)
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    status: PlanStatus = PlanStatus.DRAFT
    document: str = Field(default="", max_length=2000)
    goals: list[GoalIn] = Field(default_factory=list)
    tasks: list[TaskIn] = Field(default_factory=list)


class PlanUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=256)
    start_year: int | None = Field(default=None, ge=2000, le=2100)
    end_year: int | None = Field(default=None, ge=2000, le=2100)
    status: PlanStatus | None = None
    document: str | None = Field(default=None, max_length=2000)
    goals: list[GoalIn] | None = None
    tasks: list[TaskIn] | None = None


class PlanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    zone_code: str
    title: str
    start_year: int
    end_year: int
    status: str
    document: str
    goals: list[GoalPublic]
    tasks: list[TaskPublic]


class MilestoneIn(BaseModel):
    name: str = Field(min_length=1, max_length=256)
    due_date: dt.date
    done_date: dt.date | None = None


class ProjectIndicatorIn(BaseModel):
    indicator: str = Field(min_length=1, max_length=64)
    expected_change: float


class ProjectCreate(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    zone_code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=256)
    category: Category
    division_code: str = Field(pattern=DIVISION_CODE_PATTERN)
    longitude: float | None = None
    latitude: float | None = None
    total_investment: float = Field(description="万元 (10 000 CNY)")
    funding: dict[FundingSource, float] = Field(default_factory=dict, description="万元 by source")
    start_date: dt.date
    end_date: dt.date
    status: ProjectStatus = ProjectStatus.PLANNED
    description: str = Field(default="", max_length=5000)
    milestones: list[MilestoneIn] = Field(default_factory=list)
    indicators: list[ProjectIndicatorIn] = Field(default_factory=list)


class ProjectUpdate(BaseModel):
    """Fields to change; funding, milestones and indicators, when given, replace the stored lists."""

    name: str | None = Field(default=None, min_length=1, max_length=256)
    category: Category | None = None
    division_code: str | None = Field(default=None, pattern=DIVISION_CODE_PATTERN)
    longitude: float | None = None
    latitude: float | None = None
    total_investment: float | None = None
    funding: dict[FundingSource, float] | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: ProjectStatus | None = None
    description: str | None = Field(default=None, max_length=5000)
    milestones: list[MilestoneIn] | None = None
    indicators: list[ProjectIndicatorIn] | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> ProjectUpdate:
        """An explicit ``null`` clears only what a project may lack (its coordinates); ``{"funding": null}`` and
        the like are refused (422) instead of failing later in the merge (500)."""
        bad = sorted(
            k
            for k in self.model_fields_set
            if getattr(self, k) is None and k not in ("longitude", "latitude")
        )
        if bad:
            raise ValueError(f"may not be null: {', '.join(bad)}")
        return self


class EvidenceFile(BaseModel):
    file_name: str = Field(min_length=1, max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class ProgressCreate(BaseModel):
    reported_on: dt.date
    percent_complete: float = Field(ge=0, le=100)
    invested_to_date: float = Field(ge=0, description="万元")
    note: str = Field(default="", max_length=5000)
    evidence: list[EvidenceFile] = Field(default_factory=list)


class ProgressPublic(ProgressCreate):
    model_config = ConfigDict(from_attributes=True)
    id: int
    reported_by: str


class ProjectPublic(BaseModel):
    code: str
    zone_code: str
    name: str
    category: str
    division_code: str
    longitude: float | None
    latitude: float | None
    total_investment: float
    funding: dict[str, float]
    start_date: dt.date
    end_date: dt.date
    status: str
    description: str
    milestones: list[MilestoneIn]
    indicators: list[ProjectIndicatorIn]
    progress: list[ProgressPublic]


class CaseCreate(BaseModel):
    zone_code: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=256)
    summary: str = Field(default="", max_length=2000)
    body: str = Field(default="", max_length=50000)


class CaseStep(BaseModel):
    to_status: CaseStatus
    note: str = Field(default="", max_length=2000)


class CasePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    zone_code: str
    title: str
    summary: str
    body: str
    status: str
    review_note: str
    submitted_by: str
    reviewed_by: str
    recommended_by: str
    recommended_at: dt.datetime | None
    published_at: dt.datetime | None

    @field_validator("published_at", "recommended_at")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        """The service stamps UTC (RFC 3339 answers carry the offset)."""
        return None if value is None else stored_time(value, dt.UTC)
