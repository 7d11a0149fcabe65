"""Queries on divisions: code in force at a date, hierarchy (children, subtree, ancestors), search by name,
re-coding of abolished codes to their successors, counts per level.

Years: the source gives the year a code first and last appears in the Ministry of Civil Affairs' annual code
table, so a code is *in force in year Y* when ``start_year <= Y < end_year``; a date is read as its year (the
day of a change within the year is not in the source)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from pioneer.registry.divisions.models import Division, DivisionSuccessor
from pioneer.registry.divisions.schemas import DivisionPublic, RecodeResult, RecodeStep
from pioneer.registry.errors import DivisionNotInForceError, UnknownDivisionError


def _year(at: dt.date | int | None) -> int | None:
    return at.year if isinstance(at, dt.date) else at


def in_force(year: int):
    """SQL condition: the record is listed in year ``year``."""
    return and_(Division.start_year <= year, or_(Division.end_year.is_(None), Division.end_year > year))


def latest_year(session: Session) -> int:
    """The newest year of the code table (2024 for the shipped data)."""
    newest = session.scalar(select(func.max(Division.start_year)))
    ended = session.scalar(select(func.max(Division.end_year)))
    return max(newest or 0, ended or 0)


def incarnations(session: Session, code: str) -> list[Division]:
    """Every record of ``code``, oldest first (a code may have been renamed or re-used)."""
    rows = session.scalars(select(Division).where(Division.code == code).order_by(Division.start_year)).all()
    if not rows:
        raise UnknownDivisionError(code)
    return list(rows)


def division(session: Session, code: str, *, at: dt.date | int | None = None) -> Division:
    """The record of ``code`` in force at ``at`` (a date or a year; default: the current record).

    Raises :class:`UnknownDivisionError` for a code never listed and :class:`DivisionNotInForceError`
    (naming the years it was in force and its successors) for a code not in force then."""
    records = incarnations(session, code)
    year = _year(at)
    if year is None:
        current = [r for r in records if r.end_year is None]
        return current[0] if current else records[-1]
    for record in records:
        if record.start_year <= year and (record.end_year is None or record.end_year > year):
            return record
    spans = "、".join(f"{r.start_year}–{r.end_year or ''}" for r in records)
    successors = session.scalars(
        select(DivisionSuccessor.successor_code)
        .where(DivisionSuccessor.division_id.in_([r.id for r in records]), DivisionSuccessor.full)
        .distinct()
    ).all()
    after_zh = f"；继任代码 {', '.join(successors)}" if successors else ""
    after_en = f"; successor code(s) {', '.join(successors)}" if successors else ""
    raise DivisionNotInForceError(
        code, year, f"（在用年份 {spans}{after_zh}）", f" (in force {spans.replace('、', ', ')}{after_en})"
    )


def require_in_force(session: Session, codes: list[str], *, at: dt.date | int) -> list[Division]:
    """The records of ``codes`` in force at ``at``; raises on the first unknown or not-in-force code."""
    return [division(session, code, at=at) for code in codes]


def children(session: Session, code: str, *, year: int | None = None) -> list[Division]:
    """Divisions directly under ``code`` in ``year`` (default: the latest year)."""
    year = year or latest_year(session)
    division(session, code, at=year)
    return list(
        session.scalars(
            select(Division).where(Division.parent_code == code, in_force(year)).order_by(Division.code)
        ).all()
    )


def subtree(session: Session, code: str, *, year: int | None = None) -> list[Division]:
    """``code`` and every division beneath it in ``year``, in code order (hierarchy filters include
    descendants: province → prefectures and 直辖 counties → counties)."""
    year = year or latest_year(session)
    root = division(session, code, at=year)
    found, frontier = [root], [root.code]
    while frontier:
        level = session.scalars(
            select(Division).where(
                Division.parent_code.in_(frontier), in_force(year), Division.code != root.code
            )
        ).all()
        found.extend(level)
        frontier = [d.code for d in level if d.level != "county"]
    return sorted(found, key=lambda d: d.code)


def ancestors(session: Session, code: str, *, year: int | None = None) -> list[Division]:
    """The chain above ``code`` in ``year``, nearest first (a municipality district or a 省直辖县级 unit has
    only its province)."""
    year = year or latest_year(session)
    chain, record = [], division(session, code, at=year)
    while record.parent_code:
        record = division(session, record.parent_code, at=year)
        chain.append(record)
    return chain


def find_divisions(
    session: Session,
    name: str,
    *,
    year: int | None = None,
    limit: int = 50,
    level: str | None = None,
    parent: str | None = None,
) -> list[Division]:
    """Divisions whose Chinese name contains ``name``; restricted to ``year`` when given (all history
    otherwise), to a ``level`` and to the children of ``parent`` when given. Pinyin search is not provided (no
    pinyin table is shipped)."""
    query = select(Division).where(Division.name.contains(name, autoescape=True))
    if year is not None:
        query = query.where(in_force(year))
    if level is not None:
        query = query.where(Division.level == level)
    if parent is not None:
        query = query.where(Division.parent_code == parent)
    query = query.order_by(Division.end_year.is_not(None), Division.code, Division.start_year).limit(limit)
    return list(session.scalars(query).all())


def recode(
    session: Session, code: str, *, year: int | None = None, target_year: int | None = None
) -> RecodeResult:
    """Re-code ``code`` (as listed in ``year``; default: its latest incarnation) to the code(s) in force in
    ``target_year`` (default: the latest year), following the successor edges recorded at abolition or change
    (areacodes rule: expand 新代码 until every leaf is in force). Partial territory transfers (``code[year]``
    before the end year) are not successors and are not followed. As the source warns, a division merged and
    later split again resolves to every code that took part of it."""
    target = target_year or latest_year(session)
    start = division(session, code, at=year) if year is not None else incarnations(session, code)[-1]
    resolved: dict[str, Division] = {}
    steps: list[RecodeStep] = []
    seen: set[int] = set()
    frontier = [start]
    while frontier:
        record = frontier.pop(0)
        if record.id in seen:
            continue
        seen.add(record.id)
        if record.start_year <= target and (record.end_year is None or record.end_year > target):
            resolved[record.code] = record
            continue
        if record.start_year > target:
            continue
        edges = session.scalars(
            select(DivisionSuccessor)
            .where(DivisionSuccessor.division_id == record.id, DivisionSuccessor.full)
            .order_by(DivisionSuccessor.successor_code)
        ).all()
        for edge in edges:
            nxt = _record_at_change(session, edge.successor_code, edge.year)
            steps.append(
                RecodeStep(
                    from_code=record.code,
                    from_name=record.name,
                    to_code=nxt.code,
                    to_name=nxt.name,
                    year=edge.year,
                )
            )
            frontier.append(nxt)
    return RecodeResult(
        code=code,
        year=year,
        target_year=target,
        resolved=[DivisionPublic.model_validate(r) for r in sorted(resolved.values(), key=lambda r: r.code)],
        steps=steps,
    )


def _record_at_change(session: Session, code: str, year: int) -> Division:
    """The incarnation of ``code`` that received territory in ``year``: the one in force then, else the
    nearest earlier one, else the first."""
    records = incarnations(session, code)
    for record in records:
        if record.start_year <= year and (record.end_year is None or record.end_year > year):
            return record
    earlier = [r for r in records if r.start_year <= year]
    return earlier[-1] if earlier else records[0]


def level_counts(session: Session, year: int) -> dict[str, int]:
    """Number of divisions in force in ``year`` per level (province / prefecture / county)."""
    rows = session.execute(
        select(Division.level, func.count()).where(in_force(year)).group_by(Division.level)
    ).all()
    return {level: count for level, count in rows}


def check_codes_in_force(session: Session, frame: pd.DataFrame, *, code: str, year: str) -> pd.Series:
    """Vectorised check for bulk input: for each row of ``frame`` (columns ``code`` and ``year``), the status
    ``"ok"``, ``"unknown"`` or ``"not_in_force"``."""
    codes = sorted(set(frame[code].dropna().astype(str)))
    records = pd.DataFrame(
        session.execute(
            select(Division.code, Division.start_year, Division.end_year).where(Division.code.in_(codes))
        ).all(),
        columns=["code", "start_year", "end_year"],
    )
    rows = frame[[code, year]].rename(columns={code: "code", year: "year"}).reset_index(names="_row")
    merged = rows.merge(records, on="code", how="left")
    hit = (merged["start_year"] <= merged["year"]) & (
        merged["end_year"].isna() | (merged["end_year"] > merged["year"])
    )
    known = merged["start_year"].notna().groupby(merged["_row"]).any()
    ok = hit.groupby(merged["_row"]).any()
    status = pd.Series("not_in_force", index=known.index)
    status[~known] = "unknown"
    status[ok] = "ok"
    status.index = frame.index
    return status
