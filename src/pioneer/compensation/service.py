"""Compensation agreements (create, new version, read, list) and yearly statements from the lake's water data.

Writes take the registry's :class:`~pioneer.registry.permissions.Actor`; an agreement binds both parties, so the
actor must cover the upstream *and* the downstream division (:func:`pioneer.registry.permissions.require`: a
province editor alone cannot enter a cross-province agreement, the programme office can). Each write is recorded
in the audit log by the service itself (as in :mod:`pioneer.plans.service`; a caller may pass its own ``record``)
and nothing is written when a check
fails (every problem of a submission is located and listed: :class:`~pioneer.registry.errors.ImportFailedError`).

Statements are computed from a version by :mod:`pioneer.compensation.settlement`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.compensation.models import Agreement, AgreementVersion
from pioneer.compensation.schemas import TERM_PARAMETERS, AgreementCreate, TermKind
from pioneer.errors import InputError, NotFoundError, PioneerError
from pioneer.registry.divisions.service import division
from pioneer.registry.errors import ImportFailedError, UnknownDivisionError
from pioneer.registry.permissions import Actor, Role, recorder, require
from pioneer.registry.stations.models import Station
from pioneer.standards import divisions, water

Record = Callable[[str, str, str, str | None, dict | None, dict | None], None]
EDITORS = frozenset({Role.PROVINCE, Role.PROGRAMME_OFFICE})
CLASS_CODES = (
    {label: k for k, label in enumerate(water.CLASS_LABELS, start=1)}
    | {str(k): k for k in range(1, 7)}
    | {"劣Ⅴ": 6, "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5}
)
OBJECT = "compensation_agreement"


class AgreementNotFoundError(NotFoundError):
    """An unknown agreement or version (HTTP 404)."""


class StatementError(PioneerError):
    """A year that cannot be settled; ``errors`` lists every section and item concerned (nothing is produced)."""

    def __init__(self, message_zh: str, message_en: str, errors: list[PioneerError] | None = None) -> None:
        self.errors = errors or []
        detail_zh = "\n".join(e.message_zh for e in self.errors)
        detail_en = "\n".join(e.message_en for e in self.errors)
        super().__init__(f"{message_zh}\n{detail_zh}".strip(), f"{message_en}\n{detail_en}".strip())


def _no_record(*_args: Any) -> None:
    """The default ``record``: none given, so the service writes the audit log itself
    (:func:`pioneer.registry.permissions.recorder`)."""
    return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---- validation ------------------------------------------------------------------------------------------------
def class_code(label: Any) -> int | None:
    """Class code 1..6 of ``I``..``V``/``劣V`` (also Roman numerals Ⅰ…Ⅴ and ``1``..``6``); None if unknown."""
    text = str(label).strip()
    return CLASS_CODES.get(text.upper(), CLASS_CODES.get(text))


def item_label(code: str) -> str:
    """``化学需氧量（cod）``: the GB 3838-2002 Table 1 name of a parameter code, with the code."""
    t = water.GB3838_TABLE1
    rows = t[t["code"] == code]
    return f"{rows['item_cn'].iloc[0]}（{code}）" if len(rows) else code


def _item(name: str) -> str | None:
    try:
        return water.parameter_code(name)
    except KeyError:
        return None


def agreement_problems(session: Session, data: AgreementCreate, *, file: str | None = None
                       ) -> tuple[list[InputError], dict[str, Any]]:  # fmt: skip
    """Every located problem of ``data`` and its normalised snapshot (item names as parameter codes).

    Checks: both parties are GB/T 2260 codes in the registry and differ; end year ≥ start year; each section is a
    registered water station whose upstream and downstream divisions lie within the agreement's parties
    (:func:`pioneer.standards.divisions.covers`); target classes; each term has its kind's parameters
    (:data:`~pioneer.compensation.schemas.TERM_PARAMETERS`) with positive amounts; item names are known water
    parameters; a P-index term finds a positive baseline for every weighted item at every section.
    """
    problems: list[InputError] = []

    def bad(column: str, zh: str, en: str, value: object = None) -> None:
        problems.append(InputError(zh, en, file=file, column=column, value=value))

    snap = data.model_dump(mode="json")
    for side in ("upstream", "downstream"):
        try:
            division(session, getattr(data, side))
        except UnknownDivisionError:
            bad(side, "行政区划代码不存在", "unknown division code", getattr(data, side))
    if data.upstream == data.downstream:
        bad("downstream", "上下游须为不同的行政区", "upstream and downstream must differ", data.downstream)
    if data.end_year < data.start_year:
        bad("end_year", "结束年份早于开始年份", "end year before start year", data.end_year)
    seen: set[str] = set()
    for i, s in enumerate(data.sections, start=1):
        col = f"sections[{i}]"
        if s.station in seen:
            bad(f"{col}.station", "断面重复", "section listed twice", s.station)
        seen.add(s.station)
        st = session.scalar(select(Station).where(Station.code == s.station))
        if st is None or st.medium != "water":
            bad(f"{col}.station", "未知的断面（须为站点名录中的水质断面）", "unknown section (must be a registered water "
                "station)", s.station)  # fmt: skip
        elif not st.upstream_division_code or not st.downstream_division_code:
            bad(f"{col}.station", "该断面在站点名录中没有上下游行政区", "the station has no upstream/downstream "
                "divisions in the registry", s.station)  # fmt: skip
        elif not (divisions.covers(data.upstream, st.upstream_division_code)
                  and divisions.covers(data.downstream, st.downstream_division_code)):  # fmt: skip
            bad(f"{col}.station", f"断面上下游（{st.upstream_division_code}→{st.downstream_division_code}）不在协议双方"
                "范围内", f"the section's upstream/downstream ({st.upstream_division_code}→"
                f"{st.downstream_division_code}) lie outside the agreement's parties", s.station)  # fmt: skip
        code = class_code(s.target_class)
        if code is None:
            bad(
                f"{col}.target_class",
                "目标类别须为 I–V 或 劣V",
                "target class must be I–V or 劣V",
                s.target_class,
            )
        else:
            snap["sections"][i - 1]["target_class"] = water.CLASS_LABELS[code - 1]
        base = {}
        for name, v in s.baselines.items():
            it = _item(name)
            if it is None:
                bad(f"{col}.baselines", "未知的监测项目", "unknown water parameter", name)
            elif not v > 0:
                bad(f"{col}.baselines.{name}", "基准值须为正数", "baseline must be positive", v)
            else:
                base[it] = v
        snap["sections"][i - 1]["baselines"] = base
    for j, t in enumerate(data.terms, start=1):
        col = f"terms[{j}]"
        required, optional = TERM_PARAMETERS[t.kind]
        given = {k for k, v in t.model_dump().items() if v is not None and k not in ("kind", "label")}
        for k in required:
            if k not in given:
                bad(f"{col}.{k}", f"{t.kind.value} 条款缺少参数（公开资料中未找到的参数须按协议文本填写）",
                    f"{t.kind.value} term needs this parameter (values not found in published sources must be "
                    "entered from the signed agreement)")  # fmt: skip
        for k in sorted(given - set(required) - set(optional)):
            bad(
                f"{col}.{k}",
                f"该参数不适用于 {t.kind.value} 条款",
                f"parameter does not apply to a {t.kind.value} term",
            )
        for k in ("amount", "amount_per_class", "amount_per_point", "amount_per_month", "pool", "k0", "cap"):
            v = getattr(t, k)
            if v is not None and not v > 0:
                bad(f"{col}.{k}", "须为正数", "must be positive", v)
        norm = snap["terms"][j - 1]
        for k in ("weights", "reference"):
            if getattr(t, k) is None:
                continue
            out = {}
            for name, v in getattr(t, k).items():
                it = _item(name)
                if it is None:
                    bad(f"{col}.{k}", "未知的监测项目", "unknown water parameter", name)
                elif v < 0 or (k == "reference" and v == 0):
                    bad(f"{col}.{k}.{name}", "须为正数", "must be positive", v)
                else:
                    out[it] = v
            norm[k] = out
        for k in ("items", "class_items"):
            if getattr(t, k) is None:
                continue
            codes = [_item(x) for x in getattr(t, k)]
            for name, c in zip(getattr(t, k), codes, strict=True):
                if c is None:
                    bad(f"{col}.{k}", "未知的监测项目", "unknown water parameter", name)
            norm[k] = [c for c in codes if c]
        if t.kind is TermKind.INDEX_CHANGE and t.items and t.reference is not None:
            missing = [x for x in norm.get("items", []) if x not in norm.get("reference", {})]
            for x in missing:
                bad(f"{col}.reference", "缺少该项目的参照值", "no reference value for this item", x)
        if t.kind is TermKind.P_INDEX and t.weights:
            for i, s in enumerate(snap["sections"], start=1):
                for it in norm.get("weights", {}):
                    if it not in s["baselines"]:
                        bad(f"sections[{i}].baselines", "缺少基准值（P 值的 Ci0）", "missing baseline (C0 of the "
                            "P-index)", it)  # fmt: skip
    return problems, snap


# ---- agreements ------------------------------------------------------------------------------------------------
def agreement(session: Session, code: str) -> Agreement:
    found = session.scalar(select(Agreement).where(Agreement.code == code))
    if found is None:
        raise AgreementNotFoundError(f"未知的补偿协议 “{code}”", f"unknown compensation agreement '{code}'")
    return found


def version_data(session: Session, code: str, version: int | None = None) -> tuple[int, dict[str, Any]]:
    """The terms of ``version`` (default: the current one) of agreement ``code``."""
    a = agreement(session, code)
    v = a.version if version is None else version
    found = session.scalar(
        select(AgreementVersion).where(AgreementVersion.agreement_id == a.id, AgreementVersion.version == v)
    )
    if found is None:
        raise AgreementNotFoundError(
            f"补偿协议 “{code}” 没有第 {v} 版", f"agreement '{code}' has no version {v}"
        )
    return v, found.data


def list_agreements(session: Session, *, division_code: str | None = None) -> list[Agreement]:
    """Agreements, optionally those with a party within (or containing) ``division_code``."""
    q = select(Agreement).order_by(Agreement.code)
    rows = list(session.scalars(q))
    if division_code is None:
        return rows
    return [a for a in rows if any(divisions.covers(division_code, p) or divisions.covers(p, division_code)
                                   for p in (a.upstream_division_code, a.downstream_division_code))]  # fmt: skip


def public(a: Agreement, data: dict[str, Any]) -> dict[str, Any]:
    return {"code": a.code, "name": a.name, "basin": a.basin, "upstream_division_code": a.upstream_division_code,
            "downstream_division_code": a.downstream_division_code, "start_year": a.start_year,
            "end_year": a.end_year, "version": a.version, "data": data}  # fmt: skip


def _checked(session: Session, data: AgreementCreate, actor: Actor, action: str, file: str | None) -> dict:
    require(actor, EDITORS, [data.upstream, data.downstream], action)
    problems, snap = agreement_problems(session, data, file=file)
    if problems:
        raise ImportFailedError(file or data.code, problems)
    return snap


def create_agreement(session: Session, data: AgreementCreate, /, *, actor: Actor, record: Record = _no_record,
                     note: str = "", file: str | None = None) -> Agreement:  # fmt: skip
    """Enter a new agreement as version 1 (all checks first; nothing written on any problem)."""
    if session.scalar(select(Agreement.id).where(Agreement.code == data.code)) is not None:
        raise ImportFailedError(file or data.code, [InputError("协议编号已存在（修改请提交新版本）", "agreement code "
                                                            "exists (submit a new version to change it)",
                                                            file=file, column="code", value=data.code)])  # fmt: skip
    snap = _checked(session, data, actor, "录入补偿协议 / enter compensation agreement", file)
    a = Agreement(code=data.code, name=data.name, basin=data.basin, upstream_division_code=data.upstream,
                  downstream_division_code=data.downstream, start_year=data.start_year, end_year=data.end_year,
                  version=1, created_at=_now(), updated_at=_now())  # fmt: skip
    a.versions.append(AgreementVersion(version=1, data=snap, created_by=actor.username, note=note,
                                       created_at=_now()))  # fmt: skip
    session.add(a)
    session.flush()
    recorder(session, actor, record, unset=_no_record)(
        "create", OBJECT, a.code, a.upstream_division_code, None, {"version": 1, **snap}
    )
    return a


def update_agreement(session: Session, code: str, data: AgreementCreate, /, *, actor: Actor,
                     record: Record = _no_record, note: str = "", file: str | None = None) -> Agreement:  # fmt: skip
    """Write a new version of agreement ``code`` (earlier versions stay as they were)."""
    a = agreement(session, code)
    if data.code != code:
        raise ImportFailedError(file or code, [InputError("协议编号不能修改", "the agreement code cannot change",
                                                          file=file, column="code", value=data.code)])  # fmt: skip
    # the actor must cover the parties before and after the change
    require(
        actor,
        EDITORS,
        [a.upstream_division_code, a.downstream_division_code],
        "修改补偿协议 / edit agreement",
    )
    snap = _checked(session, data, actor, "修改补偿协议 / edit agreement", file)
    _, before = version_data(session, code)
    a.version += 1
    a.name, a.basin, a.upstream_division_code, a.downstream_division_code = (data.name, data.basin,
                                                                              data.upstream, data.downstream)  # fmt: skip
    a.start_year, a.end_year, a.updated_at = data.start_year, data.end_year, _now()
    a.versions.append(AgreementVersion(version=a.version, data=snap, created_by=actor.username, note=note,
                                       created_at=_now()))  # fmt: skip
    session.flush()
    recorder(session, actor, record, unset=_no_record)("update", OBJECT, a.code, a.upstream_division_code, {"version": a.version - 1, **before},
           {"version": a.version, **snap})  # fmt: skip
    return a


def versions(session: Session, code: str) -> list[AgreementVersion]:
    return list(agreement(session, code).versions)


def agreements_of(session: Session, code: str) -> list[Agreement]:
    """Agreements where ``code`` is (or contains) a party — for a division's or a basin's page."""
    return list_agreements(session, division_code=code)


__all__ = [
    "AgreementNotFoundError",
    "StatementError",
    "agreement",
    "agreement_problems",
    "agreements_of",
    "class_code",
    "create_agreement",
    "item_label",
    "list_agreements",
    "public",
    "update_agreement",
    "version_data",
    "versions",
]
