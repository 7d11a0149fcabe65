"""Reports fixtures: an app database with the demo zones, the demo plan/projects/case and the Beijing air
indicators of 2014–2016 computed for real from the shipped sample (data/sample/beijing_air_hourly.parquet, UCI
Beijing Multi-Site Air-Quality Data, CC BY 4.0) through ``pioneer.indicators.service.compute_air`` (~4 s)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest
from sqlalchemy import Engine

from pioneer.db import make_engine, session_scope, upgrade
from pioneer.indicators import service as indicators
from pioneer.plans.demo import seed_plans
from pioneer.web.demo import seed_zones

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample" / "beijing_air_hourly.parquet"


@pytest.fixture(scope="session")
def report_engine(tmp_path_factory) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'pioneer.db'}"
    upgrade(url)
    eng = make_engine(url)
    with session_scope(eng) as s:
        seed_zones(s)
        seed_plans(s)
        indicators.compute_air(s, ibis.read_parquet(SAMPLE), [2014, 2015, 2016],
                               inputs={"file": SAMPLE.name})  # fmt: skip
    yield eng
    eng.dispose()
