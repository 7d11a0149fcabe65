"""/open-data by pioneer zone: the indicator values of one published zone's divisions (GB/T 2260 containment), the
monitoring data of a zone (a region zone: all its members, tests/unit/opendata); an unpublished zone is unknown to the
public (404)."""

from __future__ import annotations

import csv
import io


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_values_of_one_zone(client):
    everything = rows(client.get("/open-data/indicator-values.csv"))
    r = client.get("/open-data/indicator-values.csv?zone=BJ-110000")
    assert (
        r.status_code == 200 and "pioneer-indicator-values-BJ-110000.csv" in r.headers["content-disposition"]
    )
    beijing = rows(r)
    assert beijing and all(row["division_code"].startswith("11") for row in beijing)
    assert len(beijing) == sum(row["division_code"].startswith("11") for row in everything)
    chaoyang = rows(client.get("/open-data/indicator-values.csv?zone=BJ-110105"))
    assert all(row["division_code"] == "110105" for row in chaoyang) and len(chaoyang) < len(beijing)
    assert client.get("/open-data/indicator-values.xlsx?zone=BJ-110000").status_code == 200


def test_unpublished_or_bad_zone_refused(client):
    for url in ("/open-data/indicator-values.csv?zone=BJ-110108", "/open-data/monitoring.csv?zone=BJ-110108"):
        assert client.get(url).status_code == 404  # 海淀 is an application: unknown to the public
    assert client.get("/open-data/indicator-values.csv?zone=../x").status_code == 422


def test_page_offers_the_published_zones(client):
    page = client.get("/open-data").text
    form = page.split('id="od-values-form"')[1].split("</form>")[0]
    assert 'value="BJ-110000"' in form and 'value="ZJ-330500"' in form and 'value="BJ-110108"' not in form
