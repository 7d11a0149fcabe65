"""ORM models of the divisions domain: one row per incarnation of a code (a code re-used or renamed has
several), and the successor edges of the history."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from pioneer.db.base import Base
from pioneer.registry import codes


class Division(Base):
    __tablename__ = "registry_division"
    __table_args__ = (UniqueConstraint("code", "start_year", name="uq_registry_division_code_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    start_year: Mapped[int] = mapped_column(SmallInteger)  # first year the code is listed
    end_year: Mapped[int | None] = mapped_column(SmallInteger)  # first year it is no longer listed
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    province_code: Mapped[str] = mapped_column(String(6))
    source_parent_name: Mapped[str] = mapped_column(String(64))  # 二级行政区 as in the source ("直辖" …)

    @validates("code", "parent_code", "province_code")
    def _code_shape(self, key: str, value: str | None) -> str | None:
        return value if value is None and key == "parent_code" else codes.division_code(value, column=key)  # type: ignore[arg-type]


class DivisionSuccessor(Base):
    """``division`` → ``successor_code`` in ``year``. ``full`` is true for the successors on abolition or
    change of the code, false for a transfer of part of its territory (source notation ``code[year]``)."""

    __tablename__ = "registry_division_successor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("registry_division.id"), index=True)
    successor_code: Mapped[str] = mapped_column(String(6), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    full: Mapped[bool] = mapped_column(Boolean)
