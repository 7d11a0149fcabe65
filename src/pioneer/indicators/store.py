"""Persistence of indicator values, imports and division targets in the app database."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from pioneer.indicators.models import IndicatorImport, IndicatorTarget, IndicatorValue

VALUE_COLUMNS = ["id", "division_code", "indicator", "year", "edition", "value", "unit", "source_kind", "method",
                 "source_document", "import_id"]  # fmt: skip


def _clean(x: Any) -> Any:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return x


def save_values(
    session: Session, frame: pd.DataFrame, *, source_kind: str, import_id: str | None = None
) -> int:
    """Write values (``division_code, indicator, year, value, unit`` + optional ``edition, method, lineage,
    source_document``), replacing any stored value with the same key (division, indicator, year, edition).
    Runs inside the caller's transaction; returns the number of rows written."""
    if frame.empty:
        return 0
    f = frame.copy()
    for col, default in (("edition", ""), ("method", ""), ("source_document", None)):
        if col not in f.columns:
            f[col] = default
    f["edition"] = f["edition"].fillna("").astype(str)
    if "lineage" not in f.columns:
        f["lineage"] = [{} for _ in range(len(f))]
    keys = list(
        zip(f["division_code"].astype(str), f["indicator"], f["year"].astype(int), f["edition"], strict=True)
    )
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        session.execute(delete(IndicatorValue).where(
            tuple_(IndicatorValue.division_code, IndicatorValue.indicator, IndicatorValue.year,
                   IndicatorValue.edition).in_(chunk)))  # fmt: skip
    rows = [
        {"division_code": str(r["division_code"]), "indicator": r["indicator"], "year": int(r["year"]),
         "edition": r["edition"], "value": _clean(r["value"]), "unit": r["unit"], "source_kind": source_kind,
         "method": r["method"] or "", "source_document": _clean(r["source_document"]), "import_id": import_id,
         "lineage": r["lineage"]}
        for r in f.to_dict("records")
    ]  # fmt: skip
    session.execute(IndicatorValue.__table__.insert(), rows)
    return len(rows)


def read_values(
    session: Session,
    *,
    indicators: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    divisions: Iterable[str] | None = None,
    lineage: bool = False,
) -> pd.DataFrame:
    """Stored values as a tidy frame (``VALUE_COLUMNS`` and ``lineage`` when asked)."""
    cols = [getattr(IndicatorValue, c) for c in VALUE_COLUMNS] + ([IndicatorValue.lineage] if lineage else [])
    q = select(*cols)
    if indicators is not None:
        q = q.where(IndicatorValue.indicator.in_(list(indicators)))
    if years is not None:
        q = q.where(IndicatorValue.year.in_([int(y) for y in years]))
    if divisions is not None:
        q = q.where(IndicatorValue.division_code.in_(list(divisions)))
    rows = session.execute(q).all()
    df = pd.DataFrame(rows, columns=VALUE_COLUMNS + (["lineage"] if lineage else []))
    df["value"] = df["value"].astype("float64")
    return df


def value_by_id(session: Session, value_id: int) -> IndicatorValue | None:
    return session.get(IndicatorValue, value_id)


def record_import(session: Session, *, import_id: str, file_name: str, sha256: str, n_rows: int,
                  submitted_by: str | None = None) -> IndicatorImport:  # fmt: skip
    imp = IndicatorImport(
        id=import_id, file_name=file_name, sha256=sha256, n_rows=n_rows, submitted_by=submitted_by
    )
    session.add(imp)
    return imp


def save_targets(session: Session, frame: pd.DataFrame) -> int:
    """Division targets ``division_code, indicator, year, comparator, value, source, confidence`` (replacing)."""
    for r in frame.to_dict("records"):
        session.execute(delete(IndicatorTarget).where(
            IndicatorTarget.division_code == r["division_code"], IndicatorTarget.indicator == r["indicator"],
            IndicatorTarget.year == int(r["year"])))  # fmt: skip
        session.add(IndicatorTarget(**{k: r[k] for k in ("division_code", "indicator", "year", "comparator", "value",
                                                          "source", "confidence")}))  # fmt: skip
    return len(frame)


def read_targets(session: Session) -> pd.DataFrame:
    """Division targets in the shape of :func:`pioneer.assessment.scores.national_targets`."""
    rows = session.execute(select(IndicatorTarget)).scalars().all()
    return pd.DataFrame(
        [{"indicator": t.indicator, "division_code": t.division_code, "target_year": t.year,
          "comparator": t.comparator, "target": t.value, "target_source": t.source,
          "target_confidence": t.confidence} for t in rows],
        columns=["indicator", "division_code", "target_year", "comparator", "target", "target_source",
                 "target_confidence"],
    )  # fmt: skip
