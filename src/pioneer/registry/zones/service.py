"""Zone service: create zones, make lifecycle transitions with the actor check, read the history, report the
soft quotas. Writes happen inside a savepoint: on any error nothing is written. Every change is recorded in the
audit log by the service itself (:func:`pioneer.registry.permissions.audit`, with the actor's user and request
id), whoever calls it (issue 12 item 3)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pioneer.clock import BEIJING
from pioneer.db import stored_time
from pioneer.errors import InputError
from pioneer.registry.divisions import service as divisions
from pioneer.registry.errors import (
    PermissionDeniedError,
    ReasonRequiredError,
    TransitionError,
    UnknownZoneError,
    ZoneError,
)
from pioneer.registry.permissions import Actor, Role, audit, office_names, permitted, require
from pioneer.registry.strategies.models import Strategy
from pioneer.registry.zones.choices import (
    COUNTED,
    QUOTAS,
    REASON_REQUIRED,
    TIER_KINDS,
    TRANSITIONS,
    State,
    Tier,
)
from pioneer.registry.zones.models import Zone, ZoneDivision, ZoneTransition
from pioneer.registry.zones.schemas import QuotaWarning, ZoneCreate, ZonePublic, ZoneResult
from pioneer.standards import divisions as gbt2260
from pioneer.standards.documents import document_number as standard_number

CST = BEIJING  # the registry stamps its times in 北京时间 (pioneer.clock)


def _now() -> dt.datetime:
    return dt.datetime.now(CST)


def public(zone: Zone) -> ZonePublic:
    return ZonePublic.model_validate(zone)


def snapshot(zone_: Zone) -> dict[str, Any]:
    """A zone as the audit log keeps it (its public fields, JSON-safe)."""
    return json.loads(ZonePublic.model_validate(zone_).model_dump_json())


def zone(session: Session, code: str) -> Zone:
    found = session.scalar(select(Zone).where(Zone.code == code))
    if found is None:
        raise UnknownZoneError(code)
    return found


def list_zones(
    session: Session, *, tier: Tier | None = None, state: State | None = None, within: str | None = None
) -> list[Zone]:
    """Zones, optionally by tier, state, or having a division within the scope code ``within``."""
    query = select(Zone).order_by(Zone.code)
    if tier is not None:
        query = query.where(Zone.tier == Tier(tier).value)
    if state is not None:
        query = query.where(Zone.state == State(state).value)
    zones = list(session.scalars(query).all())
    if within:
        zones = [z for z in zones if any(gbt2260.covers(within, c) for c in z.division_codes)]
    return zones


def create_zone(
    session: Session, data: ZoneCreate, /, *, actor: Actor, at: dt.datetime | None = None
) -> ZoneResult:
    """Register a zone in state ``draft`` (申报). The applicant is the zone itself, its province or the
    programme office, with scope over every division. Division codes must be in force at ``as_of`` and of a
    level that fits the tier; a region zone spans at least two divisions; province zones follow
    一省域一特色 (:func:`_one_province_one_theme`)."""
    tier = Tier(data.tier)
    as_of = data.as_of or _now().date()
    require(
        actor,
        {Role.ZONE, Role.PROVINCE, Role.PROGRAMME_OFFICE},
        data.division_codes,
        "申报先行区 / create zone",
    )
    codes = list(dict.fromkeys(data.division_codes))
    records = divisions.require_in_force(session, codes, at=as_of)
    wrong = [r for r in records if r.kind not in TIER_KINDS[tier]]
    if wrong:
        listed = ", ".join(f"{r.code} {r.name}" for r in wrong)
        raise ZoneError(
            f"{tier.value} 级先行区不能包含这些行政区划：{listed}",
            f"a {tier.value}-tier zone cannot consist of: {listed}",
        )
    if tier is Tier.REGION and len(codes) < 2:
        raise ZoneError(
            "区域级先行区应跨越至少两个行政区划", "a region-tier zone spans at least two divisions"
        )
    if tier is not Tier.REGION and len(codes) != 1:
        raise ZoneError(
            "省、市、县级先行区只对应一个行政区划",
            "a province-, city- or county-tier zone has exactly one division",
        )
    if tier is Tier.PROVINCE:
        _one_province_one_theme(session, codes[0], data.theme)
    if data.strategy_code is not None and session.get(Strategy, data.strategy_code) is None:
        raise ZoneError(
            f"未知的区域战略 “{data.strategy_code}”", f"unknown regional strategy '{data.strategy_code}'"
        )
    if session.scalar(select(Zone.id).where(Zone.code == data.code)) is not None:
        raise ZoneError(f"先行区编码 “{data.code}” 已存在", f"zone code '{data.code}' already exists")
    at = at or _now()
    with session.begin_nested():
        zone_ = Zone(
            code=data.code,
            name_zh=data.name_zh,
            name_en=data.name_en,
            tier=tier.value,
            theme=data.theme,
            seed_sections=list(data.seed_sections),
            strategy_code=data.strategy_code,
            as_of=as_of,
            state=State.DRAFT.value,
            created_at=at,
            updated_at=at,
            divisions=[ZoneDivision(division_code=c) for c in codes],
        )
        session.add(zone_)
        session.flush()
        session.add(
            ZoneTransition(
                zone_id=zone_.id,
                seq=0,
                from_state=None,
                to_state=State.DRAFT.value,
                actor_username=actor.username,
                actor_role=actor.role.value,
                reason="申报 / application",
                at=at,
            )
        )
        session.flush()
        audit(session, actor, "create", "zone", zone_.code, codes[0], None, snapshot(zone_))
    return ZoneResult(zone=public(zone_), warnings=quota_warnings(session, tier=tier, states=None))


def update_zone(
    session: Session,
    code: str,
    /,
    *,
    actor: Actor,
    theme: str | None = None,
    name_en: str | None = None,
    at: dt.datetime | None = None,
) -> Zone:
    """Edit a zone's description — its theme (特色) and English name — by the zone's own administration, its
    province or the programme office, with scope over every division of the zone. Each field is checked (a
    located bilingual :class:`InputError`; nothing written), the scope is checked again after the write inside
    the savepoint (NetBox's pattern), and the change is audited with before/after snapshots."""
    zone_ = zone(session, code)
    require(
        actor,
        {Role.ZONE, Role.PROVINCE, Role.PROGRAMME_OFFICE},
        zone_.division_codes,
        "编辑先行区 / edit zone",
    )
    if theme is not None and len(theme) > 2000:
        raise InputError(
            "特色说明过长（最多 2000 字）", "theme too long (at most 2000 characters)", column="theme"
        )
    if name_en is not None and len(name_en) > 256:
        raise InputError("英文名称过长", "English name too long (at most 256 characters)", column="name_en")
    before = snapshot(zone_)
    with session.begin_nested():
        if theme is not None:
            zone_.theme = theme.strip()
        if name_en is not None:
            zone_.name_en = name_en.strip()
        zone_.updated_at = at or _now()  # the public cache's fingerprint reads it
        session.flush()
        require(
            actor,
            {Role.ZONE, Role.PROVINCE, Role.PROGRAMME_OFFICE},
            zone_.division_codes,
            "编辑先行区 / edit zone",
        )
        audit(session, actor, "update", "zone", code, zone_.division_codes[0], before, snapshot(zone_))
    return zone_


def theme_key(theme: str) -> str:
    """A theme as compared for 一省域一特色: NFKC (full-width = half-width), blanks removed, case folded."""
    return "".join(unicodedata.normalize("NFKC", theme).split()).casefold()


def _one_province_one_theme(session: Session, province: str, theme: str) -> None:
    """一省域一特色: a province-tier zone states its theme; a province has at most one province-tier zone, and no
    two province-tier zones share a theme (zones withdrawn do not count). Raises :class:`ZoneError`."""
    key = theme_key(theme)
    if not key:
        raise ZoneError(
            "省域先行区须写明特色（一省域一特色）", "a province-tier zone must state its theme (一省域一特色)"
        )
    others = session.scalars(
        select(Zone).where(Zone.tier == Tier.PROVINCE.value, Zone.state != State.WITHDRAWN.value)
    ).all()
    for other in others:
        if province in other.division_codes:
            raise ZoneError(
                f"该省已有省域先行区 “{other.code}”（一省域一特色：每省一个）",
                f"this province already has the province-tier zone '{other.code}' (one per province)",
            )
        if theme_key(other.theme) == key:
            raise ZoneError(
                f"省域先行区 “{other.code}” 已采用特色 “{other.theme}”（一省域一特色：特色不重复）",
                f"the province-tier zone '{other.code}' already has the theme '{other.theme}' (themes differ)",
            )


def stand_in(tier: str, roles: frozenset[Role]) -> frozenset[Role]:
    """The offices that take a step whose rule names ``roles``, for a zone of ``tier``: a region-tier zone spans
    several provinces, so the province's steps fall to the programme office. The one home of that rule — the
    zones' lifecycle, the plans' review (:func:`pioneer.plans.documents.plan_steps_roles`) and the typical cases
    (:func:`pioneer.plans.service.case_step_roles`) all ask it."""
    if tier == Tier.REGION.value and Role.PROVINCE in roles:
        return (roles - {Role.PROVINCE}) | {Role.PROGRAMME_OFFICE}
    return roles


def allowed_roles(zone_: Zone, source: State, target: State) -> frozenset[Role]:
    """Roles that may move ``zone_`` from ``source`` to ``target`` (empty if the transition does not exist);
    a region-tier zone's province steps are the programme office's (:func:`stand_in`)."""
    return stand_in(zone_.tier, TRANSITIONS.get((source, target), frozenset()))


def required_roles(zone_: Zone, source: State, target: State) -> frozenset[Role]:
    """:func:`allowed_roles` of a transition that exists; one that does not is refused as the request's error
    (:class:`TransitionError`, 422 in the web app) whoever asks, naming the steps the zone has."""
    roles = allowed_roles(zone_, source, target)
    if not roles:
        options = "、".join(t.label_zh for t in allowed_targets(zone_)) or "无"
        options_en = ", ".join(t.value for t in allowed_targets(zone_)) or "none"
        raise TransitionError(
            f"先行区 {zone_.code} 当前为 “{source.label_zh}”，不能变更为 “{target.label_zh}”（可变更为：{options}）",
            f"zone {zone_.code} is '{source.value}' and cannot move to '{target.value}' (allowed: {options_en})",
        )
    return roles


def allowed_targets(zone_: Zone) -> list[State]:
    source = State(zone_.state)
    return [t for (s, t) in TRANSITIONS if s is source]


def transition(
    session: Session,
    code: str,
    target: State | str,
    /,
    *,
    actor: Actor,
    reason: str = "",
    document_number: str = "",
    at: dt.datetime | None = None,
) -> ZoneResult:
    """Move zone ``code`` to ``target``: the transition must exist from the current state, the actor must have
    an allowed role and scope over all the zone's divisions, a reason is required to return or withdraw, an
    approval (批复) needs the document number of the reply, and time runs forward. Appends one history row;
    returns quota warnings on approval.

    ``document_number`` is a 发文字号 (GB/T 9704-2012 §7.2.4, :func:`pioneer.standards.documents.document_number`):
    required to approve, checked whenever given. The history keeps it at the head of the step's text
    (``批复文号：…；reason`` on approval, ``文号：…；reason`` otherwise) and the audit note carries it —
    so the API, the command line and the pages all approve by this one rule."""
    zone_ = zone(session, code)
    source, target = State(zone_.state), State(target)
    roles = required_roles(zone_, source, target)
    if not permitted(actor, roles):
        allowed, allowed_en = office_names(roles)
        raise PermissionDeniedError(
            f"“{source.label_zh} → {target.label_zh}” 只能由 {allowed} 执行，{actor.username}（{actor.role.label_zh}）无权执行",
            f"'{source.value} -> {target.value}' may be done by {allowed_en} only, "
            f"not by {actor.username} ({actor.role.value})",
        )
    require(actor, roles, zone_.division_codes, f"{source.value} -> {target.value}")
    if (source, target) in REASON_REQUIRED and not reason.strip():
        raise ReasonRequiredError(
            f"“{source.label_zh} → {target.label_zh}” 必须说明理由",
            f"'{source.value} -> {target.value}' needs a reason",
        )
    text = step_text(target, reason, document_number)
    at = at or _now()
    last = session.scalar(
        select(ZoneTransition)
        .where(ZoneTransition.zone_id == zone_.id)
        .order_by(ZoneTransition.seq.desc())
        .limit(1)
    )
    if last is not None and at < stored_time(last.at, CST):
        raise TransitionError(
            f"变更时间 {at.isoformat()} 早于上一次变更（{stored_time(last.at, CST).isoformat()}）",
            f"transition time {at.isoformat()} is before the previous one ({stored_time(last.at, CST).isoformat()})",
        )
    before = snapshot(zone_)
    with session.begin_nested():
        session.add(
            ZoneTransition(
                zone_id=zone_.id,
                seq=(last.seq + 1) if last is not None else 0,
                from_state=source.value,
                to_state=target.value,
                actor_username=actor.username,
                actor_role=actor.role.value,
                reason=text,
                at=at,
            )
        )
        zone_.state = target.value
        zone_.updated_at = at
        session.flush()
        audit(session, actor, "transition", "zone", code, zone_.division_codes[0], before, snapshot(zone_),
              note=text)  # fmt: skip
    warnings = quota_warnings(session, tier=Tier(zone_.tier)) if target is State.APPROVED else []
    return ZoneResult(zone=public(zone_), warnings=warnings)


APPROVAL_PREFIX, NUMBER_PREFIX = "批复文号：", "文号："


def step_text(target: State, reason: str, number: str) -> str:
    """The history text of a step: the reason, headed by the document number when there is one. An approval
    (``→ approved``) needs the number of the reply (批复文号); any number given is checked by the one rule
    (GB/T 9704-2012 §7.2.4) and written in its standard form. Raises a bilingual :class:`InputError` located at
    ``document_number``."""
    reason = reason.strip()
    if target is State.APPROVED and not (number or "").strip():
        raise InputError(
            "批复须填写批复文号，如 环综合函〔2025〕12号",
            "an approval needs the document number of the reply, e.g. 环综合函〔2025〕12号",
            column="document_number",
        )
    if not (number or "").strip():
        return reason
    prefix = APPROVAL_PREFIX if target is State.APPROVED else NUMBER_PREFIX
    return f"{prefix}{standard_number(number)}" + (f"；{reason}" if reason else "")


def history(session: Session, code: str) -> list[ZoneTransition]:
    zone_ = zone(session, code)
    return list(
        session.scalars(
            select(ZoneTransition).where(ZoneTransition.zone_id == zone_.id).order_by(ZoneTransition.seq)
        ).all()
    )


def quota_counts(session: Session, *, states: frozenset[State] | None = COUNTED) -> dict[str, int]:
    """Zones per tier in ``states`` (default: approved or later; ``None``: every state but withdrawn)."""
    query = select(Zone.tier, func.count()).group_by(Zone.tier)
    if states is None:
        query = query.where(Zone.state != State.WITHDRAWN.value)
    else:
        query = query.where(Zone.state.in_([s.value for s in states]))
    return {tier: n for tier, n in session.execute(query).all()}


def quota_warnings(
    session: Session, *, tier: Tier | None = None, states: frozenset[State] | None = COUNTED
) -> list[QuotaWarning]:
    """Soft quotas (≈5 province, ≈50 city, ≈100 county zones): one warning per tier above its quota."""
    counts = quota_counts(session, states=states)
    what_zh = "已批复" if states is COUNTED else "在册（未撤回）"
    what_en = "approved" if states is COUNTED else "registered (not withdrawn)"
    out = []
    for t, quota in QUOTAS.items():
        if tier is not None and t is not tier:
            continue
        n = counts.get(t.value, 0)
        if n > quota:
            out.append(
                QuotaWarning(
                    tier=t.value,
                    count=n,
                    quota=quota,
                    message_zh=f"{what_zh}的 {t.value} 级先行区有 {n} 个，超过约 {quota} 个的软性名额（提示，不是错误）",
                    message_en=f"{n} {what_en} {t.value}-tier zones exceed the soft quota of about {quota} "
                    "(a warning, not an error)",
                )
            )
    return out
