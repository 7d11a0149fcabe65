"""The zone page and its API state the verdicts (全国前列 / 改善幅度领先, with the rule) and, beside each trend arrow,
whether the trend is significant and over which years (issue 16 items 1–2)."""

from __future__ import annotations


def test_zone_api_carries_verdicts_and_trends(client):
    card = client.get("/api/v1/zones/BJ-110000/indicators").json()["scorecards"][0]
    v = card["verdicts"]
    assert v["rule"] == "top-share:0.1" and v["rule_zh"] and v["rule_en"]
    pm = next(i for i in v["items"] if i["scope"] == "indicator" and i["key"] == "air_pm2_5")
    # Beijing is the only city with values in the demo slice: it is the front rank of one
    assert pm["n_ranked"] == 1 and pm["leading"] is True and v["leading"]["indicator:air_pm2_5"] == ["110000"]
    row = next(r for r in card["indicators"] if r["indicator"] == "air_pm2_5")
    t = row["trend"]
    # two years (2014, 2015) are fewer than the 5 a Mann–Kendall test needs: said so, not guessed
    assert (t["first_year"], t["last_year"], t["n"], t["trend"]) == (2014, 2015, 2, "insufficient-data")
    assert t["significant"] is False


def test_zone_page_shows_verdicts_and_significance(client):
    html = client.get("/zones/BJ-110000").text
    assert 'id="verdicts-110000"' in html and "全国前列" in html
    assert 'class="significance" data-trend="insufficient-data"' in html and "2014–2015" in html
    en = client.get("/zones/BJ-110000?lang=en").text
    assert "National front rank" in en and "Insufficient data · 2014–2015 (n = 2)" in en
    assert "National rear rank" not in en  # alone in its tier: front rank, never also rear rank
    client.get("/zones/BJ-110000?lang=zh-CN")


def test_zone_page_shows_the_attainment_plan(client):
    card = client.get("/api/v1/zones/BJ-110000/indicators").json()["scorecards"][0]
    a = card["attainment"]
    assert a["phase_in_force"] == "GB3095-2012" and a["target_year"] == 2027
    pm = next(r for r in a["rows"] if r["statistic"] == "pm2_5_annual_mean" and r["phase"] == "GB3095-2012")
    assert pm["gap"] == pm["value"] - 35 and pm["in_force"] is True
    html = client.get("/zones/BJ-110000").text
    assert 'id="attainment-110000"' in html and "空气质量达标管理" in html
    assert 'data-phase="GB3095-2026-final" data-statistic="pm2_5_annual_mean"' in html


def test_rankings_page_marks_the_front_rank(client):
    html = client.get("/rankings?indicator=air_pm2_5&level=city&year=2015").text
    assert 'class="verdict good"' in html and 'id="verdict-rule"' in html and "top-share:0.1" in html


def test_explain_fragment_shows_the_verdict(client):
    html = client.get("/zones/BJ-110000/explain?division=110000&indicator=air_pm2_5&year=2015").text
    assert 'class="explain-verdict"' in html and "全国前列" in html and "前 1 / 1" in html
