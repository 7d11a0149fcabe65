"""An approval (批复) needs the document number of the reply, in the registry's zone service itself — so the API,
the command line and the pages approve by one rule (GB/T 9704-2012 §7.2.4, ``pioneer.standards.documents``)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.db.audit import AuditEntry
from pioneer.errors import InputError
from pioneer.registry.errors import ReasonRequiredError
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.schemas import ZoneCreate

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)
ZHEJIANG = Actor("zj", Role.PROVINCE, ("330000",))
T0 = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def under_review(session, code="PZ-A"):
    data = ZoneCreate(code=code, name_zh="安吉县先行区", tier="county", division_codes=["330523"],
                      as_of=dt.date(2025, 1, 1))  # fmt: skip
    zones.create_zone(session, data, actor=ZHEJIANG, at=T0)
    zones.transition(session, code, "recommended", actor=ZHEJIANG, at=T0)
    zones.transition(session, code, "under_review", actor=OFFICE, at=T0)


@pytest.mark.parametrize(
    ("number", "zh"),
    [
        ("", "批复须填写批复文号"),
        ("  ", "批复须填写批复文号"),
        ("环综合函〔2025〕第12号", "文号格式"),  # 第 is not written (§7.2.4)
        ("环综合函〔25〕12号", "文号格式"),  # the year in full
        ("环综合函〔2025〕012号", "文号格式"),  # no leading zero
    ],
)
def test_approval_without_a_valid_number_is_refused_and_writes_nothing(session, number, zh):
    under_review(session)
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(InputError) as err:
        zones.transition(
            session, "PZ-A", "approved", actor=OFFICE, reason="同意", document_number=number, at=T0
        )
    assert err.value.column == "document_number" and zh in err.value.message_zh and err.value.message_en
    assert zones.zone(session, "PZ-A").state == "under_review" and len(zones.history(session, "PZ-A")) == 3
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_approval_keeps_the_number_in_its_standard_form(session):
    under_review(session)
    result = zones.transition(session, "PZ-A", "approved", actor=OFFICE, reason="同意",
                              document_number="环综合函【2025】12号", at=T0)  # fmt: skip
    assert result.zone.state == "approved"
    assert zones.history(session, "PZ-A")[-1].reason == "批复文号：环综合函〔2025〕12号；同意"
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "transition" and entry.note == "批复文号：环综合函〔2025〕12号；同意"


def test_a_number_given_to_another_step_is_checked_too(session):
    under_review(session)
    with pytest.raises(InputError):
        zones.transition(
            session, "PZ-A", "draft", actor=OFFICE, reason="补充材料", document_number="12号", at=T0
        )
    zones.transition(session, "PZ-A", "draft", actor=OFFICE, reason="补充材料", document_number="环综合函〔2025〕2号",
                     at=T0)  # fmt: skip
    assert zones.history(session, "PZ-A")[-1].reason == "文号：环综合函〔2025〕2号；补充材料"


def test_a_return_without_reason_is_located_at_the_reason(session):
    under_review(session)
    with pytest.raises(ReasonRequiredError) as err:
        zones.transition(session, "PZ-A", "draft", actor=OFFICE, reason=" ", at=T0)
    assert err.value.column == "reason" and "理由" in err.value.message_zh


def test_the_permission_is_checked_before_the_number(session):
    """A province cannot approve, whatever number it types: the denial comes first (no hint about the form)."""
    from pioneer.errors import PermissionDeniedError

    under_review(session)
    with pytest.raises(PermissionDeniedError):
        zones.transition(session, "PZ-A", "approved", actor=ZHEJIANG, document_number="", at=T0)


def test_cli_approval_needs_document_number(tmp_path, monkeypatch):
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path))
    monkeypatch.delenv("PIONEER_DATABASE_URL", raising=False)
    run = CliRunner().invoke
    assert run(app, ["db", "init"]).exit_code == 0
    add = ["zones", "add", "PZ-1", "--name", "安吉", "--tier", "county", "--division", "330523"]
    assert run(app, [*add, "--as-role", "zone", "--scope", "330523"]).exit_code == 0
    province = ["--as-role", "province", "--scope", "330000"]
    assert run(app, ["zones", "transition", "PZ-1", "recommended", *province]).exit_code == 0
    assert run(app, ["zones", "transition", "PZ-1", "under_review"]).exit_code == 0
    bad = run(app, ["zones", "transition", "PZ-1", "approved"])
    assert bad.exit_code == 1 and "批复须填写批复文号" in bad.output and "document number" in bad.output
    assert "Traceback" not in bad.output
    bad = run(app, ["zones", "transition", "PZ-1", "approved", "--document-number", "环综合函〔2025〕01号"])
    assert bad.exit_code == 1 and "文号格式" in bad.output
    assert "under_review" in run(app, ["zones", "show", "PZ-1"]).output
    ok = run(app, ["zones", "transition", "PZ-1", "approved", "--document-number", "环综合函〔2025〕1号"])
    assert ok.exit_code == 0 and "PZ-1 approved" in ok.output, ok.output
    assert "批复文号：环综合函〔2025〕1号" in run(app, ["zones", "history", "PZ-1"]).output


@pytest.mark.parametrize(
    ("strategy", "codes"),
    [("jjj", ["110000", "120000", "130000"]), ("yrd", ["310000", "320000", "330000", "340000"])],
)
def test_region_application_filed_by_the_programme_office(session, strategy, codes):
    """A region-tier application spans provinces: filed by the programme office on behalf of the region's
    provinces (docs/registry.md); no province's scope covers the others', so a province's filing is refused."""
    from pioneer.errors import PermissionDeniedError

    data = ZoneCreate(code=f"R-{strategy}", name_zh="区域先行区", tier="region", strategy_code=strategy,
                      division_codes=codes, as_of=dt.date(2025, 1, 1))  # fmt: skip
    province = Actor("p", Role.PROVINCE, (codes[0],))
    with pytest.raises(PermissionDeniedError) as err:
        zones.create_zone(session, data, actor=province, at=T0)
    assert codes[1] in err.value.message_zh and "no scope" in err.value.message_en
    assert zones.create_zone(session, data, actor=OFFICE, at=T0).zone.state == "draft"
