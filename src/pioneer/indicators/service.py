"""Services of the indicators area: compute indicators from the lake and store them; upload reported statistics.
Each runs in one transaction: on any error nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from pioneer.indicators import bindings, store, template


def compute_air(session: Session, hourly: Any, years: Iterable[int], *, edition_key: str = "auto",
                inputs: dict[str, Any] | None = None) -> pd.DataFrame:  # fmt: skip
    """Compute the air indicators for every city in ``hourly`` and ``years`` and store them with lineage."""
    values = bindings.air_values(hourly, years, edition_key=edition_key, inputs=inputs)
    store.save_values(session, values, source_kind="computed")
    return values


def compute_air_from_lake(session: Session, *, division: str | None, years: Iterable[int], edition_key: str = "auto",
                          lake: Any = None) -> pd.DataFrame:  # fmt: skip
    """As :func:`compute_air`, reading hourly data from the measurement lake (best version of each value);
    the lineage lists the lake imports used."""
    from pioneer.lake import query

    years = sorted(set(int(y) for y in years))
    start, end = dt.datetime(min(years), 1, 1, 1), dt.datetime(max(years) + 1, 1, 1, 0)
    t = query.versions(lake, "air", start=start, end=end)
    if division is not None:
        t = t.filter(t.city.startswith(query.division_prefix(division)))
    imports = sorted(str(x) for x in t.import_id.to_pandas().dropna().unique())
    hourly = t.select("station", "city", "time", "so2", "no2", "co", "o3", "pm10", "pm2_5")
    return compute_air(session, hourly, years, edition_key=edition_key,
                       inputs={"lake_imports": imports, "status": "best"})  # fmt: skip


def upload_reported(session: Session, path: str | Path, *, submitted_by: str | None = None) -> pd.DataFrame:
    """Validate a filled template (:func:`pioneer.indicators.template.read_template`) and store its values with
    the import record. Raises ``TemplateErrors`` before anything is written."""
    path = Path(path)
    rows = template.read_template(path)
    sha = template.file_sha256(path)
    import_id = f"rep-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{sha[:8]}"
    frame = template.reported_frame(rows, import_id=import_id, file_name=path.name)
    store.record_import(session, import_id=import_id, file_name=path.name, sha256=sha, n_rows=len(frame),
                        submitted_by=submitted_by)  # fmt: skip
    store.save_values(session, frame, source_kind="reported", import_id=import_id)
    return frame
