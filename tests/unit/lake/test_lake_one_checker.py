"""One checker (issue 12 item 1): the lake, the air calculator and the noise calculator refuse the same inputs
with the lake's located reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.lake.ingest import ingest
from pioneer.lake.layouts import AIR_RANGES, NOISE_RANGE
from pioneer.lake.storage import Lake

runner = CliRunner()
AIR = "station,time,so2,no2,co,o3,pm10,pm2_5\n"


def test_screens_are_package_data() -> None:
    assert AIR_RANGES["pm2_5"] == (0.0, 5000.0) and AIR_RANGES["co"] == (0.0, 150.0)
    assert NOISE_RANGE == (20.0, 140.0)


@pytest.mark.parametrize(
    ("body", "column", "en"),
    [
        (AIR + "1001A,2025-01-01T01:00+25:00,5,30,0.6,40,60,35\n", "time", "time cannot be parsed"),
        (
            AIR.replace("pm2_5", "pm2.5") + "1001A,2025-01-01T01:00,5,30,0.6,40,60,35\n",
            "pm2.5",
            "unknown column",
        ),
        (AIR + "1001A,2025-01-01T01:30,5,30,0.6,40,60,35\n", "time", "on the hour"),
        (AIR + "1001A,2025-01-01T01:00,5,30,0.6,40,60,1e20\n", "pm2_5", "plausible range"),
        (AIR, "", "no data rows"),
    ],
)
def test_lake_and_air_calculator_refuse_alike(tmp_path: Path, body: str, column: str, en: str) -> None:
    f = tmp_path / "in.csv"
    f.write_text(body, encoding="utf-8")
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "rejected"
    assert any(e["column"] == column and en in e["reason_en"] for e in r.errors.to_pylist()), (
        r.errors.to_pylist()
    )
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["air", "aqi", str(f), "--report", "hourly", "-o", str(out)])
    assert res.exit_code == 1 and en in res.output and not out.exists(), res.output


def test_noise_leq_200_refused_by_lake_and_commands(tmp_path: Path) -> None:
    f = tmp_path / "points.csv"
    f.write_text("point,zone_class,time,leq\nN1,1,2025-03-01 01:00,50\nN1,1,2025-03-01 02:00,200\n")
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "rejected" and r.errors["row"].to_pylist() == [3]
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["noise", "assess", str(f), "--year", "2025", "-o", str(out)])
    assert res.exit_code != 0 and "row 3" in res.output and "plausible range [20, 140]" in res.output
    assert not out.exists()
    grid = tmp_path / "grid.csv"
    grid.write_text("point,period,leq\na,昼间,52\nb,昼间,200\n", encoding="utf-8")
    res = runner.invoke(app, ["noise", "grade", str(grid), "--kind", "regional", "-o", str(out)])
    assert res.exit_code != 0 and "row 3" in res.output and "plausible range" in res.output


def test_noise_assess_refuses_a_half_hour_time_located(tmp_path: Path) -> None:
    """HJ 640-2012 / GB 3096-2008 §3.5–3.7: L_d and L_n are energy means of hourly L_Aeq, so a point-time is a
    whole hour; the calculator layout ``noise-hourly`` refuses 10:30 (before: counted as an hour)."""
    f = tmp_path / "points.csv"
    f.write_text("point,zone_class,time,leq\nN1,1,2025-03-01 10:00,50\nN1,1,2025-03-01 10:30,51\n")
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["noise", "assess", str(f), "--year", "2025", "-o", str(out)])
    assert res.exit_code == 2 and not out.exists()
    assert "row 3" in res.output and "time" in res.output and "on the hour" in res.output
    assert "整点" in res.output


def test_noise_grade_reads_periods_through_the_checker(tmp_path: Path) -> None:
    grid = tmp_path / "grid.csv"
    out = tmp_path / "out.csv"
    grid.write_text(
        "point,period,leq\na,昼间,52\na,夜间,44\nb,Day,inf\nc,noon,50\na,day,53\n", encoding="utf-8"
    )
    res = runner.invoke(app, ["noise", "grade", str(grid), "--kind", "regional", "-o", str(out)])
    assert res.exit_code == 2 and not out.exists(), res.output
    for row, en in ((4, "not a number"), (5, "period must be day or night"), (6, "conflicting duplicate")):
        assert f"row {row}" in res.output and en in res.output, res.output
    grid.write_text("point,period,leq\na,昼间,52\nb,DAY,54\na,夜间,44\n", encoding="utf-8")
    res = runner.invoke(app, ["noise", "grade", str(grid), "--kind", "regional", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "53.0" in out.read_text(encoding="utf-8")  # (52 + 54) / 2, day


@pytest.mark.parametrize(
    ("body", "column", "en"),
    [
        ("section,time,parameter,value\nS1,2025-01-05,cod,1e10\n", "value", "plausible range"),
        ("section,time,parameter,value\nS1,2025-01-05,cod,1_000\n", "value", "not a number"),
        ("section,time,cod,nh3_n\nS1,2025-01-05,15,Infinity\n", "nh3_n", "not a number"),
        ("section,time,cod\nS1,1969-12-31,15\n", "time", "cannot be parsed"),
        ("section,time,cod\n", "", "no data rows"),
    ],
)
def test_water_lake_and_calculator_refuse_alike(tmp_path: Path, body: str, column: str, en: str) -> None:
    f = tmp_path / "samples.csv"
    f.write_text(body, encoding="utf-8")
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["water", "classify", str(f), "-o", str(out)])
    assert res.exit_code == 2 and en in res.output and not out.exists(), res.output
    assert "row 2" in res.output
    if column:
        assert f"column '{column}'" in res.output
    lake_body = body.replace("parameter,value", "item,value,unit").replace(",1e10", ",1e10,mg/L")
    lake_body = lake_body.replace(",1_000", ",1_000,mg/L")
    f.write_text(lake_body, encoding="utf-8")
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "rejected" and any(en in e["reason_en"] for e in r.errors.to_pylist())


def test_noise_half_hour_refused_by_lake_and_assess_alike(tmp_path: Path) -> None:
    """The lake's ``noise`` layout (hourly L_Aeq) refuses 02:30 by the rule ``noise-hourly`` uses (before: the
    import stored it as an hour while ``pioneer noise assess`` refused it)."""
    f = tmp_path / "points.csv"
    f.write_text("point,zone_class,time,leq\nN1,1,2025-03-01 02:00,50\nN1,1,2025-03-01 02:30,51\n")
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "rejected"
    assert [(e["row"], e["column"], e["code"]) for e in r.errors.to_pylist()] == [(3, "time", "not_on_hour")]
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["noise", "assess", str(f), "--year", "2025", "-o", str(out)])
    assert res.exit_code == 2 and "row 3" in res.output and "on the hour" in res.output and not out.exists()


@pytest.mark.parametrize(
    ("body", "column", "media"),
    [
        (AIR + '"1001A\n",2025-01-01T01:00,5,30,0.6,40,60,35\n', "station", ("air", "aqi")),
        ('point,zone_class,time,leq\n"N1\n",1,2025-03-01 02:00,50\n', "point", ("noise", "assess")),
        ("point,period,leq\na/b,昼间,52\n", "point", ("noise", "grade")),
    ],
)
def test_codes_with_line_breaks_refused_by_lake_and_commands(
    tmp_path: Path, body: str, column: str, media: tuple[str, str]
) -> None:
    """A station or point code outside ``guard.codes.CODE_PATTERN`` (a line break in a quoted cell, a ``/``) is
    refused, located, by the import and by the calculator; nothing is written."""
    f = tmp_path / "in.csv"
    f.write_text(body, encoding="utf-8")
    if media != ("noise", "grade"):
        (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
        assert r.status == "rejected"
        assert [(e["row"], e["column"], e["code"]) for e in r.errors.to_pylist()] == [(2, column, "key_code")]
        assert not Lake(tmp_path / "lake").list(media[0], recursive=True)
    out = tmp_path / "out.csv"
    extra = {"aqi": ["--report", "hourly"], "assess": ["--year", "2025"], "grade": ["--kind", "regional"]}
    res = runner.invoke(app, [*media, str(f), *extra[media[1]], "-o", str(out)])
    assert res.exit_code != 0 and "row 2" in res.output and "letters, digits" in res.output, res.output
    assert "字母、数字" in res.output and not out.exists()


@pytest.mark.parametrize("written", ["1类", "4a类", "4A", " 4b 类", "0"])
def test_zone_classes_as_gb3096_writes_them_accepted_alike(tmp_path: Path, written: str) -> None:
    """GB 3096-2008 §4 names the classes "0 类" … "4b 类": the lake and ``pioneer noise assess`` accept the class
    with or without 类 (``standards.noise.zone_class``) and store it canonical."""
    f = tmp_path / "points.csv"
    f.write_text(f"point,zone_class,time,leq\nN1,{written},2025-03-01 10:00,50\n", encoding="utf-8")
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "committed", r.errors.to_pylist()
    from pioneer.lake.query import noise_points

    assert noise_points(Lake(tmp_path / "lake")).execute().zone_class.tolist() == [
        written.strip().removesuffix("类").strip().lower()
    ]
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["noise", "assess", str(f), "--year", "2025", "-o", str(out)])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("written", ["4", "4类", "5类", "一类", "１", "1.0", "类", "1类类", "4c"])
def test_other_zone_class_spellings_refused_alike(tmp_path: Path, written: str) -> None:
    f = tmp_path / "points.csv"
    f.write_text(f"point,zone_class,time,leq\nN1,{written},2025-03-01 10:00,50\n", encoding="utf-8")
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert [(e["row"], e["column"], e["code"]) for e in r.errors.to_pylist()] == [
        (2, "zone_class", "zone_class")
    ]
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["noise", "assess", str(f), "--year", "2025", "-o", str(out)])
    assert res.exit_code == 2 and "row 2" in res.output and "zone class" in res.output and not out.exists()
