"""Stored statements: a saved statement cites its agreement version, lake imports, time and author; a
recomputation is a new record (never an overwrite); saving is scope-checked and audited; both parties' pages and
the basin page list it; its DOCX/PDF download opens in LibreOffice."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from pioneer.cli import app as cli
from pioneer.compensation import service, stored
from pioneer.compensation.models import Statement
from pioneer.compensation.template import example_text, parse_agreement
from pioneer.db import session_scope
from pioneer.registry.errors import PermissionDeniedError
from pioneer.registry.permissions import Actor, Role
from pioneer.web import auth
from pioneer.web.models import AuditEntry

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)
CODE = "YR-HEN-SHD-2021"


class Audit(list):
    def __call__(self, *args):
        self.append(args)


def _enter(eng):
    with session_scope(eng) as s:
        service.create_agreement(
            s, parse_agreement(example_text("yellow-river-henan-shandong-2021")), actor=OFFICE
        )


def test_save_twice_makes_two_versions_and_audits(world):
    eng, lake = world
    _enter(eng)
    audit = Audit()
    with session_scope(eng) as s:
        first = stored.save_statement(s, CODE, 2021, actor=OFFICE, lake=lake, record=audit, note="first")
        assert (first.number, first.agreement_version, first.net_transfer) == (1, 1, 6000.0)
        assert (first.payer, first.payee) == ("370000", "410000") and len(first.lake_imports) == 1
        assert first.computed_by == "office" and first.data["stored"]["number"] == 1
    with session_scope(eng) as s:
        second = stored.save_statement(s, CODE, 2021, actor=OFFICE, lake=lake, record=audit)
        assert second.number == 2
    with session_scope(eng) as s:
        rows = stored.statements(s, code=CODE)
        assert [r.number for r in rows] == [2, 1] and rows[1].note == "first"  # the first one is untouched
        assert stored.stored_statement(s, CODE, 2021).number == 2
        assert stored.stored_statement(s, CODE, 2021, 1).data["net"]["transfer"] == 6000
        # listed for each party's division, a division within it, and the basin
        for div in ("410000", "370000", "371700"):
            assert len(stored.statements(s, division_code=div)) == 2
        assert (
            len(stored.statements(s, basin="黄河")) == 2
            and stored.statements(s, division_code="110000") == []
        )
    assert [a[0] for a in audit] == ["create", "create"] and audit[0][2] == f"{CODE}/2021/1"
    assert audit[0][5]["net_transfer"] == 6000.0


def test_refusals_store_nothing(world):
    eng, lake = world
    _enter(eng)
    henan = Actor("henan", Role.PROVINCE, ("410000",))
    with session_scope(eng) as s, pytest.raises(PermissionDeniedError):
        stored.save_statement(s, CODE, 2021, actor=henan, lake=lake)
    with session_scope(eng) as s, pytest.raises(service.StatementError):
        stored.save_statement(s, CODE, 2022, actor=OFFICE, lake=lake)  # 3 months of data
    with session_scope(eng) as s:
        assert s.scalar(select(func.count()).select_from(Statement)) == 0
        with pytest.raises(stored.StatementNotFoundError):
            stored.stored_statement(s, CODE, 2021)


@pytest.fixture
def client(world):
    eng, _ = world
    from pioneer.web.app import create_app

    _enter(eng)
    headers = {}
    with session_scope(eng) as s:
        for name, role, code in (
            ("admin", auth.Role.ADMIN, None),
            ("henan", auth.Role.PROVINCE_EDITOR, "410000"),
        ):
            u = auth.create_user(s, name, "a-long-password-1", role=role, division_code=code)
            headers[name] = {"Authorization": f"Bearer {auth.create_token(s, u, 'test')}"}
    return TestClient(create_app(migrate=False), base_url="http://127.0.0.1"), headers, eng


def test_api_save_list_download(client, tmp_path):
    c, h, eng = client
    url = f"/api/v1/compensation/agreements/{CODE}/statements?year=2021"
    assert c.post(url, headers=h["henan"]).status_code == 403
    r = c.post(url + "&note=api", headers=h["admin"])
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1 and r.json()["net_transfer"] == 6000 and r.json()["computed_by"] == "admin"
    bad = c.post(f"/api/v1/compensation/agreements/{CODE}/statements?year=2022", headers=h["admin"])
    assert bad.status_code == 422 and any("刘庄" in e["message_zh"] for e in bad.json()["detail"]["errors"])
    listed = c.get("/api/v1/compensation/statements?division=410000", headers=h["henan"]).json()
    assert [(x["agreement_code"], x["number"]) for x in listed] == [(CODE, 1)]
    with session_scope(eng) as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "compensation_statement"))
        assert e.username == "admin" and e.object_key == f"{CODE}/2021/1"
    for page in ("/compensation?division=410000", "/compensation?division=370000", "/compensation?basin=黄河",
                 f"/compensation/{CODE}"):  # fmt: skip
        html = c.get(page, headers=h["henan"]).text
        assert f"/api/v1/compensation/agreements/{CODE}/statements/2021/1?format=pdf" in html, page
    docx_r = c.get(
        f"/api/v1/compensation/agreements/{CODE}/statements/2021/1?format=docx", headers=h["henan"]
    )
    assert docx_r.status_code == 200 and docx_r.content[:2] == b"PK"
    pdf = c.get(f"/api/v1/compensation/agreements/{CODE}/statements/2021/1?format=pdf", headers=h["henan"])
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert (
        c.get(f"/api/v1/compensation/agreements/{CODE}/statements/2021/9", headers=h["henan"]).status_code
        == 404
    )
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    (tmp_path / "s.docx").write_bytes(docx_r.content)
    subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path / "lo"),
                    str(tmp_path / "s.docx")], capture_output=True, check=True, timeout=120)  # fmt: skip
    text = (tmp_path / "lo" / "s.txt").read_text(encoding="utf-8", errors="replace")
    assert "6000" in text and "第 1 份已保存结算单" in text


def test_cli_save_list_and_stored(world, tmp_path):
    eng, _ = world
    _enter(eng)
    run = CliRunner().invoke
    out = tmp_path / "a.json"
    r = run(
        cli,
        ["compensation", "statement", CODE, "--year", "2021", "-o", str(out), "--save", "--as-user", "li"],
    )
    assert r.exit_code == 0 and "stored statement no. 1" in r.output, r.output
    r = run(cli, ["compensation", "statements", "--division", "370000"])
    assert r.exit_code == 0 and "YR-HEN-SH" in r.output and "6000 万元" in r.output, (
        r.output
    )  # (width-dependent)
    pdf = tmp_path / "b.pdf"
    assert run(cli, ["compensation", "stored", CODE, "--year", "2021", "-o", str(pdf)]).exit_code == 0
    assert pdf.read_bytes()[:4] == b"%PDF"
    r = run(cli, ["compensation", "stored", CODE, "--year", "2020", "-o", str(tmp_path / "c.pdf")])
    assert r.exit_code == 1 and "no stored statement" in r.output and not (tmp_path / "c.pdf").exists()
    with session_scope(eng) as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "compensation_statement"))
        assert "--as-user li" in e.note
