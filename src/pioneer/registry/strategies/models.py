"""ORM models of regional strategies: the strategy, its member divisions and its task list."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pioneer.db.base import Base


class Strategy(Base):
    __tablename__ = "registry_strategy"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    seed_section: Mapped[str] = mapped_column(String(16))
    member_level: Mapped[str] = mapped_column(String(16))
    source_title: Mapped[str] = mapped_column(String(256))
    source_issuer: Mapped[str] = mapped_column(String(128))
    source_date: Mapped[str] = mapped_column(String(10))
    scope_note: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(40))


class StrategyMember(Base):
    __tablename__ = "registry_strategy_member"
    __table_args__ = (UniqueConstraint("strategy_code", "division_code", name="uq_registry_strategy_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    strategy_code: Mapped[str] = mapped_column(ForeignKey("registry_strategy.code"), index=True)
    division_code: Mapped[str] = mapped_column(String(6))


class StrategyTask(Base):
    """A task of a region, referenced by plans and indicators as ``<strategy>.<ordinal>`` (e.g. ``jjj.1``)."""

    __tablename__ = "registry_strategy_task"
    __table_args__ = (UniqueConstraint("strategy_code", "ordinal", name="uq_registry_strategy_task"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    strategy_code: Mapped[str] = mapped_column(ForeignKey("registry_strategy.code"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(32))
    domain: Mapped[str] = mapped_column(String(32))
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(40))
