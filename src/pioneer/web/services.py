"""Operations shared by the pages and the API: each one calls ``auth.restrict`` first, then the registry or
lake service, then writes the audit entry — all in the request's transaction (nothing written on error)."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from pioneer.config import settings
from pioneer.errors import InputError, PioneerError
from pioneer.guard.files import upload_name
from pioneer.lake.ingest import ingest
from pioneer.lake.layouts import sniff_layout, with_name_time
from pioneer.lake.readers import read_file
from pioneer.lake.storage import Lake
from pioneer.lake.validate import check
from pioneer.registry.stations import service as stations
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.choices import COUNTED, State
from pioneer.registry.zones.models import Zone, ZoneDivision
from pioneer.registry.zones.schemas import ZoneCreate
from pioneer.standards import divisions as gbt2260
from pioneer.web import auth
from pioneer.web.models import User
from pioneer.web.security import upload_cap

PUBLISHED = frozenset(s.value for s in COUNTED)


def published(zone: Zone) -> bool:
    return zone.state in PUBLISHED


def visible_clause(user: User | None) -> ColumnElement[bool]:
    """The visibility rule as a SQL condition on ``Zone``: the public sees published zones only; signed-in users
    also unpublished ones (national roles: all; editors: those all of whose divisions lie in their scope, by
    ``auth.scope_clause``)."""
    if auth.allowed(user, auth.Action.VIEW) and auth.Role(user.role) not in auth.EDITORS:  # type: ignore[union-attr]
        return true()
    outside = ~auth.scope_clause(user, auth.Action.EDIT, ZoneDivision.division_code)
    in_scope = Zone.divisions.any() & ~Zone.divisions.any(outside) if user is not None else false()
    return Zone.state.in_(PUBLISHED) | in_scope


def visible_zones(session: Session, user: User | None) -> list[Zone]:
    """Zones the user may see (:func:`visible_clause`), by code — one query (and one for their divisions)."""
    return list(session.scalars(select(Zone).where(visible_clause(user)).order_by(Zone.code)).all())


def visible_zone(session: Session, user: User | None, code: str) -> Zone:
    """The zone ``code`` if the user may see it (:func:`visible_clause`) — one query for that zone; unpublished
    zones do not exist for the public (``UnknownZoneError``, as for an unknown code)."""
    zone = session.scalar(select(Zone).where(Zone.code == code, visible_clause(user)))
    if zone is None:
        from pioneer.registry.errors import UnknownZoneError

        raise UnknownZoneError(code)
    return zone


def sees_zone(session: Session, user: User | None, code: str) -> bool:
    """Whether ``user`` may see the zone ``code`` (:func:`visible_clause`) — one query for that zone."""
    return session.scalar(select(Zone.code).where(Zone.code == code, visible_clause(user))) is not None


snapshot = zones.snapshot  # the audit form of a zone: one home, the registry's zone service


def step_action(roles: frozenset[Any]) -> auth.Action:
    """The web action a workflow step needs, from the offices that take it: the programme office's steps need
    REVIEW, the province's and the zone's EDIT (zones' lifecycle and typical cases)."""
    from pioneer.registry.permissions import Role as R

    return auth.Action.REVIEW if roles and roles <= {R.PROGRAMME_OFFICE} else auth.Action.EDIT


def transition_action(zone: Zone, target: State) -> auth.Action:
    """The action of a lifecycle step (:func:`step_action` over :func:`zones.required_roles`: a step the
    lifecycle lacks is the request's error, 422, before anyone's rights are weighed)."""
    return step_action(zones.required_roles(zone, State(zone.state), target))


def allowed_targets(user: User | None, zone: Zone) -> list[State]:
    """The lifecycle steps from the zone's state that ``user`` may take (what the pages offer, nothing more):
    the registry's rule for who takes each step (:func:`pioneer.registry.permissions.permitted` over
    :func:`zones.allowed_roles`, the check :func:`zones.transition` makes) and the user's scope."""
    from pioneer.registry.permissions import permitted

    if user is None:
        return []
    who = auth.actor(user)
    source = State(zone.state)
    return [t for (s, t) in zones.TRANSITIONS if s is source and permitted(who, zones.allowed_roles(zone, s, t))
            and auth.allowed(user, transition_action(zone, t), zone.division_codes)]  # fmt: skip


def todo(session: Session, user: User | None) -> list[tuple[Zone, list[State]]]:
    """What awaits ``user``: each zone they can see with a step forward they may take (withdrawal, always
    possible, is not a to-do and stays on the zone's page)."""
    out = []
    for z in visible_zones(session, user):
        steps = [t for t in allowed_targets(user, z) if t != State.WITHDRAWN]
        if steps:
            out.append((z, steps))
    return out


def case_action(session: Session, case: Any, target: str, zone: Zone | None = None) -> auth.Action:
    """The action of a step of a typical case (:func:`step_action` over
    :func:`pioneer.plans.service.required_case_step`: a step the workflow lacks is the request's error, 422,
    before anyone's rights are weighed). ``zone``: the case's zone when the caller has it."""
    from pioneer.plans import service as plans

    z = zone if zone is not None and zone.code == case.zone_code else zones.zone(session, case.zone_code)
    return step_action(plans.required_case_step(z.tier, case.status, target))


def case_steps(session: Session, user: User | None, case: Any, zone: Zone) -> list[str]:
    """The steps of typical case ``case`` (of ``zone``) that ``user`` may take now — the plans service's rule
    (:func:`pioneer.plans.service.permitted_case_steps`: office and scope) and the user's action on the zone's
    divisions, the checks the step itself makes; what the pages offer, nothing more."""
    from pioneer.plans import service as plans

    if user is None:
        return []
    return [t.value for t in plans.permitted_case_steps(session, case, auth.actor(user), zone)
            if auth.allowed(user, case_action(session, case, t.value, zone), zone.division_codes)]  # fmt: skip


def case_todo(session: Session, user: User | None) -> list[tuple[Any, Zone, list[str]]]:
    """Typical cases awaiting a decision by ``user`` — the province's recommendation (or return), the programme
    office's approval (or return) and publication: ``(case, zone, steps)``. Submitting is the zone's own business
    and stays on the cases page."""
    from pioneer.plans import service as plans
    from pioneer.plans.choices import CaseStatus

    if user is None:
        return []
    zones_ = {z.code: z for z in visible_zones(session, user)}
    out = []
    for c in plans.list_cases(session):
        if c.zone_code not in zones_ or c.status in (CaseStatus.DRAFT, CaseStatus.RETURNED):
            continue
        steps = case_steps(session, user, c, zones_[c.zone_code])
        if steps:
            out.append((c, zones_[c.zone_code], steps))
    return out


def create_zone(session: Session, user: User | None, data: ZoneCreate, *, request_id: str = "") -> Any:
    auth.restrict(user, auth.Action.EDIT, data.division_codes)
    assert user is not None
    # audited by the registry's service itself (user and request id from the actor)
    return zones.create_zone(session, data, actor=auth.actor(user, request_id=request_id))


def transition_zone(
    session: Session,
    user: User | None,
    code: str,
    target: str,
    reason: str = "",
    *,
    document_number: str = "",
    request_id: str = "",
) -> Any:
    """A lifecycle step by a web user (API and pages): the action checked here, the rest — the step, the
    office, the scope, the reason, the approval's 文号 — by the registry's service."""
    zone = visible_zone(session, user, code) if user is not None else zones.zone(session, code)
    try:
        target_state = State(target)
    except ValueError:
        raise InputError("未知状态", f"unknown state (known: {', '.join(State)})", column="to_state",
                         value=target) from None  # fmt: skip
    auth.restrict(user, transition_action(zone, target_state), zone.division_codes)
    assert user is not None
    # audited by the registry's service itself (user and request id from the actor)
    return zones.transition(
        session,
        code,
        target_state,
        actor=auth.actor(user, request_id=request_id),
        reason=reason,
        document_number=document_number,
    )


def update_zone(
    session: Session,
    user: User | None,
    code: str,
    *,
    theme: str | None = None,
    name_en: str | None = None,
    request_id: str = "",
) -> Zone:
    """Edit a zone's description (theme, English name) — editors in scope, admin: the action checked here, the
    fields, the scope (again after the write) and the audit entry by the registry's service."""
    zone = visible_zone(session, user, code) if user is not None else zones.zone(session, code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    assert user is not None
    return zones.update_zone(session, code, actor=auth.actor(user, request_id=request_id), theme=theme,
                             name_en=name_en)  # fmt: skip


# --- uploads: file → validation report → confirm ----------------------------------------------------------------


def uploads_dir() -> Path:
    return settings().home / "uploads"


def known_stations(session: Session) -> dict[str, str]:
    """Registered stations → city code (the registry's stations, ``division_code`` up to the prefecture)."""
    found = stations.list_stations(session)
    cities = gbt2260.rollup(pd.Series([s.division_code for s in found], dtype="object"), "city")
    return dict(zip([s.code for s in found], cities, strict=True))


def validate_upload(session: Session, user: User | None, name: str, data: bytes) -> dict[str, Any]:
    """Check an uploaded file without writing to the lake; keep it under ``$PIONEER_HOME/uploads/<id>`` for
    the confirmation step. Returns ``{upload_id, file, rows_ok, errors: [row dicts]}``."""
    scope = [user.division_code] if user is not None and user.division_code else []
    auth.restrict(user, auth.Action.EDIT, scope)
    if not data:
        raise InputError("文件为空", "the file is empty", file=name)
    cap = upload_cap()
    if len(data) > cap:
        mb = cap // (1024 * 1024)
        raise InputError(f"文件过大（最多 {mb} MB）", f"file too large (at most {mb} MB)", file=name)
    safe = upload_name(name)
    if is_indicator_template(safe, data):
        return validate_reported(user, safe, data)
    errors: list[pa.Table] = []
    outside: list[dict[str, Any]] = []
    rows_ok = 0
    try:
        read = read_file(safe, data)
    except InputError as exc:
        return {"upload_id": None, "file": safe, "rows_ok": 0, "errors": [_error_row(exc)]}
    for sheet in read.sheets:
        layout = sniff_layout([c for c in sheet.table.column_names if c != "_row"])
        if layout is None:
            return {"upload_id": None, "file": safe, "rows_ok": 0, "errors": [_error_row(InputError(
                "无法识别表格格式（列名不符合任何已知格式）", "layout not recognised (the column names match no known layout)",
                file=safe, row=1))]}  # fmt: skip
        try:
            table = with_name_time(sheet.table, layout, safe)  # a layout may read the time from the file name
        except InputError as exc:
            return {"upload_id": None, "file": safe, "rows_ok": 0, "errors": [_error_row(exc)]}
        checked = check(table, layout, known_stations=known_stations(session), bad_rows=sheet.bad_rows)
        rows_ok += checked.rows.num_rows
        if checked.errors.num_rows:
            errors.append(checked.errors)
        outside += outside_scope(user, checked.rows)
    error_rows = [r for t in errors for r in t.to_pylist()] + outside
    upload_id = None if error_rows else _keep_upload(user, safe, data, "lake")
    return {"upload_id": upload_id, "file": safe, "rows_ok": rows_ok, "errors": error_rows[:1000],
            "errors_total": len(error_rows), "kind": "lake"}  # fmt: skip


def outside_scope(user: User | None, rows: pa.Table) -> list[dict[str, Any]]:
    """Error rows for checked measurements whose division (a station's city, a section's or point's division)
    lies outside the user's editing scope — one per division, at its first row. An editor's rows without a
    division cannot be placed in the scope and are refused too; national roles may import anywhere."""
    column = (
        "city" if "city" in rows.column_names else "division" if "division" in rows.column_names else None
    )
    if column is None or rows.num_rows == 0:
        return []
    frame = rows.select([column, "_row"]).to_pandas()  # _row: the source row number
    out = []
    for code, g in frame.groupby(frame[column].fillna(""), sort=True):
        if code and auth.allowed(user, auth.Action.EDIT, [str(code)]):
            continue
        if not code and not (user is not None and user.division_code):
            continue  # national roles: a row without a division is not outside anything
        zh = (
            f"所属行政区 {code} 不在您的管辖范围内"
            if code
            else "站点或断面未登记所属行政区，无法核对管辖范围"
        )
        en = (
            f"division {code} is outside your area"
            if code
            else "station or section has no registered division"
        )
        out.append({"row": int(g["_row"].min()), "column": column, "value": str(code) or None, "code": "scope",
                    "reason_zh": f"{zh}（共 {len(g)} 行）", "reason_en": f"{en} ({len(g)} rows)"})  # fmt: skip
    return out


def is_indicator_template(name: str, data: bytes) -> bool:
    """An Excel workbook with the reporting sheet of ``pioneer.indicators.template`` (sheet ``填报``)."""

    from pioneer.guard.excel import open_workbook
    from pioneer.indicators.template import SHEET

    if not name.lower().endswith(".xlsx"):
        return False
    try:
        return SHEET in open_workbook(data, file=name).sheetnames
    except Exception:  # not a readable workbook: the lake reader reports it
        return False


def validate_reported(user: User | None, name: str, data: bytes) -> dict[str, Any]:
    """Reported statistics (``pioneer.indicators.template.read_template``): every located error of the
    template, plus a row-level refusal for each division outside the user's scope. Nothing is written."""
    import tempfile

    from pioneer.indicators.template import TemplateErrors, read_template

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            rows = read_template(path)
        except TemplateErrors as exc:
            errs = [_error_row(e) for e in exc.errors]
            return {"upload_id": None, "file": name, "rows_ok": 0, "errors": errs[:1000], "errors_total": len(errs),
                    "kind": "indicators"}  # fmt: skip
        except InputError as exc:
            return {"upload_id": None, "file": name, "rows_ok": 0, "errors": [_error_row(exc)], "errors_total": 1,
                    "kind": "indicators"}  # fmt: skip
    outside = rows[[not auth.allowed(user, auth.Action.EDIT, [str(c)]) for c in rows["division_code"]]]
    errs = [_error_row(InputError("该行政区划不在您的管辖范围内", "division outside your scope", file=name,
                                  row=int(r["row"]), column="division_code", value=r["division_code"]))
            for r in outside.to_dict("records")]  # fmt: skip
    upload_id = None if errs else _keep_upload(user, name, data, "indicators")
    return {"upload_id": upload_id, "file": name, "rows_ok": len(rows) if not errs else 0, "errors": errs,
            "errors_total": len(errs), "kind": "indicators"}  # fmt: skip


def _keep_upload(user: User | None, name: str, data: bytes, kind: str) -> str:
    """Keep a checked upload until it is confirmed (``confirm_upload``): its bytes and who may confirm it."""
    prune_uploads()
    upload_id = uuid.uuid4().hex
    folder = uploads_dir() / upload_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    (folder / "owner.json").write_text(json.dumps({"user_id": user.id if user else None, "kind": kind}))
    return upload_id


def upload_expired(folder: Path, *, now: float | None = None) -> bool:
    """Whether a kept upload is older than ``PIONEER_UPLOAD_EXPIRY_HOURS`` (by its ``owner.json``)."""
    import time

    owner = folder / "owner.json"
    age = (now or time.time()) - (owner.stat().st_mtime if owner.exists() else folder.stat().st_mtime)
    return age > settings().upload_expiry_hours * 3600


def prune_uploads(*, now: float | None = None) -> list[str]:
    """Remove the checked uploads never confirmed within the expiry; returns their ids. Run at each upload, by
    the server's :class:`UploadPruner` and by ``pioneer uploads prune``."""
    root = uploads_dir()
    gone = [p for p in root.iterdir() if p.is_dir() and upload_expired(p, now=now)] if root.is_dir() else []
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
    return [p.name for p in gone]


PRUNE_INTERVAL_S = 15 * 60  # how often the server looks for expired uploads (Pioneer's choice)


class UploadPruner:
    """The server's periodic task removing expired uploads (:func:`prune_uploads`) every ``interval`` seconds, in
    a daemon thread started and stopped with the app (its lifespan), so expired folders go even when nobody
    uploads. ``clock`` (default ``time.time``) is what the expiry is measured against — tests pass a fake one
    and call :meth:`tick`."""

    def __init__(
        self, *, interval: float = PRUNE_INTERVAL_S, clock: Callable[[], float] | None = None
    ) -> None:
        import threading
        import time

        self.interval, self.clock = interval, clock or time.time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.removed: list[str] = []

    def tick(self) -> list[str]:
        """One pass: remove what has expired by ``clock()``; never raises (a failed pass waits for the next)."""
        try:
            gone = prune_uploads(now=self.clock())
        except OSError:
            return []
        self.removed += gone
        return gone

    def start(self) -> UploadPruner:
        import threading

        def run() -> None:
            while not self._stop.is_set():
                self.tick()
                self._stop.wait(self.interval)

        self._stop.clear()
        self._thread = threading.Thread(target=run, name="upload-pruner", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


def _error_row(exc: InputError) -> dict[str, Any]:
    return {"row": exc.row, "column": exc.column, "value": None if exc.value is None else str(exc.value),
            "code": "read", "reason_zh": exc.message_zh, "reason_en": exc.message_en}  # fmt: skip


def confirm_upload(
    session: Session, user: User | None, upload_id: str, *, request_id: str = ""
) -> dict[str, Any]:
    """Import a checked upload into the lake (``pioneer.lake.ingest``) and write the audit entry."""
    scope = [user.division_code] if user is not None and user.division_code else []
    auth.restrict(user, auth.Action.EDIT, scope)
    assert user is not None
    if not upload_id.isalnum():
        raise InputError("上传编号无效", "invalid upload id", value=upload_id)
    folder = uploads_dir() / upload_id
    owner = folder / "owner.json"
    if (
        not owner.exists()
        or upload_expired(folder)
        or json.loads(owner.read_text()).get("user_id") != user.id
    ):
        raise InputError("找不到该上传（已导入或不属于当前用户）", "upload not found (already imported or not yours)",
                         value=upload_id)  # fmt: skip
    files = [p for p in folder.iterdir() if p.name != "owner.json"]
    if json.loads(owner.read_text()).get("kind") == "indicators":
        return _confirm_reported(session, user, folder, files[0], request_id=request_id)
    result = ingest(files, lake=Lake(), known_stations=known_stations(session), who=user.username)[0]
    if not result.ok:
        raise PioneerError(
            "导入被拒绝：数据在确认前已变化", "import rejected: the data changed before confirmation"
        )
    shutil.rmtree(folder, ignore_errors=True)
    after = {"import_id": result.import_id, "file": result.file, "status": result.status,
             "rows_accepted": result.rows_accepted, "sha256": result.sha256}  # fmt: skip
    auth.audit(session, user, "import", "lake_import", result.import_id or result.file, user.division_code, None,
               after, request_id=request_id)  # fmt: skip
    return after


def _confirm_reported(
    session: Session, user: User, folder: Path, path: Path, *, request_id: str
) -> dict[str, Any]:
    """Store a checked template's values (``pioneer.indicators.service.upload_reported``: validated again,
    all or nothing) with the import record, and write the audit entry."""
    from pioneer.indicators.service import upload_reported

    frame = upload_reported(session, path, submitted_by=user.username)
    for code in frame["division_code"].astype(str).unique():  # re-check the scope on what is written
        auth.restrict(user, auth.Action.EDIT, [code])
    from pioneer.indicators.template import file_sha256

    import_id = str(frame["lineage"].iloc[0]["import_id"]) if len(frame) else ""
    after = {"import_id": import_id, "file": path.name, "status": "committed", "rows_accepted": len(frame),
             "sha256": file_sha256(path), "kind": "indicators",
             "divisions": sorted(frame["division_code"].astype(str).unique().tolist())}  # fmt: skip
    auth.audit(session, user, "import", "indicator_import", import_id or path.name, user.division_code, None, after,
               request_id=request_id)  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
    return after


def import_history(session: Session | None = None) -> list[dict[str, Any]]:
    """Lake imports (the lake's import records) and, with a session, reported-statistics imports
    (``indicator_import``), newest first, with provenance (file, who, when, status, rows, sha256)."""
    try:
        records = Lake().records()
    except (OSError, FileNotFoundError):
        records = []
    keys = (
        "import_id",
        "file",
        "who",
        "started_at",
        "status",
        "rows_accepted",
        "rows_rejected",
        "sha256",
        "source",
    )
    out = [{**{k: r.get(k) for k in keys}, "kind": "lake"} for r in records]
    if session is not None:
        from sqlalchemy import select

        from pioneer.indicators.models import IndicatorImport

        for imp in session.scalars(select(IndicatorImport)).all():
            out.append({"import_id": imp.id, "file": imp.file_name, "who": imp.submitted_by,
                        "started_at": imp.created_at.isoformat() if imp.created_at else None, "status": "committed", "rows_accepted": imp.n_rows,
                        "rows_rejected": 0, "sha256": imp.sha256, "source": None, "kind": "indicators"})  # fmt: skip
    return sorted(out, key=lambda r: r.get("started_at") or "", reverse=True)
