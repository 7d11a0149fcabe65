"""The edition in force for a date or a period: one rule (pioneer.standards.air.editions.resolve / by_date), used
by the daily AQI, the annual and period verdicts, the CLI and the assessment."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pytest

from pioneer.assessment.service import current_edition
from pioneer.standards.air import editions
from pioneer.standards.air.evaluation import annual_limits_phase
from pioneer.standards.air.period import period_limits_phase


@pytest.mark.parametrize(
    ("on", "key"),
    [
        (dt.date(2015, 6, 1), "2012"),  # before 2012's own start: still judged under 2012
        (dt.date(2026, 2, 28), "2012"),
        (dt.date(2026, 3, 1), "2026"),  # HJ 633-2026 / GB 3095-2026 in force
        (dt.date(2031, 1, 1), "2026"),
    ],
)
def test_resolve_auto_by_date(on: dt.date, key: str) -> None:
    assert editions.resolve("auto", on).key == key
    assert editions.resolve("2012", on).key == "2012" and editions.resolve("2026", on).key == "2026"


def test_a_year_and_a_period_take_the_edition_of_their_last_day() -> None:
    assert [current_edition("air", y) for y in (2025, 2026)] == ["2012", "2026"]
    assert current_edition("water", 2026) is None
    assert annual_limits_phase(2025, "auto") == ("2012", "GB3095-2012")
    assert annual_limits_phase(2026, "auto") == ("2026", "GB3095-2026-transitional")
    assert annual_limits_phase(2031, "auto") == ("2026", "GB3095-2026-final")
    assert period_limits_phase(dt.date(2026, 2, 28), "auto")[0] == "2012"
    assert period_limits_phase(dt.date(2026, 3, 31), "auto")[0] == "2026"


def test_by_date_splits_rows_as_resolve_decides_each_date() -> None:
    days = pd.date_range("2026-02-26", "2026-03-03", freq="D").date
    t = ibis.memtable(pd.DataFrame({"date": days, "v": range(len(days))}))
    con = ibis.duckdb.connect()
    parts = {
        k: sorted(pd.to_datetime(con.execute(p)["date"]).dt.date)
        for k, p in editions.by_date(t, "auto", t.date)
    }
    assert parts == {
        k: sorted(d for d in days if editions.resolve("auto", d).key == k) for k in ("2012", "2026")
    }
    assert [k for k, _ in editions.by_date(t, "2012", t.date)] == ["2012"]
    with pytest.raises(ValueError, match="EDITIONS"):
        editions.by_date(t, "2020", t.date)


def test_keys() -> None:
    assert editions.KEYS == ("auto", "2012", "2026")
