"""Zone lifecycle on SQLite and PostgreSQL: every allowed transition, forbidden ones (wrong state, wrong actor,
out of scope), the append-only history, soft quotas."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from pioneer.registry.errors import (
    DivisionNotInForceError,
    HistoryImmutableError,
    PermissionDeniedError,
    TransitionError,
    UnknownDivisionError,
    ZoneError,
)
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.choices import TRANSITIONS, State, Tier
from pioneer.registry.zones.models import Zone, ZoneTransition
from pioneer.registry.zones.schemas import ZoneCreate

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)
ZHEJIANG = Actor("zj", Role.PROVINCE, ("330000",))
JIANGSU = Actor("js", Role.PROVINCE, ("320000",))
ANJI = Actor("anji", Role.ZONE, ("330523",))  # 安吉县
T0 = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
REPLY = "环综合函〔2025〕12号"  # an approval needs the reply's 文号 (GB/T 9704-2012 §7.2.4)


def number(target) -> str:
    """The document number a step carries: the reply's on approval, none otherwise."""
    return REPLY if State(target) is State.APPROVED else ""


def county_zone(session, code="PZ-ANJI", division="330523", actor=ANJI):
    data = ZoneCreate(
        code=code,
        name_zh="安吉县先行区",
        tier=Tier.COUNTY,
        division_codes=[division],
        theme="两山",
        as_of=dt.date(2025, 1, 1),
    )
    return zones.create_zone(session, data, actor=actor, at=T0)


ACTOR_FOR = {Role.PROGRAMME_OFFICE: OFFICE, Role.PROVINCE: ZHEJIANG, Role.ZONE: ANJI}


def walk(session, code, *targets):
    at = T0
    for target in targets:
        at += dt.timedelta(days=1)
        source = State(zones.zone(session, code).state)
        role = sorted(TRANSITIONS[(source, State(target))])[0]
        zones.transition(session, code, target, actor=ACTOR_FOR[role], reason="理由", at=at,
                         document_number=number(target))  # fmt: skip


def test_create_records_history(session):
    result = county_zone(session)
    assert result.zone.state == "draft" and result.zone.division_codes == ["330523"]
    [event] = zones.history(session, "PZ-ANJI")
    assert (event.seq, event.from_state, event.to_state, event.actor_username) == (0, None, "draft", "anji")


PATH_TO = {
    State.DRAFT: [],
    State.RECOMMENDED: ["recommended"],
    State.UNDER_REVIEW: ["recommended", "under_review"],
    State.APPROVED: ["recommended", "under_review", "approved"],
    State.UNDER_CONSTRUCTION: ["recommended", "under_review", "approved", "under_construction"],
    State.SELF_ASSESSED: ["recommended", "under_review", "approved", "under_construction", "self_assessed"],
    State.EVALUATED: [
        "recommended",
        "under_review",
        "approved",
        "under_construction",
        "self_assessed",
        "evaluated",
    ],
}


@pytest.mark.parametrize(("source", "target"), sorted(TRANSITIONS))
def test_every_allowed_transition_by_every_allowed_role(session, source, target):
    for role in sorted(TRANSITIONS[(source, target)]):
        code = f"Z-{source.value}-{target.value}-{role.value}"[:32]
        county_zone(session, code=code)
        walk(session, code, *PATH_TO[source])
        result = zones.transition(
            session,
            code,
            target,
            actor=ACTOR_FOR[role],
            reason="理由",
            at=T0 + dt.timedelta(days=30),
            document_number=number(target),
        )
        assert result.zone.state == target.value
        last = zones.history(session, code)[-1]
        assert (last.from_state, last.to_state, last.actor_role) == (source.value, target.value, role.value)


@pytest.mark.parametrize("source", [s for s in State if s in PATH_TO])
def test_every_forbidden_target_is_rejected_with_nothing_written(session, source):
    code = f"F-{source.value}"
    county_zone(session, code=code)
    walk(session, code, *PATH_TO[source])
    n = len(zones.history(session, code))
    for target in State:
        if (source, target) in TRANSITIONS:
            continue
        with pytest.raises(TransitionError) as err:
            zones.transition(session, code, target, actor=OFFICE, reason="x", at=T0 + dt.timedelta(days=30))
        assert "不能变更为" in err.value.message_zh and "cannot move to" in err.value.message_en
    assert len(zones.history(session, code)) == n and zones.zone(session, code).state == source.value


def test_terminal_states_allow_nothing(session):
    county_zone(session, code="T-W")
    zones.transition(session, "T-W", "withdrawn", actor=ANJI, reason="放弃申报", at=T0)
    for target in State:
        with pytest.raises(TransitionError):
            zones.transition(session, "T-W", target, actor=OFFICE, reason="x", at=T0)


@pytest.mark.parametrize(("source", "target"), sorted(TRANSITIONS))
def test_wrong_role_is_rejected(session, source, target):
    allowed = TRANSITIONS[(source, target)]
    code = f"R-{source.value}-{target.value}"[:32]
    county_zone(session, code=code)
    walk(session, code, *PATH_TO[source])
    for role in set(ACTOR_FOR) - allowed:
        with pytest.raises(PermissionDeniedError) as err:
            zones.transition(
                session, code, target, actor=ACTOR_FOR[role], reason="理由", at=T0 + dt.timedelta(days=30)
            )
        assert "无权" in err.value.message_zh
    viewer = Actor("v", Role.VIEWER, ("330000",))
    with pytest.raises(PermissionDeniedError):
        zones.transition(session, code, target, actor=viewer, reason="理由", at=T0 + dt.timedelta(days=30))
    assert zones.zone(session, code).state == source.value


def test_out_of_scope_province_is_rejected(session):
    county_zone(session)
    with pytest.raises(PermissionDeniedError) as err:
        zones.transition(session, "PZ-ANJI", "recommended", actor=JIANGSU, at=T0)
    assert "330523" in err.value.message_zh and "no scope" in err.value.message_en
    zones.transition(session, "PZ-ANJI", "recommended", actor=ZHEJIANG, at=T0)


def test_region_zone_province_steps_fall_to_programme_office(session):
    data = ZoneCreate(
        code="R-YRD",
        name_zh="长三角先行区",
        tier=Tier.REGION,
        strategy_code="yrd",
        division_codes=["310000", "320000", "330000", "340000"],
        as_of=dt.date(2025, 1, 1),
    )
    zones.create_zone(session, data, actor=OFFICE, at=T0)
    with pytest.raises(PermissionDeniedError):
        zones.transition(session, "R-YRD", "recommended", actor=ZHEJIANG, at=T0)
    assert zones.transition(session, "R-YRD", "recommended", actor=OFFICE, at=T0).zone.state == "recommended"


def test_reason_required_to_withdraw_or_return(session):
    county_zone(session)
    with pytest.raises(TransitionError) as err:
        zones.transition(session, "PZ-ANJI", "withdrawn", actor=ANJI, reason=" ", at=T0)
    assert "理由" in err.value.message_zh


def test_time_runs_forward(session):
    county_zone(session)
    with pytest.raises(TransitionError):
        zones.transition(session, "PZ-ANJI", "recommended", actor=ZHEJIANG, at=T0 - dt.timedelta(days=1))


def test_history_cannot_be_edited_through_the_orm(session):
    county_zone(session)
    event = zones.history(session, "PZ-ANJI")[0]
    event.reason = "改写"
    with pytest.raises(HistoryImmutableError) as err:
        session.flush()
    assert "不可修改" in err.value.message_zh
    session.rollback()


@pytest.mark.parametrize(
    "statement", ["UPDATE registry_zone_transition SET reason = 'x'", "DELETE FROM registry_zone_transition"]
)
def test_history_cannot_be_edited_in_sql(session, statement):
    county_zone(session)
    with pytest.raises(Exception, match="append-only"), session.begin_nested():
        session.execute(text(statement))
    assert session.scalar(select(func.count()).select_from(ZoneTransition)) == 1


def test_bad_divisions_write_nothing(session):
    before = session.scalar(select(func.count()).select_from(Zone))
    with pytest.raises(UnknownDivisionError):
        county_zone(session, division="339999", actor=OFFICE)
    with pytest.raises(DivisionNotInForceError) as err:
        county_zone(session, division="110103", actor=OFFICE)  # 崇文区, abolished 2010
    assert "110101" in err.value.message_zh
    with pytest.raises(ZoneError):
        county_zone(session, division="330000", actor=OFFICE)  # a province is not a county
    with pytest.raises(PermissionDeniedError):
        county_zone(session, division="320581", actor=ANJI)  # outside the applicant's scope
    county_zone(session)
    with pytest.raises(ZoneError, match="已存在"):
        county_zone(session)
    assert session.scalar(select(func.count()).select_from(Zone)) == before + 1


def test_region_membership_rules(session):
    with pytest.raises(ZoneError):
        zones.create_zone(
            session,
            ZoneCreate(code="R1", name_zh="x", tier=Tier.REGION, division_codes=["310000"]),
            actor=OFFICE,
        )
    gba = [
        "810000",
        "820000",
        "440100",
        "440300",
        "440400",
        "440600",
        "440700",
        "441200",
        "441300",
        "441900",
        "442000",
    ]
    zone = zones.create_zone(
        session,
        ZoneCreate(code="R-GBA", name_zh="大湾区", tier=Tier.REGION, division_codes=gba, strategy_code="gba"),
        actor=OFFICE,
    ).zone
    assert len(zone.division_codes) == 11


def test_soft_quota_warns_not_errors(session):
    provinces = ["110000", "120000", "130000", "140000", "150000", "210000"]
    results = []
    for code in provinces:
        zones.create_zone(
            session,
            ZoneCreate(
                code=f"P-{code}",
                name_zh=code,
                tier=Tier.PROVINCE,
                division_codes=[code],
                theme=f"特色 {code}",  # 一省域一特色: each province zone states its own theme
                as_of=dt.date(2025, 1, 1),
            ),
            actor=OFFICE,
            at=T0,
        )
        province = Actor(f"p{code}", Role.PROVINCE, (code,))
        zones.transition(session, f"P-{code}", "recommended", actor=province, at=T0)
        zones.transition(session, f"P-{code}", "under_review", actor=OFFICE, at=T0)
        result = zones.transition(
            session, f"P-{code}", "approved", actor=OFFICE, at=T0, document_number=REPLY
        )
        results.append(result)
    assert all(r.warnings == [] for r in results[:5])
    [warning] = results[5].warnings
    assert (warning.tier, warning.count, warning.quota) == ("province", 6, 5)
    assert "软性名额" in warning.message_zh and results[5].zone.state == "approved"


def test_list_within_scope(session):
    county_zone(session)
    assert [z.code for z in zones.list_zones(session, within="330000")] == ["PZ-ANJI"]
    assert zones.list_zones(session, within="320000") == []
