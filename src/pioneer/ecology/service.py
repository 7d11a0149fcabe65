"""Service API of the ecology registers: check, save (create or replace by natural key), list and delete rows.

Every write takes the registry's :class:`~pioneer.registry.permissions.Actor`, checks it with
:func:`pioneer.registry.permissions.require` against the division of every row (a child row — protection zone,
filing, manifest, inspection, hazard, emission — takes its parent's division), and records each change in the
audit log itself (user and request id from the actor), whoever calls it; a caller may pass its own ``record``
(``record(action, object_type, key, division_code, before, after)``, as the CLI does to add its note). A batch is all or
nothing: :func:`problems` lists every located error (file, sheet, row, column) and nothing is written unless
there is none; the caller's transaction rolls back on any error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.ecology.registers import REGISTERS, Register
from pioneer.errors import InputError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.registry.divisions.service import check_codes_in_force, latest_year
from pioneer.registry.errors import ImportFailedError
from pioneer.registry.permissions import Actor, Role, recorder, require
from pioneer.standards import divisions as gbt2260

Record = Callable[[str, str, str, str | None, dict | None, dict | None], None]
EDITORS = frozenset({Role.ZONE, Role.PROVINCE, Role.PROGRAMME_OFFICE})
TRUE = {"是", "true", "1", "yes", "y", "t", "1.0"}
FALSE = {"否", "false", "0", "no", "n", "f", "0.0"}


def _no_record(*_args: Any) -> None:
    """The default ``record``: none given, so the service writes the audit log itself
    (:func:`pioneer.registry.permissions.recorder`)."""
    return None


def _text(s: pd.Series) -> pd.Series:
    """Cells as stripped text, missing (None, NaN, blank) as NA."""
    t = s.astype("string").str.strip()
    return t.mask(t.isna() | (t == "") | t.str.lower().isin(["nan", "none"]))


def _code_text(s: pd.Series) -> pd.Series:
    return _text(s).str.replace(r"\.0$", "", regex=True)


# --- parsing and checks -----------------------------------------------------------------------------------------


def parse(reg: Register, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[pd.Series, str, str, str]]]:
    """Typed values of a frame of text cells (fields of ``reg``; ``_row`` kept) and the failed masks
    ``(mask, field, reason_zh, reason_en)`` of the per-field checks (required, kind, choices, range, length)."""
    f = frame.copy()
    for k in reg.keys:
        if k not in f.columns:
            f[k] = None
    out = pd.DataFrame(index=f.index)
    bad: list[tuple[pd.Series, str, str, str]] = []
    for fd in reg.fields:
        raw = _code_text(f[fd.key]) if fd.kind in ("code6", "codes6") else _text(f[fd.key])
        missing = raw.isna()
        if fd.required:
            bad.append((missing, fd.key, "必填项为空", "required value missing"))
        has = ~missing
        if fd.kind == "text":
            out[fd.key] = raw
            bad.append((has & (raw.str.len() > fd.max_len), fd.key, f"超过 {fd.max_len} 个字符",
                        f"longer than {fd.max_len} characters"))  # fmt: skip
        elif fd.kind == "code6":
            out[fd.key] = raw
            bad.append((has & ~raw.str.fullmatch(DIVISION_CODE_PATTERN).fillna(False), fd.key, "行政区划代码应为6位数字",
                        "division code must be 6 digits"))  # fmt: skip
        elif fd.kind == "codes6":
            norm = raw.str.replace(r"[，、;；\s]+", ",", regex=True).str.strip(",")
            out[fd.key] = norm
            ok = norm.str.fullmatch(r"[0-9]{6}(,[0-9]{6})*").fillna(False)  # division codes, comma-separated
            bad.append(
                (has & ~ok, fd.key, "应为逗号分隔的6位行政区划代码", "must be comma-separated 6-digit codes")
            )
        elif fd.kind in ("int", "float"):
            num = pd.to_numeric(raw, errors="coerce")
            bad.append((has & num.isna(), fd.key, "不是数字", "not a number"))
            if fd.kind == "int":
                bad.append((num.notna() & (num % 1 != 0), fd.key, "应为整数", "must be a whole number"))
            if fd.lo is not None:
                bad.append((num < fd.lo, fd.key, f"小于下限 {fd.lo:g}", f"below the minimum {fd.lo:g}"))
            if fd.hi is not None:
                bad.append((num > fd.hi, fd.key, f"大于上限 {fd.hi:g}", f"above the maximum {fd.hi:g}"))
            # whole numbers as Int64 (so that a year is 2025, not 2025.0, in keys and audit records)
            out[fd.key] = num.where(num % 1 == 0).astype("Int64") if fd.kind == "int" else num
        elif fd.kind == "date":
            d = pd.to_datetime(raw, errors="coerce", format="mixed")
            bad.append(
                (has & d.isna(), fd.key, "日期无效（应为 YYYY-MM-DD）", "invalid date (YYYY-MM-DD expected)")
            )
            out[fd.key] = d.dt.date.where(d.notna(), None)
        elif fd.kind == "bool":
            low = raw.str.lower()
            bad.append((has & ~low.isin(TRUE | FALSE), fd.key, "应为 是/否", "must be yes/no (是/否)"))
            out[fd.key] = low.isin(TRUE).where(has, None)
        elif fd.kind == "choice":
            by_label = {v: k for k, v in fd.choices.items()}
            code = raw.replace(by_label)  # a Chinese label is accepted for its code
            allowed = "、".join(f"{k}={v}" for k, v in fd.choices.items())
            bad.append((has & ~code.isin(list(fd.choices)), fd.key, f"不在可选值中（{allowed}）",
                        f"not an allowed value ({', '.join(fd.choices)})"))  # fmt: skip
            out[fd.key] = code
    out["_row"] = f["_row"] if "_row" in f.columns else None
    return out, bad


def _stored(session: Session, reg: Register) -> pd.DataFrame:
    cols = [getattr(reg.model, k) for k in reg.keys]
    rows = session.execute(select(*cols)).all()
    return pd.DataFrame(rows, columns=reg.keys)


def row_divisions(session: Session, reg: Register, values: pd.DataFrame,
              batch: dict[str, pd.DataFrame] | None = None) -> pd.Series:  # fmt: skip
    """The division code of each row: its own field, or its parent's (stored or in the same batch)."""
    if reg.division is not None:
        return values[reg.division]
    assert reg.parent is not None
    parent = REGISTERS[reg.parent[0]]
    known = _parent_divisions(session, parent, batch)
    return values[reg.parent[1]].map(known)


def _parent_divisions(session: Session, parent: Register, batch: dict[str, pd.DataFrame] | None) -> dict:
    stored = _stored(session, parent)
    pairs = dict(zip(stored["code"], stored["division_code"], strict=True)) if len(stored) else {}
    if batch and parent.name in batch:
        b = batch[parent.name]
        pairs.update(dict(zip(b["code"], b["division_code"], strict=True)))
    return pairs


def problems(session: Session, reg: Register, frame: pd.DataFrame, *, file: str | None = None,
             batch: dict[str, pd.DataFrame] | None = None) -> tuple[pd.DataFrame, list[InputError]]:  # fmt: skip
    """Typed values and every located problem of a frame of rows of ``reg`` (columnar checks): the field
    checks of :func:`parse`, unknown division codes (GB/T 2260, in force in the registry's latest year),
    duplicate natural keys, unknown parents, manifests between units of the wrong role, hazard dates out of
    order. ``batch``: typed frames of parent registers in the same import."""
    values, bad = parse(reg, frame)
    where = f"{file}#{reg.sheet}" if file else reg.sheet
    year = latest_year(session)
    for fd in reg.fields:
        if fd.kind == "code6":
            ok = values[fd.key].notna() & values[fd.key].str.fullmatch(DIVISION_CODE_PATTERN).fillna(False)
            chk = pd.DataFrame({"code": values[fd.key].where(ok), "year": year})
            status = check_codes_in_force(session, chk, code="code", year="year")
            bad.append((ok & (status != "ok"), fd.key, f"行政区划代码不存在或 {year} 年不在用",
                        f"division code unknown or not in force in {year}"))  # fmt: skip
        elif fd.kind == "codes6":
            ex = values[fd.key].dropna().str.split(",").explode()
            ex = ex[ex.str.fullmatch(DIVISION_CODE_PATTERN).fillna(False)]
            if len(ex):
                chk = pd.DataFrame({"code": ex.to_numpy(), "year": year})
                st = pd.Series(
                    check_codes_in_force(session, chk, code="code", year="year").to_numpy(), index=ex.index
                )
                bad_rows = st[st != "ok"].index.unique()
                bad.append((values.index.isin(bad_rows), fd.key, f"含不存在或 {year} 年不在用的行政区划代码",
                            f"contains a division code unknown or not in force in {year}"))  # fmt: skip
    key = values[list(reg.key)]
    dup = key.notna().all(axis=1) & key.duplicated(keep="first")
    bad.append((dup, reg.key[-1], "与前面的行重复（同一主键）", "duplicate of an earlier row (same key)"))
    if reg.parent is not None:
        parent = REGISTERS[reg.parent[0]]
        known = set(_parent_divisions(session, parent, batch))
        for col in reg.parent_fields:
            v = values[col]
            bad.append((v.notna() & ~v.isin(known), col, f"在“{parent.sheet}”中不存在",
                        f"not in the {parent.title_en} register"))  # fmt: skip
    if reg.name == "hw_manifests":
        roles = _roles(session, batch)
        prod, recv = values["producer_code"].map(roles), values["receiver_code"].map(roles)
        bad.append((prod.notna() & ~prod.isin(["producer", "both"]), "producer_code", "移出单位不是产生单位",
                    "the producer is not a producing unit"))  # fmt: skip
        bad.append((recv.notna() & ~recv.isin(["disposer", "both"]), "receiver_code", "接受单位不是利用处置单位",
                    "the receiver is not a licensed recovery/disposal unit"))  # fmt: skip
    if reg.name == "tailings_hazards":
        f, d, r = (pd.to_datetime(values[c]) for c in ("found_on", "deadline", "rectified_on"))
        bad.append((d < f, "deadline", "整改期限早于发现日期", "deadline before the date found"))
        bad.append((r < f, "rectified_on", "整改完成日期早于发现日期", "rectified before the date found"))
    errors = []
    for mask, col, zh, en in bad:
        mask = pd.Series(mask, index=values.index).fillna(False).astype(bool)
        if not mask.any():
            continue
        fd = reg.field(col)
        raw = frame.loc[mask, col] if col in frame.columns else pd.Series(None, index=values.index[mask])
        for row, v in zip(values.loc[mask, "_row"], raw, strict=True):  # one message per failed cell
            shown = None if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "" else v
            errors.append(InputError(zh, en, file=where, row=None if pd.isna(row) else int(row), column=fd.zh,
                                     value=shown))  # fmt: skip
    errors.sort(key=lambda e: e.row or 0)
    return values, errors


def _roles(session: Session, batch: dict[str, pd.DataFrame] | None) -> dict:
    rows = session.execute(select(REGISTERS["hw_units"].model.code, REGISTERS["hw_units"].model.role)).all()
    roles = dict(rows)
    if batch and "hw_units" in batch:
        b = batch["hw_units"]
        roles.update(dict(zip(b["code"], b["role"], strict=True)))
    return roles


# --- writes -------------------------------------------------------------------------------------------------


def _json(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def snapshot(reg: Register, obj: Any) -> dict[str, Any]:
    return {k: _json(getattr(obj, k)) for k in reg.keys}


def _key_text(reg: Register, key: tuple) -> str:
    return "/".join(str(_json(k)) for k in key)


def _clean(reg: Register, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for fd in reg.fields:
        v = row.get(fd.key)
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            v = None
        elif fd.kind == "int":
            v = int(v)
        elif fd.kind == "float":
            v = float(v)
        elif fd.kind == "bool":
            v = bool(v)
        elif fd.kind in ("text", "code6", "codes6", "choice"):
            v = str(v)
        if v is None and fd.kind in ("text", "codes6") and not fd.required:
            col = reg.model.__table__.columns[fd.key]
            v = None if col.nullable else ""
        out[fd.key] = v
    return out


def save(session: Session, reg: Register, values: pd.DataFrame, /, *, actor: Actor, record: Record = _no_record,
         batch: dict[str, pd.DataFrame] | None = None) -> int:  # fmt: skip
    """Create or replace (by natural key) checked rows of ``reg`` (``values`` from :func:`problems` with no
    problem); scope-checked against the divisions of the new and of the replaced rows, each change audited."""
    if values.empty:
        return 0
    new_div = row_divisions(session, reg, values, batch)
    stored = _stored_by_key(session, reg, values)
    keys = [tuple(r) for r in values[list(reg.key)].itertuples(index=False)]
    replaced = [stored[k] for k in keys if k in stored]
    old = pd.DataFrame([{f: getattr(o, f) for f in reg.keys} for o in replaced], columns=reg.keys)
    old_div = (
        list(row_divisions(session, reg, old).dropna()) if len(old) else []
    )  # the stored rows' divisions
    require(
        actor, EDITORS, sorted(set(new_div.dropna()) | set(old_div)), f"编辑{reg.sheet} / edit {reg.title_en}"
    )
    for k, row, div in zip(keys, values.to_dict("records"), new_div, strict=True):
        data = _clean(reg, row)
        o = stored.get(k)
        before = snapshot(reg, o) if o is not None else None
        if o is None:
            o = reg.model(**data)
            session.add(o)
        else:
            for f, v in data.items():
                setattr(o, f, v)
        session.flush()
        recorder(session, actor, record, unset=_no_record)("update" if before else "create", f"ecology.{reg.name}", _key_text(reg, k), div, before,
               snapshot(reg, o))  # fmt: skip
    return len(keys)


def _stored_by_key(session: Session, reg: Register, values: pd.DataFrame) -> dict[tuple, Any]:
    """Stored rows whose natural key occurs in ``values`` (looked up by the key's first field, 500 at a time)."""
    first = getattr(reg.model, reg.key[0])
    wanted = sorted({str(v) for v in values[reg.key[0]].dropna()})
    out: dict[tuple, Any] = {}
    for i in range(0, len(wanted), 500):
        for o in session.scalars(select(reg.model).where(first.in_(wanted[i : i + 500]))):
            out[tuple(getattr(o, k) for k in reg.key)] = o
    return out


def _division_of(session: Session, reg: Register, obj: Any) -> str | None:
    if reg.division is not None:
        return getattr(obj, reg.division)
    assert reg.parent is not None
    parent = REGISTERS[reg.parent[0]]
    p = session.scalar(select(parent.model).where(parent.model.code == getattr(obj, reg.parent[1])))
    return None if p is None else _division_of(session, parent, p)


def save_rows(session: Session, name: str, rows: list[dict[str, Any]], /, *, actor: Actor,
              record: Record = _no_record, file: str | None = None) -> int:  # fmt: skip
    """Check and save rows of one register given as dicts (API body, CLI file): all or nothing."""
    reg = REGISTERS[name]
    frame = pd.DataFrame(rows, dtype=object)
    unknown = [c for c in frame.columns if c not in reg.keys and c != "_row"]
    if unknown:  # a misspelt field would otherwise be dropped without a word
        raise InputError(f"{reg.sheet}没有字段 {', '.join(map(str, unknown))}",
                         f"{reg.title_en} has no field {', '.join(map(str, unknown))}", file=file,
                         column=str(unknown[0]))  # fmt: skip
    if "_row" not in frame.columns:
        frame["_row"] = np.arange(1, len(frame) + 1)
    values, errors = problems(session, reg, frame, file=file)
    if errors:
        raise ImportFailedError(file or reg.sheet, errors)
    return save(session, reg, values, actor=actor, record=record)


def save_batch(session: Session, frames: dict[str, pd.DataFrame], /, *, actor: Actor, record: Record = _no_record,
               file: str) -> dict[str, int]:  # fmt: skip
    """Check every register's frame of one file (parents before children, a child may name a parent of the
    same file), then save them — only when no frame has a problem."""
    typed: dict[str, pd.DataFrame] = {}
    errors: list[InputError] = []
    for name in REGISTERS:
        if name in frames:
            values, errs = problems(session, REGISTERS[name], frames[name], file=file, batch=typed)
            typed[name] = values
            errors += errs
    if errors:
        raise ImportFailedError(file, errors)
    return {name: save(session, REGISTERS[name], v, actor=actor, record=record, batch=typed)
            for name, v in typed.items()}  # fmt: skip


def delete(session: Session, name: str, key: tuple, /, *, actor: Actor, record: Record = _no_record) -> None:
    """Delete one row by natural key (children of a parent go with it, ``ON DELETE CASCADE``)."""
    from pioneer.ecology.errors import RegisterRowNotFoundError

    reg = REGISTERS[name]
    q = select(reg.model)
    for k, v in zip(reg.key, key, strict=True):
        q = q.where(getattr(reg.model, k) == v)
    obj = session.scalar(q)
    if obj is None:
        raise RegisterRowNotFoundError(f"{reg.sheet}中没有 “{_key_text(reg, key)}”",
                                       f"no row '{_key_text(reg, key)}' in {reg.title_en}")  # fmt: skip
    div = _division_of(session, reg, obj)
    require(actor, EDITORS, [d for d in [div] if d], f"删除{reg.sheet} / delete {reg.title_en}")
    before = snapshot(reg, obj)
    # rows of child registers go with their parent (ON DELETE CASCADE): the audit entry keeps their snapshots
    children: dict[str, list[dict[str, Any]]] = {}
    for child in REGISTERS.values():
        refs = child.parent_fields if child.parent and child.parent[0] == reg.name else []
        for col in refs:
            rows = session.scalars(select(child.model).where(getattr(child.model, col) == obj.code))
            children.setdefault(child.name, []).extend(snapshot(child, r) for r in rows)
    children = {k: v for k, v in children.items() if v}
    # the rows that go with it must lie in the actor's scope too (a disposer named by another province's manifests)
    others = {d for name, rows in children.items()
              for d in row_divisions(session, REGISTERS[name], pd.DataFrame(rows)).dropna()}  # fmt: skip
    require(
        actor, EDITORS, sorted(others), f"删除{reg.sheet}及其关联记录 / delete {reg.title_en} with its rows"
    )
    if children:
        before["deleted_with_it"] = children
    session.delete(obj)
    session.flush()
    recorder(session, actor, record, unset=_no_record)(
        "delete", f"ecology.{reg.name}", _key_text(reg, key), div, before, None
    )


# --- reads --------------------------------------------------------------------------------------------------


def list_rows(session: Session, name: str, /, *, division: str | None = None,
              filters: dict[str, str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Stored rows of a register with their resolved ``_division`` (own or parent's), optionally only those
    within ``division`` (GB/T 2260 containment) and matching ``filters`` (field → exact value)."""
    reg = REGISTERS[name]
    df = _stored(session, reg)
    for f in reg.fields:
        if f.kind == "int":  # whole numbers stay whole when a column has gaps
            df[f.key] = df[f.key].astype("Int64")
    df["_division"] = row_divisions(session, reg, df) if len(df) else pd.Series(dtype=object)
    if division:
        df = df[gbt2260.within(df["_division"], [division])]
    for k, v in (filters or {}).items():
        if k not in reg.keys:
            raise InputError(f"{reg.sheet}没有字段 “{k}”", f"{reg.title_en} has no field '{k}'", column=k)
        df = df[df[k].astype(str) == str(v)]
    return df.sort_values(list(reg.key)).reset_index(drop=True)
