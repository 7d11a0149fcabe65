"""ORM models of pioneer zones: the zone, its divisions and the append-only lifecycle history.

The history table is protected twice: an ORM guard (zones.service) raises a bilingual error before a flush
that would change it, and database triggers (migration 0001) reject UPDATE and DELETE from any client."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from pioneer.db.base import Base
from pioneer.registry import codes
from pioneer.registry.errors import HistoryImmutableError


class Zone(Base):
    __tablename__ = "registry_zone"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(256), default="")
    tier: Mapped[str] = mapped_column(String(16), index=True)
    theme: Mapped[str] = mapped_column(Text, default="")  # 特色
    seed_sections: Mapped[list] = mapped_column(JSON, default=list)
    strategy_code: Mapped[str | None] = mapped_column(ForeignKey("registry_strategy.code"))
    as_of: Mapped[dt.date] = mapped_column(Date)  # date at which the division codes were checked
    state: Mapped[str] = mapped_column(String(24), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    # selectin: a list of zones loads every zone's divisions in one more query, not one per zone (N+1)
    divisions: Mapped[list[ZoneDivision]] = relationship(
        back_populates="zone",
        cascade="all, delete-orphan",
        order_by="ZoneDivision.division_code",
        lazy="selectin",
    )
    history: Mapped[list[ZoneTransition]] = relationship(
        back_populates="zone", order_by="ZoneTransition.seq", viewonly=True
    )

    @property
    def division_codes(self) -> list[str]:
        return [d.division_code for d in self.divisions]

    @validates("code")
    def _code_shape(self, _key: str, value: str) -> str:
        return codes.zone_code(value)


class ZoneDivision(Base):
    __tablename__ = "registry_zone_division"
    __table_args__ = (UniqueConstraint("zone_id", "division_code", name="uq_registry_zone_division"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("registry_zone.id"), index=True)
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    zone: Mapped[Zone] = relationship(back_populates="divisions")

    @validates("division_code")
    def _code_shape(self, _key: str, value: str) -> str:
        return codes.division_code(value)


class ZoneTransition(Base):
    """One lifecycle event: who (username copy and role), when, from which state to which, why."""

    __tablename__ = "registry_zone_transition"
    __table_args__ = (UniqueConstraint("zone_id", "seq", name="uq_registry_zone_transition_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("registry_zone.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor_username: Mapped[str] = mapped_column(String(128))
    actor_role: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    zone: Mapped[Zone] = relationship(back_populates="history")

    @property
    def at_aware(self) -> dt.datetime:
        """:attr:`at` with its zone: the registry stamps 北京时间 (UTC+8), which SQLite hands back without it."""
        from pioneer.clock import BEIJING
        from pioneer.db.base import stored_time

        return stored_time(self.at, BEIJING)


@event.listens_for(Session, "before_flush")
def _history_is_append_only(session: Session, _context, _instances) -> None:
    """ORM guard of the append-only history (the database triggers are the second line)."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, ZoneTransition) and (obj in session.deleted or session.is_modified(obj)):
            raise HistoryImmutableError()
