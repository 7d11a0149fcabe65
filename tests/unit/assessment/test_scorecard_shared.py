"""``zone_scorecard(shared=…)``: the level-wide work (assessment frames, the tier's verdicts and their lists)
computed once and reused for the next division gives the same card as computing it afresh (issue 15 §4)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pioneer.assessment import service
from pioneer.db import make_engine, session_scope, upgrade
from pioneer.indicators import store

CITIES = ["130100", "130200", "130300", "130400", "130500"]


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    rows = []
    for code, b, c in zip(CITIES, [42, 50, 60, 45, 30], [34, 50, 55, 48, 27], strict=True):
        rows += [
            (code, "air_pm2_5", y, float(b + (c - b) * (y - 2020) / 4), "2012", "µg/m³")
            for y in range(2020, 2025)
        ]
    for code, b, c in zip(CITIES, [80, 70, 90, 85, 60], [82, 75.5, 89, 85.5, 60], strict=True):
        rows += [(code, "air_good_day_ratio", 2020, float(b), "2012", "%"),
                 (code, "air_good_day_ratio", 2024, float(c), "2012", "%")]  # fmt: skip
    f = pd.DataFrame(rows, columns=["division_code", "indicator", "year", "value", "edition", "unit"])
    f["method"] = "test"
    with session_scope(eng) as s:
        store.save_values(s, f, source_kind="computed")
    yield eng
    eng.dispose()


def _card(s, code: str, shared: dict | None) -> str:
    card = service.zone_scorecard(s, code, 2024, baseline_year=2020, level="city", shared=shared)
    return json.dumps(card, sort_keys=True, default=str)


def test_shared_level_work_gives_the_same_cards(engine):
    shared: dict = {}
    with session_scope(engine) as s:
        fresh = {c: _card(s, c, None) for c in CITIES}
        reused = {c: _card(s, c, shared) for c in CITIES}
    assert reused == fresh
    assert len(shared) == 1  # one level-wide entry served the five cities
    one = json.loads(reused["130500"])
    for kind in ("leading", "lagging", "leads_improvement", "lags_improvement"):
        assert "indicator:air_pm2_5" in one["verdicts"][kind]


def test_a_card_does_not_change_the_shared_lists(engine):
    shared: dict = {}
    with session_scope(engine) as s:
        first = service.zone_scorecard(s, "130100", 2024, baseline_year=2020, level="city", shared=shared)
        first["verdicts"]["leading"]["indicator:air_pm2_5"].append("999999")
        again = service.zone_scorecard(s, "130200", 2024, baseline_year=2020, level="city", shared=shared)
    assert "999999" not in again["verdicts"]["leading"]["indicator:air_pm2_5"]
