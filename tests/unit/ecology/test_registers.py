"""Ecology registers through the service and the Excel workbook: checks with located errors, nothing written on
error, scope refusal, audit records with before/after, export → import round trip."""

from __future__ import annotations

import openpyxl
import pytest
from ecology_actors import BEIJING, OFFICE, VIEWER, ZHEJIANG, Recorder
from sqlalchemy import func, select

from pioneer.ecology import excel, service
from pioneer.ecology.errors import RegisterRowNotFoundError
from pioneer.ecology.models import HazardousWasteManifest, TailingsPond, WaterSource, WaterSourceZone
from pioneer.errors import InputError
from pioneer.registry.errors import ImportFailedError, PermissionDeniedError

SOURCE = {"code": "BJ-WS-01", "name": "密云水库", "source_type": "reservoir", "tier": "city",
          "division_code": "110105", "served_divisions": "110105、110108", "population_served": "5000000",
          "section_code": "MY-01", "longitude": "116.9", "latitude": "40.5"}  # fmt: skip


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_create_update_and_audit(session):
    rec = Recorder()
    assert service.save_rows(session, "water_sources", [SOURCE], actor=BEIJING, record=rec) == 1
    ws = session.scalar(select(WaterSource))
    assert ws.served_divisions == "110105,110108" and ws.population_served == 5000000 and ws.tier == "city"
    service.save_rows(session, "water_sources", [{**SOURCE, "name": "密云水库（一级）", "source_type": "水库型"}],
                      actor=BEIJING, record=rec)  # fmt: skip
    assert count(session, WaterSource) == 1
    (a1, t1, k1, d1, b1, after1), (a2, _, _, _, b2, after2) = rec.entries
    assert (a1, t1, k1, d1, b1) == ("create", "ecology.water_sources", "BJ-WS-01", "110105", None)
    assert a2 == "update" and b2["name"] == "密云水库" and after2["name"] == "密云水库（一级）"
    assert after1["latitude"] == 40.5


def test_scope_refusal_writes_nothing(session):
    rec = Recorder()
    with pytest.raises(PermissionDeniedError):
        service.save_rows(session, "water_sources", [SOURCE], actor=ZHEJIANG, record=rec)
    with pytest.raises(PermissionDeniedError):
        service.save_rows(session, "water_sources", [SOURCE], actor=VIEWER, record=rec)
    assert count(session, WaterSource) == 0 and rec.entries == []
    service.save_rows(session, "water_sources", [SOURCE], actor=BEIJING)
    # a child row takes its parent's division: Zhejiang may not add a zone to a Beijing source
    zone = {"source_code": "BJ-WS-01", "zone": "first", "water_area_km2": "12.5"}
    with pytest.raises(PermissionDeniedError):
        service.save_rows(session, "water_source_zones", [zone], actor=ZHEJIANG)
    with pytest.raises(PermissionDeniedError):
        service.delete(session, "water_sources", ("BJ-WS-01",), actor=ZHEJIANG)
    # moving a row out of one's scope is refused too (the stored row's division is checked as well)
    with pytest.raises(PermissionDeniedError):
        service.save_rows(session, "water_sources", [{**SOURCE, "division_code": "330502"}], actor=ZHEJIANG)
    service.save_rows(session, "water_source_zones", [zone], actor=BEIJING)
    service.delete(session, "water_sources", ("BJ-WS-01",), actor=BEIJING, record=rec)
    assert rec.entries[-1][0] == "delete" and count(session, WaterSource) == 0
    # the protection zone went with its source; the audit entry keeps its snapshot
    assert rec.entries[-1][4]["deleted_with_it"]["water_source_zones"][0]["water_area_km2"] == 12.5
    assert count(session, WaterSourceZone) == 0
    with pytest.raises(RegisterRowNotFoundError):
        service.delete(session, "water_sources", ("BJ-WS-01",), actor=BEIJING)


def test_bad_rows_are_located_and_nothing_written(session):
    rows = [
        {**SOURCE, "code": "A", "source_type": "sea", "division_code": "999999", "population_served": "-3"},
        {**SOURCE, "code": "A", "longitude": "200", "served_divisions": "110105,12"},
        {**SOURCE, "code": "", "tier": "城市", "latitude": "north"},
    ]
    with pytest.raises(ImportFailedError) as exc:
        service.save_rows(session, "water_sources", rows, actor=OFFICE, file="sources.json")
    got = {(e.row, e.column) for e in exc.value.errors}
    assert {(1, "水源类型"), (1, "所在行政区划代码"), (1, "服务人口（人）"), (2, "水源地编码"), (2, "经度"),
            (2, "供水行政区划代码（逗号分隔）"), (3, "水源地编码"), (3, "水源级别"), (3, "纬度")} <= got  # fmt: skip
    first = exc.value.errors[0]
    assert (
        first.file == "sources.json#饮用水水源地" and "值" in first.message_zh and "row 1" in first.message_en
    )
    assert count(session, WaterSource) == 0
    with pytest.raises(InputError, match="populaton"):
        service.save_rows(session, "water_sources", [{**SOURCE, "populaton_served": "3"}], actor=OFFICE)


def test_manifest_roles_and_parents(session):
    units = [{"code": "P1", "name": "某化工厂", "role": "producer", "division_code": "330502", "in_system": "是"},
             {"code": "D1", "name": "某处置中心", "role": "disposer", "division_code": "330502", "in_system": "是",
              "permit_number": "ZJ-001"}]  # fmt: skip
    service.save_rows(session, "hw_units", units, actor=ZHEJIANG)
    bad = [{"code": "M1", "producer_code": "D1", "receiver_code": "P1", "waste_code": "900-041-49",
            "quantity_t": "2", "transfer_date": "2025-03-01", "electronic": "是"},
           {"code": "M2", "producer_code": "P9", "receiver_code": "D1", "waste_code": "900-041-49",
            "quantity_t": "2", "transfer_date": "2025-13-01", "electronic": "maybe"}]  # fmt: skip
    with pytest.raises(ImportFailedError) as exc:
        service.save_rows(session, "hw_manifests", bad, actor=ZHEJIANG)
    got = {(e.row, e.column) for e in exc.value.errors}
    assert {
        (1, "移出单位代码"),
        (1, "接受单位代码"),
        (2, "移出单位代码"),
        (2, "转移日期"),
        (2, "电子联单"),
    } <= got
    assert count(session, HazardousWasteManifest) == 0
    # a Beijing producer's manifest names the Zhejiang disposer: Zhejiang may not delete the disposer (and with it
    # Beijing's manifest), the programme office may
    service.save_rows(session, "hw_units", [{"code": "P-BJ", "name": "北京某厂", "role": "producer",
                                             "division_code": "110105", "in_system": "是"}], actor=BEIJING)  # fmt: skip
    service.save_rows(session, "hw_manifests", [{**bad[0], "producer_code": "P-BJ", "receiver_code": "D1"}],
                      actor=BEIJING)  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="110105"):
        service.delete(session, "hw_units", ("D1",), actor=ZHEJIANG)
    assert count(session, HazardousWasteManifest) == 1
    service.delete(session, "hw_units", ("D1",), actor=OFFICE)
    assert count(session, HazardousWasteManifest) == 0
    # filings keyed by (unit, year): the year stays a whole number in the audit key, a re-import is an update
    rec = Recorder()
    filing = {"unit_code": "P1", "year": "2025", "plan_filed": "是", "declared": "否", "annual_report": "否"}
    service.save_rows(session, "hw_filings", [filing], actor=ZHEJIANG, record=rec)
    service.save_rows(session, "hw_filings", [{**filing, "declared": "是"}], actor=ZHEJIANG, record=rec)
    assert [(e[0], e[2]) for e in rec.entries] == [("create", "P1/2025"), ("update", "P1/2025")]
    assert rec.entries[1][4]["declared"] is False and rec.entries[1][5]["declared"] is True
    with pytest.raises(ImportFailedError):
        service.save_rows(session, "hw_filings", [{**filing, "year": "2025.5"}], actor=ZHEJIANG)


def test_excel_round_trip_and_batch_with_parents(session, tmp_path):
    path = excel.write_template(tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(path)
    ws, wh = wb["尾矿库"], wb["尾矿库隐患整改"]
    ws.append(["HZ-T1", "某尾矿库", "某矿业公司", "330502", "一级环境监管", "浙环〔2024〕1号 清单", "运行", 120, 35,
               "Pb, Cd", 120.1, 30.9])  # fmt: skip
    wh.append(["H1", "HZ-T1", "2025-04-01", "排洪设施堵塞", "2025-05-01", "2025-04-20"])
    wb.save(path)
    rec = Recorder()
    saved = excel.import_workbook(session, path, actor=ZHEJIANG, record=rec)
    assert saved == {"tailings_ponds": 1, "tailings_hazards": 1}
    assert session.scalar(select(TailingsPond)).supervision_class == "1"
    assert [e[2] for e in rec.entries] == ["HZ-T1", "H1"] and {e[3] for e in rec.entries} == {"330502"}
    out = tmp_path / "export.xlsx"
    counts = excel.export_registers(session, out, division="330000")
    assert counts["tailings_ponds"] == 1 and counts["water_sources"] == 0
    rec2 = Recorder()
    excel.import_workbook(session, out, actor=ZHEJIANG, record=rec2)  # unchanged re-import
    assert all(e[0] == "update" and e[4] == e[5] for e in rec2.entries) and len(rec2.entries) == 2
    # a stored name that a spreadsheet would evaluate is written as text (pioneer.guard.cells)
    service.save_rows(session, "tailings_ponds", [{**_pond_row(), "name": '=HYPERLINK("x")'}], actor=ZHEJIANG)
    excel.export_registers(session, out)
    assert openpyxl.load_workbook(out)["尾矿库"]["B2"].value == '\'=HYPERLINK("x")'


def _pond_row():
    return {
        "code": "HZ-T1",
        "name": "某尾矿库",
        "division_code": "330502",
        "supervision_class": "1",
        "class_document": "清单",
        "status": "operating",
    }


def test_excel_bad_file_and_bad_cells(session, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    with pytest.raises(InputError, match="xlsx"):
        excel.import_workbook(session, junk, actor=OFFICE)
    path = excel.write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["尾矿库"].append(["T1", "某尾矿库", "", "330502", "4", "", "运行"])
    wb["尾矿库隐患整改"].append(["H1", "T1", "2025-04-01", "渗漏", "2025-03-01"])
    wb.save(path)
    with pytest.raises(ImportFailedError) as exc:
        excel.import_workbook(session, path, actor=OFFICE)
    got = {(e.file, e.row, e.column) for e in exc.value.errors}
    assert ("t.xlsx#尾矿库", 2, "环境监管级别") in got and ("t.xlsx#尾矿库", 2, "分类分级清单依据") in got
    assert ("t.xlsx#尾矿库隐患整改", 2, "整改期限") in got
    assert count(session, TailingsPond) == 0
