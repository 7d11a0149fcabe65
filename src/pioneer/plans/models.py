"""App-database tables of the plans area: implementation plans (goals, tasks), major projects (funding by source,
milestones, expected indicator changes, progress reports with evidence) and typical cases.

Money is in 万元 (10 000 CNY) as the bureaus' templates use it; a project's funding rows add up to its total
investment (checked by the service and the Excel import, within 0.005 万元 = 50 CNY)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pioneer.db.base import Base


class Plan(Base):
    """A zone's implementation plan (实施方案) for a period of years."""

    __tablename__ = "plans_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_code: Mapped[str] = mapped_column(ForeignKey("registry_zone.code"), index=True)
    title: Mapped[str] = mapped_column(String(256))
    start_year: Mapped[int] = mapped_column(SmallInteger)
    end_year: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(24), default="draft")
    document: Mapped[str] = mapped_column(Text, default="")  # 印发文号 / reference of the adopted document
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    goals: Mapped[list[PlanGoal]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanGoal.id"
    )
    tasks: Mapped[list[PlanTask]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTask.id"
    )


class PlanGoal(Base):
    """A goal of a plan: a catalogue indicator with a target value for a year."""

    __tablename__ = "plans_goal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans_plan.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(64))
    target_year: Mapped[int] = mapped_column(SmallInteger)
    comparator: Mapped[str] = mapped_column(String(4))  # <, <=, >, >=
    target_value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[Plan] = relationship(back_populates="goals")


class PlanTask(Base):
    """A task of a plan mapped to a seed section （一）…（十五） or a regional task."""

    __tablename__ = "plans_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans_plan.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    seed_section: Mapped[str] = mapped_column(String(16))
    responsible_unit: Mapped[str] = mapped_column(String(256), default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(24), default="not_started")
    plan: Mapped[Plan] = relationship(back_populates="tasks")


class Project(Base):
    """A major project (重大工程) of a zone, located in a division."""

    __tablename__ = "plans_project"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    zone_code: Mapped[str] = mapped_column(ForeignKey("registry_zone.code"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    category: Mapped[str] = mapped_column(String(32), index=True)
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    total_investment: Mapped[float] = mapped_column(Float)  # 万元
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default="planned")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    funding: Mapped[list[ProjectFunding]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectFunding.source"
    )
    milestones: Mapped[list[ProjectMilestone]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectMilestone.due_date"
    )
    indicators: Mapped[list[ProjectIndicator]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectIndicator.indicator"
    )
    progress: Mapped[list[ProjectProgress]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectProgress.reported_on"
    )


class ProjectFunding(Base):
    __tablename__ = "plans_project_funding"
    __table_args__ = (UniqueConstraint("project_id", "source", name="uq_plans_project_funding_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("plans_project.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float] = mapped_column(Float)  # 万元
    project: Mapped[Project] = relationship(back_populates="funding")


class ProjectMilestone(Base):
    __tablename__ = "plans_project_milestone"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("plans_project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    due_date: Mapped[dt.date] = mapped_column(Date)
    done_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    project: Mapped[Project] = relationship(back_populates="milestones")


class ProjectIndicator(Base):
    """An indicator the project is expected to move, with the expected change (in the indicator's unit)."""

    __tablename__ = "plans_project_indicator"
    __table_args__ = (UniqueConstraint("project_id", "indicator", name="uq_plans_project_indicator_ind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("plans_project.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(64))
    expected_change: Mapped[float] = mapped_column(Float)
    project: Mapped[Project] = relationship(back_populates="indicators")


class ProjectProgress(Base):
    """A progress report: share complete, money spent to date, note, evidence files (name, sha256, size)."""

    __tablename__ = "plans_project_progress"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("plans_project.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    percent_complete: Mapped[float] = mapped_column(Float)
    invested_to_date: Mapped[float] = mapped_column(Float)  # 万元
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    reported_by: Mapped[str] = mapped_column(String(128), default="")
    project: Mapped[Project] = relationship(back_populates="progress")


class Case(Base):
    """A typical case (典型案例) submitted by a zone, recommended (or returned) by its province, reviewed and
    published by the programme office."""

    __tablename__ = "plans_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_code: Mapped[str] = mapped_column(ForeignKey("registry_zone.code"), index=True)
    title: Mapped[str] = mapped_column(String(256))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(24), default="draft", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(128), default="")
    reviewed_by: Mapped[str] = mapped_column(String(128), default="")
    recommended_by: Mapped[str] = mapped_column(String(128), default="", server_default="")
    recommended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
