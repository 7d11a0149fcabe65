"""The pages' numbers come from the indicator store and the assessment engine: values equal the standards'
annual statistics of the same data, scores and trajectories follow the documented formulas, lineage names the
edition, limit phase, counts and input file, ranks are hidden by configuration, downloads carry the list."""

from __future__ import annotations

import datetime as dt
import io

import ibis
import pandas as pd
import pytest

from pioneer.web import assess


@pytest.fixture(scope="module")
def expected(home):
    """PM2.5 annual means and good-day ratios of the slice straight from ``pioneer.standards.air``."""
    from pioneer.standards.air import annual_statistics, daily_values, sites_hourly

    con = ibis.duckdb.connect()
    daily = con.create_table(
        "d", daily_values(sites_hourly(con.read_parquet(str(home / "slice.parquet")))), temp=True
    )
    out = {}
    for y in (2014, 2015):
        st = con.execute(annual_statistics(daily, year=y))
        city = st[st["id"] == "110000"].iloc[0]
        out[y] = {
            "air_pm2_5": float(city["pm2_5_annual_mean"]),
            "air_good_day_ratio": float(city["good_day_ratio"]),
        }
    return out


def test_values_are_the_standards_statistics(client, expected):
    body = client.get("/api/v1/values?division=110000&limit=1000").json()
    assert body["meta"]["found"] == 10  # 5 air indicators × 2 full years
    got = {(r["indicator"], r["year"]): r["value"] for r in body["results"]}
    for y, vals in expected.items():
        for code, v in vals.items():
            assert got[(code, y)] == pytest.approx(v)


def test_values_paging_and_filters(client):
    p1 = client.get("/api/v1/values?division=110000&limit=3&page=1").json()
    p2 = client.get("/api/v1/values?division=110000&limit=3&page=2").json()
    assert p1["meta"] == {"page": 1, "limit": 3, "found": 10} and len(p1["results"]) == 3
    assert {r["id"] for r in p1["results"]}.isdisjoint(r["id"] for r in p2["results"])
    only = client.get("/api/v1/values?indicator=air_pm2_5&year=2015&division=110000").json()
    assert only["meta"]["found"] == 1 and only["results"][0]["lineage"] is None
    assert client.get("/api/v1/values?division=330500&source_kind=computed").json()["meta"]["found"] == 0


def test_zone_scorecard_scores_and_trajectory(client, expected):
    card = client.get("/api/v1/zones/BJ-110000/indicators").json()["scorecards"][0]
    assert card["year"] == 2015 and card["baseline_year"] == 2014 and card["level"] == "city"
    pm = next(r for r in card["indicators"] if r["indicator"] == "air_pm2_5")
    x, x0 = expected[2015]["air_pm2_5"], expected[2014]["air_pm2_5"]
    # catalogue scoring bounds for PM2.5: floor 75, target 25 → clip(100·(x − 75)/(25 − 75), 0, 100)
    assert pm["score"] == pytest.approx(min(100, max(0, 100 * (x - 75) / (25 - 75))))
    # trajectory to the 2027 national target (< 28): actual = −(x − x0)/1, required = −(28 − x0)/(2027 − 2014)
    actual, required = -(x - x0), -(28 - x0) / (2027 - 2014)
    assert pm["actual_rate"] == pytest.approx(actual) and pm["required_rate"] == pytest.approx(required)
    want = "on_track" if actual >= required else ("moderately_improving" if actual >= 0.5 * required else
                                                  "stagnating" if actual >= 0 else "deteriorating")  # fmt: skip
    assert pm["trajectory"] == want
    assert pm["target"] == 28 and pm["comparator"] == "<" and pm["n_peers"] == 1
    # every catalogue indicator of the city tier is listed, missing ones marked, never estimated
    missing = [r for r in card["indicators"] if r["value"] is None]
    assert missing and all(r["data_status"] == "missing" and r["score"] is None for r in missing)
    assert [r["value"] is None for r in card["indicators"]] == sorted(
        r["value"] is None for r in card["indicators"]
    )


def test_county_zone_without_values_says_so(client):
    card = client.get("/api/v1/zones/ZJ-330523/indicators").json()["scorecards"][0]
    assert card["year"] is None and card["indicators"] == []
    assert 'id="no-data-330523"' in client.get("/zones/ZJ-330523").text


def test_explain_lineage(client, home):
    r = client.get("/api/v1/assessments/explain?division=110000&indicator=air_pm2_5&year=2015").json()
    lin = r["lineage"]
    assert r["edition"] == "2012" and lin["limits"] and lin["standards"]["aqi"] == "HJ 633-2012"
    assert lin["counts"]["valid_days"] >= 324 and lin["counts"]["stations"] == 3
    assert lin["inputs"]["sha256"] == assess.file_sha256(home / "slice.parquet")
    assert r["assessment"]["baseline_year"] == 2014 and r["assessment"]["score_formula"]
    page = client.get("/zones/BJ-110000/explain?division=110000&indicator=air_pm2_5&year=2015",
                      headers={"HX-Request": "true"}).text  # fmt: skip
    assert page.lstrip().startswith("<div") and "HJ 633-2012" in page and "valid_days = " in page
    assert (
        client.get("/zones/BJ-110000/explain?division=330500&indicator=air_pm2_5&year=2015").status_code
        == 422
    )
    missing = client.get("/api/v1/assessments/explain?division=330500&indicator=air_pm2_5&year=2015")
    assert missing.status_code == 404 and missing.json()["detail"]["message_en"]
    value = client.get(f"/api/v1/values/{r['value_id']}").json()
    assert value["lineage"] == lin and client.get("/api/v1/values/999999").status_code == 404


def test_rankings_download_and_hidden_ranks(client, monkeypatch):
    body = client.get("/api/v1/rankings?indicator=air_good_day_ratio&level=province").json()
    assert body["year"] == 2015 and body["results"][0]["rank"] == 1 and body["note"]["zh"]
    csv = client.get("/api/v1/rankings?indicator=air_good_day_ratio&level=province&format=csv")
    frame = pd.read_csv(io.StringIO(csv.text.lstrip("\ufeff")), dtype={"division_code": str})
    assert list(frame.columns[:3]) == ["rank", "division_code", "name"] and frame["name"][0] == "北京市"
    xlsx = client.get("/api/v1/rankings?indicator=air_good_day_ratio&level=province&format=xlsx")
    sheet = pd.read_excel(io.BytesIO(xlsx.content), dtype={"division_code": str})
    assert sheet["division_code"].tolist() == ["110000"] and sheet["value"][0] == frame["value"][0]
    monkeypatch.setenv("PIONEER_HIDE_RANKS", "1")
    hidden = client.get("/api/v1/rankings?indicator=air_good_day_ratio&level=province").json()
    assert hidden["ranks_hidden"] and hidden["results"][0]["rank"] is None
    assert hidden["results"][0]["percentile"] is not None
    assert "rank" not in client.get("/api/v1/rankings?format=csv").text.splitlines()[0].split(",")
    page = client.get("/rankings").text
    from pioneer.web.i18n import translate

    head = page.split('id="rankings"')[1].split("</thead>")[0]
    assert translate("zh-CN", "rankings.rank") not in head and translate("zh-CN", "rankings.division") in head


def test_overview_values_by_level(client):
    ov = client.get("/api/v1/overview?indicator=air_pm2_5&year=2014").json()
    assert ov["provinces"] == ov["cities"] == [{"code": "110000", "value": ov["provinces"][0]["value"]}]
    assert ov["years"] == [2014, 2015] and ov["aqi_categories"]
    assert client.get("/api/v1/overview?indicator=air_pm2_5&year=2000").json()["provinces"] == []


def test_indicator_catalogue(client):
    allc = client.get("/api/v1/indicators?limit=1000").json()
    assert allc["meta"]["found"] == len(assess.catalogue().indicators)
    have = client.get("/api/v1/indicators?has_data=true&source_kind=computed").json()["results"]
    assert {i["code"] for i in have} == {"air_pm2_5", "air_pm10", "air_good_day_ratio", "air_composite_index",
                                         "air_o3_8h_p90"}  # fmt: skip
    one = client.get("/api/v1/indicators/air_pm2_5").json()
    assert one["direction"] == "lower" and one["has_data"]
    assert client.get("/api/v1/indicators/nope").status_code == 404


def test_second_start_reuses_stored_values(app, home):
    with app.state.session_factory() as session, session.begin():
        before = assess.data_version(session)
        info = assess.ensure_sample_values(session, home / "slice.parquet")
        assert info["cached"] and info["values"] == 10 and assess.data_version(session) == before


def test_full_years():
    assert assess.full_years(dt.datetime(2013, 3, 1, 1), dt.datetime(2017, 3, 1)) == [2014, 2015, 2016]
    assert assess.full_years(dt.datetime(2014, 1, 1, 1), dt.datetime(2015, 1, 1, 0)) == [2014]
    assert assess.full_years(dt.datetime(2014, 1, 1, 2), dt.datetime(2015, 1, 1, 0)) == []


def test_hidden_ranks_on_zone_page_and_explain(client, monkeypatch):
    shown = client.get("/api/v1/zones/BJ-110000/indicators").json()["scorecards"][0]
    assert next(r for r in shown["indicators"] if r["indicator"] == "air_pm2_5")["rank"] == 1
    monkeypatch.setenv("PIONEER_HIDE_RANKS", "1")
    card = client.get("/api/v1/zones/BJ-110000/indicators").json()["scorecards"][0]
    pm = next(r for r in card["indicators"] if r["indicator"] == "air_pm2_5")
    assert card["ranks_hidden"] and pm["rank"] is None and pm["percentile"] is not None
    ex = client.get("/api/v1/assessments/explain?division=110000&indicator=air_pm2_5&year=2015").json()
    assert ex["assessment"]["rank"] is None and ex["assessment"]["n_peers"] == 1
