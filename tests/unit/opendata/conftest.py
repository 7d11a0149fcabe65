"""A home of its own for the open-data and public-page tests: the web tests' home (``webhome.build_home``) plus
the stations of the January 2025 CNEMC sample and three of its station-day files in the lake (so the monitoring
downloads have rows), without changing the web package's shared home."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from webhome import build_home

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample" / "cnemc-2025-01"
DAYS = ["2025-01-02T00.csv", "2025-01-03T00.csv", "2025-01-04T00.csv"]


def build_open_home(path: Path) -> Path:
    build_home(path)
    from pioneer.db import make_engine, session_scope
    from pioneer.lake.ingest import ingest
    from pioneer.registry.permissions import Actor
    from pioneer.registry.permissions import Role as R
    from pioneer.registry.stations.cnemc import register_stations
    from pioneer.web.services import known_stations

    engine = make_engine()
    with session_scope(engine) as session:
        register_stations(session, SAMPLE / "stations.csv", actor=Actor("test", R.PROGRAMME_OFFICE))
        session.flush()
        ingest([SAMPLE / "daily" / d for d in DAYS], layout="cnemc-daily", known_stations=known_stations(session),
               accept_valid=True, who="test")  # fmt: skip
    engine.dispose()
    return path


@pytest.fixture(scope="package")
def open_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    old = os.environ.get("PIONEER_HOME")
    path = build_open_home(tmp_path_factory.mktemp("open-home"))
    yield path
    if old is None:
        os.environ.pop("PIONEER_HOME", None)
    else:
        os.environ["PIONEER_HOME"] = old


@pytest.fixture(scope="package")
def open_app(open_home: Path):
    from pioneer.web.app import create_app

    return create_app(migrate=False)


@pytest.fixture
def open_client(open_app, open_home: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    # the app finds its lake through PIONEER_HOME at request time: under xdist another package's fixture may
    # have moved it since this package's home was built
    monkeypatch.setenv("PIONEER_HOME", str(open_home))
    return TestClient(open_app, base_url="http://127.0.0.1")
