"""County values on the map: once a county has a value of the indicator in the year, the overview's map data
carries it under ``counties`` (the page paints it when the map is focused on the county's province), beside the
provinces and prefecture-level cities; a county without a value is absent, not zero."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from webhome import home_in_env

from pioneer.indicators import store
from pioneer.indicators.models import IndicatorValue


# stores a county value: a home of its own, so the package's shared home (whose values others count) stays as built
@pytest.fixture(scope="module")
def home(tmp_path_factory):
    yield from home_in_env(tmp_path_factory.mktemp("map-counties-home"))


@pytest.fixture(scope="module")
def app(home):
    from pioneer.web.app import create_app

    return create_app(migrate=False)


def test_county_value_reaches_the_map(app):
    client = TestClient(app, base_url="http://127.0.0.1")
    with app.state.session_factory() as s:
        row = s.scalar(select(IndicatorValue).where(IndicatorValue.indicator == "air_pm2_5",
                                                    IndicatorValue.division_code == "110000")
                       .order_by(IndicatorValue.year.desc()))  # fmt: skip
        year, edition, unit = row.year, row.edition, row.unit
    before = client.get(f"/api/v1/overview?indicator=air_pm2_5&year={year}").json()
    assert before["counties"] == [] and any(c["code"] == "110000" for c in before["cities"])
    with app.state.session_factory() as s, s.begin():  # 朝阳区 reports its own annual value
        frame = pd.DataFrame([{"division_code": "110105", "indicator": "air_pm2_5", "year": year,
                               "edition": edition, "value": 41.0, "unit": unit}])  # fmt: skip
        store.save_values(s, frame, source_kind="reported")
    after = client.get(f"/api/v1/overview?indicator=air_pm2_5&year={year}").json()
    assert after["counties"] == [{"code": "110105", "value": 41.0}]
    assert not any(c["code"] == "110105" for c in after["cities"] + after["provinces"])
    none = client.get("/api/v1/overview?indicator=air_pm2_5&year=1999").json()
    assert none["counties"] == [] and none["cities"] == []
