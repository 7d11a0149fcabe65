"""Stored yearly statements: a computed statement (:func:`pioneer.compensation.settlement.statement`) saved as a
versioned, audited record.

Each save is a new row — the *n*-th statement of that agreement and year — citing the agreement version, the lake
imports, when it was computed and by whom; a recomputation never overwrites an earlier statement (both stay
listed and downloadable). Saving is a write over both parties (the same scope as entering the agreement:
:func:`pioneer.registry.permissions.require`) and is reported to ``record`` (the caller's audit writer).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pioneer.compensation import settlement
from pioneer.compensation.models import Statement
from pioneer.compensation.service import EDITORS, Record, agreement, list_agreements
from pioneer.errors import NotFoundError
from pioneer.registry.permissions import Actor, recorder, require

OBJECT = "compensation_statement"


def _no_record(*_args: Any) -> None:
    """The default ``record``: none given, so the service writes the audit log itself
    (:func:`pioneer.registry.permissions.recorder`)."""
    return None


class StatementNotFoundError(NotFoundError):
    """No stored statement of that agreement, year and number (HTTP 404)."""


def save_statement(session: Session, code: str, year: int, /, *, actor: Actor, version: int | None = None,
                   lake: Any = None, record: Record = _no_record, note: str = "") -> Statement:  # fmt: skip
    """Compute the statement of ``code`` for ``year`` (agreement ``version``, default the current) and store it
    as the next statement of that agreement and year. Raises what the computation raises (nothing stored)."""
    a = agreement(session, code)
    require(actor, EDITORS, [a.upstream_division_code, a.downstream_division_code],
            "保存补偿结算单 / save compensation statement")  # fmt: skip
    st = settlement.statement(session, code, year, version=version, lake=lake)
    last = session.scalar(
        select(func.max(Statement.number)).where(Statement.agreement_code == code, Statement.year == year)
    )
    number = (last or 0) + 1
    st["stored"] = {"number": number, "computed_by": actor.username, "note": note}
    n = st["net"]
    row = Statement(agreement_id=a.id, agreement_code=code, year=year, number=number,
                    agreement_version=st["agreement"]["version"], net_transfer=float(n["transfer"]),
                    payer=n["payer"], payee=n["payee"], unit=st["agreement"]["unit"],
                    lake_imports=list(st["inputs"]["lake_imports"]), data=st, computed_by=actor.username,
                    note=note, computed_at=dt.datetime.fromisoformat(st["inputs"]["computed_at"]))  # fmt: skip
    session.add(row)
    session.flush()
    recorder(session, actor, record, unset=_no_record)("create", OBJECT, f"{code}/{year}/{number}", a.upstream_division_code, None,
           {"agreement_version": row.agreement_version, "net_transfer": row.net_transfer, "payer": row.payer,
            "payee": row.payee, "lake_imports": row.lake_imports, "note": note})  # fmt: skip
    return row


def statements(session: Session, *, code: str | None = None, division_code: str | None = None,
               basin: str | None = None) -> list[Statement]:  # fmt: skip
    """Stored statements, newest first: of agreement ``code``, of the agreements where ``division_code`` is (or
    contains, or lies within) a party, or of the agreements of ``basin``."""
    q = select(Statement).order_by(Statement.agreement_code, Statement.year.desc(), Statement.number.desc())
    if code is not None:
        q = q.where(Statement.agreement_code == code)
    if division_code is not None or basin is not None:
        keep = [a.code for a in list_agreements(session, division_code=division_code)
                if basin is None or a.basin == basin]  # fmt: skip
        q = q.where(Statement.agreement_code.in_(keep))
    return list(session.scalars(q))


def stored_statement(session: Session, code: str, year: int, number: int | None = None) -> Statement:
    """A stored statement (default: the latest of that agreement and year)."""
    q = select(Statement).where(Statement.agreement_code == code, Statement.year == year)
    q = q.where(Statement.number == number) if number is not None else q.order_by(Statement.number.desc())
    found = session.scalars(q.limit(1)).first()
    if found is None:
        which = f"第 {number} 份" if number is not None else ""
        raise StatementNotFoundError(f"协议 “{code}” {year} 年没有已保存的{which}结算单",
                                     f"agreement '{code}' has no stored statement {number or ''} for {year}".replace(
                                         "  ", " "))  # fmt: skip
    return found


def summary(row: Statement) -> dict[str, Any]:
    """The listing fields of a stored statement (pages, API, CLI)."""
    n = row.data["net"]
    return {"agreement_code": row.agreement_code, "year": row.year, "number": row.number,
            "agreement_version": row.agreement_version, "net_transfer": row.net_transfer, "payer": row.payer,
            "payee": row.payee, "unit": row.unit, "lake_imports": row.lake_imports, "computed_by": row.computed_by,
            "computed_at": row.computed_at, "note": row.note, "text_zh": n["text_zh"], "text_en": n["text_en"]}  # fmt: skip


__all__ = ["StatementNotFoundError", "save_statement", "statements", "stored_statement", "summary"]
