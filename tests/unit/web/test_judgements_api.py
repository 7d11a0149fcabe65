"""``/api/v1/verdicts`` and ``/api/v1/attainment/{division}`` on the demo home (issue 16)."""

from __future__ import annotations


def test_verdicts_of_a_tier(client):
    body = client.get("/api/v1/verdicts?level=city&year=2015&baseline_year=2014&rule=top-n:1").json()
    assert body["rule"] == "top-n:1" and body["zh"] and body["en"]
    pm = [r for r in body["results"] if r["scope"] == "indicator" and r["key"] == "air_pm2_5"]
    assert pm and pm[0]["division_code"] == "110000" and pm[0]["leading"] is True
    assert {r["scope"] for r in body["results"]} >= {"indicator", "domain"}


def test_verdicts_bad_input_is_bilingual(client):
    r = client.get("/api/v1/verdicts?level=city&year=2015&rule=best:3")
    assert r.status_code == 422 and "top-share" in r.text
    r = client.get("/api/v1/verdicts?level=city&year=2015&baseline_year=2015")
    assert r.status_code == 422 and "baseline year" in r.text


def test_attainment_of_a_city(client):
    body = client.get("/api/v1/attainment/110000?year=2015&target_year=2030").json()
    assert body["phase_in_force"] == "GB3095-2012" and body["rows"]
    pm = next(r for r in body["rows"] if r["statistic"] == "pm2_5_annual_mean" and r["in_force"])
    assert pm["limit"] == 35 and pm["gap"] == pm["value"] - 35 and pm["target_year"] == 2030
    assert pm["required_rate_pct"] > 0 and pm["attainment_status"] in ("attains-at-trend", "never-at-trend")
    assert client.get("/api/v1/attainment/110000?year=2015&target_year=2015").status_code == 422
