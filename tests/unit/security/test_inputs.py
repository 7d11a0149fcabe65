"""Inputs that used to end in a 500 or be stored as given: zone and division codes (checked on the ORM model,
whatever the route), ``null`` for a project's required fields, upload file names."""

from __future__ import annotations

import re

import pytest

from pioneer.errors import InputError
from pioneer.guard.files import MAX_NAME, upload_name
from pioneer.registry import codes

BAD_ZONE_CODES = [
    "ZJ-X\r\nY",
    "a/b",
    "..",
    "a'b",
    'a"b',
    " ",
    "ZJ 1",
    "-ZJ",
    "x" * 33,
    "",
    "区-1",
    "ZJ\n",
    "a.b",
]
GOOD_ZONE_CODES = ["BJ-110000", "R1", "PZ-R", "r_gba", "X" * 32]


@pytest.mark.parametrize("code", BAD_ZONE_CODES)
def test_zone_code_refused_on_model(code):
    from pioneer.registry.zones.models import Zone

    with pytest.raises(InputError) as err:
        Zone(code=code)
    assert "zone code" in err.value.message_en and "先行区代码" in err.value.message_zh


@pytest.mark.parametrize("code", GOOD_ZONE_CODES)
def test_zone_code_accepted(code):
    assert codes.zone_code(code) == code


@pytest.mark.parametrize("code", ["11000", "1100000", "11000a", "１１００００", "110000\n", "", "11 000"])
def test_division_code_refused_on_models(code):
    from pioneer.registry.divisions.models import Division
    from pioneer.registry.zones.models import ZoneDivision

    for make in (lambda: ZoneDivision(division_code=code), lambda: Division(code=code),
                 lambda: Division(parent_code=code), lambda: Division(province_code=code)):  # fmt: skip
        with pytest.raises(InputError, match="6 digits"):
            make()
    assert Division(parent_code=None).parent_code is None


@pytest.mark.parametrize("code", BAD_ZONE_CODES)
def test_zone_api_refuses_bad_codes(client, tokens, code):
    body = {"code": code, "name_zh": "测试", "tier": "city", "division_codes": ["330500"]}
    r = client.post("/api/v1/zones", json=body, headers=tokens("admin"))
    assert r.status_code == 422 and "message_en" in r.json()["detail"]


def test_zone_api_refuses_bad_division_codes(client, tokens):
    body = {"code": "SEC-OK", "name_zh": "测试", "tier": "city", "division_codes": ["33050\r\n"]}
    assert client.post("/api/v1/zones", json=body, headers=tokens("admin")).status_code == 422


@pytest.mark.parametrize("field", ["funding", "milestones", "indicators", "name", "total_investment",
                                   "start_date", "end_date", "category", "status", "division_code"])  # fmt: skip
def test_project_patch_null_is_422(client, tokens, field):
    r = client.patch("/api/v1/projects/DEMO-BJ-001", json={field: None}, headers=tokens("admin"))
    assert r.status_code == 422, r.text
    assert field in r.json()["detail"]["message_en"]


def test_project_patch_null_coordinates_allowed(client, tokens):
    r = client.patch("/api/v1/projects/DEMO-BJ-001", json={"longitude": None, "latitude": None},
                     headers=tokens("admin"))  # fmt: skip
    assert r.status_code == 200 and r.json()["longitude"] is None


@pytest.mark.parametrize(("given", "stored"), [
    ("..", "upload"), (".", "upload"), ("../../x.csv", "x.csv"), ("a/b.csv", "b.csv"), ("C:\\\\d\\\\a.csv", "a.csv"),
    ("\x00a\x1f.csv", "a.csv"), (".env", "env"), ("", "upload"), (None, "upload"), ("  ", "upload"),
])  # fmt: skip
def test_upload_name(given, stored):
    assert upload_name(given) == stored


def test_upload_name_long_keeps_extension():
    name = upload_name("数" * 300 + ".xlsx")
    assert len(name) == MAX_NAME and name.endswith(".xlsx")


@pytest.mark.parametrize("name", ["..", ".", "a" * 300 + ".csv", "x/../..", "\r\n.csv"])
def test_upload_with_odd_names_no_500(client, tokens, name):
    data = b"station,time,pm2_5\n1001A,2025-01-01 01:00,3\n"
    r = client.post("/api/v1/imports", files={"file": (name, data, "text/csv")}, headers=tokens("admin"))
    assert r.status_code in (200, 422), r.text
    stored = r.json()["file"]
    assert "/" not in stored and stored not in (".", "..") and len(stored) <= MAX_NAME


@pytest.mark.parametrize("path", ["/api/v1/projects/import", "/api/v1/projects/DEMO-BJ-001/evidence"])
@pytest.mark.parametrize("name", ["..", "a" * 300 + ".xlsx"])
def test_plans_uploads_with_odd_names_no_500(client, tokens, path, name):
    r = client.post(path, files={"file": (name, b"not a workbook", "application/octet-stream")},
                    headers=tokens("admin"))  # fmt: skip
    assert r.status_code in (201, 422), r.text


BAD_STATION_CODES = [c for c in BAD_ZONE_CODES if c != "区-1"] + ["刘庄\n", "_S1", "１００１Ａ", "S1\u3000"]
GOOD_STATION_CODES = ["1001A", "N01", "WU-01", "刘庄", "甲河入境", "区-1", "刘" * 32]


@pytest.mark.parametrize(
    ("code", "good"), [(c, False) for c in BAD_STATION_CODES] + [(c, True) for c in GOOD_STATION_CODES]
)
def test_station_code_shape_alike_in_python_and_duckdb(code, good):
    """The lake's checker tests ``guard.codes.STATION_CODE_PATTERN`` in DuckDB (RE2), the register in Python
    (``re``): the same codes pass both."""
    import re

    import duckdb

    pattern = codes.STATION_CODE_PATTERN
    assert bool(re.fullmatch(pattern, code)) is good
    assert duckdb.execute("SELECT regexp_full_match(?, ?)", [code, pattern]).fetchone()[0] is good
    if not good:
        with pytest.raises(InputError) as err:
            codes.station_code(code)
        assert "station" in err.value.message_en and "编码" in err.value.message_zh


@pytest.mark.parametrize(("code", "good"), [("110000", True), ("１１００００", False), ("١١٠٠٠٠", False),
                                            ("11000", False), ("110000\n", False), ("", False)])  # fmt: skip
def test_division_code_pattern_alike_in_re_pydantic_and_duckdb(code, good):
    """``guard.codes.DIVISION_CODE_PATTERN`` is written with ``[0-9]``: ``\\d`` is any Unicode digit in Python's
    ``re`` and in pydantic's engine, so a query or body pattern ``^\\d{6}$`` let full-width and Arabic-Indic
    digits through as a GB/T 2260 code."""
    import re

    import duckdb
    from pydantic import BaseModel, Field, ValidationError

    class Body(BaseModel):
        code: str = Field(pattern=codes.DIVISION_CODE_PATTERN)

    pattern = codes.DIVISION_CODE_PATTERN
    assert bool(re.fullmatch(pattern, code)) is good
    assert duckdb.execute("SELECT regexp_full_match(?, ?)", [code, pattern]).fetchone()[0] is good
    if good:
        assert Body(code=code).code == code
    else:
        with pytest.raises(ValidationError):
            Body(code=code)


def test_division_query_refuses_full_width_digits(client):
    r = client.get("/api/v1/divisions", params={"parent": "３３００００"})
    assert r.status_code == 422 and "message_en" in r.json()["detail"]


def test_forms_pattern_is_the_servers_rule(client, sign_in):
    """The division inputs of the forms carry ``guard.codes.DIVISION_CODE_PATTERN`` (unanchored, as HTML
    anchors it), not a copy of it: one rule in the browser's hint and on the server."""
    expected = codes.DIVISION_CODE_PATTERN.removeprefix("^").removesuffix("$")
    sign_in(client, "admin")
    for path in ("/ecology", "/compensation", "/gep", "/upload"):
        page = client.get(path).text
        found = set(re.findall(r'name="division"[^>]*pattern="([^"]*)"', page))
        assert found == {expected}, (path, found)
